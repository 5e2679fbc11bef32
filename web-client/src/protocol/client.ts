/**
 * The Pacte protocol client: one WebSocket per tab, as specified in
 * docs/protocol.md.
 *
 * What it promises:
 * - `request(op, args)` sends `{id, op, args}` with an id `${clientId}-${n}`
 *   and resolves with the `result` of the one reply carrying that id, or rejects
 *   with a {@link ProtocolError}.
 * - A request made while disconnected waits; after every (re)connection the
 *   client first sends `sync.subscribe` with the last sequence seen per
 *   workspace and on the personal stream, then re-sends every request that has
 *   no reply yet **with its original id** (the server answers a repeated id
 *   with the original reply, so nothing is done twice).
 * - Stored events are delivered once: an event whose `(workspace, seq)` (or
 *   personal `seq`) was already seen is dropped. `resync_required`, and a gap
 *   in a stream's sequence, are reported through `onResync` so that the app
 *   reloads that workspace.
 * - Requests sent with `{durable: true}` (chat messages) are also written to
 *   storage (sessionStorage in the browser), so that a message typed while
 *   offline survives a reload and is sent when the connection is back.
 * - Reconnection is automatic, with exponential backoff and jitter capped at
 *   `backoff.maxMs`. A close with code 4001 (session ended) stops it.
 *
 * Everything that touches the outside world (socket, storage, randomness) is
 * injected so that tests can drive it.
 */
import type { EventFrame, ReplyFrame } from './types';

/** The subset of the browser WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * - `connecting`: a socket is being opened or the subscription is in progress;
 * - `online`: subscribed, requests flow;
 * - `offline`: no connection, waiting for the next attempt;
 * - `ended`: the server ended the session (close 4001) — sign in again;
 * - `stopped`: `stop()` was called.
 */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'ended' | 'stopped';

export interface BackoffOptions {
  /** First delay, in ms (default 500). */
  initialMs?: number;
  /** Cap, in ms (default 10 000). */
  maxMs?: number;
  /** Growth factor (default 2). */
  factor?: number;
}

export interface ClientOptions {
  url: string;
  socketFactory?: SocketFactory;
  /** Where the client id, the id counter and the outbox live (sessionStorage in a browser). */
  storage?: KeyValueStorage | null;
  random?: () => number;
  backoff?: BackoffOptions;
  /** When it returns false (navigator.onLine), reconnection attempts wait for `reconnectNow()`. */
  isNetworkUp?: () => boolean;
  /**
   * Asked when a connection attempt fails before opening (a browser does not
   * tell why an upgrade failed): `'ended'` stops the client as a 4001 would.
   */
  checkSession?: () => Promise<'ok' | 'ended' | 'unknown'>;
  /**
   * A connection that is not subscribed within this delay (ms, default
   * 15 000) is dropped and tried again: some failures (a stalled proxy, a
   * blocked connection) never fire `close`.
   */
  connectTimeoutMs?: number;
}

export interface RequestOptions {
  /** Keep in the persistent outbox until answered (chat messages). */
  durable?: boolean;
  /** Do not queue: fail at once when not online (typing signals). */
  ephemeral?: boolean;
  /**
   * Kept with a durable request in the outbox but never sent: what the page
   * needs to show it while it waits (e.g. the names and sizes of the files
   * whose ids are in `args.attachments`).
   */
  meta?: Record<string, unknown>;
}

/** A queued change that must reach the server even across a reload. */
export interface OutboxItem {
  id: string;
  op: string;
  args: Record<string, unknown>;
  queuedAt: string;
  /** The person who queued it; items of another person are dropped at `hello`. */
  person?: number;
  /** Display-only data given with the request ({@link RequestOptions.meta}); not sent. */
  meta?: Record<string, unknown>;
}

/** A typed error from the server, or a local one (`offline`, `stopped`, `unauthenticated`). */
export class ProtocolError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly retryAfter?: number;
  readonly messageFr?: string;
  constructor(code: string, message: string, extra: { field?: string; retryAfter?: number; messageFr?: string } = {}) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.field = extra.field;
    this.retryAfter = extra.retryAfter;
    this.messageFr = extra.messageFr;
  }
}

