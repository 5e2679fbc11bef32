import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolClient, ProtocolError, backoffDelay, type ClientOptions } from '../src/protocol/client';
import { MemoryStorage, SocketHub, flushMicrotasks, type FakeSocket } from './fake-socket';

let hub: SocketHub;
let storage: MemoryStorage;

function makeClient(extra: Partial<ClientOptions> = {}): ProtocolClient {
  return new ProtocolClient({
    url: 'ws://test/ws',
    socketFactory: hub.factory,
    storage,
    random: () => 0.5,
    ...extra,
  });
}

/** Opens the current socket, greets, and answers its sync.subscribe. */
function connect(
  socket: FakeSocket,
  result: unknown = { workspaces: {}, personal: 0 },
  person = { id: 3, name: 'Agnès Daffos', locale: 'fr' },
): any {
  socket.open();
  socket.push({ event: 'hello', data: { person, server_time: '2026-11-29T17:35:01.123Z', protocol: 1 } });
  const sub = socket.ops('sync.subscribe').at(-1);
  expect(sub).toBeTruthy();
  socket.reply(sub.id, result);
  return sub;
}

beforeEach(() => {
  vi.useFakeTimers();
  hub = new SocketHub();
  storage = new MemoryStorage();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('requests and replies', () => {
  it('matches each reply to its request by id, whatever the order', async () => {
    const c = makeClient();
    c.start();
    connect(hub.current);
    expect(c.state).toBe('online');

    const a = c.request('workspaces.list');
    const b = c.request('chat.threads', { workspace: 4 });
    const [fa, fb] = hub.current.sent.slice(-2);
    expect(fa).toMatchObject({ op: 'workspaces.list', args: {} });
    expect(fb).toMatchObject({ op: 'chat.threads', args: { workspace: 4 } });
    expect(fa.id).not.toBe(fb.id);

    hub.current.reply(fb.id, { threads: [{ id: 1 }] });
    hub.current.reply(fa.id, { workspaces: [] });
    await expect(a).resolves.toEqual({ workspaces: [] });
    await expect(b).resolves.toEqual({ threads: [{ id: 1 }] });
  });

  it('uses ids `${clientId}-${counter}` and keeps the client id and counter across reloads', () => {
    const c1 = makeClient();
    c1.start();
    connect(hub.current);
    void c1.request('session.me').catch(() => {});
    const id1 = hub.current.last().id as string;
    expect(id1).toMatch(new RegExp(`^${c1.clientId}-\\d+$`));
    expect(id1.length).toBeLessThanOrEqual(64);
    c1.stop();

    const c2 = makeClient();
    expect(c2.clientId).toBe(c1.clientId);
    c2.start();
    connect(hub.current);
    void c2.request('session.me').catch(() => {});
    const id2 = hub.current.last().id as string;
    const n1 = Number(id1.split('-')[1]);
    const n2 = Number(id2.split('-')[1]);
    expect(n2).toBeGreaterThan(n1);
  });

  it('rejects with a typed error carrying the field and the French message', async () => {
    const c = makeClient();
    c.start();
    connect(hub.current);
    const p = c.request('chat.post', { thread: 1, body: '' });
    hub.current.replyError(hub.current.last().id, 'bad_request', 'args.body: too short', {
      field: 'args.body',
      message_fr: 'args.body : trop court',
    });
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.code).toBe('bad_request');
    expect(err.field).toBe('args.body');
    expect(err.messageFr).toBe('args.body : trop court');
  });

  it('queues requests made before the subscription and sends them after it, in order', () => {
    const c = makeClient();
    void c.request('session.me');
    void c.request('workspaces.list');
    c.start();
    const s = hub.current;
    s.open();
    expect(s.sent.map((f) => f.op)).toEqual(['sync.subscribe']);
    s.reply(s.sent[0].id, { workspaces: {}, personal: 0 });
    expect(s.sent.map((f) => f.op)).toEqual(['sync.subscribe', 'session.me', 'workspaces.list']);
  });

  it('fails ephemeral requests at once when offline instead of queueing them', async () => {
    const c = makeClient();
    const err = await c.request('chat.typing', { workspace: 1, thread: 2 }, { ephemeral: true }).catch((e) => e);
    expect(err.code).toBe('offline');
  });

  it('ignores replies with unknown ids and unreadable frames', async () => {
    const c = makeClient();
    c.start();
    connect(hub.current);
    const p = c.request('session.me');
    hub.current.reply('nobody-1', {});
    hub.current.onmessage?.({ data: '{not json' });
    hub.current.reply(hub.current.last().id, { person: { id: 3 } });
    await expect(p).resolves.toEqual({ person: { id: 3 } });
  });
});

describe('reconnection', () => {
  it('computes an exponential backoff with jitter, capped', () => {
    const mid = () => 0.5;
    expect(backoffDelay(0, mid)).toBe(375);
    expect(backoffDelay(1, mid)).toBe(750);
    expect(backoffDelay(2, mid)).toBe(1500);
    expect(backoffDelay(10, mid)).toBe(7500);
    for (let attempt = 0; attempt < 20; attempt++) {
      const ceiling = Math.min(10_000, 500 * 2 ** attempt);
      expect(backoffDelay(attempt, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThanOrEqual(ceiling);
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThanOrEqual(10_000);
    }
  });

  it('reconnects by itself with growing delays, and resets them after a success', () => {
    const states: string[] = [];
    const c = makeClient();
    c.onState((s) => states.push(s));
    c.start();
    connect(hub.current);
    expect(hub.sockets).toHaveLength(1);

    hub.current.serverClose(1006);
    expect(c.state).toBe('offline');
    vi.advanceTimersByTime(374);
    expect(hub.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(hub.sockets).toHaveLength(2);

    hub.current.fail(); // second attempt fails: the next wait doubles
    vi.advanceTimersByTime(749);
    expect(hub.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(hub.sockets).toHaveLength(3);

    hub.current.fail();
    vi.advanceTimersByTime(1500);
    expect(hub.sockets).toHaveLength(4);

    connect(hub.current);
    expect(c.state).toBe('online');
    hub.current.serverClose(1001);
    vi.advanceTimersByTime(375); // back to the first delay
    expect(hub.sockets).toHaveLength(5);
    expect(states).toContain('offline');
    expect(states.at(-1)).toBe('connecting');
  });

  it('never waits longer than the cap', () => {
    const c = makeClient({ random: () => 0.999999 });
    c.start();
    for (let i = 0; i < 12; i++) {
      hub.current.fail();
      vi.advanceTimersByTime(10_000);
    }
    expect(hub.sockets).toHaveLength(13);
  });

  it('re-sends every unanswered request with the same id after reconnecting', async () => {
    const c = makeClient();
    c.start();
    connect(hub.current);
    const p1 = c.request('chat.post', { thread: 9, body: 'un' });
    const p2 = c.request('chat.mark_read', { thread: 9, message: 4 });
    const answered = c.request('workspaces.list');
    const [f1, f2, f3] = hub.current.sent.slice(-3);
    hub.current.reply(f3.id, { workspaces: [] });
    await answered;

    hub.current.serverClose(1006);
    vi.advanceTimersByTime(1000);
    const s2 = hub.current;
    expect(s2).not.toBe(hub.sockets[0]);
    connect(s2);
    const resent = s2.sent.filter((f) => f.op !== 'sync.subscribe');
    expect(resent).toEqual([
      { id: f1.id, op: 'chat.post', args: { thread: 9, body: 'un' } },
      { id: f2.id, op: 'chat.mark_read', args: { thread: 9, message: 4 } },
    ]);
    // The subscription goes first.
    expect(s2.sent[0].op).toBe('sync.subscribe');

    s2.reply(f1.id, { message: { id: 981, seq: 57 } });
    s2.reply(f2.id, {});
    await expect(p1).resolves.toEqual({ message: { id: 981, seq: 57 } });
    await expect(p2).resolves.toEqual({});
  });

  it('drops the connection when told the network is gone, and comes back at once when asked', () => {
    const c = makeClient();
    c.start();
    connect(hub.current);
    c.dropConnection();
    expect(c.state).toBe('offline');
    expect(hub.sockets[0].closedByClient).not.toBeNull();
    c.reconnectNow();
    expect(hub.sockets).toHaveLength(2);
  });

  it('waits for the network instead of spinning while the browser is offline', () => {
    let up = false;
    const c = makeClient({ isNetworkUp: () => up });
    c.start();
    connect(hub.current);
    hub.current.serverClose(1006);
    vi.advanceTimersByTime(5000);
    expect(hub.sockets).toHaveLength(1);
    up = true;
    c.reconnectNow();
    expect(hub.sockets).toHaveLength(2);
  });
});

describe('resume', () => {
  it('sends sync.subscribe with the last seq seen per workspace and on the personal stream', () => {
    const c = makeClient();
    c.start();
    connect(hub.current, { workspaces: { '4': 9, '7': 20 }, personal: 2 });
    hub.current.push({ event: 'chat.message_posted', workspace: 4, seq: 10, author: 5, time: 't', data: {} });
    hub.current.push({ event: 'chat.message_posted', workspace: 4, seq: 11, author: 5, time: 't', data: {} });
    hub.current.push({ event: 'personal.read', stream: 'personal', seq: 3, time: 't', data: {} });
    hub.current.push({ event: 'chat.typing', data: { workspace: 4, thread: 1, person: 5 } });
    expect(c.lastSeq(4)).toBe(11);
    expect(c.lastSeq(7)).toBe(20);
    expect(c.personalSeq).toBe(3);

    hub.current.serverClose(4008); // slow consumer: reconnect and resume
    vi.advanceTimersByTime(1000);
    hub.current.open();
    const sub = hub.current.ops('sync.subscribe')[0];
    expect(sub.args).toEqual({ since: { '4': 11, '7': 20 }, personal: 3 });
  });

  it('delivers each stored event once, dropping replayed duplicates', () => {
    const c = makeClient();
    const seen: string[] = [];
    c.on('*', (ev) => seen.push(`${ev.event}:${ev.workspace ?? ev.stream}:${ev.seq ?? '-'}`));
    const posted: number[] = [];
    c.on('chat.message_posted', (ev) => posted.push(ev.seq!));
    c.start();
    connect(hub.current, { workspaces: { '4': 9 }, personal: 0 });
    for (const seq of [10, 11]) {
      hub.current.push({ event: 'chat.message_posted', workspace: 4, seq, data: { message: { id: seq } } });
    }
    hub.current.push({ event: 'personal.read', stream: 'personal', seq: 1, data: {} });

    hub.current.serverClose(1006);
    vi.advanceTimersByTime(1000);
    const s2 = hub.current;
    s2.open();
    // The server replays from what we sent, but a lagging replay may repeat.
    for (const seq of [10, 11, 12]) {
      s2.push({ event: 'chat.message_posted', workspace: 4, seq, data: { message: { id: seq } } });
    }
    s2.push({ event: 'personal.read', stream: 'personal', seq: 1, data: {} });
    s2.push({ event: 'personal.read', stream: 'personal', seq: 2, data: {} });
    s2.reply(s2.ops('sync.subscribe')[0].id, { workspaces: { '4': 12 }, personal: 2 });
    s2.push({ event: 'chat.message_posted', workspace: 4, seq: 12, data: {} });

    expect(posted).toEqual([10, 11, 12]);
    expect(seen.filter((s) => s.startsWith('personal.read'))).toEqual([
      'personal.read:personal:1',
      'personal.read:personal:2',
    ]);
  });

  it('keeps the same event of two workspaces apart (dedupe is per workspace)', () => {
    const c = makeClient();
    const got: string[] = [];
    c.on('chat.message_posted', (ev) => got.push(`${ev.workspace}/${ev.seq}`));
    c.start();
    connect(hub.current, { workspaces: { '1': 0, '2': 0 }, personal: 0 });
    hub.current.push({ event: 'chat.message_posted', workspace: 1, seq: 1, data: {} });
    hub.current.push({ event: 'chat.message_posted', workspace: 2, seq: 1, data: {} });
    expect(got).toEqual(['1/1', '2/1']);
  });

  it('asks the app to reload a workspace on resync_required, then resumes from latest_seq', () => {
    const c = makeClient();
    const resyncs: (number | string)[] = [];
    c.onResync((w) => resyncs.push(w));
    const posted: number[] = [];
    c.on('chat.message_posted', (ev) => posted.push(ev.seq!));
    c.start();
    connect(hub.current, { workspaces: { '4': 10 }, personal: 0 });
    hub.current.serverClose(1006);
    vi.advanceTimersByTime(1000);
    const s2 = hub.current;
    s2.open();
    s2.push({ event: 'resync_required', workspace: 4, data: { latest_seq: 9120 } });
    s2.reply(s2.ops('sync.subscribe')[0].id, { workspaces: { '4': 9120 }, personal: 0 });
    expect(resyncs).toEqual([4]);
    expect(c.lastSeq(4)).toBe(9120);
    s2.push({ event: 'chat.message_posted', workspace: 4, seq: 9120, data: {} });
    s2.push({ event: 'chat.message_posted', workspace: 4, seq: 9121, data: {} });
    expect(posted).toEqual([9121]);

    s2.serverClose(1006);
    vi.advanceTimersByTime(1000);
    hub.current.open();
    expect(hub.current.ops('sync.subscribe')[0].args.since).toEqual({ '4': 9121 });
  });

  it('treats a gap in a sequence as a resync of that workspace', () => {
    const c = makeClient();
    const resyncs: (number | string)[] = [];
    c.onResync((w) => resyncs.push(w));
    c.start();
    connect(hub.current, { workspaces: { '4': 10 }, personal: 5 });
    hub.current.push({ event: 'chat.message_posted', workspace: 4, seq: 13, data: {} });
    hub.current.push({ event: 'personal.read', stream: 'personal', seq: 8, data: {} });
    expect(resyncs).toEqual([4, 'personal']);
  });
});

describe('offline outbox', () => {
  it('keeps a message typed offline in storage and sends it when the connection is back', async () => {
    const c = makeClient();
    c.start();
    connect(hub.current);
    hub.current.serverClose(1006);
    expect(c.state).toBe('offline');

    const p = c.request('chat.post', { thread: 12, body: 'Bonjour' }, { durable: true });
    expect(c.outbox).toHaveLength(1);
    const stored = JSON.parse(storage.getItem('pacte.outbox')!);
    expect(stored).toEqual([expect.objectContaining({ op: 'chat.post', args: { thread: 12, body: 'Bonjour' }, person: 3 })]);
    expect(hub.sockets).toHaveLength(1);

    vi.advanceTimersByTime(1000);
    connect(hub.current);
    const post = hub.current.ops('chat.post')[0];
    expect(post.id).toBe(stored[0].id);
    hub.current.reply(post.id, { message: { id: 981 } });
    await expect(p).resolves.toEqual({ message: { id: 981 } });
    expect(c.outbox).toHaveLength(0);
    expect(storage.getItem('pacte.outbox')).toBeNull();
  });

  it('survives a reload: a new client sends the stored message with its original id', async () => {
    const c1 = makeClient();
    c1.start();
    void c1.request('chat.post', { thread: 12, body: 'Pas perdu' }, { durable: true }).catch(() => {});
    const id = c1.outbox[0].id;
    c1.stop(); // the tab reloads before any connection

    const c2 = makeClient();
    const done: any[] = [];
    c2.onOutboxDone((d) => done.push(d));
    expect(c2.outbox.map((i) => i.id)).toEqual([id]);
    c2.start();
    const s = hub.current;
    connect(s);
    const post = s.ops('chat.post')[0];
    expect(post).toEqual({ id, op: 'chat.post', args: { thread: 12, body: 'Pas perdu' } });
    s.reply(id, { message: { id: 5, body: 'Pas perdu' } });
    await flushMicrotasks();
    expect(done).toHaveLength(1);
    expect(done[0].result).toEqual({ message: { id: 5, body: 'Pas perdu' } });
    expect(c2.outbox).toHaveLength(0);
  });

  it('keeps attachment ids and their display data across a reload, and sends only the ids', async () => {
    const files = [{ id: 41, name: 'note.txt', content_type: 'text/plain', size: 245, url: '/attachments/41' }];
    const c1 = makeClient();
    c1.start();
    void c1
      .request('chat.post', { thread: 12, body: 'Avec pièce jointe', attachments: [41] }, { durable: true, meta: { attachments: files } })
      .catch(() => {});
    const stored = JSON.parse(storage.getItem('pacte.outbox')!);
    expect(stored[0]).toMatchObject({ args: { thread: 12, body: 'Avec pièce jointe', attachments: [41] }, meta: { attachments: files } });
    c1.stop();

    const c2 = makeClient();
    expect(c2.outbox[0].meta).toEqual({ attachments: files });
    expect(c2.outbox[0].args.attachments).toEqual([41]);
    c2.start();
    connect(hub.current);
    const post = hub.current.ops('chat.post')[0];
    expect(post).toEqual({ id: stored[0].id, op: 'chat.post', args: { thread: 12, body: 'Avec pièce jointe', attachments: [41] } });
    expect(post.meta).toBeUndefined();
  });

  it('retries a durable request with the same id after `unavailable`', () => {
    const c = makeClient();
    c.start();
    connect(hub.current);
    void c.request('chat.post', { thread: 1, body: 'x' }, { durable: true });
    const first = hub.current.last();
    hub.current.replyError(first.id, 'unavailable', 'storage busy');
    expect(c.outbox).toHaveLength(1);
    vi.advanceTimersByTime(2000);
    const again = hub.current.ops('chat.post');
    expect(again).toHaveLength(2);
    expect(again[1].id).toBe(first.id);
  });

  it('reports a durable request refused for good and removes it from the outbox', async () => {
    const c = makeClient();
    const done: any[] = [];
    c.onOutboxDone((d) => done.push(d));
    c.start();
    connect(hub.current);
    const p = c.request('chat.post', { thread: 1, body: 'x' }, { durable: true });
    hub.current.replyError(hub.current.last().id, 'forbidden', 'observers cannot post');
    await expect(p).rejects.toMatchObject({ code: 'forbidden' });
    expect(done[0].error.code).toBe('forbidden');
    expect(c.outbox).toHaveLength(0);
  });

  it('drops stored messages queued by another person', () => {
    const c1 = makeClient();
    c1.start();
    connect(hub.current, undefined, { id: 3, name: 'A', locale: 'fr' });
    hub.current.serverClose(1006);
    void c1.request('chat.post', { thread: 1, body: 'de A' }, { durable: true }).catch(() => {});
    c1.stop();

    const c2 = makeClient();
    c2.start();
    connect(hub.current, undefined, { id: 8, name: 'B', locale: 'fr' });
    expect(hub.current.ops('chat.post')).toHaveLength(0);
    expect(c2.outbox).toHaveLength(0);
  });
});

describe('session end', () => {
  it('stops on close code 4001 and reports the end of the session', async () => {
    const c = makeClient();
    let ended = 0;
    c.onSessionEnded(() => ended++);
    c.start();
    connect(hub.current);
    const p = c.request('workspaces.list');
    hub.current.serverClose(4001, 'session ended');
    expect(c.state).toBe('ended');
    expect(ended).toBe(1);
    await expect(p).rejects.toMatchObject({ code: 'unauthenticated' });
    vi.advanceTimersByTime(60_000);
    expect(hub.sockets).toHaveLength(1);
  });

  it('asks whether the session still exists when the upgrade fails, and stops if not', async () => {
    const c = makeClient({ checkSession: async () => 'ended' });
    let ended = 0;
    c.onSessionEnded(() => ended++);
    c.start();
    hub.current.fail();
    await flushMicrotasks();
    expect(ended).toBe(1);
    expect(c.state).toBe('ended');
    vi.advanceTimersByTime(60_000);
    expect(hub.sockets).toHaveLength(1);
  });
});

describe('ids in duplicated tabs', () => {
  it('never reuses an id when two tabs start from the same copied storage', () => {
    const first = makeClient();
    first.start();
    connect(hub.current);
    void first.request('session.me').catch(() => {});
    const before = hub.current.last().id;
    // A duplicated tab copies sessionStorage; time has moved on meanwhile.
    const copy = new MemoryStorage();
    for (const [k, v] of storage.map) copy.setItem(k, v);
    vi.advanceTimersByTime(5);
    const twin = new ProtocolClient({ url: 'ws://t/ws', socketFactory: hub.factory, storage: copy, random: () => 0.5 });
    twin.start();
    connect(hub.current);
    void twin.request('session.me').catch(() => {});
    void first.request('workspaces.list').catch(() => {});
    const ids = new Set([before, hub.current.last().id, hub.sockets[0].last().id]);
    expect(ids.size).toBe(3);
  });

  it('handles resync_required on the personal stream', () => {
    const c = makeClient();
    const resyncs: (number | string)[] = [];
    c.onResync((w) => resyncs.push(w));
    c.start();
    connect(hub.current, { workspaces: {}, personal: 3 });
    hub.current.push({ event: 'resync_required', stream: 'personal', data: { latest_seq: 400 } });
    expect(resyncs).toEqual(['personal']);
    expect(c.personalSeq).toBe(400);
  });
});

describe('stalled connections', () => {
  it('drops a connection that never opens and tries again', () => {
    const c = makeClient({ connectTimeoutMs: 5000 });
    c.start();
    expect(hub.sockets).toHaveLength(1);
    vi.advanceTimersByTime(5000); // neither open nor close: give up on it
    expect(hub.sockets[0].closedByClient).not.toBeNull();
    expect(c.state).toBe('offline');
    vi.advanceTimersByTime(375);
    expect(hub.sockets).toHaveLength(2);
    connect(hub.current);
    vi.advanceTimersByTime(60_000); // an online connection is left alone
    expect(hub.sockets).toHaveLength(2);
    expect(c.state).toBe('online');
  });

  it('drops a connection whose subscription gets no answer', () => {
    const c = makeClient({ connectTimeoutMs: 5000 });
    c.start();
    hub.current.open();
    vi.advanceTimersByTime(5000);
    expect(c.state).toBe('offline');
    vi.advanceTimersByTime(375);
    expect(hub.sockets).toHaveLength(2);
  });
});
