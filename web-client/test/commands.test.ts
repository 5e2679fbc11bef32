// Slash commands in the composer (issue 12): detection of a command line, the
// completion state machine (commands and subcommands from the cached
// commands.list, arguments from a debounced commands.complete), and
// running a command through the store (ephemeral answers, thread answers,
// localised errors).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CommandCatalog,
  CommandCompleter,
  COMPLETE_DEBOUNCE_MS,
  cpToUtf16,
  findCommand,
  isCommandText,
  localSuggestions,
  slashStage,
  unescapeSlash,
  type CommandInfo,
} from '../src/commands';
import { ProtocolClient } from '../src/protocol/client';
import { Store } from '../src/state/store';
import { setLocale } from '../src/i18n';
import { MemoryStorage, SocketHub, flushMicrotasks } from './fake-socket';

const LIST: CommandInfo[] = [
  { command: 'help', sub: '', usage: '/help [commande]', help: 'Liste les commandes', args: [{ name: 'commande', type: 'word', optional: true }] },
  { command: 'agenda', sub: 'next', usage: '/agenda next', help: 'La prochaine réunion', args: [] },
  {
    command: 'agenda',
    sub: 'add',
    usage: '/agenda add <titre> [durée]',
    help: 'Ajoute un point',
    args: [
      { name: 'titre', type: 'word' },
      { name: 'durée', type: 'duration', optional: true },
    ],
  },
  { command: 'sign', sub: 'status', usage: '/sign status', help: 'Avancement des signatures', args: [] },
  {
    command: 'sign',
    sub: 'remind',
    usage: '/sign remind [organisation]',
    help: 'Relance',
    args: [{ name: 'organisation', type: 'organisation', optional: true }],
  },
];

describe('command lines', () => {
  it('knows a command from a message and "//" from a command', () => {
    expect(isCommandText('/help')).toBe(true);
    expect(isCommandText('/')).toBe(true);
    expect(isCommandText(' /help')).toBe(false);
    expect(isCommandText('//pas une commande')).toBe(false);
    expect(isCommandText('bonjour /help')).toBe(false);
    expect(unescapeSlash('//pas une commande')).toBe('/pas une commande');
    expect(unescapeSlash('bonjour')).toBe('bonjour');
  });

  it('converts code point positions to UTF-16 offsets', () => {
    expect(cpToUtf16('/sign remind 😀 Mo', 15)).toBe(16);
    expect(cpToUtf16('abc', 2)).toBe(2);
    expect(cpToUtf16('abc', 10)).toBe(3);
  });

  it('finds the word the caret is in', () => {
    expect(slashStage('hello', 5, LIST)).toBeNull();
    expect(slashStage('/', 1, LIST)).toEqual({ kind: 'command', from: 0, prefix: '' });
    expect(slashStage('/ag', 3, LIST)).toEqual({ kind: 'command', from: 0, prefix: 'ag' });
    expect(slashStage('/agenda ', 8, LIST)).toEqual({ kind: 'sub', command: 'agenda', from: 8, prefix: '' });
    expect(slashStage('/agenda ne', 10, LIST)).toEqual({ kind: 'sub', command: 'agenda', from: 8, prefix: 'ne' });
    // /help has no subcommands: its first word is an argument.
    expect(slashStage('/help ag', 8, LIST)).toEqual({ kind: 'arg' });
    expect(slashStage('/sign remind Mo', 15, LIST)).toEqual({ kind: 'arg' });
    // The caret decides, not the end of the text.
    expect(slashStage('/agenda next', 3, LIST)).toEqual({ kind: 'command', from: 0, prefix: 'ag' });
  });

  it('suggests commands once each, then their subcommands with usage and help', () => {
    const cmds = localSuggestions({ kind: 'command', from: 0, prefix: '' }, LIST);
    expect(cmds.map((s) => s.label)).toEqual(['/help', '/agenda', '/sign']);
    expect(cmds[1]).toMatchObject({ value: '/agenda ', detail: 'next, add' });
    expect(localSuggestions({ kind: 'command', from: 0, prefix: 'SI' }, LIST).map((s) => s.label)).toEqual(['/sign']);
    const subs = localSuggestions({ kind: 'sub', command: 'agenda', from: 8, prefix: 'a' }, LIST);
    expect(subs).toEqual([{ value: 'add ', label: '/agenda add <titre> [durée]', detail: 'Ajoute un point' }]);
    // A subcommand without arguments gets no trailing space.
    expect(localSuggestions({ kind: 'sub', command: 'agenda', from: 8, prefix: 'n' }, LIST)[0].value).toBe('next');
  });

  it('finds the command a line names, for its usage line', () => {
    expect(findCommand('/agenda add "Point budget" 20min', LIST)?.usage).toBe('/agenda add <titre> [durée]');
    expect(findCommand('/help agenda', LIST)?.command).toBe('help');
    expect(findCommand('/inconnue', LIST)).toBeUndefined();
  });
});

