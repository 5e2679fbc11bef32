// @vitest-environment jsdom
/**
 * <pacte-panel-documents> against a stub client: the version's hash is shown, the
 * redline marks insertions and deletions with <ins>/<del> and with words (not colour
 * only), and a refused freeze shows the server's reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../plugins/documents/web/panel';

type Handler = (args: Record<string, unknown>) => unknown;

function stubClient(handlers: Record<string, Handler>) {
  const calls: { op: string; args: Record<string, unknown> }[] = [];
  return {
    calls,
    person: { id: 7, name: 'Équipe Ville' },
    on: () => () => {},
    onResync: () => () => {},
    request: async (op: string, args: Record<string, unknown> = {}) => {
      calls.push({ op, args });
      const h = handlers[op];
      if (!h) throw Object.assign(new Error(`no stub for ${op}`), { code: 'not_found' });
      return h(args);
    },
  };
}

const HASH1 = 'a'.repeat(64);
const HASH2 = 'b'.repeat(64);
const summary = (id: number, number: number, status: string, hash: string, parent: number | null) => ({
  id,
  document: 1,
  number,
  parent,
  label: `Version ${number}`,
  status,
  hash,
  created_at: '2026-01-01T00:00:00.000Z',
  frozen_at: null,
});

function handlers(): Record<string, Handler> {
  return {
    'documents.list': () => ({
      documents: [{ id: 1, key: 'pacte', title: 'Pacte', workspace: 3, latest_version: 2, frozen_version: 1 }],
    }),
    'documents.get': () => ({ document: { versions: [summary(1, 1, 'frozen', HASH1, null), summary(2, 2, 'under_review', HASH2, 1)] } }),
    'documents.version.get': (args) => ({
      version: {
        ...(args.version === 1 ? summary(1, 1, 'frozen', HASH1, null) : summary(2, 2, 'under_review', HASH2, 1)),
        sections: [{ key: 'art.5', heading: 'Article 5 : durée', body: 'deux ans', hash: 'c'.repeat(64) }],
        canonical: '',
        validations: [],
        freeze: { ready: false, required: [{ organisation: 4, organisation_name: 'AQCV', body: 'CA', state: 'missing' }] },
      },
    }),
    'documents.proposals': () => ({ proposals: [] }),
    'documents.comments': () => ({ comments: [] }),
    'workspaces.members': () => ({ people: [] }),
    'orgs.list': () => ({ organisations: [] }),
    'documents.compare': () => ({
      comparison: {
        base: summary(1, 1, 'frozen', HASH1, null),
        version: summary(2, 2, 'under_review', HASH2, 1),
        counts: { added: 0, removed: 0, changed: 1, moved: 0 },
        sections: [
          {
            key: 'art.5',
            status: 'changed',
            moved: false,
            before: { heading: 'Article 5 : durée', body: 'deux ans' },
            after: { heading: 'Article 5 : durée', body: 'trois ans' },
            heading_diff: [{ op: 'equal', text: 'Article 5 : durée' }],
            body_diff: [
              { op: 'delete', text: 'deux' },
              { op: 'insert', text: 'trois' },
              { op: 'equal', text: ' ans' },
            ],
          },
        ],
      },
    }),
    'documents.version.freeze': () => {
      throw Object.assign(new Error('Cannot freeze'), {
        code: 'conflict',
        messageFr: "Impossible de figer : AQCV n'a pas validé ce texte.",
      });
    },
  };
}

async function mount(role: string, h = handlers()) {
  const client = stubClient(h);
  const el = document.createElement('pacte-panel-documents') as HTMLElement & Record<string, unknown>;
  el.client = client;
  el.workspace = { id: 3, key: 'pacte', name: 'Pacte', role, archived: false, plugins: ['documents'] };
  document.body.append(el);
  for (let i = 0; i < 20 && !el.querySelector('[data-testid="documents-hash"]'); i++) await new Promise((r) => setTimeout(r, 5));
  return { el, client };
}

async function settle(el: HTMLElement, until: () => boolean) {
  for (let i = 0; i < 40 && !until(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(until()).toBe(true);
  return el;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('<pacte-panel-documents>', () => {
  it('shows the latest version with its hash and status', async () => {
    const { el } = await mount('member');
    expect(el.querySelector('[data-testid="documents-hash"]')?.textContent).toBe(HASH2);
    expect(el.querySelector('[data-testid="documents-version-status"]')?.textContent?.trim()).toBe('en cours de validation');
    // A member proposes; only an owner sees the life-cycle buttons.
    expect(el.querySelector('[data-testid="documents-propose-art.5"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="documents-freeze"]')).toBeNull();
  });

  it('marks the redline with <del>/<ins> and words, not colour only', async () => {
    const { el, client } = await mount('member');
    (el.querySelector('[data-testid="documents-tab-compare"]') as HTMLButtonElement).click();
    await settle(el, () => !!el.querySelector('[data-testid="documents-redline"] [data-section="art.5"]'));
    expect(client.calls.find((c) => c.op === 'documents.compare')?.args).toEqual({ version: 2, base: 1 });
    const section = el.querySelector('[data-testid="documents-redline"] [data-section="art.5"]')!;
    expect(section.querySelector('del')?.textContent).toBe('[suppression : deux]');
    expect(section.querySelector('ins')?.textContent).toBe('[ajout : trois]');
    expect(section.querySelector('.redline')?.textContent).toBe('[suppression : deux][ajout : trois] ans');
  });

  it('shows why freezing is refused', async () => {
    const { el } = await mount('owner');
    const freeze = el.querySelector('[data-testid="documents-freeze"]') as HTMLButtonElement;
    expect(freeze).not.toBeNull();
    freeze.click();
    await settle(el, () => (el.querySelector('[data-testid="documents-action-error"]')?.textContent ?? '').length > 0);
    expect(el.querySelector('[data-testid="documents-action-error"]')?.textContent).toBe(
      "Impossible de figer : AQCV n'a pas validé ce texte.",
    );
    expect(el.querySelector('[data-testid="documents-action-error"]')?.getAttribute('role')).toBe('alert');
  });
});
