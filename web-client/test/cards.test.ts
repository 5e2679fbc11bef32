// @vitest-environment jsdom
// Live cards (issue 12): <pacte-card> (fields, progress "5 / 8" in text, safe links,
// action buttons with a busy state and the result or error under the card),
// cards in <pacte-message>, activity messages without an author, and
// chat.card_updated applied in place by the store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { localizeCard, progressRatio, safeHref } from '../src/components/pacte-card';
import { messageBody } from '../src/components/pacte-message';
import '../src/components/pacte-card';
import '../src/components/pacte-message';
import { ProtocolClient } from '../src/protocol/client';
import { Store } from '../src/state/store';
import type { Card, Message } from '../src/protocol/types';
import { setLocale } from '../src/i18n';
import { MemoryStorage, SocketHub, flushMicrotasks } from './fake-socket';

function campaignCard(signed: number): Card {
  return {
    key: 'signatures:campaign:3',
    plugin: 'signatures',
    title: 'Signature du pacte',
    subtitle: `${signed + 4} / 14 signatures`,
    fields: [{ label: 'Empreinte', value: 'adf4…e574' }],
    progress: [
      { label: 'Moulins', done: signed, total: 8 },
      { label: 'CAF', done: 2, total: 2 },
    ],
    links: [
      { label: 'Ajouter au calendrier', href: '/p/agenda/meeting/12.ics' },
      { label: 'Piège', href: 'javascript:alert(1)' },
    ],
    actions: [{ label: 'Signer', op: 'signatures.sign_link', args: { campaign: 3 }, style: 'primary' }],
  };
}

const cleanup: Element[] = [];
afterEach(() => {
  for (const el of cleanup.splice(0)) el.remove();
  setLocale('fr', false);
});

async function mount<T extends Element>(tag: string, props: Record<string, unknown>): Promise<T & { updateComplete: Promise<unknown> }> {
  const el = document.createElement(tag) as any;
  Object.assign(el, props);
  document.body.append(el);
  cleanup.push(el);
  await el.updateComplete;
  return el;
}

describe('card helpers', () => {
  it('follows only same-site paths and http(s) links', () => {
    expect(safeHref('/p/agenda/meeting/12.ics')).toBe('/p/agenda/meeting/12.ics');
    expect(safeHref('https://example.org/x')).toBe('https://example.org/x');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('//evil.example/x')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
  });

  it('clamps the bar, never the text', () => {
    expect(progressRatio(5, 8)).toBe(0.625);
    expect(progressRatio(9, 8)).toBe(1);
    expect(progressRatio(1, 0)).toBe(0);
  });
});

/** The meeting card as the agenda plugin sends it: French texts with English siblings. */
function meetingCard(): Card {
  return {
    key: 'agenda:meeting:7',
    plugin: 'agenda',
    title: 'Comité de pilotage',
    subtitle: 'vendredi 12 juin 2026, 14 h 00 – 16 h 00',
    subtitle_en: 'Friday 12 June 2026, 14:00 – 16:00',
    fields: [
      { label: 'Lieu', label_en: 'Place', value: 'Hôtel de ville' },
      { label: 'Statut', label_en: 'Status', value: 'Prévue', value_en: 'Scheduled' },
    ],
    progress: [{ label: 'Moulins', done: 1, total: 8 }],
    links: [{ label: 'Ajouter au calendrier', label_en: 'Add to calendar', href: '/p/agenda/meeting/7.ics' }],
    actions: [{ label: 'Point suivant', label_en: 'Next item', op: 'agenda.set_current', args: { meeting: 7, item: 3 } }],
  };
}

describe('cards and activity in the reader’s language', () => {
  it('picks the English siblings for English readers and keeps the French otherwise', () => {
    const en = localizeCard(meetingCard(), 'en');
    expect(en.subtitle).toBe('Friday 12 June 2026, 14:00 – 16:00');
    expect(en.fields!.map((f) => [f.label, f.value])).toEqual([['Place', 'Hôtel de ville'], ['Status', 'Scheduled']]);
    expect(en.links![0].label).toBe('Add to calendar');
    expect(en.actions![0].label).toBe('Next item');
    expect(en.progress![0].label).toBe('Moulins');  // no English sibling: as stored
    expect(en.title).toBe('Comité de pilotage');
    const fr = localizeCard(meetingCard(), 'fr');
    expect(fr.subtitle).toBe('vendredi 12 juin 2026, 14 h 00 – 16 h 00');
    expect(fr.fields![1].value).toBe('Prévue');
    // A card stored before English existed is shown as it is.
    expect(localizeCard(campaignCard(5), 'en').actions![0].label).toBe('Signer');
  });

  it('shows an activity message’s English text to English readers only', () => {
    const m = { body: 'Point en cours : **2. Budget**', body_en: 'Current item: **2. Budget**' };
    expect(messageBody(m, 'en')).toBe('Current item: **2. Budget**');
    expect(messageBody(m, 'fr')).toBe('Point en cours : **2. Budget**');
    expect(messageBody({ body: 'Ancien message' }, 'en')).toBe('Ancien message');
  });

  it('renders the card in the current language and follows a change of language', async () => {
    setLocale('en', false);
    const el = await mount<HTMLElement>('pacte-card', { card: meetingCard(), client: { request: vi.fn() } });
    expect([...el.querySelectorAll('dl dt')].map((d) => d.textContent)).toEqual(['Place', 'Status']);
    expect(el.querySelector('[data-testid=card-action]')!.textContent!.trim()).toBe('Next item');
    setLocale('fr', false);
    await (el as any).updateComplete;
    expect([...el.querySelectorAll('dl dt')].map((d) => d.textContent)).toEqual(['Lieu', 'Statut']);
    expect(el.querySelector('[data-testid=card-action]')!.textContent!.trim()).toBe('Point suivant');
  });
});