/** A requester whose answers the test gives by hand. */
function fakeRequester() {
  const calls: { op: string; args: any; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  return {
    calls,
    request: vi.fn((op: string, args: any = {}) => new Promise<any>((resolve, reject) => calls.push({ op, args, resolve, reject }))),
    of(op: string) {
      return calls.filter((c) => c.op === op);
    },
  };
}

describe('CommandCompleter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  async function ready() {
    const req = fakeRequester();
    const catalog = new CommandCatalog(req);
    const c = new CommandCompleter(req, catalog, 4);
    c.update('/', 1);
    expect(req.of('commands.list')).toHaveLength(1);
    expect(req.of('commands.list')[0].args).toEqual({ workspace: 4 });
    expect(c.state.open).toBe(false);
    req.of('commands.list')[0].resolve({ commands: LIST });
    await flushMicrotasks();
    return { req, catalog, c };
  }

  it('opens on "/" with the commands the server listed, filters as the person types', async () => {
    const { req, c } = await ready();
    expect(c.state.open).toBe(true);
    expect(c.state.items.map((s) => s.label)).toEqual(['/help', '/agenda', '/sign']);
    c.update('/ag', 3);
    expect(c.state.items.map((s) => s.label)).toEqual(['/agenda']);
    c.update('/zz', 3);
    expect(c.state.open).toBe(false);
    // Leaving the command closes the list; commands.list was asked once only.
    c.update('bonjour', 7);
    expect(c.state.open).toBe(false);
    c.update('/', 1);
    expect(c.state.open).toBe(true);
    expect(req.of('commands.list')).toHaveLength(1);
    expect(req.of('commands.complete')).toHaveLength(0);
  });

  it('moves with the arrows (wrapping), accepts the command then offers its subcommands', async () => {
    const { c } = await ready();
    c.move(1);
    expect(c.state.active).toBe(1);
    c.move(-2);
    expect(c.state.active).toBe(2);
    c.move(1);
    expect(c.state.active).toBe(0);
    c.move(1);
    const next = c.accept('/', 1);
    expect(next).toEqual({ text: '/agenda ', caret: 8 });
    expect(c.state.open).toBe(false);
    c.update(next!.text, next!.caret);
    expect(c.state.items.map((s) => s.value)).toEqual(['next', 'add ']);
    expect(c.state.replaceFrom).toBe(8);
    const sub = c.accept(next!.text, next!.caret, 1);
    expect(sub).toEqual({ text: '/agenda add ', caret: 12 });
    c.update(sub!.text, sub!.caret);
    expect(c.state.usage).toBe('/agenda add <titre> [durée]');
  });

  it('asks commands.complete for an argument once the typing pauses, and drops a late answer', async () => {
    const { req, c } = await ready();
    c.update('/sign remind M', 14);
    c.update('/sign remind Mo', 15);
    expect(req.of('commands.complete')).toHaveLength(0);
    vi.advanceTimersByTime(COMPLETE_DEBOUNCE_MS);
    expect(req.of('commands.complete')).toHaveLength(1);
    expect(req.of('commands.complete')[0].args).toEqual({ workspace: 4, text: '/sign remind Mo' });
    // The person types on before the answer comes back: it is for an older text.
    c.update('/sign remind Mou', 16);
    req.of('commands.complete')[0].resolve({ replace_from: 13, suggestions: [{ value: 'moulins', label: 'Moulins' }] });
    await flushMicrotasks();
    expect(c.state.open).toBe(false);
    vi.advanceTimersByTime(COMPLETE_DEBOUNCE_MS);
    req.of('commands.complete')[1].resolve({
      replace_from: 13,
      suggestions: [{ value: 'moulins ', label: 'Moulins', detail: 'Centre Socioculturel des Moulins' }],
    });
    await flushMicrotasks();
    expect(c.state.open).toBe(true);
    expect(c.state.items[0]).toEqual({ value: 'moulins ', label: 'Moulins', detail: 'Centre Socioculturel des Moulins' });
    expect(c.accept('/sign remind Mou', 16)).toEqual({ text: '/sign remind moulins ', caret: 21 });
  });

  it('counts replace_from in code points', async () => {
    const { req, c } = await ready();
    const text = '/help 😀 @Ag';
    c.update(text, text.length);
    vi.advanceTimersByTime(COMPLETE_DEBOUNCE_MS);
    req.of('commands.complete')[0].resolve({ replace_from: 8, suggestions: [{ value: '@[Agnès Daffos](person:40) ', label: 'Agnès Daffos' }] });
    await flushMicrotasks();
    expect(c.state.replaceFrom).toBe(9);
    expect(c.accept(text, text.length)!.text).toBe('/help 😀 @[Agnès Daffos](person:40) ');
  });

  it('Escape closes until the text changes', async () => {
    const { c } = await ready();
    c.close();
    expect(c.state.open).toBe(false);
    c.update('/', 1); // the caret moved, the text did not
    expect(c.state.open).toBe(false);
    c.update('/a', 2);
    expect(c.state.open).toBe(true);
  });

  it('keeps the list per workspace and asks again after a failure or a forget', async () => {
    const req = fakeRequester();
    const catalog = new CommandCatalog(req);
    const p = catalog.list(4);
    req.calls[0].reject(new Error('offline'));
    await expect(p).rejects.toThrow('offline');
    void catalog.list(4);
    expect(req.of('commands.list')).toHaveLength(2);
    req.calls[1].resolve({ commands: LIST });
    await flushMicrotasks();
    expect(catalog.peek(4)).toHaveLength(LIST.length);
    void catalog.list(4);
    void catalog.list(5);
    expect(req.of('commands.list').map((c) => c.args.workspace)).toEqual([4, 4, 5]);
    catalog.forget(4);
    expect(catalog.peek(4)).toBeUndefined();
    void catalog.list(4);
    expect(req.of('commands.list')).toHaveLength(4);
  });
});

