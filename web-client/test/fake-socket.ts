/**
 * A WebSocket stand-in for the protocol client's tests: records what the
 * client sends and lets the test open, answer, push events and close.
 */
import type { SocketLike, KeyValueStorage } from '../src/protocol/client';

export class FakeSocket implements SocketLike {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;

  readyState = FakeSocket.CONNECTING;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: any[] = [];
  closedByClient: { code?: number; reason?: string } | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
    this.readyState = FakeSocket.CLOSED;
  }

  // ---- driven by the test

  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.({});
  }

  /** The server closes the connection (or the network drops it). */
  serverClose(code = 1006, reason = ''): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason });
  }

  /** Fails before opening, as a refused upgrade does. */
  fail(): void {
    this.readyState = FakeSocket.CLOSED;
    this.onerror?.({});
    this.onclose?.({ code: 1006, reason: '' });
  }

  push(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  reply(id: string, result: unknown = {}): void {
    this.push({ id, ok: true, result });
  }

  replyError(id: string, code: string, message = code, extra: Record<string, unknown> = {}): void {
    this.push({ id, ok: false, error: { code, message, ...extra } });
  }

  /** Requests sent with a given op. */
  ops(op: string): any[] {
    return this.sent.filter((f) => f.op === op);
  }

  last(): any {
    return this.sent[this.sent.length - 1];
  }
}

export class SocketHub {
  sockets: FakeSocket[] = [];
  factory = (url: string): FakeSocket => {
    const s = new FakeSocket(url);
    this.sockets.push(s);
    return s;
  };
  get current(): FakeSocket {
    return this.sockets[this.sockets.length - 1];
  }
}

export class MemoryStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.has(key) ? this.map.get(key)! : null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, String(value));
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

/** Lets pending promise callbacks run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
