import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolClient } from '../src/protocol/client';
import { Store } from '../src/state/store';
import { NOTIFICATIONS_PAGE, linkPath, linkToResolve } from '../src/state/notifications';
import type { Notification, NotificationPrefs, Workspace } from '../src/protocol/types';
import { Announcer, notificationsText } from '../src/a11y';
import { setLocale } from '../src/i18n';
import { bellLabel, digestText, kindText } from '../src/notification-words';
import { MemoryStorage, SocketHub, flushMicrotasks } from './fake-socket';

const ME = 3;

function ws(id: number, key: string, name: string): Workspace {
  return {
    id,
    pact: 1,
    key,
    name,
    kind: 'comite_pilotage',
    kind_label: 'Comité de pilotage',
    role: 'member',
    archived: false,
    last_seq: 0,
    unread: 0,
    mentions: 0,
    plugins: [],
  };
}

function notif(id: number, extra: Partial<Notification> = {}): Notification {
  return {
    id,
    kind: 'mention',
    workspace: 4,
    title: `Notification ${id}`,
    body: 'Léa vous a mentionné·e.',
    link: `#/w/copil/t/${id}`,
    created_at: new Date(Date.UTC(2026, 10, 29, 17, 0, id)).toISOString(),
    read_at: null,
    ...extra,
  };
}

let hub: SocketHub;
let client: ProtocolClient;
let store: Store;
let personalSeq = 0;

async function answer(op: string, result: unknown): Promise<any> {
  await flushMicrotasks();
  const frame = hub.current.ops(op).at(-1);
  expect(frame, `request ${op}`).toBeTruthy();
  hub.current.reply(frame.id, result);
  await flushMicrotasks();
  return frame;
}

function personal(event: string, data: unknown): void {
  personalSeq += 1;
  hub.current.push({ event, stream: 'personal', seq: personalSeq, time: '2026-11-29T18:00:00.000Z', data });
}

async function signIn(first: Notification[] = [], unread = first.filter((n) => !n.read_at).length): Promise<void> {
  client.start();
  hub.current.open();
  hub.current.push({ event: 'hello', data: { person: { id: ME, name: 'Moi' } } });
  hub.current.reply(hub.current.ops('sync.subscribe')[0].id, { workspaces: { '4': 0 }, personal: 0 });
  await answer('workspaces.list', { workspaces: [ws(4, 'copil', 'Comité de pilotage'), ws(5, 'pacte', 'Pacte')] });
  await answer('notifications.list', { notifications: first, unread });
}

beforeEach(() => {
  vi.useFakeTimers();
  personalSeq = 0;
  hub = new SocketHub();
  client = new ProtocolClient({ url: 'ws://t/ws', socketFactory: hub.factory, storage: new MemoryStorage(), random: () => 0.5 });
  store = new Store(client, {
    person: { id: ME, name: 'Moi' },
    organisations: [{ id: 9, key: 'ville', name: 'Ville', short: 'Ville' }],
    is_admin: false,
  });
});

afterEach(() => {
  store.dispose();
  vi.useRealTimers();
  setLocale('fr', false);
});

