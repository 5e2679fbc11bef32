import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolClient } from '../src/protocol/client';
import { Store, pendingAttachments } from '../src/state/store';
import type { Message, Thread, Workspace } from '../src/protocol/types';
import { MemoryStorage, SocketHub, flushMicrotasks } from './fake-socket';

const ME = 3;

function ws(id: number, kind: string, name: string, extra: Partial<Workspace> = {}): Workspace {
  return {
    id,
    pact: 1,
    key: `k${id}`,
    name,
    kind,
    kind_label: `label ${kind}`,
    description: '',
    role: 'member',
    archived: false,
    last_seq: 0,
    unread: 0,
    mentions: 0,
    plugins: [],
    ...extra,
  };
}

function msg(id: number, thread: number, author: number, body: string, extra: Partial<Message> = {}): Message {
  return {
    id,
    thread,
    workspace: 4,
    author,
    author_name: `P${author}`,
    body,
    created_at: new Date(Date.UTC(2026, 10, 29, 17, 0, id)).toISOString(),
    edited_at: null,
    deleted: false,
    reply_to: null,
    reactions: {},
    mentions: { people: [], organisations: [] },
    ...extra,
  };
}

function thread(id: number, extra: Partial<Thread> = {}): Thread {
  return {
    id,
    workspace: 4,
    title: `Fil ${id}`,
    resolved: false,
    created_by: 5,
    created_at: '2026-11-29T17:00:00.000Z',
    last_message_at: '2026-11-29T17:00:00.000Z',
    message_count: 1,
    unread: 0,
    mentions: 0,
    last_read: null,
    ...extra,
  };
}

let hub: SocketHub;
let client: ProtocolClient;
let store: Store;
let visible = true;

async function answer(op: string, result: unknown): Promise<void> {
  await flushMicrotasks();
  const frame = hub.current.ops(op).at(-1);
  expect(frame, `request ${op}`).toBeTruthy();
  hub.current.reply(frame.id, result);
  await flushMicrotasks();
}

function push(event: string, seq: number | undefined, data: unknown, workspace = 4): void {
  hub.current.push({ event, workspace, seq, author: 5, time: '2026-11-29T17:35:01.123Z', data });
}

beforeEach(async () => {
  vi.useFakeTimers();
  visible = true;
  hub = new SocketHub();
  client = new ProtocolClient({ url: 'ws://t/ws', socketFactory: hub.factory, storage: new MemoryStorage(), random: () => 0.5 });
  store = new Store(
    client,
    { person: { id: ME, name: 'Moi' }, organisations: [{ id: 9, key: 'ville', name: 'Ville', short: 'Ville' }], is_admin: false },
    { isVisible: () => visible },
  );
  client.start();
  hub.current.open();
  hub.current.push({ event: 'hello', data: { person: { id: ME, name: 'Moi' } } });
  hub.current.reply(hub.current.ops('sync.subscribe')[0].id, { workspaces: { '4': 0 }, personal: 0 });
  await answer('workspaces.list', {
    workspaces: [
      ws(4, 'comite_pilotage', 'Comité de pilotage'),
      ws(5, 'pacte', 'Pacte'),
      ws(6, 'comite_technique', 'CT Moulins'),
      ws(7, 'comite_technique', 'CT Biollay'),
      ws(8, 'autre_chose', 'Divers'),
      ws(10, 'rencontre_thematique', 'Accès aux droits', { archived: true }),
    ],
  });
});

afterEach(() => {
  store.dispose();
  vi.useRealTimers();
});

describe('workspace list', () => {
  it('groups by kind in the pact order, unknown kinds in "other", archived last', () => {
    const groups = store.groupedWorkspaces();
    expect(groups.map((g) => g.kind)).toEqual(['comite_technique', 'comite_pilotage', 'pacte', 'other', 'archived']);
    expect(groups[0].workspaces.map((w) => w.name)).toEqual(['CT Biollay', 'CT Moulins']);
    expect(groups[0].label).toBe('label comite_technique');
  });
});

