// The subset of Node's Buffer that the shared codec, crypto and client code uses (hex, latin1,
// base64url, equals, latin1Slice), for the browser bundle only: scripts/build-console.mjs
// prepends an import of this class to every src/ file that names Buffer. A Uint8Array subclass,
// so every byte API the shared code calls keeps working.

type Encoding = 'hex' | 'latin1' | 'binary' | 'ascii' | 'utf8' | 'utf-8' | 'base64' | 'base64url';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function stringBytes(s: string, enc: Encoding): Uint8Array {
  switch (enc) {
    case 'hex': {
      const n = s.length >> 1;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const pair = s.slice(2 * i, 2 * i + 2);
        // Node stops at the first pair that is not hex (parseInt alone would read '0g' as 0).
        if (!/^[0-9a-fA-F]{2}$/.test(pair)) return out.subarray(0, i);
        out[i] = parseInt(pair, 16);
      }
      return out;
    }
    case 'latin1':
    case 'binary':
    case 'ascii': {
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
      return out;
    }
    case 'base64':
    case 'base64url': {
      const std = s.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
      const bin = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
      return stringBytes(bin, 'latin1');
    }
    default:
      return new TextEncoder().encode(s);
  }
}

function latin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i += 0x2000) s += String.fromCharCode(...b.subarray(i, Math.min(end, i + 0x2000)));
  return s;
}

/** A browser Buffer: the Node API subset listed above, on a Uint8Array. */
export class Buffer extends Uint8Array {
  static of_(x: ArrayBufferLike | ArrayLike<number> | string, encOrOffset?: Encoding | number, length?: number): Buffer {
    if (typeof x === 'string') {
      const b = stringBytes(x, (encOrOffset as Encoding | undefined) ?? 'utf8');
      return new Buffer(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
    }
    if (x instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && x instanceof SharedArrayBuffer)) {
      const off = (encOrOffset as number | undefined) ?? 0;
      return new Buffer(x as ArrayBuffer, off, length ?? x.byteLength - off);
    }
    const copy = new Buffer((x as ArrayLike<number>).length);
    copy.set(x as ArrayLike<number>);
    return copy;
  }

  static alloc(n: number): Buffer {
    return new Buffer(n);
  }

  static allocUnsafe(n: number): Buffer {
    return new Buffer(n);
  }

  static isBuffer(x: unknown): x is Buffer {
    return x instanceof Buffer;
  }

  static byteLength(s: string): number {
    return new TextEncoder().encode(s).length;
  }

  static concat(parts: readonly Uint8Array[]): Buffer {
    const out = new Buffer(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  override toString(enc: Encoding = 'utf8', start = 0, end: number = this.length): string {
    const view = this.subarray(start, end);
    switch (enc) {
      case 'hex': {
        let s = '';
        for (const b of view) s += HEX[b] as string;
        return s;
      }
      case 'latin1':
      case 'binary':
      case 'ascii':
        return latin1(view);
      case 'base64':
        return btoa(latin1(view));
      case 'base64url':
        return btoa(latin1(view)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      default:
        return new TextDecoder().decode(view);
    }
  }

  equals(other: Uint8Array): boolean {
    if (other.length !== this.length) return false;
    for (let i = 0; i < this.length; i++) if (this[i] !== other[i]) return false;
    return true;
  }

  latin1Slice(start: number, end: number): string {
    return latin1(this, start, end);
  }
}

// Node's Buffer.from has overloads TypeScript will not let a subclass declare over
// Uint8Array.from, so it is installed here; the shared code that calls it is typed by
// @types/node, and this file and node-crypto.ts call of_.
Object.defineProperty(Buffer, 'from', { value: Buffer.of_.bind(Buffer), writable: true, configurable: true });