describe('the notification centre', () => {
  it('loads the newest page once online, with the server’s unread count', async () => {
    await signIn([notif(3), notif(2, { read_at: '2026-11-29T17:30:00Z' }), notif(1)], 7);
    const req = hub.current.ops('notifications.list')[0];
    expect(req.args).toEqual({ limit: NOTIFICATIONS_PAGE });
    const c = store.notifications;
    expect(c.loaded).toBe(true);
    expect(c.list.map((n) => n.id)).toEqual([3, 2, 1]);
    expect(c.unread).toBe(7);
    expect(c.moreBefore).toBe(false);
  });

  it('pages back with `before` the oldest id when a page was full', async () => {
    const page = Array.from({ length: NOTIFICATIONS_PAGE }, (_, i) => notif(200 - i));
    await signIn(page, 3);
    const c = store.notifications;
    expect(c.moreBefore).toBe(true);
    void c.loadOlder();
    const req = await answer('notifications.list', { notifications: [notif(120), notif(110)], unread: 3 });
    expect(req.args).toEqual({ before: 151, limit: NOTIFICATIONS_PAGE });
    expect(c.list.at(-1)!.id).toBe(110);
    expect(c.list).toHaveLength(NOTIFICATIONS_PAGE + 2);
    expect(c.moreBefore).toBe(false);
  });

  it('adds a live notification on top, once, and takes the event’s unread count', async () => {
    await signIn([notif(1)], 1);
    const seen: Notification[] = [];
    store.notifications.onCreated((n) => seen.push(n));
    personal('notification.created', { notification: notif(2, { title: 'Léa vous a mentionné·e' }), unread: 2 });
    // The same event replayed after a reconnection is dropped by the client;
    // the same notification in a later list reply is merged.
    hub.current.push({
      event: 'notification.created',
      stream: 'personal',
      seq: personalSeq,
      data: { notification: notif(2), unread: 2 },
    });
    const c = store.notifications;
    expect(c.list.map((n) => n.id)).toEqual([2, 1]);
    expect(c.unread).toBe(2);
    expect(seen.map((n) => n.title)).toEqual(['Léa vous a mentionné·e']);
    void c.load();
    await answer('notifications.list', { notifications: [notif(2), notif(1)], unread: 2 });
    expect(c.list.map((n) => n.id)).toEqual([2, 1]);
  });

  it('keeps notifications that arrive while the list is loading', async () => {
    client.start();
    hub.current.open();
    hub.current.push({ event: 'hello', data: { person: { id: ME, name: 'Moi' } } });
    hub.current.reply(hub.current.ops('sync.subscribe')[0].id, { workspaces: {}, personal: 0 });
    await flushMicrotasks();
    personal('notification.created', { notification: notif(9), unread: 3 });
    await answer('notifications.list', { notifications: [notif(8), notif(7)], unread: 2 });
    expect(store.notifications.list.map((n) => n.id)).toEqual([9, 8, 7]);
  });

  it('marks one read at once, then takes the reply’s count', async () => {
    await signIn([notif(3), notif(2), notif(1)], 3);
    const c = store.notifications;
    void c.markRead([2]);
    expect(c.unread).toBe(2);
    expect(c.list.find((n) => n.id === 2)!.read_at).toBeTruthy();
    const req = await answer('notifications.mark_read', { unread: 5 });
    expect(req.args).toEqual({ ids: [2] });
    expect(c.unread).toBe(5);
    // Already read: nothing is sent.
    void c.markRead([2]);
    await flushMicrotasks();
    expect(hub.current.ops('notifications.mark_read')).toHaveLength(1);
  });

  it('"Tout marquer comme lu" sends all: true and empties the count', async () => {
    await signIn([notif(3), notif(2)], 4);
    const c = store.notifications;
    void c.markAllRead();
    expect(c.unread).toBe(0);
    expect(c.list.every((n) => n.read_at)).toBe(true);
    const req = await answer('notifications.mark_read', { unread: 0 });
    expect(req.args).toEqual({ all: true });
  });

  it('reloads when marking read fails', async () => {
    await signIn([notif(3)], 1);
    const c = store.notifications;
    void c.markRead([3]);
    await flushMicrotasks();
    hub.current.replyError(hub.current.ops('notifications.mark_read')[0].id, 'forbidden');
    await answer('notifications.list', { notifications: [notif(3)], unread: 1 });
    expect(c.unread).toBe(1);
    expect(c.list[0].read_at).toBeNull();
  });

  it('follows another tab: some read, or all (ids null)', async () => {
    await signIn([notif(3), notif(2), notif(1)], 3);
    const c = store.notifications;
    personal('notifications.read', { ids: [1, 3], unread: 1 });
    expect(c.list.filter((n) => !n.read_at).map((n) => n.id)).toEqual([2]);
    expect(c.unread).toBe(1);
    personal('notifications.read', { ids: null, unread: 0 });
    expect(c.list.every((n) => n.read_at)).toBe(true);
    expect(c.unread).toBe(0);
  });

  it('reloads after a personal resync', async () => {
    await signIn([notif(1)], 1);
    hub.current.push({ event: 'resync_required', stream: 'personal', data: { latest_seq: 40 } });
    await answer('notifications.list', { notifications: [notif(5), notif(1)], unread: 2 });
    expect(store.notifications.list.map((n) => n.id)).toEqual([5, 1]);
    expect(store.notifications.unread).toBe(2);
  });

  it('marks read what leads to the thread on screen, and nothing for other pages', async () => {
    await signIn([notif(12), notif(11, { link: '#/w/copil' }), notif(10, { link: '#/w/4/t/12' })], 3);
    const c = store.notifications;
    c.markReadAt('/w/4', store.workspaces.values());
    c.markReadAt('/w/4/t/99', store.workspaces.values());
    await flushMicrotasks();
    expect(hub.current.ops('notifications.mark_read')).toHaveLength(0);
    c.markReadAt('/w/4/t/12', store.workspaces.values());
    const req = await answer('notifications.mark_read', { unread: 1 });
    expect(req.args.ids.sort()).toEqual([10, 12]);
    expect(c.unread).toBe(1);
  });
});