describe('Store.runCommand', () => {
  let hub: SocketHub;
  let client: ProtocolClient;
  let store: Store;

  beforeEach(async () => {
    vi.useFakeTimers();
    hub = new SocketHub();
    client = new ProtocolClient({ url: 'ws://t/ws', socketFactory: hub.factory, storage: new MemoryStorage(), random: () => 0.5 });
    store = new Store(client, { person: { id: 3, name: 'Moi' }, organisations: [], is_admin: false });
    client.start();
    hub.current.open();
    hub.current.push({ event: 'hello', data: { person: { id: 3, name: 'Moi' } } });
    hub.current.reply(hub.current.ops('sync.subscribe')[0].id, { workspaces: { '4': 0 }, personal: 0 });
    await flushMicrotasks();
    hub.current.reply(hub.current.ops('workspaces.list')[0].id, { workspaces: [] });
    await flushMicrotasks();
  });

  afterEach(() => {
    store.dispose();
    vi.useRealTimers();
    setLocale('fr', false);
  });

  it('keeps an ephemeral answer under the thread until it is dismissed, and announces nothing by itself', async () => {
    const said: string[] = [];
    store.onAnnounce((t) => said.push(t));
    const p = store.runCommand(4, 1, '/help');
    await flushMicrotasks();
    const frame = hub.current.ops('commands.run')[0];
    expect(frame.args).toEqual({ workspace: 4, thread: 1, text: '/help' });
    expect(hub.current.ops('chat.post')).toHaveLength(0);
    hub.current.reply(frame.id, { visibility: 'ephemeral', text: '**/agenda next** : la prochaine réunion' });
    await p;
    expect(store.answersIn(1)).toMatchObject([{ command: '/help', text: '**/agenda next** : la prochaine réunion', card: null }]);
    expect(store.answersIn(2)).toEqual([]);
    store.dismissAnswer(1, store.answersIn(1)[0].id);
    expect(store.answersIn(1)).toEqual([]);
    expect(said).toEqual([]);
  });

  it('merges a thread answer as a message, with its card', async () => {
    void store.loadHistory(1);
    await flushMicrotasks();
    hub.current.reply(hub.current.ops('chat.history')[0].id, { messages: [], more_before: false });
    await flushMicrotasks();
    const p = store.runCommand(4, 1, '/agenda add "Point budget" 20min');
    await flushMicrotasks();
    const card = { key: 'agenda:meeting:12', plugin: 'agenda', title: 'Comité de pilotage' };
    hub.current.reply(hub.current.ops('commands.run')[0].id, {
      visibility: 'thread',
      text: 'Point ajouté',
      card,
      message: {
        id: 30, thread: 1, workspace: 4, author: 3, author_name: 'Moi', body: 'Point ajouté', card,
        created_at: '2026-11-29T17:00:00Z', edited_at: null, deleted: false, reply_to: null, reactions: {},
        mentions: { people: [], organisations: [] },
      },
    });
    await p;
    expect(store.messages.get(1)!.list.map((m) => [m.id, m.card?.key])).toEqual([[30, 'agenda:meeting:12']]);
    expect(store.answersIn(1)).toEqual([]);
  });

  it('rejects with the server message in the person’s language', async () => {
    const p = store.runCommand(4, 1, '/agenda add');
    await flushMicrotasks();
    hub.current.replyError(hub.current.ops('commands.run')[0].id, 'bad_request', 'Missing argument <title>. Usage: /agenda add <title> [duration]', {
      message_fr: 'Argument <titre> manquant. Usage : /agenda add <titre> [durée]',
    });
    const err = await p.catch((e) => e);
    const { errorText } = await import('../src/i18n');
    expect(errorText(err)).toBe('Argument <titre> manquant. Usage : /agenda add <titre> [durée]');
    setLocale('en', false);
    expect(errorText(err)).toBe('Missing argument <title>. Usage: /agenda add <title> [duration]');
  });

  it('forgets the cached command list when the workspace’s plugins or the language change', async () => {
    void store.commands.list(4);
    await flushMicrotasks();
    hub.current.reply(hub.current.ops('commands.list')[0].id, { commands: LIST });
    await flushMicrotasks();
    expect(store.commands.peek(4)).toBeDefined();
    hub.current.push({ event: 'plugins.disabled', workspace: 4, seq: 1, data: { plugin: 'agenda' } });
    await flushMicrotasks();
    expect(store.commands.peek(4)).toBeUndefined();
    // A new language: the help texts are asked again, in it.
    void store.commands.list(4);
    await flushMicrotasks();
    hub.current.reply(hub.current.ops('commands.list')[1].id, { commands: LIST });
    await flushMicrotasks();
    expect(store.commands.peek(4)).toBeDefined();
    setLocale('en', false);
    expect(store.commands.peek(4)).toBeUndefined();
  });
});
