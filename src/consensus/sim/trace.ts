/**
 * A running 64-bit FNV-1a hash over everything that happens in a run (deliveries, commits,
 * crashes), in order. Two runs of one seed must end with the same value (determinism); the
 * hash is cheap enough to keep on in every run.
 */
export class TraceHash {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;
  private n = 0;

  /** Mixes one entry made of numbers and strings. */
  record(...parts: readonly (number | string)[]): void {
    for (const p of parts) {
      const s = typeof p === 'number' ? p.toString(36) : p;
      for (let i = 0; i < s.length; i++) this.mixByte(s.charCodeAt(i) & 0xff);
      this.mixByte(0x1f);
    }
    this.n++;
  }

  /** Mixes raw bytes (first and last 32 bytes and the length keep it cheap for blocks). */
  recordBytes(b: Uint8Array): void {
    const head = Math.min(32, b.length);
    for (let i = 0; i < head; i++) this.mixByte(b[i] as number);
    for (let i = Math.max(head, b.length - 32); i < b.length; i++) this.mixByte(b[i] as number);
    this.record(b.length);
  }

  /** Number of entries recorded. */
  get entries(): number {
    return this.n;
  }

  /** The hash as 16 hex digits. */
  digest(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }

  // 64-bit FNV prime 0x100000001b3 multiply, done in 32-bit halves.
  private mixByte(byte: number): void {
    this.lo ^= byte;
    const lo = this.lo >>> 0;
    const hi = this.hi >>> 0;
    const loMul = lo * 0x1b3;
    const newLo = loMul >>> 0;
    const carry = Math.floor(loMul / 0x1_0000_0000);
    const newHi = (Math.imul(hi, 0x1b3) + (lo << 8) + carry) >>> 0;
    this.lo = newLo;
    this.hi = newHi;
  }
}
