import { afterEach, describe, expect, it } from 'vitest';
import { Announcer, messagesText, pageTitle } from '../src/a11y';
import { setLocale } from '../src/i18n';
import type { Route } from '../src/router';

afterEach(() => setLocale('fr', false));

const home: Route = { name: 'home' };
const wsRoute = (view: Extract<Route, { name: 'workspace' }>['view'], extra = {}): Route => ({
  name: 'workspace',
  ws: 4,
  view,
  ...extra,
});

describe('pageTitle', () => {
  it('names the screens before sign-in', () => {
    expect(pageTitle({ phase: 'loading', route: home })).toBe('Pacte');
    expect(pageTitle({ phase: 'login', route: home })).toBe('Connexion — Pacte');
    expect(pageTitle({ phase: 'set-password', route: home })).toBe('Choisir votre mot de passe — Pacte');
  });

  it('names each view of a workspace, most specific part first', () => {
    const ws = { workspaceName: 'Copil' };
    expect(pageTitle({ phase: 'ready', route: home })).toBe('Espaces de travail — Pacte');
    expect(pageTitle({ phase: 'ready', route: wsRoute('threads'), ...ws })).toBe('Discussion — Copil — Pacte');
    expect(
      pageTitle({ phase: 'ready', route: wsRoute('thread', { thread: 9 }), threadTitle: 'Budget 2027', ...ws }),
    ).toBe('Budget 2027 — Copil — Pacte');
    expect(pageTitle({ phase: 'ready', route: wsRoute('members'), ...ws })).toBe('Membres — Copil — Pacte');
    expect(
      pageTitle({ phase: 'ready', route: wsRoute('plugin', { plugin: 'polls' }), pluginTitle: 'Sondages', ...ws }),
    ).toBe('Sondages — Copil — Pacte');
    expect(pageTitle({ phase: 'ready', route: wsRoute('search', { query: '' }), ...ws })).toBe('Recherche — Copil — Pacte');
    expect(pageTitle({ phase: 'ready', route: wsRoute('search', { query: 'vélo' }), ...ws })).toBe(
      'Recherche « vélo » — Copil — Pacte',
    );
    expect(pageTitle({ phase: 'ready', route: wsRoute('new'), ...ws })).toBe('Nouveau fil de discussion — Copil — Pacte');
  });

  it('falls back while the workspace or the thread is still loading', () => {
    expect(pageTitle({ phase: 'ready', route: wsRoute('thread', { thread: 9 }) })).toBe('Discussion — Pacte');
    expect(pageTitle({ phase: 'ready', route: wsRoute('plugin', { plugin: 'polls' }), workspaceName: 'Copil' })).toBe(
      'polls — Copil — Pacte',
    );
  });

  it('speaks English when the interface does', () => {
    setLocale('en', false);
    expect(pageTitle({ phase: 'login', route: home })).toBe('Sign in — Pacte');
    expect(pageTitle({ phase: 'ready', route: home })).toBe('Workspaces — Pacte');
    expect(pageTitle({ phase: 'ready', route: wsRoute('members'), workspaceName: 'Copil' })).toBe('Members — Copil — Pacte');
  });
});

/** An announcer on a fake clock. */
function fakeAnnouncer() {
  let now = 10_000;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const said: string[] = [];
  const saidAt: number[] = [];
  const a = new Announcer((text) => {
    said.push(text);
    saidAt.push(now);
  }, {
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      timers.sort((x, y) => x.at - y.at);
      const next = timers[0];
      if (!next || next.at > end) break;
      timers.shift();
      now = next.at;
      next.fn();
    }
    now = end;
  };
  return { a, said, saidAt, advance, pending: () => timers.length };
}

describe('Announcer', () => {
  it('announces a single message at once', () => {
    const { a, said } = fakeAnnouncer();
    a.newMessage('Léa Martin', 'Budget');
    expect(said).toEqual(['Nouveau message de Léa Martin dans « Budget ».']);
  });

  it('coalesces the messages of the next 2 seconds into one announcement', () => {
    const { a, said, advance, pending } = fakeAnnouncer();
    a.newMessage('Léa', 'Budget');
    advance(300);
    a.newMessage('Paul', 'Budget');
    advance(300);
    a.newMessage('Léa', 'Budget');
    advance(300);
    a.newMessage('Zoé', 'Budget');
    expect(said).toHaveLength(1);
    advance(1099);
    expect(said).toHaveLength(1);
    advance(1);
    expect(said).toEqual(['Nouveau message de Léa dans « Budget ».', '3 nouveaux messages dans « Budget ».']);
    expect(pending()).toBe(0);
    // Quiet for 2 s: the next message is announced at once again.
    advance(2000);
    a.newMessage('Paul', 'Budget');
    expect(said[2]).toBe('Nouveau message de Paul dans « Budget ».');
  });

  it('never says more than one thing every 2 seconds', () => {
    const { a, said, saidAt, advance } = fakeAnnouncer();
    for (let i = 0; i < 40; i++) {
      a.newMessage('P', 'T');
      advance(250);
    }
    advance(2000);
    expect(said.length).toBe(6);
    for (let i = 1; i < saidAt.length; i++) expect(saidAt[i] - saidAt[i - 1]).toBeGreaterThanOrEqual(2000);
    expect(said.slice(1).every((s) => /^\d+ nouveaux messages dans « T »\.$/.test(s))).toBe(true);
  });

  it('puts a connection change first and keeps only the latest', () => {
    const { a, said, advance } = fakeAnnouncer();
    a.statusChanged('Connexion perdue, reconnexion en cours.');
    a.statusChanged('ignored');
    advance(500);
    a.statusChanged('Connexion rétablie.');
    a.newMessage('Léa', 'Budget');
    advance(2000);
    expect(said).toEqual([
      'Connexion perdue, reconnexion en cours.',
      'Connexion rétablie. Nouveau message de Léa dans « Budget ».',
    ]);
  });

  it('forgets what is waiting on reset', () => {
    const { a, said, advance, pending } = fakeAnnouncer();
    a.newMessage('Léa', 'Budget');
    a.newMessage('Paul', 'Budget');
    a.reset();
    expect(pending()).toBe(0);
    advance(5000);
    expect(said).toHaveLength(1);
  });

  it('names no thread when the messages are in several', () => {
    expect(messagesText([
      { author: 'A', thread: 'X' },
      { author: 'B', thread: 'Y' },
    ])).toBe('2 nouveaux messages.');
    setLocale('en', false);
    expect(messagesText([{ author: 'A', thread: 'X' }])).toBe('New message from A in “X”.');
    expect(messagesText([
      { author: 'A', thread: 'X' },
      { author: 'B', thread: 'X' },
    ])).toBe('2 new messages in “X”.');
  });
});