describe('preferences', () => {
  const prefs: NotificationPrefs = {
    email_configured: false,
    email: { mention: true, reply: true, invitation: true, meeting: true, document: false, signature: true, reminder: true, cadence: true, deadline: true },
    digest: 'daily',
    workspaces: {},
  };

  it('reads them, then sends only what changes and keeps the server’s answer', async () => {
    await signIn();
    const c = store.notifications;
    void c.loadPrefs();
    await answer('notifications.prefs.get', prefs);
    expect(c.prefs?.email_configured).toBe(false);
    expect(c.prefs?.digest).toBe('daily');

    let done = c.setPrefs({ email: { reply: false } });
    let req = await answer('notifications.prefs.set', { ...prefs, email: { ...prefs.email, reply: false } });
    await done;
    expect(req.args).toEqual({ email: { reply: false } });
    expect(c.prefs?.email.reply).toBe(false);

    done = c.setPrefs({ workspace: 4, workspace_digest: 'hourly' });
    req = await answer('notifications.prefs.set', { ...prefs, workspaces: { '4': 'hourly' } });
    await done;
    expect(req.args).toEqual({ workspace: 4, workspace_digest: 'hourly' });
    expect(c.prefs?.workspaces).toEqual({ '4': 'hourly' });

    done = c.setPrefs({ workspace: 4, workspace_digest: null });
    req = await answer('notifications.prefs.set', { ...prefs, workspaces: {} });
    await done;
    expect(req.args).toEqual({ workspace: 4, workspace_digest: null });
  });

  it('rejects a refused change and keeps the previous state', async () => {
    await signIn();
    const c = store.notifications;
    void c.loadPrefs();
    await answer('notifications.prefs.get', prefs);
    const done = c.setPrefs({ digest: 'never' });
    await flushMicrotasks();
    hub.current.replyError(hub.current.ops('notifications.prefs.set')[0].id, 'bad_request');
    await expect(done).rejects.toMatchObject({ code: 'bad_request' });
    expect(c.prefs?.digest).toBe('daily');
  });
});

describe('links', () => {
  const list = [ws(4, 'copil', 'Comité de pilotage'), ws(5, 'pacte', 'Pacte')];

  it('turns a workspace key into its id and keeps the rest of the route', () => {
    expect(linkPath('#/w/copil/t/12', list)).toBe('/w/4/t/12');
    expect(linkPath('#/w/copil/p/agenda?meeting=3', list)).toBe('/w/4/p/agenda?meeting=3');
    expect(linkPath('#/w/5', list)).toBe('/w/5');
    expect(linkPath('/#/w/pacte/members', list)).toBe('/w/5/members');
    expect(linkPath('/w/4/t/1', list)).toBe('/w/4/t/1');
    expect(linkPath('#/preferences', list)).toBe('/preferences');
  });

  it('finds the addresses that emails open and that still need a workspace id', () => {
    expect(linkToResolve('/w/copil/t/12', '', '')).toBe('/w/copil/t/12');
    expect(linkToResolve('/w/copil/p/agenda', '?meeting=3', '')).toBe('/w/copil/p/agenda?meeting=3');
    expect(linkToResolve('/', '', '#/w/copil/t/12')).toBe('#/w/copil/t/12');
    expect(linkToResolve('/w/4/t/12', '', '')).toBeNull();
    expect(linkToResolve('/', '', '')).toBeNull();
    expect(linkToResolve('/preferences', '?w=4', '')).toBeNull();
    expect(linkPath(linkToResolve('/w/copil/p/agenda', '?meeting=3', '')!, list)).toBe('/w/4/p/agenda?meeting=3');
  });

  it('keeps an id it does not know (the workspace view says whether it exists)', () => {
    expect(linkPath('#/w/77/t/1', list)).toBe('/w/77/t/1');
  });

  it('goes nowhere for an empty link, an unknown key or another site', () => {
    expect(linkPath('', list)).toBeNull();
    expect(linkPath('#/w/inconnu/t/1', list)).toBeNull();
    expect(linkPath('https://ailleurs.example/w/4', list)).toBeNull();
    expect(linkPath('//ailleurs.example/w/4', list)).toBeNull();
    expect(linkPath('javascript:alert(1)', list)).toBeNull();
  });
});

describe('words', () => {
  it('names the bell with the unread count, in French and English', () => {
    expect(bellLabel(0)).toBe('Notifications');
    expect(bellLabel(1)).toBe('Notifications, 1 non lue');
    expect(bellLabel(3)).toBe('Notifications, 3 non lues');
    setLocale('en', false);
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
  });

  it('has a label for every kind', () => {
    for (const kind of ['mention', 'reply', 'invitation', 'meeting', 'document', 'signature', 'reminder', 'cadence', 'deadline']) {
      expect(kindText(kind)).not.toBe('');
    }
    expect(kindText('inconnu')).toBe('');
    expect(['immediately', 'hourly', 'daily', 'never'].map(digestText)).toEqual([
      'Immédiatement',
      'Toutes les heures',
      'Chaque jour',
      'Jamais',
    ]);
  });

  it('announces one notification by its title, several by their number', () => {
    expect(notificationsText(['Léa vous a mentionné·e'])).toBe('Nouvelle notification : Léa vous a mentionné·e.');
    expect(notificationsText(['Réunion déplacée.'])).toBe('Nouvelle notification : Réunion déplacée.');
    expect(notificationsText(['a', 'b', 'c'])).toBe('3 nouvelles notifications.');
  });

  it('coalesces notifications with messages in the live region', () => {
    let now = 0;
    const said: string[] = [];
    const timers: (() => void)[] = [];
    const a = new Announcer((s) => said.push(s), { now: () => now, setTimer: (fn) => timers.push(fn), clearTimer: () => {} });
    a.notification('Premier');
    a.notification('Deuxième');
    now = 100;
    a.notification('Troisième');
    expect(said).toEqual(['Nouvelle notification : Premier.']);
    now = 2100;
    timers.shift()!();
    expect(said[1]).toBe('2 nouvelles notifications.');
  });
});
