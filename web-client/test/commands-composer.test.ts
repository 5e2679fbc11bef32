// @vitest-environment jsdom
// <pacte-composer> with slash commands: the suggestion list (listbox, active
// descendant, arrows, Tab, Escape), running a command instead of posting,
// the ephemeral answer (shown, announced, dismissed) and the inline error.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolClient } from '../src/protocol/client';
import { Store } from '../src/state/store';
import type { Workspace } from '../src/protocol/types';
import { setLocale } from '../src/i18n';
import { COMPLETE_DEBOUNCE_MS } from '../src/commands';
import '../src/components/pacte-composer';
import { MemoryStorage, SocketHub, flushMicrotasks } from './fake-socket';

const LIST = [
  { command: 'help', sub: '', usage: '/help [commande]', help: 'Liste les commandes', args: [] },
  { command: 'agenda', sub: 'next', usage: '/agenda next', help: 'La prochaine réunion', args: [] },
  { command: 'agenda', sub: 'add', usage: '/agenda add <titre> [durée]', help: 'Ajoute un point', args: [{ name: 'titre', type: 'word' }] },
];

/** With the documents plugin's /doc diff, whose versions the server completes. */
const WITH_DOC = [
  ...LIST,
  {
    command: 'doc', sub: 'diff', usage: '/doc diff <v1> <v2>', help: 'Résume les différences',
    args: [{ name: 'v1', type: 'integer' }, { name: 'v2', type: 'integer' }],
  },
];

const WS: Workspace = {
  id: 4, pact: 1, key: 'copil', name: 'Comité de pilotage', kind: 'comite_pilotage', kind_label: 'Comité de pilotage',
  role: 'owner', archived: false, last_seq: 0, unread: 0, mentions: 0, plugins: ['agenda'],
};

let hub: SocketHub;
let store: Store;
let el: any;
let said: string[];

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await flushMicrotasks();
    await el.updateComplete;
  }
}

const input = (): HTMLTextAreaElement => el.querySelector('[data-testid=composer-input]');

async function type(text: string): Promise<void> {
  const ta = input();
  ta.value = text;
  ta.setSelectionRange(text.length, text.length);
  ta.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
}

async function key(k: string): Promise<void> {
  input().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  await settle();
}

const options = () => [...el.querySelectorAll('[data-testid=command-suggestion]')].map((o: Element) => o.querySelector('.sugg-label')!.textContent!.trim());

beforeEach(async () => {
  sessionStorage.clear();
  hub = new SocketHub();
  const client = new ProtocolClient({ url: 'ws://t/ws', socketFactory: hub.factory, storage: new MemoryStorage(), random: () => 0.5 });
  store = new Store(client, { person: { id: 3, name: 'Moi' }, organisations: [], is_admin: false });
  said = [];
  store.onAnnounce((t) => said.push(t));
  client.start();
  hub.current.open();
  hub.current.push({ event: 'hello', data: { person: { id: 3, name: 'Moi' } } });
  hub.current.reply(hub.current.ops('sync.subscribe')[0].id, { workspaces: { '4': 0 }, personal: 0 });
  await flushMicrotasks();
  hub.current.reply(hub.current.ops('workspaces.list')[0].id, { workspaces: [WS] });
  el = document.createElement('pacte-composer');
  el.store = store;
  el.workspace = WS;
  el.threadId = 1;
  el.tick = 0;
  store.subscribe(() => el.tick++);
  document.body.append(el);
  await settle();
});

afterEach(() => {
  el.remove();
  store.dispose();
  setLocale('fr', false);
});