describe('<pacte-card>', () => {
  it('shows the title, the fields as a description list, progress in text and safe links', async () => {
    const el = await mount<HTMLElement>('pacte-card', { card: campaignCard(5), client: { request: vi.fn() } });
    const section = el.querySelector('.card')!;
    expect(section.getAttribute('role')).toBe('group');
    expect(section.getAttribute('aria-labelledby')).toBe(el.querySelector('[data-testid=card-title]')!.id);
    expect(el.querySelector('[data-testid=card-title]')!.textContent).toBe('Signature du pacte');
    expect(el.querySelector('[data-testid=card-subtitle]')!.textContent).toBe('9 / 14 signatures');
    expect([...el.querySelectorAll('dl dt')].map((d) => d.textContent)).toEqual(['Empreinte']);
    expect([...el.querySelectorAll('dl dd')].map((d) => d.textContent)).toEqual(['adf4…e574']);
    const rows = [...el.querySelectorAll('[data-testid=card-progress]')];
    expect(rows.map((r) => r.querySelector('.card-progress-label')!.textContent)).toEqual(['Moulins', 'CAF']);
    expect(rows[0].querySelector('.card-progress-count')!.textContent!.trim()).toBe('5 / 8');
    // The bar is decoration: the text says it.
    expect(rows[0].querySelector('.card-progress-bar')!.getAttribute('aria-hidden')).toBe('true');
    expect((rows[0].querySelector('.card-progress-fill') as HTMLElement).style.width).toBe('63%');
    expect(rows[1].classList.contains('is-complete')).toBe(true);
    const links = [...el.querySelectorAll('[data-testid=card-link]')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([['Ajouter au calendrier', '/p/agenda/meeting/12.ics']]);
  });

  it('runs an action with its operation, busy meanwhile, and shows the result under the card', async () => {
    let resolve!: (v: unknown) => void;
    const request = vi.fn(() => new Promise((r) => (resolve = r)));
    const el = await mount<HTMLElement>('pacte-card', { card: campaignCard(5), client: { request } });
    const btn = el.querySelector<HTMLButtonElement>('[data-testid=card-action]')!;
    expect(btn.classList.contains('btn-primary')).toBe(true);
    btn.click();
    await (el as any).updateComplete;
    expect(request).toHaveBeenCalledWith('signatures.sign_link', { campaign: 3 });
    expect(btn.disabled).toBe(true);
    expect(btn.getAttribute('aria-busy')).toBe('true');
    expect(btn.textContent!.trim()).toBe('Signer en cours…');
    resolve({});
    await flushMicrotasks();
    await (el as any).updateComplete;
    expect(btn.disabled).toBe(false);
    expect(btn.getAttribute('aria-busy')).toBe('false');
    const outcome = el.querySelector('[data-testid=card-outcome]')!;
    expect(outcome.getAttribute('role')).toBe('status');
    expect(outcome.textContent!.trim()).toBe('« Signer » : c’est fait.');
  });

  it('offers the link an action answers as an in-app link (same tab), never an unsafe one', async () => {
    const request = vi.fn(async () => ({ text: 'Notes ouvertes pour « Budget ».', href: '/w/4/p/notes?note=9' }));
    const el = await mount<HTMLElement>('pacte-card', { card: campaignCard(5), client: { request } });
    el.querySelector<HTMLButtonElement>('[data-testid=card-action]')!.click();
    await flushMicrotasks();
    await (el as any).updateComplete;
    const link = el.querySelector<HTMLAnchorElement>('[data-testid=card-outcome-link]')!;
    expect(link.getAttribute('href')).toBe('/w/4/p/notes?note=9');
    expect(link.hasAttribute('target')).toBe(false);
    expect(link.textContent).toBe('Ouvrir');
    expect(el.querySelector('[data-testid=card-outcome]')!.textContent).toContain('Notes ouvertes pour « Budget ».');
    request.mockImplementation(async () => ({ text: 'Piège', href: 'javascript:alert(1)' }));
    el.querySelector<HTMLButtonElement>('[data-testid=card-action]')!.click();
    await flushMicrotasks();
    await (el as any).updateComplete;
    expect(el.querySelector('[data-testid=card-outcome-link]')).toBeNull();
  });

  it('shows a refusal in the person’s language', async () => {
    const err = Object.assign(new Error('You are not a signatory of this campaign.'), {
      code: 'forbidden',
      messageFr: 'Vous n’êtes pas signataire de cette campagne.',
    });
    const request = vi.fn(() => Promise.reject(err));
    const el = await mount<HTMLElement>('pacte-card', { card: campaignCard(5), client: { request } });
    el.querySelector<HTMLButtonElement>('[data-testid=card-action]')!.click();
    await flushMicrotasks();
    await (el as any).updateComplete;
    expect(el.querySelector('[data-testid=card-outcome] .form-error')!.textContent).toBe('Vous n’êtes pas signataire de cette campagne.');
  });
});

describe('cards in messages', () => {
  let hub: SocketHub;
  let store: Store;

  function activity(id: number, card: Card | null, extra: Partial<Message> = {}): Message {
    return {
      id, thread: 1, workspace: 4, author: null, author_name: null, body: 'Une signature de plus.', card,
      created_at: '2026-11-29T17:00:00.000Z', edited_at: null, deleted: false, reply_to: null, reactions: {},
      mentions: { people: [], organisations: [] }, ...extra,
    };
  }

  beforeEach(async () => {
    hub = new SocketHub();
    const client = new ProtocolClient({ url: 'ws://t/ws', socketFactory: hub.factory, storage: new MemoryStorage(), random: () => 0.5 });
    store = new Store(client, { person: { id: 3, name: 'Moi' }, organisations: [], is_admin: false });
    client.start();
    hub.current.open();
    hub.current.push({ event: 'hello', data: { person: { id: 3, name: 'Moi' } } });
    hub.current.reply(hub.current.ops('sync.subscribe')[0].id, { workspaces: { '4': 0 }, personal: 0 });
    await flushMicrotasks();
    hub.current.reply(hub.current.ops('workspaces.list')[0].id, { workspaces: [] });
    void store.loadHistory(1);
    await flushMicrotasks();
    hub.current.reply(hub.current.ops('chat.history')[0].id, {
      messages: [activity(10, campaignCard(5)), activity(11, null, { author: 5, author_name: 'Agnès Daffos', body: 'Merci !' })],
      more_before: false,
    });
    await flushMicrotasks();
  });

  afterEach(() => store.dispose());

  it('names an activity message without author after its plugin, or "Pacte"', async () => {
    const [withCard, byPerson] = store.messages.get(1)!.list;
    expect(store.authorName(withCard)).toBe('Pacte');
    store.plugins.set(4, [{ name: 'signatures', title: 'Signatures', enabled: true }]);
    expect(store.authorName(withCard)).toBe('Signatures');
    expect(store.authorName(byPerson)).toBe('Agnès Daffos');
    // As the server sends it: author_name is the plugin's name, `plugin` says it too.
    expect(store.authorName({ ...withCard, card: null, author_name: 'signatures', plugin: 'signatures' })).toBe('Signatures');
    expect(store.authorName({ ...withCard, card: null, author_name: 'inconnu', plugin: 'inconnu' })).toBe('Pacte');
    const el = await mount<HTMLElement>('pacte-message', { store, message: withCard, ctx: { me: 3 }, canWrite: true, compact: false, tick: 0 });
    expect(el.querySelector('.author')!.textContent).toBe('Signatures');
    expect(el.querySelector('.activity-tag')!.textContent).toBe('activité');
    expect(el.querySelector('[data-testid=message-edit]')).toBeNull();
    expect(el.querySelector('[data-testid=card] [data-testid=card-title]')!.textContent).toBe('Signature du pacte');
  });

  it('replaces a card in place on chat.card_updated', async () => {
    const m = store.messages.get(1)!.list[0];
    const el = await mount<HTMLElement>('pacte-message', { store, message: m, ctx: { me: 3 }, canWrite: true, compact: false, tick: 0 });
    const count = () => el.querySelector('[data-testid=card-progress] .card-progress-count')!.textContent!.trim();
    expect(count()).toBe('5 / 8');
    const seen = vi.fn();
    store.subscribe(seen);
    hub.current.push({ event: 'chat.card_updated', workspace: 4, seq: 1, author: 40, data: { message: 10, thread: 1, card: campaignCard(6) } });
    await flushMicrotasks();
    expect(seen).toHaveBeenCalled();
    const updated = store.messages.get(1)!.list[0];
    expect(updated.card!.progress![0].done).toBe(6);
    expect(updated.body).toBe('Une signature de plus.');
    (el as any).message = updated;
    (el as any).tick = 1;
    await (el as any).updateComplete;
    await (el.querySelector('pacte-card') as any).updateComplete;
    expect(count()).toBe('6 / 8');
    // The thread may be left out: the message is found anyway; an unknown message is ignored.
    hub.current.push({ event: 'chat.card_updated', workspace: 4, seq: 2, data: { message: 10, card: campaignCard(7) } });
    hub.current.push({ event: 'chat.card_updated', workspace: 4, seq: 3, data: { message: 99, thread: 1, card: campaignCard(8) } });
    await flushMicrotasks();
    expect(store.messages.get(1)!.list[0].card!.progress![0].done).toBe(7);
  });
});
