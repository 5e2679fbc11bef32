// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolClient } from '../src/protocol/client';
import { Store } from '../src/state/store';
import type { Notification, NotificationPrefs, Workspace } from '../src/protocol/types';
import { setLocale } from '../src/i18n';
import { pageTitle } from '../src/a11y';
import { parseRoute, paths } from '../src/router';
import '../src/components/pacte-notifications';
import '../src/components/pacte-notification-prefs';
import '../src/components/pacte-forgot-password';
import '../src/components/pacte-set-password';
import type { PacteNotifications } from '../src/components/pacte-notifications';
import type { PacteNotificationPrefs } from '../src/components/pacte-notification-prefs';
import type { PacteForgotPassword } from '../src/components/pacte-forgot-password';
import type { PacteSetPassword } from '../src/components/pacte-set-password';
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
    title: `Léa vous a mentionné·e (${id})`,
    body: 'Pouvez-vous relire le compte rendu ?',
    link: `#/w/copil/t/${id}`,
    created_at: new Date().toISOString(),
    read_at: null,
    ...extra,
  };
}

let hub: SocketHub;
let client: ProtocolClient;
let store: Store;

async function answer(op: string, result: unknown): Promise<any> {
  await flushMicrotasks();
  const frame = hub.current.ops(op).at(-1);
  expect(frame, `request ${op}`).toBeTruthy();
  hub.current.reply(frame.id, result);
  await flushMicrotasks();
  return frame;
}

async function signIn(first: Notification[], unread: number): Promise<void> {
  hub = new SocketHub();
  client = new ProtocolClient({ url: 'ws://t/ws', socketFactory: hub.factory, storage: new MemoryStorage(), random: () => 0.5 });
  store = new Store(client, { person: { id: ME, name: 'Moi' }, organisations: [], is_admin: false });
  client.start();
  hub.current.open();
  hub.current.push({ event: 'hello', data: { person: { id: ME, name: 'Moi' } } });
  hub.current.reply(hub.current.ops('sync.subscribe')[0].id, { workspaces: {}, personal: 0 });
  await answer('workspaces.list', { workspaces: [ws(4, 'copil', 'Comité de pilotage'), ws(5, 'pacte', 'Pacte')] });
  await answer('notifications.list', { notifications: first, unread });
}

async function settle(el: { updateComplete: Promise<unknown> }): Promise<void> {
  await flushMicrotasks();
  await el.updateComplete;
}