/** What `onResync` reports: a workspace id, or `'personal'` for the personal stream. */
export type ResyncTarget = number | 'personal';

interface Pending {
  id: string;
  op: string;
  args: Record<string, unknown>;
  durable: boolean;
  ephemeral: boolean;
  /** Internal requests (sync.subscribe) are never re-sent: a new one is made. */
  internal: boolean;
  resolve: (result: any) => void;
  reject: (err: ProtocolError) => void;
  /** Sent on the current socket. */
  sent: boolean;
}

type Handler<T> = (value: T) => void;

class Listeners<T> {
  private set = new Set<Handler<T>>();
  add(fn: Handler<T>): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }
  emit(value: T): void {
    for (const fn of [...this.set]) {
      try {
        fn(value);
      } catch (err) {
        console.error('pacte: listener failed', err);
      }
    }
  }
}

const CLIENT_ID_KEY = 'pacte.clientId';
const COUNTER_KEY = 'pacte.requestCounter';
const OUTBOX_KEY = 'pacte.outbox';

/** Durable requests that get these errors are kept and tried again with the same id. */
const RETRYABLE = new Set(['unavailable', 'rate_limited']);

export function backoffDelay(attempt: number, random: () => number, opts: BackoffOptions = {}): number {
  const initial = opts.initialMs ?? 500;
  const max = opts.maxMs ?? 10_000;
  const factor = opts.factor ?? 2;
  const ceiling = Math.min(max, initial * Math.pow(factor, attempt));
  // "Equal jitter": at least half the ceiling, so that a crowd of clients
  // spreads out without any of them hammering the server.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function randomId(random: () => number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

export class ProtocolClient {
  readonly url: string;
  readonly clientId: string;

  private readonly socketFactory: SocketFactory;
  private readonly storage: KeyValueStorage | null;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly isNetworkUp: () => boolean;
  private readonly checkSession?: ClientOptions['checkSession'];
  private readonly connectTimeoutMs: number;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;

  private counter: number;
  private socket: SocketLike | null = null;
  private opened = false;
  private _state: ConnectionState = 'offline';
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  /** Unanswered requests, in the order they were made (Map keeps insertion order). */
  private pending = new Map<string, Pending>();
  private outboxItems: OutboxItem[] = [];
  private seqs = new Map<number, number>();
  private personal: number | null = null;
  private _person: { id: number; name: string; locale?: string } | null = null;

  private stateListeners = new Listeners<ConnectionState>();
  private eventListeners = new Map<string, Listeners<EventFrame>>();
  private resyncListeners = new Listeners<ResyncTarget>();
  private endedListeners = new Listeners<void>();
  private outboxListeners = new Listeners<OutboxItem[]>();
  private outboxDoneListeners = new Listeners<{ item: OutboxItem; result?: any; error?: ProtocolError }>();

  constructor(opts: ClientOptions) {
    this.url = opts.url;
    this.socketFactory =
      opts.socketFactory ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    this.storage = opts.storage === undefined ? null : opts.storage;
    this.random = opts.random ?? Math.random;
    this.backoff = opts.backoff ?? {};
    this.isNetworkUp = opts.isNetworkUp ?? (() => true);
    this.checkSession = opts.checkSession;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 15_000;

    let clientId = this.read(CLIENT_ID_KEY);
    if (!clientId || !/^[a-z0-9]{4,40}$/.test(clientId)) {
      clientId = randomId(this.random);
      this.write(CLIENT_ID_KEY, clientId);
    }
    this.clientId = clientId;
    // The counter goes on from its stored value, and never starts below the
    // clock in microseconds: a duplicated browser tab copies sessionStorage
    // (client id and counter alike), and two tabs counting from the same
    // value would reuse ids — the server would answer `conflict`, or worse,
    // replay another request's reply.
    const stored = Number(this.read(COUNTER_KEY));
    const floor = Date.now() * 1000;
    this.counter = Math.max(Number.isSafeInteger(stored) && stored > 0 ? stored : 0, floor);
    this.restoreOutbox();
  }

  // ---------------------------------------------------------------- state

  get state(): ConnectionState {
    return this._state;
  }

  get online(): boolean {
    return this._state === 'online';
  }

  /** The person of the `hello` event of the current connection. */
  get person() {
    return this._person;
  }

  /** Last sequence seen in a workspace's log, if any. */
  lastSeq(workspace: number): number | undefined {
    return this.seqs.get(workspace);
  }

  get personalSeq(): number | null {
    return this.personal;
  }

  /** Messages waiting for their reply (to show them as "sending"). */
  get outbox(): readonly OutboxItem[] {
    return this.outboxItems;
  }

  onState(fn: Handler<ConnectionState>): () => void {
    return this.stateListeners.add(fn);
  }

  /** Listen to one event type, or to every frame with `'*'`. */
  on<D = any>(type: string, fn: Handler<EventFrame<D>>): () => void {
    let set = this.eventListeners.get(type);
    if (!set) {
      set = new Listeners<EventFrame>();
      this.eventListeners.set(type, set);
    }
    return set.add(fn as Handler<EventFrame>);
  }

  /** The app must reload this workspace's state (`chat.threads`, `chat.history`). */
  onResync(fn: Handler<ResyncTarget>): () => void {
    return this.resyncListeners.add(fn);
  }

  /** The session ended (close 4001, or the server refused the session). */
  onSessionEnded(fn: () => void): () => void {
    return this.endedListeners.add(fn);
  }

  onOutbox(fn: Handler<OutboxItem[]>): () => void {
    return this.outboxListeners.add(fn);
  }

  /** A durable request got its final reply (also for items restored after a reload). */
  onOutboxDone(fn: Handler<{ item: OutboxItem; result?: any; error?: ProtocolError }>): () => void {
    return this.outboxDoneListeners.add(fn);
  }

  // ------------------------------------------------------------ lifecycle

  /** Opens the connection (idempotent). */
  start(): void {
    if (this._state === 'stopped' || this._state === 'ended') {
      this.attempt = 0;
      this.requeueOutbox();
    }
    this.started = true;
    if (this.socket || this.timer) return;
    this.connect();
  }

  /** Closes for good (sign-out). Unanswered requests are rejected. */
  stop(): void {
    this.started = false;
    this.clearTimer();
    this.clearConnectTimer();
    const socket = this.socket;
    this.socket = null;
    this.opened = false;
    if (socket) {
      detach(socket);
      try {
        socket.close(1000, 'bye');
      } catch {
        /* already closed */
      }
    }
    this.rejectAll(new ProtocolError('stopped', 'client stopped'));
    this.setState('stopped');
  }

  /** Forgets the persistent outbox (sign-out, or another person signing in). */
  clearOutbox(): void {
    for (const item of this.outboxItems) {
      const p = this.pending.get(item.id);
      if (p) {
        this.pending.delete(item.id);
        p.reject(new ProtocolError('stopped', 'outbox cleared'));
      }
    }
    this.outboxItems = [];
    this.saveOutbox();
  }

  /** Try now (the browser says the network is back, or the user asked). */
  reconnectNow(): void {
    if (!this.started) return;
    if (this.socket) return;
    this.clearTimer();
    this.attempt = 0;
    this.connect();
  }

  /**
   * Drops the current connection and goes through the usual reconnection
   * (the browser says the network is gone: Chrome keeps dead sockets open).
   */
  dropConnection(): void {
    const socket = this.socket;
    if (!socket) return;
    detach(socket);
    try {
      socket.close(4000, 'network lost');
    } catch {
      /* ignore */
    }
    this.handleClose(socket, 1006);
  }

  // ------------------------------------------------------------- requests

  request<T = any>(op: string, args: Record<string, unknown> = {}, opts: RequestOptions = {}): Promise<T> {
    if (this._state === 'ended' || this._state === 'stopped') {
      return Promise.reject(new ProtocolError('unauthenticated', 'not connected'));
    }
    if (opts.ephemeral && this._state !== 'online') {
      return Promise.reject(new ProtocolError('offline', 'offline'));
    }
    const id = this.nextId();
    return new Promise<T>((resolve, reject) => {
      const p: Pending = {
        id,
        op,
        args,
        durable: !!opts.durable,
        ephemeral: !!opts.ephemeral,
        internal: false,
        resolve,
        reject,
        sent: false,
      };
      this.pending.set(id, p);
      if (p.durable) {
        const item: OutboxItem = {
          id,
          op,
          args,
          queuedAt: new Date().toISOString(),
          person: this._person?.id,
        };
        if (opts.meta) item.meta = opts.meta;
        this.outboxItems.push(item);
        this.saveOutbox();
      }
      if (this._state === 'online') this.transmit(p);
    });
  }

  private nextId(): string {
    this.counter += 1;
    this.write(COUNTER_KEY, String(this.counter));
    return `${this.clientId}-${this.counter}`;
  }

  private transmit(p: Pending): void {
    if (!this.socket) return;
    const frame = JSON.stringify({ id: p.id, op: p.op, args: p.args });
    try {
      this.socket.send(frame);
      p.sent = true;
    } catch {
      p.sent = false;
    }
  }

  // ----------------------------------------------------------- connection

  private connect(): void {
    this.clearTimer();
    let socket: SocketLike;
    try {
      socket = this.socketFactory(this.url);
    } catch (err) {
      console.warn('pacte: cannot open the WebSocket', err);
      this.setState('offline');
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.opened = false;
    this.setState('connecting');
    this.clearConnectTimer();
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.socket !== socket || this._state === 'online') return;
      detach(socket);
      try {
        socket.close(4000, 'connection timeout');
      } catch {
        /* ignore */
      }
      this.handleClose(socket, 1006);
    }, this.connectTimeoutMs);
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.opened = true;
      this.subscribe();
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.handleFrame(ev.data);
    };
    socket.onerror = () => {
      /* a close follows */
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.handleClose(socket, ev?.code ?? 1006);
    };
  }

  private subscribe(): void {
    const since: Record<string, number> = {};
    for (const [ws, seq] of this.seqs) since[String(ws)] = seq;
    const args: Record<string, unknown> = { since };
    if (this.personal !== null) args.personal = this.personal;
    const id = this.nextId();
    const p: Pending = {
      id,
      op: 'sync.subscribe',
      args,
      durable: false,
      ephemeral: false,
      internal: true,
      resolve: (result) => this.subscribed(result),
      reject: (err) => this.subscribeFailed(err),
      sent: false,
    };
    this.pending.set(id, p);
    this.transmit(p);
  }

  private subscribed(result: any): void {
    // The reply's sequences are the exact point from which events follow on
    // this connection: the baseline for deduplication and the next resume.
    const workspaces = (result && result.workspaces) || {};
    for (const key of Object.keys(workspaces)) {
      const ws = Number(key);
      const seq = Number(workspaces[key]);
      if (!Number.isFinite(ws) || !Number.isFinite(seq)) continue;
      const known = this.seqs.get(ws);
      if (known === undefined || seq > known) this.seqs.set(ws, seq);
    }
    if (result && typeof result.personal === 'number') {
      if (this.personal === null || result.personal > this.personal) this.personal = result.personal;
    }
    this.attempt = 0;
    this.clearConnectTimer();
    this.setState('online');
    this.flush();
  }

  private subscribeFailed(err: ProtocolError): void {
    if (err.code === 'unauthenticated') {
      this.endSession();
      return;
    }
    // Anything else: drop this connection and try again later.
    const socket = this.socket;
    if (socket) {
      detach(socket);
      try {
        socket.close(4000, 'subscribe failed');
      } catch {
        /* ignore */
      }
      this.handleClose(socket, 1006);
    }
  }

  /** Sends every unanswered request, oldest first, with its original id. */
  private flush(): void {
    for (const p of this.pending.values()) {
      if (!p.sent && !p.internal) this.transmit(p);
    }
  }

  private handleClose(socket: SocketLike, code: number): void {
    if (this.socket !== socket) return;
    this.clearConnectTimer();
    const wasOpened = this.opened;
    this.socket = null;
    this.opened = false;
    for (const p of [...this.pending.values()]) {
      p.sent = false;
      if (p.internal) {
        this.pending.delete(p.id);
      } else if (p.ephemeral) {
        this.pending.delete(p.id);
        p.reject(new ProtocolError('offline', 'connection lost'));
      }
    }
    if (code === 4001) {
      this.endSession();
      return;
    }
    if (!this.started) return;
    this.setState('offline');
    if (!wasOpened && this.checkSession) {
      const attempt = this.attempt;
      this.checkSession().then(
        (verdict) => {
          if (verdict === 'ended' && this.started && !this.socket && this.attempt >= attempt) this.endSession();
        },
        () => {
          /* unknown: keep trying */
        },
      );
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.clearTimer();
    if (!this.started) return;
    const delay = backoffDelay(this.attempt, this.random, this.backoff);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.started || this.socket) return;
      if (!this.isNetworkUp()) {
        // No network: do not spin; `reconnectNow()` is called when it returns,
        // and we still look again from time to time in case the browser lies.
        this.timer = setTimeout(() => {
          this.timer = null;
          if (this.started && !this.socket) this.connect();
        }, this.backoff.maxMs ?? 10_000);
        return;
      }
      this.connect();
    }, delay);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private endSession(): void {
    this.started = false;
    this.clearTimer();
    this.clearConnectTimer();
    const socket = this.socket;
    this.socket = null;
    this.opened = false;
    if (socket) {
      detach(socket);
      try {
        socket.close(1000, 'session ended');
      } catch {
        /* ignore */
      }
    }
    this.rejectAll(new ProtocolError('unauthenticated', 'session ended'));
    this.setState('ended');
    this.endedListeners.emit();
  }

  /** Rejects every waiting promise; durable items stay in storage. */
  private rejectAll(err: ProtocolError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.stateListeners.emit(state);
  }

  // --------------------------------------------------------------- frames

  private handleFrame(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: any;
    try {
      frame = JSON.parse(raw);
    } catch {
      console.warn('pacte: unreadable frame');
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    if (typeof frame.id === 'string' && typeof frame.ok === 'boolean') {
      this.handleReply(frame as ReplyFrame);
    } else if (typeof frame.event === 'string') {
      this.handleEvent(frame as EventFrame);
    }
  }

  private handleReply(reply: ReplyFrame): void {
    const p = this.pending.get(reply.id);
    if (!p) return; // a duplicate reply, or one for a request given up
    if (reply.ok) {
      this.pending.delete(p.id);
      if (p.durable) this.finishOutbox(p.id, reply.result);
      p.resolve(reply.result ?? {});
      return;
    }
    const e = reply.error ?? { code: 'unavailable', message: 'unknown error' };
    const err = new ProtocolError(e.code, e.message, {
      field: e.field,
      retryAfter: e.retry_after,
      messageFr: e.message_fr,
    });
    if (p.durable && RETRYABLE.has(e.code)) {
      // Safe to retry with the same id: try again later on this connection.
      p.sent = false;
      const delay = Math.max(1, e.retry_after ?? 2) * 1000;
      setTimeout(() => {
        if (this.pending.get(p.id) === p && !p.sent && this._state === 'online') this.transmit(p);
      }, delay);
      return;
    }
    this.pending.delete(p.id);
    if (p.durable) this.finishOutbox(p.id, undefined, err);
    p.reject(err);
  }

  private handleEvent(ev: EventFrame): void {
    if (ev.event === 'hello') {
      const person = ev.data?.person;
      if (person && typeof person.id === 'number') {
        this._person = person;
        this.adoptOutbox(person.id);
      }
    } else if (ev.event === 'resync_required' && ev.stream === 'personal') {
      const latest = Number(ev.data?.latest_seq);
      if (Number.isFinite(latest)) this.personal = latest;
      this.emitEvent(ev);
      this.resyncListeners.emit('personal');
      return;
    } else if (ev.event === 'resync_required') {
      const ws = Number(ev.workspace);
      const latest = Number(ev.data?.latest_seq);
      if (Number.isFinite(ws)) {
        if (Number.isFinite(latest)) this.seqs.set(ws, latest);
        this.emitEvent(ev);
        this.resyncListeners.emit(ws);
      }
      return;
    } else if (typeof ev.seq === 'number') {
      let gap = false;
      if (ev.stream === 'personal') {
        if (this.personal !== null && ev.seq <= this.personal) return; // seen
        gap = this.personal !== null && ev.seq > this.personal + 1;
        this.personal = ev.seq;
        this.emitEvent(ev);
        if (gap) this.resyncListeners.emit('personal');
        return;
      }
      if (typeof ev.workspace === 'number') {
        const last = this.seqs.get(ev.workspace);
        if (last !== undefined && ev.seq <= last) return; // seen
        gap = last !== undefined && ev.seq > last + 1;
        this.seqs.set(ev.workspace, ev.seq);
        this.emitEvent(ev);
        if (gap) this.resyncListeners.emit(ev.workspace);
        return;
      }
    }
    this.emitEvent(ev);
  }

  private emitEvent(ev: EventFrame): void {
    this.eventListeners.get(ev.event)?.emit(ev);
    this.eventListeners.get('*')?.emit(ev);
  }

  // --------------------------------------------------------------- outbox

  private restoreOutbox(): void {
    const raw = this.read(OUTBOX_KEY);
    if (!raw) return;
    let items: OutboxItem[] = [];
    try {
      const parsed = JSON.parse(raw);
      if (Array.isArray(parsed)) items = parsed.filter((i) => i && typeof i.id === 'string' && typeof i.op === 'string');
    } catch {
      items = [];
    }
    this.outboxItems = items;
    this.requeueOutbox();
  }

  /** Makes every stored outbox item a pending request again (at start-up, or after a new sign-in). */
  private requeueOutbox(): void {
    for (const item of this.outboxItems) {
      if (this.pending.has(item.id)) continue;
      this.pending.set(item.id, {
        id: item.id,
        op: item.op,
        args: item.args ?? {},
        durable: true,
        ephemeral: false,
        internal: false,
        resolve: () => {},
        reject: () => {},
        sent: false,
      });
    }
  }

  /** Drops restored items queued by someone else (another account in this tab). */
  private adoptOutbox(personId: number): void {
    let changed = false;
    for (const item of this.outboxItems) {
      if (item.person === undefined) {
        item.person = personId;
        changed = true;
      }
    }
    const foreign = this.outboxItems.filter((i) => i.person !== personId);
    if (foreign.length) {
      for (const item of foreign) {
        const p = this.pending.get(item.id);
        this.pending.delete(item.id);
        p?.reject(new ProtocolError('forbidden', 'queued by another person'));
      }
      this.outboxItems = this.outboxItems.filter((i) => i.person === personId);
      changed = true;
    }
    if (changed) this.saveOutbox();
  }

  private finishOutbox(id: string, result?: unknown, error?: ProtocolError): void {
    const item = this.outboxItems.find((i) => i.id === id);
    if (!item) return;
    this.outboxItems = this.outboxItems.filter((i) => i.id !== id);
    this.saveOutbox();
    this.outboxDoneListeners.emit({ item, result, error });
  }

  private saveOutbox(): void {
    if (this.outboxItems.length) this.write(OUTBOX_KEY, JSON.stringify(this.outboxItems));
    else this.remove(OUTBOX_KEY);
    this.outboxListeners.emit([...this.outboxItems]);
  }

  // -------------------------------------------------------------- storage

  private read(key: string): string | null {
    try {
      return this.storage ? this.storage.getItem(key) : null;
    } catch {
      return null;
    }
  }

  private write(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      /* storage full or disabled: keep going in memory */
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      /* ignore */
    }
  }
}

function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onclose = null;
  socket.onmessage = null;
  socket.onerror = null;
}

/** The URL of the server's WebSocket for the page being shown. */
export function defaultSocketUrl(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}