describe('composer slash commands', () => {
  it('opens an accessible suggestion list on "/" and moves with the arrows', async () => {
    await type('/');
    expect(hub.current.ops('commands.list').map((f) => f.args)).toEqual([{ workspace: 4 }]);
    hub.current.reply(hub.current.ops('commands.list')[0].id, { commands: LIST });
    await settle();
    const list = el.querySelector('[data-testid=command-suggestions]');
    expect(list.getAttribute('role')).toBe('listbox');
    expect(list.getAttribute('aria-label')).toBe('Commandes et valeurs proposées');
    expect(options()).toEqual(['/help', '/agenda']);
    const ta = input();
    expect(ta.getAttribute('aria-controls')).toBe(list.id);
    expect(ta.getAttribute('aria-autocomplete')).toBe('list');
    expect(ta.dataset.suggestions).toBe('commands');
    expect(ta.getAttribute('aria-activedescendant')).toBe(`${list.id}-0`);
    expect(el.querySelector(`#${list.id}-0`).getAttribute('aria-selected')).toBe('true');
    expect(el.querySelector('[data-testid=suggestion-count]').textContent).toContain('2 suggestions');
    await key('ArrowDown');
    expect(ta.getAttribute('aria-activedescendant')).toBe(`${list.id}-1`);
    // Tab puts "/agenda " in and offers the subcommands.
    await key('Tab');
    expect(ta.value).toBe('/agenda ');
    expect(options()).toEqual(['/agenda next', '/agenda add <titre> [durée]']);
    await key('Escape');
    expect(el.querySelector('[data-testid=command-suggestions]')).toBeNull();
    expect(ta.hasAttribute('aria-activedescendant')).toBe(false);
    expect(ta.dataset.suggestions).toBe('closed');
    // Still no request beyond the first list.
    expect(hub.current.ops('commands.list')).toHaveLength(1);
  });

  it('runs /help on Enter instead of posting, shows the answer to the caller only, announces it, and dismisses it', async () => {
    await type('/help');
    hub.current.reply(hub.current.ops('commands.list')[0].id, { commands: LIST });
    await settle();
    expect(options()).toEqual(['/help']);
    // "/help" is complete: Enter sends rather than completing.
    await key('Enter');
    expect(hub.current.ops('chat.post')).toHaveLength(0);
    const run = hub.current.ops('commands.run');
    expect(run.map((f) => f.args)).toEqual([{ workspace: 4, thread: 1, text: '/help' }]);
    expect(el.querySelector('[data-testid=composer-send]').disabled).toBe(true);
    hub.current.reply(run[0].id, { visibility: 'ephemeral', text: '**/agenda next** — la prochaine réunion' });
    await settle();
    const answer = el.querySelector('[data-testid=command-answer]');
    expect(answer.getAttribute('aria-label')).toBe('Réponse à /help');
    expect(answer.textContent).toContain('Visible par vous seul·e');
    expect(answer.querySelector('strong').textContent).toBe('/agenda next');
    expect(input().value).toBe('');
    expect(said).toEqual(['Réponse à /help : /agenda next — la prochaine réunion']);
    answer.querySelector('[data-testid=command-answer-dismiss]').click();
    await settle();
    expect(el.querySelector('[data-testid=command-answer]')).toBeNull();
  });

  it('offers the versions the server gives for /doc diff, with their labels, and completes one', async () => {
    await type('/');
    hub.current.reply(hub.current.ops('commands.list')[0].id, { commands: WITH_DOC });
    await settle();
    vi.useFakeTimers();
    try {
      await type('/doc diff ');
      vi.advanceTimersByTime(COMPLETE_DEBOUNCE_MS);
      await settle();
    } finally {
      vi.useRealTimers();
    }
    const asked = hub.current.ops('commands.complete');
    expect(asked.map((f) => f.args)).toEqual([{ workspace: 4, text: '/doc diff ' }]);
    hub.current.reply(asked[0].id, {
      replace_from: 10,
      suggestions: [
        { value: 'v1 ', label: 'v1 — Projet initial', detail: 'figée' },
        { value: 'v2 ', label: 'v2 — Relecture CAF', detail: 'brouillon' },
      ],
    });
    await settle();
    expect(options()).toEqual(['v1 — Projet initial', 'v2 — Relecture CAF']);
    const details = [...el.querySelectorAll('[data-testid=command-suggestion] .sugg-detail')].map((d: Element) => d.textContent);
    expect(details).toEqual(['figée', 'brouillon']);
    await key('ArrowDown');
    await key('Tab');
    expect(input().value).toBe('/doc diff v2 ');
  });

  it('shows an ephemeral card under the composer', async () => {
    await type('/agenda next');
    hub.current.reply(hub.current.ops('commands.list')[0].id, { commands: LIST });
    await settle();
    await key('Enter');
    hub.current.reply(hub.current.ops('commands.run')[0].id, {
      visibility: 'ephemeral',
      text: 'Prochaine réunion : 12 mars 2026',
      card: { key: 'agenda:meeting:12', plugin: 'agenda', title: 'Comité de pilotage', links: [{ label: 'Ajouter au calendrier', href: '/p/agenda/meeting/12.ics' }] },
    });
    await settle();
    const card = el.querySelector('[data-testid=command-answer] [data-testid=card]');
    expect(card.querySelector('[data-testid=card-title]').textContent).toBe('Comité de pilotage');
    expect(card.querySelector('[data-testid=card-link]').getAttribute('href')).toBe('/p/agenda/meeting/12.ics');
    expect(said[0]).toBe('Réponse à /agenda next : Comité de pilotage. Prochaine réunion : 12 mars 2026');
  });

  it('shows an error inline in the person’s language and keeps the line to correct it', async () => {
    await type('/agenda add');
    hub.current.reply(hub.current.ops('commands.list')[0].id, { commands: LIST });
    await settle();
    await key('Escape');
    await key('Enter');
    hub.current.replyError(hub.current.ops('commands.run')[0].id, 'bad_request', 'Missing argument <title>.', {
      message_fr: 'Argument <titre> manquant. Usage : /agenda add <titre> [durée]',
    });
    await settle();
    expect(el.querySelector('[data-testid=command-error]').textContent).toBe('Argument <titre> manquant. Usage : /agenda add <titre> [durée]');
    expect(el.querySelector('[data-testid=command-error]').closest('[role=alert]')).not.toBeNull();
    expect(input().value).toBe('/agenda add');
    expect(el.querySelector('[data-testid=command-usage]').textContent).toBe('/agenda add <titre> [durée]');
    await type('/agenda add Budget');
    expect(el.querySelector('[data-testid=command-error]')).toBeNull();
  });

  it('posts "//text" as a message starting with "/"', async () => {
    await type('//etc/hosts est à jour');
    await key('Enter');
    expect(hub.current.ops('commands.run')).toHaveLength(0);
    expect(hub.current.ops('commands.list')).toHaveLength(0);
    expect(hub.current.ops('chat.post').map((f) => f.args.body)).toEqual(['/etc/hosts est à jour']);
  });
});