afterEach(() => {
  store?.dispose();
  document.body.innerHTML = '';
  setLocale('fr', false);
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

describe('the bell', () => {
  let bell: PacteNotifications;

  beforeEach(async () => {
    await signIn([notif(12), notif(11, { read_at: '2026-11-29T10:00:00Z', kind: 'meeting', link: '' })], 3);
    bell = document.createElement('pacte-notifications') as PacteNotifications;
    bell.store = store;
    document.body.append(bell);
    await settle(bell);
  });

  const button = () => bell.querySelector<HTMLButtonElement>('[data-testid="notif-bell"]')!;
  const panel = () => bell.querySelector<HTMLElement>('[data-testid="notif-panel"]')!;

  it('says the unread count in its name and shows it', () => {
    expect(button().getAttribute('aria-label')).toBe('Notifications, 3 non lues');
    expect(bell.querySelector('[data-testid="notif-count"]')!.textContent!.trim()).toBe('3');
    expect(button().getAttribute('aria-expanded')).toBe('false');
    expect(panel().hidden).toBe(true);
  });

  it('opens a named panel on the heading; Escape closes it and the focus returns to the bell', async () => {
    button().click();
    await settle(bell);
    expect(button().getAttribute('aria-expanded')).toBe('true');
    expect(panel().hidden).toBe(false);
    expect(panel().getAttribute('role')).toBe('dialog');
    expect(document.getElementById(panel().getAttribute('aria-labelledby')!)!.textContent).toContain('Notifications');
    expect(document.activeElement?.id).toBe('notif-title');
    const items = bell.querySelectorAll('[data-testid="notif-item"]');
    expect(items).toHaveLength(2);
    expect(items[0].tagName).toBe('A');
    expect(items[0].getAttribute('href')).toBe('/w/4/t/12');
    expect(items[0].textContent).toContain('Mention');
    expect(items[0].textContent).toContain('non lue');
    // A notification without a link is not a link.
    expect(items[1].tagName).toBe('DIV');
    expect(items[1].textContent).toContain('Réunion');
    panel().dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle(bell);
    expect(panel().hidden).toBe(true);
    expect(document.activeElement).toBe(button());
  });

  it('a click on an entry marks it read and goes to its page', async () => {
    button().click();
    await settle(bell);
    const item = bell.querySelector<HTMLAnchorElement>('[data-testid="notif-item"]')!;
    item.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));
    await settle(bell);
    expect(location.pathname).toBe('/w/4/t/12');
    expect(panel().hidden).toBe(true);
    const req = await answer('notifications.mark_read', { unread: 2 });
    expect(req.args).toEqual({ ids: [12] });
    await settle(bell);
    expect(button().getAttribute('aria-label')).toBe('Notifications, 2 non lues');
  });

  it('updates live and empties the count with "Tout marquer comme lu"', async () => {
    hub.current.push({
      event: 'notification.created',
      stream: 'personal',
      seq: 1,
      data: { notification: notif(13), unread: 4 },
    });
    bell.tick = 1;
    await settle(bell);
    expect(button().getAttribute('aria-label')).toBe('Notifications, 4 non lues');
    button().click();
    await settle(bell);
    expect(bell.querySelectorAll('[data-testid="notif-item"]')).toHaveLength(3);
    bell.querySelector<HTMLButtonElement>('[data-testid="notif-mark-all"]')!.click();
    await settle(bell);
    expect(button().getAttribute('aria-label')).toBe('Notifications');
    expect(bell.querySelector<HTMLButtonElement>('[data-testid="notif-mark-all"]')!.disabled).toBe(true);
    const req = await answer('notifications.mark_read', { unread: 0 });
    expect(req.args).toEqual({ all: true });
  });

  it('has an empty state', async () => {
    store.notifications.list = [];
    store.notifications.unread = 0;
    button().click();
    await settle(bell);
    expect(bell.querySelector('[data-testid="notif-empty"]')!.textContent).toContain('Aucune notification');
  });
});

