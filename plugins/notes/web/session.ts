/**
 * One open note on the client: the ot.js client state machine over the notes protocol.
 *
 * - One operation in flight at a time (`notes.submit`), later edits composed into a
 *   buffer; the operation sent is never changed (a re-send carries the same base
 *   revision, operation, client id and sequence number, so the server applies it once).
 * - Operations arrive in revision order (`notes.op` broadcasts, or `notes.ops` to catch
 *   up after a gap or a reconnection); our own is the acknowledgement.
 * - Remote cursors are tagged with the revision they refer to; `transformFrom` brings a
 *   position from that revision to the text shown here (pending local edits included).
 *
 * Positions are code points, as on the wire; the panel converts at the textarea.
 */
import { TextOperation, type Component } from './ot.ts';

export interface OpData {
  note: number;
  rev: number;
  op: Component[];
  client_id: string;
  seq: number;
  author?: number;
}

export interface SubmitArgs {
  note: number;
  base_rev: number;
  client_id: string;
  seq: number;
  op: Component[];
}

/** How the session talks to the server (the panel wraps ProtocolClient.request). */
export interface Transport {
  submit(args: SubmitArgs): Promise<{ rev: number }>;
  ops(note: number, since: number): Promise<{ ops: OpData[]; rev: number }>;
}

const HISTORY = 300;

export class NoteSession {
  text: string;
  rev: number;
  seq = 0;
  inflight: TextOperation | null = null;
  buffer: TextOperation | null = null;
  /** The submit's arguments exactly as first sent. */
  sent: SubmitArgs | null = null;
  private catching = false;
  private history = new Map<number, TextOperation>();
  /** Called after a remote operation changed `text` (the operation on the old text). */
  onRemote: (op: TextOperation) => void = () => {};
  /** Called when the server refused our operation or the base is too old: reopen. */
  onResync: (reason: unknown) => void = () => {};

  constructor(
    readonly note: number,
    readonly clientId: string,
    text: string,
    rev: number,
    private readonly transport: Transport,
  ) {
    this.text = text;
    this.rev = rev;
  }

  get pending(): boolean {
    return this.inflight !== null;
  }

  /** A local edit (an operation on the current text). */
  local(op: TextOperation): void {
    if (op.isNoop()) return;
    this.text = op.apply(this.text);
    if (this.inflight) this.buffer = this.buffer ? this.buffer.compose(op) : op;
    else {
      this.inflight = op;
      this.send();
    }
  }

  private send(): void {
    const op = this.inflight as TextOperation;
    const args: SubmitArgs = {
      note: this.note,
      base_rev: this.rev,
      client_id: this.clientId,
      seq: ++this.seq,
      op: op.toJSON(),
    };
    this.sent = args;
    this.transport.submit(args).then(
      (r) => {
        // Acknowledged; if its broadcast (or earlier ones) has not arrived, catch up.
        if (r.rev > this.rev) void this.catchUp();
      },
      (err: unknown) => {
        if (this.sent === args) this.onResync(err);
      },
    );
  }

  /** A `notes.op` event (or one operation of a catch-up). */
  receive(d: OpData): void {
    if (d.note !== this.note || d.rev <= this.rev) return;
    if (d.rev > this.rev + 1) {
      void this.catchUp();
      return;
    }
    const applied = TextOperation.fromJSON(d.op);
    this.rev = d.rev;
    this.remember(d.rev, applied);
    if (this.inflight && this.sent && d.client_id === this.clientId && d.seq === this.sent.seq) {
      this.inflight = null;
      this.sent = null;
      if (this.buffer) {
        this.inflight = this.buffer;
        this.buffer = null;
        this.send();
      }
      return;
    }
    let remote = applied;
    if (this.inflight) {
      [this.inflight, remote] = TextOperation.transform(this.inflight, remote);
      if (this.buffer) [this.buffer, remote] = TextOperation.transform(this.buffer, remote);
    }
    this.text = remote.apply(this.text);
    this.onRemote(remote);
  }

  /** Fetches the operations after our revision (after a gap, or on reconnection). */
  async catchUp(): Promise<void> {
    if (this.catching) return;
    this.catching = true;
    try {
      const r = await this.transport.ops(this.note, this.rev);
      for (const d of r.ops) this.receive({ ...d, note: this.note });
    } catch (err) {
      this.onResync(err);
    } finally {
      this.catching = false;
    }
  }

  private remember(rev: number, op: TextOperation): void {
    this.history.set(rev, op);
    this.history.delete(rev - HISTORY);
  }

  /**
   * A position of the server's text at revision `rev`, moved to the text shown here;
   * null when this client does not know the operations in between (yet).
   */
  transformFrom(rev: number, position: number): number | null {
    if (rev > this.rev) return null;
    let p = position;
    for (let r = rev + 1; r <= this.rev; r++) {
      const op = this.history.get(r);
      if (!op) return null;
      p = op.transformIndex(p);
    }
    if (this.inflight) p = this.inflight.transformIndex(p);
    if (this.buffer) p = this.buffer.transformIndex(p);
    return p;
  }

  /** Our own selection, expressed on the server's text at `this.rev` (for notes.cursor). */
  toServer(position: number): number {
    // Undo the pending local edits: positions inside text we inserted map to its start.
    let p = position;
    for (const op of [this.buffer, this.inflight]) {
      if (!op) continue;
      p = backIndex(op, p);
    }
    return p;
  }
}

/** Where a position of an operation's target text was in its base text. */
function backIndex(op: TextOperation, position: number): number {
  let base = 0;
  let target = 0;
  for (const c of op.ops) {
    if (typeof c === 'string') {
      const n = [...c].length;
      if (position <= target + n) return base;
      target += n;
    } else if (c > 0) {
      if (position <= target + c) return base + (position - target);
      base += c;
      target += c;
    } else base += -c;
  }
  return base;
}
