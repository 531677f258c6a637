import { connect, type Socket } from 'node:net';

// The load process's HTTP client: pre-built POST requests written on a few keep-alive
// connections per member, one request in flight per connection and the rest waiting here in
// order, as node:http's Agent does (so a member never holds more than `connections` of this
// process's requests), with just enough response parsing to count statuses and read error
// codes. node:http's client cost ~300 µs of CPU per request here, on the same two cores as the
// members it measures; this costs a few tens. Content-Length framed answers only (Fastify's).

/** What became of one request. */
export type SendOutcome = { readonly status: number; readonly body: Buffer } | { readonly status: 0; readonly error: string };

interface Conn {
  readonly socket: Socket;
  /** The callback of the request written and not answered yet. */
  current: ((o: SendOutcome) => void) | null;
  buf: Buffer;
  dead: boolean;
}

interface Queued {
  readonly bytes: Buffer;
  readonly done: (o: SendOutcome) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Keep-alive POST sender to one `http://host:port`, one request in flight per connection. */
export class HttpSender {
  private readonly conns: Conn[] = [];
  private readonly idle: Conn[] = [];
  private queue: Queued[] = [];
  private head = 0;
  private readonly host: string;

  constructor(url: string, connections: number) {
    const u = new URL(url);
    this.host = u.host;
    for (let i = 0; i < connections; i++) {
      const socket = connect({ host: u.hostname, port: Number(u.port), noDelay: true });
      const conn: Conn = { socket, current: null, buf: Buffer.alloc(0), dead: false };
      socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
      const fail = (why: string): void => {
        if (conn.dead) return;
        conn.dead = true;
        conn.current?.({ status: 0, error: why });
        conn.current = null;
        const i = this.idle.indexOf(conn);
        if (i >= 0) this.idle.splice(i, 1);
        if (this.conns.every((c) => c.dead)) {
          for (let q = this.head; q < this.queue.length; q++) this.queue[q]?.done({ status: 0, error: why });
          this.queue = [];
          this.head = 0;
        }
      };
      socket.on('error', (e) => fail(e.message));
      socket.on('close', () => fail('connection closed'));
      this.conns.push(conn);
      this.idle.push(conn);
    }
  }

  /** The bytes of a POST of `body` (JSON) to `path` on this sender's host. */
  request(path: string, body: string): Buffer {
    const b = Buffer.from(body, 'utf8');
    const head = `POST ${path} HTTP/1.1\r\nHost: ${this.host}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), b]);
  }

  /** Writes a request built by `request` on an idle connection, or queues it for the next one. */
  send(bytes: Buffer, done: (o: SendOutcome) => void): void {
    if (this.conns.every((c) => c.dead)) return done({ status: 0, error: 'no connection' });
    const conn = this.idle.pop();
    if (conn === undefined) this.queue.push({ bytes, done });
    else this.write(conn, { bytes, done });
  }

  private write(conn: Conn, q: Queued): void {
    conn.current = q.done;
    conn.socket.write(q.bytes);
  }

  private release(conn: Conn): void {
    if (this.head < this.queue.length) {
      const q = this.queue[this.head++] as Queued;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.write(conn, q);
    } else this.idle.push(conn);
  }

  /** Closes every connection; unanswered requests fail. */
  close(): void {
    for (const c of this.conns) c.socket.destroy();
  }

  private onData(conn: Conn, chunk: Buffer): void {
    conn.buf = conn.buf.length === 0 ? chunk : Buffer.concat([conn.buf, chunk]);
    for (;;) {
      const end = conn.buf.indexOf(HEADER_END);
      if (end < 0) return;
      const head = conn.buf.toString('latin1', 0, end);
      const status = Number(head.slice(9, 12));
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (m === null || !Number.isInteger(status)) {
        conn.socket.destroy(new Error('unframed HTTP answer'));
        return;
      }
      const total = end + 4 + Number(m[1]);
      if (conn.buf.length < total) return;
      const body = conn.buf.subarray(end + 4, total);
      conn.buf = conn.buf.subarray(total);
      const done = conn.current;
      conn.current = null;
      this.release(conn);
      done?.({ status, body });
    }
  }
}