describe('notification preferences', () => {
  const prefs: NotificationPrefs = {
    email_configured: false,
    email: { mention: true, reply: true, invitation: true, meeting: true, document: true, signature: true, reminder: true, cadence: true, deadline: false },
    digest: 'daily',
    workspaces: { '5': 'never' },
  };

  async function open(workspace?: number): Promise<PacteNotificationPrefs> {
    await signIn([], 0);
    const el = document.createElement('pacte-notification-prefs') as PacteNotificationPrefs;
    el.store = store;
    el.workspace = workspace;
    document.body.append(el);
    await answer('notifications.prefs.get', prefs);
    await settle(el);
    return el;
  }

  it('shows a checkbox per kind with French labels, the digest and the current workspace', async () => {
    const el = await open(4);
    const boxes = [...el.querySelectorAll<HTMLInputElement>('[data-testid="pref-email"]')];
    expect(boxes.map((b) => b.dataset.kind)).toEqual([
      'mention', 'reply', 'invitation', 'meeting', 'document', 'signature', 'reminder', 'cadence', 'deadline',
    ]);
    expect(boxes.map((b) => b.checked)).toEqual([true, true, true, true, true, true, true, true, false]);
    for (const b of boxes) expect(el.querySelector(`label[for="${b.id}"]`)!.textContent!.trim()).not.toBe('');
    expect(el.querySelector('label[for="pref-email-signature"]')!.textContent).toContain('demandes de signature');
    const radios = [...el.querySelectorAll<HTMLInputElement>('[data-testid="pref-digest"]')];
    expect(radios.map((r) => el.querySelector(`label[for="${r.id}"]`)!.textContent!.trim())).toEqual([
      'Immédiatement', 'Toutes les heures', 'Chaque jour', 'Jamais',
    ]);
    expect(radios.find((r) => r.checked)!.value).toBe('daily');
    expect(el.querySelector<HTMLSelectElement>('[data-testid="pref-ws"]')!.value).toBe('4');
    expect(el.querySelector<HTMLSelectElement>('[data-testid="pref-ws-mode"]')!.value).toBe('');
    expect(el.querySelector('[data-testid="pref-ws-mode"] option')!.textContent).toContain('Comme le réglage général (chaque jour)');
    expect(el.querySelector('[data-testid="pref-overrides"]')!.textContent).toContain('Pacte');
    expect(el.querySelector('[data-testid="prefs-not-configured"]')!.textContent).toContain('n’est pas configuré');
  });

  it('offers the discussion summary too when the server has that setting', async () => {
    await signIn([], 0);
    const el = document.createElement('pacte-notification-prefs') as PacteNotificationPrefs;
    el.store = store;
    document.body.append(el);
    await answer('notifications.prefs.get', { ...prefs, email: { ...prefs.email, digest: false } });
    await settle(el);
    const box = el.querySelector<HTMLInputElement>('[data-testid="pref-email"][data-kind="digest"]')!;
    expect(box.checked).toBe(false);
    expect(el.querySelector('label[for="pref-email-digest"]')!.textContent).toContain('récapitulatif des discussions');
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    const req = await answer('notifications.prefs.set', { ...prefs, email: { ...prefs.email, digest: true } });
    expect(req.args).toEqual({ email: { digest: true } });
  });

  it('saves each change at once and says so', async () => {
    const el = await open(4);
    const box = el.querySelector<HTMLInputElement>('[data-kind="reply"]')!;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    let req = await answer('notifications.prefs.set', { ...prefs, email: { ...prefs.email, reply: false } });
    expect(req.args).toEqual({ email: { reply: false } });
    await settle(el);
    expect(el.querySelector('[data-testid="prefs-status"]')!.textContent).toContain('Préférences enregistrées');

    const never = el.querySelector<HTMLInputElement>('[data-testid="pref-digest"][value="hourly"]')!;
    never.checked = true;
    never.dispatchEvent(new Event('change'));
    req = await answer('notifications.prefs.set', { ...prefs, digest: 'hourly' });
    expect(req.args).toEqual({ digest: 'hourly' });

    const mode = el.querySelector<HTMLSelectElement>('[data-testid="pref-ws-mode"]')!;
    mode.value = 'immediately';
    mode.dispatchEvent(new Event('change'));
    req = await answer('notifications.prefs.set', { ...prefs, workspaces: { '4': 'immediately', '5': 'never' } });
    expect(req.args).toEqual({ workspace: 4, workspace_digest: 'immediately' });
    await settle(el);
    mode.value = '';
    mode.dispatchEvent(new Event('change'));
    req = await answer('notifications.prefs.set', prefs);
    expect(req.args).toEqual({ workspace: 4, workspace_digest: null });
  });

  it('puts a refused change back as the server has it', async () => {
    const el = await open();
    const box = el.querySelector<HTMLInputElement>('[data-kind="mention"]')!;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    await flushMicrotasks();
    hub.current.replyError(hub.current.ops('notifications.prefs.set')[0].id, 'unavailable', 'down', { message_fr: 'indisponible' });
    await answer('notifications.prefs.get', prefs);
    await settle(el);
    expect(box.checked).toBe(true);
    expect(el.querySelector('[data-testid="prefs-status"]')!.textContent).toContain('L’enregistrement a échoué : indisponible');
  });

  it('has its own route, title and link from a workspace', () => {
    expect(parseRoute('/preferences', '?w=4')).toEqual({ name: 'preferences', ws: 4 });
    expect(parseRoute('/preferences', '')).toEqual({ name: 'preferences' });
    expect(paths.preferences(4)).toBe('/preferences?w=4');
    expect(pageTitle({ phase: 'ready', route: { name: 'preferences' } })).toBe('Préférences de notification — Pacte');
  });
});

