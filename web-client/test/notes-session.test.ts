// The notes panel's client state machine (plugins/notes/web/session.ts) against a fake
// server that behaves like plugins/notes/notes_plugin.cpp (transform against the log,
// (client id, seq) applied once): random edits, delivery orders and lost broadcasts
// converge. The real server is covered by tests/unit/notes_sim_test.cpp and the e2e step.
import { describe, expect, it } from 'vitest';
import { TextOperation, codePointLength } from '../../plugins/notes/web/ot.ts';
import { NoteSession, type OpData, type SubmitArgs } from '../../plugins/notes/web/session.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const PIECES = ['a', 'b', ' ', '\n', 'é', 'e\u0301', '中', '😀', '👍🏽', '👨‍👩‍👧'];

class FakeServer {
  text = '';
  log: OpData[] = [];
  queue: Array<{ args: SubmitArgs; resolve: (r: { rev: number }) => void }> = [];
  inboxes: OpData[][] = [];

  process(drop: boolean): void {
    const item = this.queue.shift();
    if (!item) return;
    const { args } = item;
    const seen = this.log.find((d) => d.client_id === args.client_id && d.seq === args.seq);
    if (seen) {
      item.resolve({ rev: seen.rev });
      return;
    }
    let op = TextOperation.fromJSON(args.op);
    for (const d of this.log.slice(args.base_rev)) op = TextOperation.transform(op, TextOperation.fromJSON(d.op))[0];
    this.text = op.apply(this.text);
    const data: OpData = { note: 1, rev: this.log.length + 1, op: op.toJSON(), client_id: args.client_id, seq: args.seq };
    this.log.push(data);
    // A broadcast may be lost for some clients (transient events are not guaranteed).
    for (const inbox of this.inboxes) if (!drop) inbox.push(data);
    item.resolve({ rev: data.rev });
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await Promise.resolve();
}

describe('notes client sessions converge', () => {
  it('random edits, interleavings and lost broadcasts', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const server = new FakeServer();
      const sessions: NoteSession[] = [];
      for (let i = 0; i < 3; i++) {
        const inbox: OpData[] = [];
        server.inboxes.push(inbox);
        sessions.push(
          new NoteSession(1, `client-${i}-xyz`, '', 0, {
            submit: (args) => new Promise((resolve) => server.queue.push({ args, resolve })),
            ops: async (_note, since) => ({ ops: server.log.slice(since), rev: server.log.length }),
          }),
        );
      }
      for (let step = 0; step < 300; step++) {
        const k = Math.floor(r() * 3);
        const s = sessions[k];
        const x = r();
        if (x < 0.35) {
          const n = codePointLength(s.text);
          const at = Math.floor(r() * (n + 1));
          const del = r() < 0.3 ? Math.min(n - at, Math.floor(r() * 4)) : 0;
          const ins = del > 0 && r() < 0.5 ? '' : PIECES[Math.floor(r() * PIECES.length)];
          s.local(new TextOperation().retain(at).insert(ins).remove(del).retain(n - at - del));
        } else if (x < 0.6) server.process(r() < 0.1);
        else {
          const d = server.inboxes[k].shift();
          if (d) s.receive(d);
        }
        await settle();
      }
      // Drain.
      for (let round = 0; round < 200; round++) {
        while (server.queue.length) server.process(false);
        await settle();
        sessions.forEach((s, k) => {
          for (const d of server.inboxes[k].splice(0)) s.receive(d);
        });
        for (const s of sessions) if (s.rev < server.log.length) await s.catchUp();
        await settle();
        if (!server.queue.length && sessions.every((s) => !s.pending && s.rev === server.log.length)) break;
      }
      for (const s of sessions) {
        expect(s.pending, `seed ${seed}`).toBe(false);
        expect(s.text, `seed ${seed}`).toBe(server.text);
      }
      // Each (client id, seq) once.
      const ids = server.log.map((d) => `${d.client_id}/${d.seq}`);
      expect(new Set(ids).size, `seed ${seed}`).toBe(ids.length);
    }
  });

  it('a remote cursor is moved to the text shown, pending edits included', () => {
    const s = new NoteSession(1, 'client-cursor', 'abc', 3, {
      submit: () => new Promise(() => {}),
      ops: async () => ({ ops: [], rev: 3 }),
    });
    s.local(new TextOperation().insert('😀').retain(3)); // in flight
    expect(s.transformFrom(3, 0)).toBe(1);
    expect(s.transformFrom(3, 3)).toBe(4);
    expect(s.transformFrom(4, 0)).toBeNull(); // a revision we do not know yet
    expect(s.toServer(4)).toBe(3);
    expect(s.toServer(1)).toBe(0);
  });
});
