import { connect, type Socket } from 'node:net';

// The load process's HTTP client: pre-built POST requests written on a few keep-alive
// connections per member, pipelined (HTTP/1.1; the server answers each connection in order),
// with just enough response parsing to count statuses and read error codes. node:http's client
// cost ~300 µs of CPU per request here, on the same two cores as the members it measures;
// this costs a few µs. Content-Length framed answers only (what Fastify sends for JSON).

/** What became of one request. */
export type SendOutcome = { readonly status: number; readonly body: Buffer } | { readonly status: 0; readonly error: string };

interface Conn {
  readonly socket: Socket;
  /** Callbacks of the requests written and not answered yet, in order. */
  readonly waiting: ((o: SendOutcome) => void)[];
  buf: Buffer;
  dead: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Keep-alive, pipelining POST sender to one `http://host:port`. */
export class HttpSender {
  private readonly conns: Conn[] = [];
  private next = 0;
  private readonly host: string;

  constructor(url: string, connections: number) {
    const u = new URL(url);
    this.host = u.host;
    for (let i = 0; i < connections; i++) {
      const socket = connect({ host: u.hostname, port: Number(u.port), noDelay: true });
      const conn: Conn = { socket, waiting: [], buf: Buffer.alloc(0), dead: false };
      socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
      const fail = (why: string): void => {
        if (conn.dead) return;
        conn.dead = true;
        for (const w of conn.waiting.splice(0)) w({ status: 0, error: why });
      };
      socket.on('error', (e) => fail(e.message));
      socket.on('close', () => fail('connection closed'));
      this.conns.push(conn);
    }
  }

  /** The bytes of a POST of `body` (JSON) to `path` on this sender's host. */
  request(path: string, body: string): Buffer {
    const b = Buffer.from(body, 'utf8');
    const head = `POST ${path} HTTP/1.1\r\nHost: ${this.host}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), b]);
  }

  /** Writes a request built by `request` on the connection with the fewest answers pending. */
  send(bytes: Buffer, done: (o: SendOutcome) => void): void {
    let best: Conn | undefined;
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[(this.next + i) % this.conns.length] as Conn;
      if (!c.dead && (best === undefined || c.waiting.length < best.waiting.length)) best = c;
    }
    this.next++;
    if (best === undefined) return done({ status: 0, error: 'no connection' });
    best.waiting.push(done);
    best.socket.write(bytes);
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
      conn.waiting.shift()?.({ status, body });
    }
  }
}
