import type { Rng } from '../../types/edges.js';

/**
 * Seeded generator (splitmix32): fast, well mixed, and the only randomness in the simulator,
 * so a seed fixes the whole run. Never Math.random (an unseeded global, etcd's globalRand).
 */
export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number) {
    // Mixes seeds above 2^32 into the state too, so seed 1 and 2^32 + 1 differ.
    this.state = (seed ^ Math.floor(seed / 0x1_0000_0000) ^ 0x5bd1e995) >>> 0;
  }

  /** Next 32-bit unsigned value. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** An independent generator derived from this one (keeps sub-streams stable when one changes). */
  fork(): SeededRng {
    return new SeededRng(this.nextU32());
  }
}