describe('events', () => {
  beforeEach(async () => {
    void store.loadThreads(4);
    await answer('chat.threads', { threads: [thread(1, { last_read: 10 })] });
    void store.loadHistory(1);
    await answer('chat.history', { messages: [msg(10, 1, 5, 'un')], more_before: false });
  });

  it('shows a message that arrives in the reply and then in the event once', async () => {
    void store.post(1, 'deux');
    const post = hub.current.ops('chat.post')[0];
    hub.current.reply(post.id, { message: msg(11, 1, ME, 'deux') });
    await flushMicrotasks();
    push('chat.message_posted', 1, { message: msg(11, 1, ME, 'deux') });
    expect(store.messages.get(1)!.list.map((m) => m.id)).toEqual([10, 11]);
    expect(store.pendingIn(1)).toEqual([]);
  });

  it('shows a message typed offline as pending, once, until it is acknowledged', async () => {
    hub.current.serverClose(1006);
    void store.post(1, 'hors ligne');
    expect(store.pendingIn(1).map((i) => i.args.body)).toEqual(['hors ligne']);
    vi.advanceTimersByTime(1000);
    const s = hub.current;
    s.open();
    // The replay shows the message before the reply to the re-sent request.
    push('chat.message_posted', 1, { message: msg(12, 1, ME, 'hors ligne', { created_at: new Date().toISOString() }) });
    expect(store.pendingIn(1)).toEqual([]);
    expect(store.messages.get(1)!.list.filter((m) => m.body === 'hors ligne')).toHaveLength(1);
  });

  it('posts the ids of uploaded files and shows them with the pending message', async () => {
    const files = [
      { id: 41, name: 'note.txt', content_type: 'text/plain', size: 245, sha256: 'a', url: '/attachments/41' },
      { id: 42, name: 'plan.png', content_type: 'image/png', size: 2048, sha256: 'b', url: '/attachments/42' },
    ];
    hub.current.serverClose(1006);
    void store.post(1, 'note.txt, plan.png', files);
    const [item] = store.pendingIn(1);
    expect(item.args).toEqual({ thread: 1, body: 'note.txt, plan.png', attachments: [41, 42] });
    expect(pendingAttachments(item).map((a) => a.name)).toEqual(['note.txt', 'plan.png']);
    vi.advanceTimersByTime(1000);
    hub.current.open();
    // The same text without the files is another message: still pending.
    push('chat.message_posted', 1, { message: msg(12, 1, ME, 'note.txt, plan.png', { created_at: new Date().toISOString() }) });
    expect(store.pendingIn(1)).toHaveLength(1);
    push('chat.message_posted', 2, {
      message: msg(13, 1, ME, 'note.txt, plan.png', { created_at: new Date().toISOString(), attachments: [files[1], files[0]] }),
    });
    expect(store.pendingIn(1)).toEqual([]);
    expect(store.messages.get(1)!.list.find((m) => m.id === 13)!.attachments!.map((a) => a.id)).toEqual([42, 41]);
  });

  it('sends a message without files as before, and forgets the files of a deleted message', () => {
    void store.post(1, 'sans fichier');
    expect(hub.current.ops('chat.post').at(-1).args).toEqual({ thread: 1, body: 'sans fichier' });
    expect(client.outbox.at(-1)!.meta).toBeUndefined();
    push('chat.message_posted', 1, {
      message: msg(11, 1, 5, 'x', { attachments: [{ id: 1, name: 'x', content_type: 'text/plain', size: 1, url: '/attachments/1' }] }),
    });
    push('chat.message_deleted', 2, { message: 11, thread: 1 });
    expect(store.messages.get(1)!.list.find((m) => m.id === 11)).toMatchObject({ deleted: true, attachments: [] });
  });

  it('creates a thread with files', async () => {
    const file = { id: 50, name: 'cr.pdf', content_type: 'application/pdf', size: 10, url: '/attachments/50' };
    void store.createThread(4, 'Compte rendu', 'Ci-joint', [file]);
    await flushMicrotasks();
    expect(hub.current.ops('chat.create_thread').at(-1).args).toEqual({
      workspace: 4,
      title: 'Compte rendu',
      body: 'Ci-joint',
      attachments: [50],
    });
    expect(client.outbox.at(-1)!.meta).toEqual({ attachments: [file] });
  });

  it('counts unread messages and mentions of others, not the own ones', () => {
    push('chat.message_posted', 1, { message: msg(11, 1, 5, 'salut') });
    push('chat.message_posted', 2, { message: msg(12, 1, 5, 'hé @[Moi](person:3)', { mentions: { people: [ME], organisations: [] } }) });
    push('chat.message_posted', 3, { message: msg(13, 1, 5, '@[Ville](org:9)', { mentions: { people: [], organisations: [9] } }) });
    push('chat.message_posted', 4, { message: msg(14, 1, ME, 'moi') });
    const th = store.thread(1)!;
    expect(th.unread).toBe(3);
    expect(th.mentions).toBe(2);
    expect(th.message_count).toBe(5);
    expect(store.workspaces.get(4)!.unread).toBe(3);
    expect(store.workspaces.get(4)!.mentions).toBe(2);

    push('personal.read', undefined, { workspace: 4, thread: 1, message: 14 });
    hub.current.push({ event: 'personal.read', stream: 'personal', seq: 1, data: { workspace: 4, thread: 1, message: 14 } });
    expect(store.thread(1)!.unread).toBe(0);
    expect(store.workspaces.get(4)!.unread).toBe(0);
  });

  it('marks the thread on screen read instead of counting', async () => {
    store.view(4, 1);
    push('chat.message_posted', 1, { message: msg(11, 1, 5, 'vu') });
    expect(store.thread(1)!.unread).toBe(0);
    vi.advanceTimersByTime(500);
    await flushMicrotasks();
    const mark = hub.current.ops('chat.mark_read').at(-1);
    expect(mark.args).toEqual({ thread: 1, message: 11 });
  });

  it('applies edits, deletions, reactions, renames and resolution', () => {
    push('chat.message_edited', 1, { message: msg(10, 1, 5, 'un (corrigé)', { edited_at: '2026-11-29T18:00:00.000Z' }) });
    expect(store.messages.get(1)!.list[0].body).toBe('un (corrigé)');
    push('chat.reaction_changed', 2, { message: 10, thread: 1, reactions: { '👍': [5, ME] } });
    expect(store.messages.get(1)!.list[0].reactions).toEqual({ '👍': [5, ME] });
    push('chat.thread_renamed', 3, { thread: 1, title: 'Nouveau titre' });
    push('chat.thread_resolved', 4, { thread: 1, resolved: true });
    expect(store.thread(1)).toMatchObject({ title: 'Nouveau titre', resolved: true });
    push('chat.message_deleted', 5, { message: 10, thread: 1 });
    expect(store.messages.get(1)!.list[0]).toMatchObject({ deleted: true, body: '' });
    // An older copy does not bring a deleted message back.
    store.upsertMessage(msg(10, 1, 5, 'un'));
    expect(store.messages.get(1)!.list[0].deleted).toBe(true);
  });

  it('shows an activity thread in the reader’s language until a person renames it', async () => {
    const { threadTitle } = await import('../src/state/store');
    push('chat.thread_created', 1, {
      thread: thread(3, { title: 'Réunion : Comité de pilotage', title_en: 'Meeting: Comité de pilotage' }),
      message: msg(30, 3, 5, 'Réunion planifiée'),
    });
    const th = store.thread(3)!;
    expect(threadTitle(th, 'fr')).toBe('Réunion : Comité de pilotage');
    expect(threadTitle(th, 'en')).toBe('Meeting: Comité de pilotage');
    push('chat.thread_renamed', 2, { thread: 3, title: 'Copil de juin' });
    expect(threadTitle(store.thread(3)!, 'en')).toBe('Copil de juin');
    // A person's thread has no English title: the same title in both languages.
    expect(threadTitle(thread(4, { title: 'Fil' }), 'en')).toBe('Fil');
  });

  it('adds a thread created by someone else', () => {
    push('chat.thread_created', 1, { thread: thread(2, { title: 'Nouveau' }), message: msg(20, 2, 5, 'premier') });
    expect(store.threadList(4).map((t) => t.id)).toContain(2);
    expect(store.thread(2)!.unread).toBe(1);
  });

  it('shows who is typing for 5 seconds, not oneself', async () => {
    void store.loadMembers(4);
    await answer('workspaces.members', {
      people: [
        { id: 5, name: 'Pascal Bilbille', role: 'member', online: true },
        { id: ME, name: 'Moi', role: 'member', online: true },
      ],
      organisations: [],
    });
    hub.current.push({ event: 'chat.typing', data: { workspace: 4, thread: 1, person: 5 } });
    hub.current.push({ event: 'chat.typing', data: { workspace: 4, thread: 1, person: ME } });
    expect(store.typingIn(1)).toEqual(['Pascal Bilbille']);
    vi.advanceTimersByTime(5100);
    expect(store.typingIn(1)).toEqual([]);
  });

  it('sends chat.typing at most once per 3 seconds', () => {
    store.typingNow(4, 1);
    store.typingNow(4, 1);
    vi.advanceTimersByTime(2000);
    store.typingNow(4, 1);
    expect(hub.current.ops('chat.typing')).toHaveLength(1);
    vi.advanceTimersByTime(1100);
    store.typingNow(4, 1);
    expect(hub.current.ops('chat.typing')).toHaveLength(2);
    expect(hub.current.ops('chat.typing')[0].args).toEqual({ workspace: 4, thread: 1 });
  });

  it('updates presence', async () => {
    void store.loadMembers(4);
    await answer('workspaces.members', {
      people: [{ id: 5, name: 'P', role: 'member', online: false }],
      organisations: [],
    });
    hub.current.push({ event: 'presence.changed', data: { workspace: 4, online: [5] } });
    expect(store.online.get(4)!.has(5)).toBe(true);
    expect(store.members.get(4)!.people[0].online).toBe(true);
  });

  it('reloads threads and history on resync_required', async () => {
    hub.current.push({ event: 'resync_required', workspace: 4, data: { latest_seq: 500 } });
    await flushMicrotasks();
    expect(hub.current.ops('chat.threads').length).toBeGreaterThanOrEqual(2);
    expect(hub.current.ops('chat.history').length).toBeGreaterThanOrEqual(2);
  });

  it('pages older messages with chat.history {before}', async () => {
    store.messages.get(1)!.moreBefore = true;
    void store.loadOlder(1);
    await flushMicrotasks();
    expect(hub.current.ops('chat.history').at(-1).args).toEqual({ thread: 1, before: 10, limit: 50 });
    await answer('chat.history', { messages: [msg(8, 1, 5, 'a'), msg(9, 1, 5, 'b')], more_before: false });
    expect(store.messages.get(1)!.list.map((m) => m.id)).toEqual([8, 9, 10]);
    expect(store.messages.get(1)!.moreBefore).toBe(false);
  });
});

