// @vitest-environment jsdom
// <pacte-panel-signatures> with a fake protocol client: the dashboard per organisation,
// signing (text and hash shown, consent required, hashes echoed) and live reloads.
import { afterEach, describe, expect, it } from 'vitest';
import '../../plugins/signatures/web/panel';

type Handler = (ev: any) => void;

function campaign(signed: number, mineStatus = 'pending') {
  return {
    id: 3,
    workspace: 7,
    title: 'Pacte de coopération',
    version_hash: 'a'.repeat(64),
    status: 'open',
    completed_at: null,
    progress: {
      organisations: [
        { organisation: 6, key: 'moulins', name: 'Centre Socioculturel des Moulins', short: 'Moulins', rule: 'all',
          rule_fr: 'les 8 personnes désignées', rule_en: 'all 8 named people', total: 8, needed: 8, signed,
          declined: 0, met: signed === 8, label: `Moulins ${signed}/8` },
      ],
      total: 14,
      signed,
      declined: 0,
      complete: false,
    },
    signatories: [
      { id: 11, person: 40, name: 'Agnès Daffos', organisation: 6, organisation_name: 'Centre Socioculturel des Moulins',
        organisation_short: 'Moulins', capacity: 'co-Présidente', mandate: null, mandate_ref: null, delegation: null,
        status: mineStatus, signed_at: mineStatus === 'signed' ? '2026-03-02T09:00:00.000Z' : null, method: null,
        decline_reason: null, replaced_reason: null, reminders: 0, last_reminded_at: null },
    ],
    dates: null,
    fingerprint: 'b'.repeat(64),
    fingerprint_grouped: 'bbbb bbbb',
    law_fr: 'Une signature électronique simple (eIDAS, art. 3(10)).',
    law_en: 'A simple electronic signature.',
    mine: [11],
  };
}

class FakeClient {
  calls: Array<{ op: string; args: any }> = [];
  handlers = new Map<string, Handler[]>();
  signed = 5;
  mineStatus = 'pending';
  person = { id: 40, name: 'Agnès Daffos' };
  async request(op: string, args: any): Promise<any> {
    this.calls.push({ op, args });
    if (op === 'signatures.campaign.list') return { campaigns: [campaign(this.signed, this.mineStatus)] };
    if (op === 'signatures.open')
      return {
        campaign: 3, title: 'Pacte', text: 'Article 1 : objet du pacte.', version_hash: 'a'.repeat(64),
        consent: { fr: 'Je, soussignée Agnès Daffos…', en: 'I, the undersigned…', text: '…', hash: 'c'.repeat(64) },
        signatory: campaign(this.signed).signatories[0],
      };
    if (op === 'signatures.sign') {
      this.signed += 1;
      this.mineStatus = 'signed';
      return { campaign: campaign(this.signed, 'signed') };
    }
    throw new Error(`unexpected ${op}`);
  }
  on(type: string, fn: Handler) {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), fn]);
    return () => undefined;
  }
  onResync() {
    return () => undefined;
  }
  emit(type: string, ev: any) {
    for (const fn of this.handlers.get(type) ?? []) fn(ev);
  }
}

const settle = async (el: any) => {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
  }
};

async function mount(client: FakeClient, role = 'member') {
  const el: any = document.createElement('pacte-panel-signatures');
  el.client = client;
  el.workspace = { id: 7, key: 'pacte', name: 'Pacte', role, archived: false };
  document.body.append(el);
  await settle(el);
  return el;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('<pacte-panel-signatures>', () => {
  it('shows the progress of each organisation and the legal statement', async () => {
    const el = await mount(new FakeClient());
    expect(el.querySelector('[data-testid="sig-org-moulins"] strong').textContent.trim()).toBe('Moulins 5/8');
    expect(el.querySelector('[data-testid="sig-hash"]').textContent).toBe('a'.repeat(64));
    expect(el.textContent).toContain('eIDAS, art. 3(10)');
    expect(el.querySelector('a[href="/p/signatures/bundle/3"]')).not.toBeNull();
    expect(el.textContent).not.toContain('Relancer les signataires'); // owners only
  });

  it('signs only after the consent box is ticked, echoing both hashes', async () => {
    const client = new FakeClient();
    const el = await mount(client);
    el.querySelector('[data-testid="sig-open"]').click();
    await settle(el);
    expect(el.querySelector('[data-testid="sig-text"]').textContent).toContain('Article 1');
    const sign = el.querySelector('[data-testid="sig-sign"]') as HTMLButtonElement;
    expect(sign.disabled).toBe(true);
    const consent = el.querySelector('[data-testid="sig-consent"]') as HTMLInputElement;
    consent.checked = true;
    consent.dispatchEvent(new Event('change'));
    await settle(el);
    (el.querySelector('[data-testid="sig-sign"]') as HTMLButtonElement).click();
    await settle(el);
    const call = client.calls.find((c) => c.op === 'signatures.sign');
    expect(call?.args).toEqual({ campaign: 3, signatory: 11, version_hash: 'a'.repeat(64), consent_hash: 'c'.repeat(64) });
    expect(el.querySelector('[data-testid="sig-mine-done"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="sig-org-moulins"] strong').textContent.trim()).toBe('Moulins 6/8');
  });

  it('reloads when another member signs', async () => {
    const client = new FakeClient();
    const el = await mount(client, 'owner');
    expect(el.textContent).toContain('Relancer les signataires');
    client.signed = 7;
    client.emit('signatures.updated', { workspace: 7, data: { campaign: 3, change: 'signed' } });
    await new Promise((r) => setTimeout(r, 200));
    await settle(el);
    expect(el.querySelector('[data-testid="sig-org-moulins"] strong').textContent.trim()).toBe('Moulins 7/8');
  });
});