describe('forgotten password', () => {
  function stubFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
    const calls: { url: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, body: JSON.parse(String(init.body)) });
        return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
      }),
    );
    return calls;
  }

  async function open(email = ''): Promise<PacteForgotPassword> {
    const el = document.createElement('pacte-forgot-password') as PacteForgotPassword;
    el.email = email;
    document.body.append(el);
    await settle(el);
    return el;
  }

  async function submit(el: PacteForgotPassword, email: string): Promise<void> {
    el.querySelector<HTMLInputElement>('#forgot-email')!.value = email;
    el.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 0));
      await settle(el);
    }
  }

  it('starts at its heading with the address typed on the sign-in screen', async () => {
    const el = await open('lea@ville.example');
    expect(document.activeElement?.id).toBe('forgot-title');
    expect(el.querySelector<HTMLInputElement>('#forgot-email')!.value).toBe('lea@ville.example');
    expect(pageTitle({ phase: 'forgot-password', route: { name: 'home' } })).toBe('Mot de passe oublié — Pacte');
  });

  it('asks the server and shows the same neutral confirmation for any address', async () => {
    const calls = stubFetch(200, { ok: true, result: {} });
    const el = await open();
    await submit(el, 'personne@inconnu.example');
    expect(calls).toEqual([{ url: '/api/password.reset_request', body: { email: 'personne@inconnu.example' } }]);
    const sent = el.querySelector('[data-testid="forgot-sent"]')!.textContent!;
    expect(sent).toContain('Si un compte Pacte existe pour l’adresse personne@inconnu.example');
    expect(document.activeElement?.id).toBe('forgot-title');
    // Another address: the very same words.
    el.querySelector<HTMLButtonElement>('[data-testid="forgot-again"]')!.click();
    await settle(el);
    await submit(el, 'equipe@ville-chambery.example');
    expect(el.querySelector('[data-testid="forgot-sent"]')!.textContent).toBe(
      sent.replace('personne@inconnu.example', 'equipe@ville-chambery.example'),
    );
  });

  it('checks the address before asking, and says when to try again', async () => {
    const calls = stubFetch(429, { ok: false, error: { code: 'rate_limited', message: 'slow down', retry_after: 30 } });
    const el = await open();
    await submit(el, 'pas-une-adresse');
    expect(calls).toHaveLength(0);
    expect(el.querySelector('[data-testid="forgot-error"]')!.textContent).toContain('ne semble pas valide');
    await submit(el, 'lea@ville.example');
    expect(el.querySelector('[data-testid="forgot-error"]')!.textContent).toContain('Réessayez dans 30 secondes');
    expect(el.querySelector('[data-testid="forgot-sent"]')).toBeNull();
  });

  it('goes back to the sign-in screen', async () => {
    const el = await open();
    const back = vi.fn();
    el.addEventListener('to-login', back);
    el.querySelector<HTMLButtonElement>('[data-testid="forgot-back"]')!.click();
    expect(back).toHaveBeenCalledOnce();
  });

  it('a reset link opens the "new password" screen, which offers a new link once it no longer works', async () => {
    stubFetch(404, { ok: false, error: { code: 'not_found', message: 'unknown link' } });
    const el = document.createElement('pacte-set-password') as PacteSetPassword;
    el.kind = 'reset';
    el.token = 'tok';
    document.body.append(el);
    await settle(el);
    expect(el.querySelector('h1')!.textContent!.trim()).toBe('Choisir un nouveau mot de passe');
    expect(pageTitle({ phase: 'set-password', route: { name: 'home' }, linkKind: 'reset' })).toBe(
      'Choisir un nouveau mot de passe — Pacte',
    );
    el.querySelector<HTMLInputElement>('#set-password')!.value = 'une phrase assez longue';
    el.querySelector<HTMLInputElement>('#set-password-confirm')!.value = 'une phrase assez longue';
    el.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 0));
      await settle(el);
    }
    expect(el.querySelector('[data-testid="set-password-error"]')!.textContent).toContain('Ce lien est inconnu');
    const asked = vi.fn();
    el.addEventListener('forgot-password', asked);
    el.querySelector<HTMLButtonElement>('[data-testid="set-password-new-link"]')!.click();
    expect(asked).toHaveBeenCalledOnce();
  });
});