describe('workspace names', () => {
  it('drops the kind from a name shown under its kind heading', async () => {
    const { shortWorkspaceName, kindGroupLabel } = await import('../src/state/store');
    const w = ws(1, 'comite_technique', 'Comité technique — Centre Socioculturel des Moulins', {
      kind_label: 'Comité technique',
      kind_label_plural: 'Comités techniques',
      kind_label_plural_en: 'Technical committees',
    });
    expect(shortWorkspaceName(w)).toBe('Centre Socioculturel des Moulins');
    expect(shortWorkspaceName(ws(2, 'comite_pilotage', 'Comité de pilotage', { kind_label: 'Comité de pilotage' }))).toBe(
      'Comité de pilotage',
    );
    expect(kindGroupLabel(w)).toBe('Comités techniques');
  });
});

describe('plugin tabs', () => {
  it('titles the tabs in the language chosen after the list was fetched', async () => {
    const { setLocale, getLocale } = await import('../src/i18n');
    const before = getLocale();
    setLocale('fr', false);
    const loaded = store.loadPlugins(4);
    await answer('plugins.list', {
      plugins: [
        { name: 'agenda', version: '1', title: 'Réunions', title_fr: 'Réunions', title_en: 'Meetings', enabled: true },
        { name: 'notes', version: '1', title: 'Notes partagées', title_fr: 'Notes partagées', title_en: 'Shared notes', enabled: true },
        { name: 'poll', version: '1', title: 'Sondages', title_fr: 'Sondages', title_en: 'Polls', enabled: false },
      ],
    });
    await loaded;
    try {
      expect(store.pluginTabs(4)).toEqual([
        { name: 'agenda', title: 'Réunions' },
        { name: 'notes', title: 'Notes partagées' },
      ]);
      setLocale('en', false);
      expect(store.pluginTabs(4).map((t) => t.title)).toEqual(['Meetings', 'Shared notes']);
    } finally {
      setLocale(before, false);
    }
  });

  it('falls back to the one title of an older server, then to the name', async () => {
    const loaded = store.loadPlugins(4);
    await answer('plugins.list', {
      plugins: [
        { name: 'agenda', title: 'Réunions', enabled: true },
        { name: 'custom', enabled: true },
      ],
    });
    await loaded;
    expect(store.pluginTabs(4)).toEqual([
      { name: 'agenda', title: 'Réunions' },
      { name: 'custom', title: 'Custom' },
    ]);
  });
});
