/**
 * The "Signatures" tab of a workspace: `<pacte-panel-signatures>`.
 *
 * Found by web-client/src/plugins/registry.ts and given `client` and `workspace`.
 * Imports only from `@pacte/web-sdk`. Shows each signature campaign of the workspace:
 * progress per organisation ("Moulins 5/8"), every signatory's status, the caller's own
 * signature (read the frozen text and its hash, tick the consent statement, sign or
 * decline), the owners' tools (remind, re-issue, replace, record a signature made outside
 * Pacte), the dates that follow from the pact, the certificate and the evidence bundle,
 * and what an in-app signature is in law. Follows `signatures.*` events live.
 */
import {
  LitElement,
  html,
  nothing,
  errorText,
  formatDateTime,
  getLocale,
  onLocaleChange,
  type EventFrame,
  type PropertyValues,
  type ProtocolClient,
  type Workspace,
} from '@pacte/web-sdk';

interface Signatory {
  id: number;
  person: number;
  name: string;
  organisation: number;
  organisation_name: string;
  organisation_short: string;
  capacity: string;
  mandate: string | null;
  mandate_ref: string | null;
  delegation: { person: number; name: string; reference: string | null } | null;
  status: 'pending' | 'opened' | 'signed' | 'declined' | 'replaced';
  signed_at: string | null;
  method: string | null;
  decline_reason: string | null;
  replaced_reason: string | null;
  reminders: number;
  last_reminded_at: string | null;
}

interface OrgProgress {
  organisation: number;
  key: string;
  name: string;
  short: string;
  rule: string;
  rule_fr: string;
  rule_en: string;
  total: number;
  needed: number;
  signed: number;
  declined: number;
  met: boolean;
  label: string;
}

interface Campaign {
  id: number;
  workspace: number;
  title: string;
  version_hash: string;
  status: 'open' | 'completed';
  completed_at: string | null;
  progress: { organisations: OrgProgress[]; total: number; signed: number; declined: number; complete: boolean };
  signatories: Signatory[];
  dates: { effective: string; end: string; anniversaries: string[]; notice_deadlines: string[]; time_zone: string } | null;
  terminations: { id: number; organisation: number; sent_on: string; received_on: string; late: boolean }[];
  fingerprint: string;
  fingerprint_grouped: string;
  law_fr: string;
  law_en: string;
  mine?: number[];
}

interface Opened {
  campaign: number;
  title: string;
  text: string;
  version_hash: string;
  consent: { fr: string; en: string; text: string; hash: string };
  signatory: Signatory;
}

// ------------------------------------------------------------------------------ strings

const fr = {
  title: 'Signatures',
  loading: 'Chargement des campagnes de signature…',
  loadFailed: 'Les campagnes n’ont pas pu être chargées : {message}',
  retry: 'Réessayer',
  empty: 'Aucune campagne de signature dans cet espace.',
  law: 'Valeur juridique',
  open: 'en cours',
  completed: 'toutes les signatures sont réunies',
  hash: 'Empreinte SHA-256 du texte',
  overall: '{signed} signatures sur {total}',
  overall_one: '{signed} signature sur {total}',
  declinedCount: '{count} refus à résoudre',
  byOrg: 'Avancement par organisation',
  ruleMet: 'règle remplie',
  ruleNotMet: 'en attente',
  signatories: 'Signataires',
  s_pending: 'en attente',
  s_opened: 'a ouvert le texte',
  s_signed: 'a signé',
  s_declined: 'a refusé',
  s_replaced: 'remplacé·e',
  signedOn: 'le {date}',
  reminded: '{count} relance(s), dernière le {date}',
  representedBy: 'représenté·e par {name} ({ref})',
  mySignature: 'Ma signature',
  youSigned: 'Vous avez signé le {date}.',
  youDeclined: 'Vous avez refusé de signer : « {reason} ». Un·e responsable de l’espace peut renouveler la demande.',
  readAndSign: 'Lire le texte à signer',
  frozenText: 'Texte soumis à signature',
  consentLabel: 'J’ai lu le texte dont l’empreinte figure ci-dessus et je consens à le signer',
  sign: 'Signer',
  decline: 'Refuser de signer',
  declineReason: 'Motif du refus',
  confirmDecline: 'Confirmer le refus',
  cancel: 'Annuler',
  signedDone: 'Signature enregistrée.',
  declinedDone: 'Refus enregistré.',
  consentFirst: 'Cochez la déclaration de consentement.',
  reasonFirst: 'Indiquez un motif.',
  ownerTools: 'Outils des responsables',
  remindAll: 'Relancer les signataires en attente',
  remindOrg: 'Relancer',
  remindedDone: '{count} signataire(s) relancé·e(s).',
  reissue: 'Renouveler la demande',
  replace: 'Remplacer',
  replaceTitle: 'Remplacer {name}',
  replacement: 'Nouvelle ou nouveau signataire',
  choose: 'Choisir…',
  capacity: 'Qualité (ex. co-Présidente)',
  reason: 'Motif',
  confirmReplace: 'Remplacer',
  replacedDone: 'Signataire remplacé·e.',
  outside: 'Signature hors Pacte',
  outsideTitle: 'Enregistrer la signature de {name} faite hors de Pacte',
  method: 'Mode de signature',
  m_paper: 'papier (manuscrite)',
  m_qualified_eidas: 'signature électronique qualifiée (eIDAS)',
  m_other_service: 'autre service de signature électronique',
  m_in_app: 'dans Pacte',
  attachment: 'Numéro de la pièce jointe (fichier signé)',
  fileHash: 'Empreinte SHA-256 du fichier signé',
  record: 'Enregistrer',
  recordedDone: 'Signature enregistrée.',
  dates: 'Dates du pacte',
  effective: 'Date d’effet : {date}',
  end: 'Fin : {date}',
  notice: 'Préavis de résiliation pour l’anniversaire du {anniversary} : lettre reçue au plus tard le {deadline}',
  termination: 'Enregistrer une lettre de résiliation',
  terminationOrg: 'Organisation qui résilie',
  sentOn: 'Envoyée le',
  receivedOn: 'Reçue le',
  terminationOk: 'Lettre enregistrée : la résiliation prend effet le {date}.',
  terminations: 'Lettres de résiliation reçues',
  terminationLine: '{org} : envoyée le {sent}, reçue le {received}',
  late: 'hors délai',
  evidence: 'Preuves',
  certificate: 'Certificat (page imprimable)',
  certificateJson: 'Certificat (JSON)',
  bundle: 'Dossier de preuve (JSON)',
  fingerprint: 'Empreinte de la clé de scellement du serveur',
  verifyHint: 'Vérification hors ligne : pacte verify dossier.json --key {fp}',
};

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  title: 'Signatures',
  loading: 'Loading signature campaigns…',
  loadFailed: 'The campaigns could not be loaded: {message}',
  retry: 'Try again',
  empty: 'No signature campaign in this workspace.',
  law: 'Legal value',
  open: 'in progress',
  completed: 'all signatures collected',
  hash: 'SHA-256 hash of the text',
  overall: '{signed} of {total} signatures',
  overall_one: '{signed} of {total} signatures',
  declinedCount: '{count} decline(s) to resolve',
  byOrg: 'Progress per organisation',
  ruleMet: 'rule met',
  ruleNotMet: 'pending',
  signatories: 'Signatories',
  s_pending: 'pending',
  s_opened: 'opened the text',
  s_signed: 'signed',
  s_declined: 'declined',
  s_replaced: 'replaced',
  signedOn: 'on {date}',
  reminded: '{count} reminder(s), last on {date}',
  representedBy: 'represented by {name} ({ref})',
  mySignature: 'My signature',
  youSigned: 'You signed on {date}.',
  youDeclined: 'You declined to sign: “{reason}”. A workspace owner may issue the request again.',
  readAndSign: 'Read the text to sign',
  frozenText: 'Text to sign',
  consentLabel: 'I have read the text whose hash is shown above and I agree to sign it',
  sign: 'Sign',
  decline: 'Decline to sign',
  declineReason: 'Reason for declining',
  confirmDecline: 'Confirm declining',
  cancel: 'Cancel',
  signedDone: 'Signature recorded.',
  declinedDone: 'Decline recorded.',
  consentFirst: 'Tick the consent statement.',
  reasonFirst: 'Give a reason.',
  ownerTools: 'Owners’ tools',
  remindAll: 'Remind pending signatories',
  remindOrg: 'Remind',
  remindedDone: '{count} signatory(ies) reminded.',
  reissue: 'Issue the request again',
  replace: 'Replace',
  replaceTitle: 'Replace {name}',
  replacement: 'New signatory',
  choose: 'Choose…',
  capacity: 'Capacity (e.g. co-president)',
  reason: 'Reason',
  confirmReplace: 'Replace',
  replacedDone: 'Signatory replaced.',
  outside: 'Signature outside Pacte',
  outsideTitle: 'Record {name}’s signature made outside Pacte',
  method: 'Signature method',
  m_paper: 'paper (handwritten)',
  m_qualified_eidas: 'qualified electronic signature (eIDAS)',
  m_other_service: 'another e-signature service',
  m_in_app: 'in Pacte',
  attachment: 'Attachment number (signed file)',
  fileHash: 'SHA-256 hash of the signed file',
  record: 'Record',
  recordedDone: 'Signature recorded.',
  dates: 'Dates of the pact',
  effective: 'Effective date: {date}',
  end: 'End: {date}',
  notice: 'Notice of termination for the anniversary of {anniversary}: letter received by {deadline}',
  termination: 'Record a termination letter',
  terminationOrg: 'Terminating organisation',
  sentOn: 'Sent on',
  receivedOn: 'Received on',
  terminationOk: 'Letter recorded: the termination takes effect on {date}.',
  terminations: 'Termination letters received',
  terminationLine: '{org}: sent on {sent}, received on {received}',
  late: 'late',
  evidence: 'Evidence',
  certificate: 'Certificate (printable page)',
  certificateJson: 'Certificate (JSON)',
  bundle: 'Evidence bundle (JSON)',
  fingerprint: 'Fingerprint of the server’s sealing key',
  verifyHint: 'Offline check: pacte verify bundle.json --key {fp}',
};

const dictionaries: Record<string, Record<Key, string>> = { fr, en };

function tr(key: Key, vars: Record<string, string | number> = {}): string {
  const template = (dictionaries[getLocale()] ?? fr)[key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

function statusText(s: Signatory['status']): string {
  return tr(`s_${s}` as Key);
}

/** A calendar date "YYYY-MM-DD" in words ("29 février 2024"), in the interface's language. */
function formatDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString(getLocale() === 'en' ? 'en-GB' : 'fr-FR', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function methodText(m: string | null): string {
  if (!m) return '';
  const key = `m_${m}` as Key;
  return key in fr ? tr(key) : m;
}

// ------------------------------------------------------------------------------ styles

const styles = html`<style>
  pacte-panel-signatures {
    display: block;
  }
  pacte-panel-signatures .sig-panel {
    max-width: 56rem;
    margin: 0 auto;
    padding: 1rem;
    overflow-wrap: anywhere;
  }
  pacte-panel-signatures .sig-campaign,
  pacte-panel-signatures .sig-box {
    border: 1px solid var(--border, #ddd);
    border-radius: var(--radius, 6px);
    padding: 1rem;
    margin-bottom: 1rem;
    background: var(--bg, #fff);
  }
  pacte-panel-signatures h2,
  pacte-panel-signatures h3,
  pacte-panel-signatures h4 {
    margin: 0 0 0.5rem;
  }
  pacte-panel-signatures h3 {
    font-size: 1.25rem;
  }
  pacte-panel-signatures h4 {
    font-size: 1.05rem;
    margin-top: 1rem;
  }
  pacte-panel-signatures code,
  pacte-panel-signatures .sig-hash {
    font-family: ui-monospace, monospace;
    font-size: 0.85rem;
    word-break: break-all;
  }
  pacte-panel-signatures .sig-meta {
    color: var(--muted, #595959);
    font-size: 0.9rem;
    margin: 0.25rem 0;
  }
  pacte-panel-signatures .sig-orgs {
    list-style: none;
    padding: 0;
    margin: 0;
    display: grid;
    gap: 0.5rem;
    grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
  }
  pacte-panel-signatures .sig-org {
    border: 1px solid var(--border, #ddd);
    border-radius: var(--radius, 6px);
    padding: 0.5rem 0.75rem;
  }
  pacte-panel-signatures .sig-org.is-met {
    border-color: #18753c;
    background: #f0faf3;
  }
  pacte-panel-signatures .sig-org strong {
    font-variant-numeric: tabular-nums;
  }
  pacte-panel-signatures .sig-bar {
    height: 0.5rem;
    margin-top: 0.3rem;
    background: var(--accent-softer, #f5f5fe);
    border: 1px solid var(--accent-soft, #e3e3fd);
    border-radius: 999px;
    overflow: hidden;
  }
  pacte-panel-signatures .sig-bar > span {
    display: block;
    height: 100%;
    background: var(--accent, #000091);
  }
  pacte-panel-signatures .sig-org.is-met .sig-bar > span {
    background: #18753c;
  }
  pacte-panel-signatures .sig-people {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  pacte-panel-signatures .sig-person {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    align-items: baseline;
    padding: 0.5rem 0;
    border-bottom: 1px solid var(--border, #eee);
  }
  pacte-panel-signatures .sig-person .sig-who {
    flex: 1 1 14rem;
    min-width: 0;
  }
  pacte-panel-signatures .sig-status {
    font-size: 0.85rem;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    background: #eee;
    color: #1b1b1b;
    white-space: nowrap;
  }
  pacte-panel-signatures .sig-status.is-signed {
    background: #b8fec9;
    color: #0a3d1a;
  }
  pacte-panel-signatures .sig-status.is-declined {
    background: #ffe9e6;
    color: #8b1200;
  }
  pacte-panel-signatures .sig-status.is-replaced {
    background: #f6f6f6;
    color: #595959;
    text-decoration: line-through;
  }
  pacte-panel-signatures .sig-text {
    white-space: pre-wrap;
    max-height: 22rem;
    overflow: auto;
    border: 1px solid var(--border-strong, #929292);
    border-radius: var(--radius, 6px);
    padding: 0.75rem;
    background: #fafafa;
    font-size: 0.9rem;
  }
  pacte-panel-signatures .sig-text:focus-visible,
  pacte-panel-signatures input:focus-visible,
  pacte-panel-signatures select:focus-visible,
  pacte-panel-signatures textarea:focus-visible {
    outline: 3px solid var(--focus, #0a76f6);
    outline-offset: 2px;
  }
  pacte-panel-signatures .sig-consent {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    margin: 0.75rem 0;
  }
  pacte-panel-signatures .sig-consent input {
    width: 1.2rem;
    height: 1.2rem;
    margin: 0.15rem 0 0;
    flex: none;
  }
  pacte-panel-signatures .sig-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    margin-top: 0.5rem;
  }
  pacte-panel-signatures .sig-form {
    flex-basis: 100%;
    border-left: 3px solid var(--accent, #000091);
    padding: 0.5rem 0 0.5rem 0.75rem;
    margin-top: 0.5rem;
  }
  pacte-panel-signatures .sig-form label {
    display: block;
    font-weight: 600;
    margin: 0.5rem 0 0.2rem;
  }
  pacte-panel-signatures .sig-form input,
  pacte-panel-signatures .sig-form select,
  pacte-panel-signatures .sig-form textarea,
  pacte-panel-signatures .sig-decline textarea {
    font: inherit;
    width: 100%;
    max-width: 32rem;
    box-sizing: border-box;
    padding: 0.4rem 0.5rem;
    border: 1px solid var(--border-strong, #929292);
    border-radius: var(--radius, 6px);
  }
  pacte-panel-signatures .sig-links {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    padding: 0;
    list-style: none;
  }
  pacte-panel-signatures .sig-law {
    font-size: 0.9rem;
    background: var(--bg-alt, #f6f6f6);
    border-radius: var(--radius, 6px);
    padding: 0.75rem;
  }
  pacte-panel-signatures .btn {
    white-space: normal;
  }
</style>`;

// ------------------------------------------------------------------------------ element

type OwnerForm = { kind: 'replace' | 'outside'; signatory: number } | null;

export class SignaturesPanel extends LitElement {
  static override properties = {
    client: { attribute: false },
    workspace: { attribute: false },
    campaigns: { state: true },
    status: { state: true },
    loadError: { state: true },
    opened: { state: true },
    consent: { state: true },
    declining: { state: true },
    reason: { state: true },
    busy: { state: true },
    error: { state: true },
    announce: { state: true },
    ownerForm: { state: true },
    members: { state: true },
    termination: { state: true },
  };

  declare client: ProtocolClient;
  declare workspace: Workspace;
  declare campaigns: Campaign[];
  declare status: 'loading' | 'ready' | 'failed';
  declare loadError: string;
  declare opened: Opened | null;
  declare consent: boolean;
  declare declining: boolean;
  declare reason: string;
  declare busy: boolean;
  declare error: string;
  declare announce: string;
  declare ownerForm: OwnerForm;
  declare members: { id: number; name: string }[];
  /** The outcome of the last termination letter recorded (a warning when late). */
  declare termination: string;

  private subs: Array<() => void> = [];
  private bound: ProtocolClient | null = null;
  private stopLocale: (() => void) | null = null;
  private loadedFor = 0;
  private loadSeq = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    super();
    this.campaigns = [];
    this.status = 'loading';
    this.loadError = '';
    this.opened = null;
    this.consent = false;
    this.declining = false;
    this.reason = '';
    this.busy = false;
    this.error = '';
    this.announce = '';
    this.ownerForm = null;
    this.members = [];
    this.termination = '';
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopLocale = onLocaleChange(() => this.requestUpdate());
    this.bindClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopLocale?.();
    this.stopLocale = null;
    for (const off of this.subs) off();
    this.subs = [];
    this.bound = null;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
    this.loadedFor = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.bindClient();
    if (this.client && this.workspace && this.workspace.id !== this.loadedFor && this.isConnected) void this.load();
  }

  private bindClient(): void {
    if (!this.isConnected || !this.client || this.bound === this.client) return;
    for (const off of this.subs) off();
    const c = this.client;
    this.bound = c;
    const reload = (ev: EventFrame) => {
      if (this.workspace && ev.workspace === this.workspace.id) this.scheduleReload();
    };
    this.subs = [
      c.on('signatures.created', reload),
      c.on('signatures.updated', reload),
      c.onResync((target) => {
        if (target === this.workspace?.id) this.scheduleReload();
      }),
    ];
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      if (this.isConnected && this.workspace) void this.load();
    }, 150);
  }

  private async load(): Promise<void> {
    const ws = this.workspace.id;
    const seq = ++this.loadSeq;
    this.loadedFor = ws;
    try {
      const r = await this.client.request<{ campaigns: Campaign[] }>('signatures.campaign.list', { workspace: ws });
      if (seq !== this.loadSeq) return;
      this.campaigns = r.campaigns ?? [];
      this.status = 'ready';
      this.loadError = '';
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.status = 'failed';
      this.loadError = errorText(err);
    }
  }

  private isOwner(): boolean {
    return this.workspace?.role === 'owner' && !this.workspace?.archived;
  }

  private mySignatory(c: Campaign): Signatory | undefined {
    const mine = c.mine ?? [];
    return c.signatories.find((s) => mine.includes(s.id));
  }

  private async run<T>(op: string, args: Record<string, unknown>, done: string): Promise<T | null> {
    this.busy = true;
    this.error = '';
    try {
      const r = await this.client.request<T>(op, args);
      this.announce = done;
      return r;
    } catch (err) {
      this.error = errorText(err);
      return null;
    } finally {
      this.busy = false;
    }
  }

  private async openText(c: Campaign, s: Signatory): Promise<void> {
    const r = await this.run<Opened>('signatures.open', { campaign: c.id, signatory: s.id }, '');
    if (!r) return;
    this.opened = r;
    this.consent = false;
    this.declining = false;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#sig-text')?.focus();
  }

  private async sign(): Promise<void> {
    const o = this.opened;
    if (!o) return;
    if (!this.consent) {
      this.error = tr('consentFirst');
      return;
    }
    const r = await this.run(
      'signatures.sign',
      { campaign: o.campaign, signatory: o.signatory.id, version_hash: o.version_hash, consent_hash: o.consent.hash },
      tr('signedDone'),
    );
    if (r) {
      this.opened = null;
      await this.load();
    }
  }

  private async decline(): Promise<void> {
    const o = this.opened;
    if (!o) return;
    if (!this.reason.trim()) {
      this.error = tr('reasonFirst');
      return;
    }
    const r = await this.run(
      'signatures.decline',
      { campaign: o.campaign, signatory: o.signatory.id, reason: this.reason.trim() },
      tr('declinedDone'),
    );
    if (r) {
      this.opened = null;
      this.declining = false;
      this.reason = '';
      await this.load();
    }
  }

  private async remind(c: Campaign, organisation?: number): Promise<void> {
    const args: Record<string, unknown> = { campaign: c.id };
    if (organisation) args.organisation = organisation;
    const r = await this.run<{ reminded: unknown[] }>('signatures.remind', args, '');
    if (r) {
      this.announce = tr('remindedDone', { count: r.reminded.length });
      await this.load();
    }
  }

  private async reissue(c: Campaign, s: Signatory): Promise<void> {
    if (await this.run('signatures.reissue', { campaign: c.id, signatory: s.id }, tr('reissue'))) await this.load();
  }

  private async showOwnerForm(kind: 'replace' | 'outside', s: Signatory): Promise<void> {
    this.ownerForm = { kind, signatory: s.id };
    this.error = '';
    if (kind === 'replace' && !this.members.length) {
      try {
        const r = await this.client.request<{ people: { id: number; name: string }[] }>('workspaces.members', {
          workspace: this.workspace.id,
        });
        this.members = r.people ?? [];
      } catch (err) {
        this.error = errorText(err);
      }
    }
    await this.updateComplete;
    this.querySelector<HTMLElement>(`#sig-form-${s.id} select, #sig-form-${s.id} input`)?.focus();
  }

  private async submitOwnerForm(e: Event, c: Campaign, s: Signatory): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const get = (k: string) => String(data.get(k) ?? '').trim();
    let ok: unknown = null;
    if (this.ownerForm?.kind === 'replace') {
      const args: Record<string, unknown> = {
        campaign: c.id,
        signatory: s.id,
        person: Number(get('person')),
        reason: get('reason'),
      };
      if (get('capacity')) args.capacity = get('capacity');
      ok = await this.run('signatures.replace', args, tr('replacedDone'));
    } else {
      ok = await this.run(
        'signatures.record_outside',
        {
          campaign: c.id,
          signatory: s.id,
          method: get('method'),
          attachment: Number(get('attachment')),
          file_hash: get('file_hash').toLowerCase(),
        },
        tr('recordedDone'),
      );
    }
    if (ok) {
      this.ownerForm = null;
      await this.load();
    }
  }

  private async recordTermination(e: Event, c: Campaign): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const r = await this.run<{
      termination: { late: boolean; takes_effect_on: string | null; warning_fr: string | null; warning_en: string | null };
    }>(
      'signatures.termination.record',
      {
        campaign: c.id,
        organisation: Number(data.get('organisation')),
        sent_on: String(data.get('sent_on') ?? ''),
        received_on: String(data.get('received_on') ?? ''),
      },
      '',
    );
    if (!r) return;
    const t = r.termination;
    this.termination = t.late
      ? ((getLocale() === 'en' ? t.warning_en : t.warning_fr) ?? '')
      : tr('terminationOk', { date: t.takes_effect_on ? formatDay(t.takes_effect_on) : '' });
    this.announce = this.termination;
    await this.load();
  }

  // -------------------------------------------------------------------------- render

  override render() {
    return html`${styles}
      <section class="sig-panel" aria-labelledby="sig-title">
        <h2 id="sig-title">${tr('title')}</h2>
        <p class="visually-hidden" role="status" aria-live="polite">${this.announce}</p>
        ${this.renderBody()}
      </section>`;
  }

  private renderBody() {
    if (this.status === 'loading') return html`<p class="muted" role="status">${tr('loading')}</p>`;
    if (this.status === 'failed')
      return html`<p class="form-error" role="alert">${tr('loadFailed', { message: this.loadError })}</p>
        <button class="btn btn-secondary" type="button" @click=${() => this.load()}>${tr('retry')}</button>`;
    if (!this.campaigns.length) return html`<p class="muted">${tr('empty')}</p>`;
    return html`${this.campaigns.map((c) => this.renderCampaign(c))}`;
  }

  private renderCampaign(c: Campaign) {
    const p = c.progress;
    const me = this.mySignatory(c);
    return html`<article class="sig-campaign" data-testid="sig-campaign" aria-labelledby="sig-c-${c.id}">
      <h3 id="sig-c-${c.id}">${c.title}</h3>
      <p class="sig-meta">
        <span class="sig-status ${c.status === 'completed' ? 'is-signed' : ''}">${tr(c.status === 'completed' ? 'completed' : 'open')}</span>
        · <span data-testid="sig-overall">${tr(p.signed <= 1 ? 'overall_one' : 'overall', { signed: p.signed, total: p.total })}</span>
        ${p.declined ? html` · <strong>${tr('declinedCount', { count: p.declined })}</strong>` : nothing}
      </p>
      <p class="sig-meta">${tr('hash')} : <code class="sig-hash" data-testid="sig-hash">${c.version_hash}</code></p>
      <h4>${tr('byOrg')}</h4>
      <ul class="sig-orgs" data-testid="sig-orgs">
        ${p.organisations.map((o) => this.renderOrg(c, o))}
      </ul>
      ${me ? this.renderMine(c, me) : nothing}
      <h4>${tr('signatories')}</h4>
      ${this.error && !this.opened ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}
      <ul class="sig-people">
        ${c.signatories.map((s) => this.renderSignatory(c, s))}
      </ul>
      ${this.isOwner() && c.status === 'open'
        ? html`<h4>${tr('ownerTools')}</h4>
            <div class="sig-actions">
              <button class="btn btn-secondary" type="button" ?disabled=${this.busy} @click=${() => this.remind(c)}>
                ${tr('remindAll')}
              </button>
            </div>`
        : nothing}
      ${c.dates ? this.renderDates(c) : nothing}
      <h4>${tr('evidence')}</h4>
      <ul class="sig-links">
        <li><a href="/p/signatures/certificate/${c.id}" target="_blank" rel="noopener">${tr('certificate')}</a></li>
        <li><a href="/p/signatures/certificate/${c.id}?format=json" download>${tr('certificateJson')}</a></li>
        <li><a href="/p/signatures/bundle/${c.id}" download>${tr('bundle')}</a></li>
      </ul>
      <p class="sig-meta">${tr('fingerprint')} : <code>${c.fingerprint_grouped}</code></p>
      <p class="sig-meta">${tr('verifyHint', { fp: c.fingerprint })}</p>
      <h4>${tr('law')}</h4>
      <p class="sig-law">${getLocale() === 'en' ? c.law_en : c.law_fr}</p>
    </article>`;
  }

  private renderOrg(c: Campaign, o: OrgProgress) {
    const percent = o.needed ? Math.min(100, Math.round((o.signed / o.needed) * 100)) : 0;
    return html`<li class="sig-org ${o.met ? 'is-met' : ''}" data-testid="sig-org-${o.key}">
      <strong>${o.short} ${o.signed}/${o.needed}</strong>
      <span class="sig-meta">— ${getLocale() === 'en' ? o.rule_en : o.rule_fr} ·
        ${o.met ? tr('ruleMet') : tr('ruleNotMet')}</span>
      <div class="sig-bar" role="img" aria-label="${o.name} : ${o.signed}/${o.needed}"><span style="width:${percent}%"></span></div>
      ${this.isOwner() && c.status === 'open' && !o.met
        ? html`<button class="btn btn-ghost" type="button" ?disabled=${this.busy} @click=${() => this.remind(c, o.organisation)}
            aria-label="${tr('remindOrg')} — ${o.name}">${tr('remindOrg')}</button>`
        : nothing}
    </li>`;
  }

  private renderSignatory(c: Campaign, s: Signatory) {
    const owner = this.isOwner() && c.status === 'open';
    const form = this.ownerForm && this.ownerForm.signatory === s.id ? this.ownerForm : null;
    return html`<li class="sig-person" data-testid="sig-person-${s.id}">
      <span class="sig-who">
        <strong>${s.name}</strong>, ${s.capacity} — ${s.organisation_short}
        ${s.mandate_ref ? html`<br /><span class="sig-meta">${s.mandate ?? ''} ${s.mandate_ref}</span>` : nothing}
        ${s.delegation
          ? html`<br /><span class="sig-meta">${tr('representedBy', { name: s.delegation.name, ref: s.delegation.reference ?? '' })}</span>`
          : nothing}
        ${s.status === 'declined' && s.decline_reason ? html`<br /><span class="sig-meta">« ${s.decline_reason} »</span>` : nothing}
        ${s.status === 'replaced' && s.replaced_reason ? html`<br /><span class="sig-meta">${s.replaced_reason}</span>` : nothing}
        ${s.reminders && s.last_reminded_at
          ? html`<br /><span class="sig-meta">${tr('reminded', { count: s.reminders, date: formatDateTime(s.last_reminded_at) })}</span>`
          : nothing}
      </span>
      <span class="sig-status is-${s.status}" data-testid="sig-status-${s.id}">
        ${statusText(s.status)}${s.signed_at ? html` ${tr('signedOn', { date: formatDateTime(s.signed_at) })}` : nothing}
        ${s.method && s.method !== 'in_app' ? html` (${methodText(s.method)})` : nothing}
      </span>
      ${owner && s.status === 'declined'
        ? html`<button class="btn btn-ghost" type="button" @click=${() => this.reissue(c, s)}>${tr('reissue')}</button>`
        : nothing}
      ${owner && s.status !== 'signed' && s.status !== 'replaced'
        ? html`<button class="btn btn-ghost" type="button" @click=${() => this.showOwnerForm('replace', s)}
              aria-label="${tr('replace')} — ${s.name}">${tr('replace')}</button>
            <button class="btn btn-ghost" type="button" @click=${() => this.showOwnerForm('outside', s)}
              aria-label="${tr('outside')} — ${s.name}">${tr('outside')}</button>`
        : nothing}
      ${form ? this.renderOwnerForm(c, s, form.kind) : nothing}
    </li>`;
  }

  private renderOwnerForm(c: Campaign, s: Signatory, kind: 'replace' | 'outside') {
    const id = `sig-form-${s.id}`;
    return html`<form class="sig-form" id=${id} @submit=${(e: Event) => this.submitOwnerForm(e, c, s)}>
      <p><strong>${kind === 'replace' ? tr('replaceTitle', { name: s.name }) : tr('outsideTitle', { name: s.name })}</strong></p>
      ${kind === 'replace'
        ? html`<label for="${id}-person">${tr('replacement')}</label>
            <select id="${id}-person" name="person" required>
              <option value="">${tr('choose')}</option>
              ${this.members.map((m) => html`<option value=${m.id}>${m.name}</option>`)}
            </select>
            <label for="${id}-capacity">${tr('capacity')}</label>
            <input id="${id}-capacity" name="capacity" maxlength="100" .value=${s.capacity} />
            <label for="${id}-reason">${tr('reason')}</label>
            <textarea id="${id}-reason" name="reason" required maxlength="1000" rows="2"></textarea>`
        : html`<label for="${id}-method">${tr('method')}</label>
            <select id="${id}-method" name="method" required>
              <option value="paper">${tr('m_paper')}</option>
              <option value="qualified_eidas">${tr('m_qualified_eidas')}</option>
              <option value="other_service">${tr('m_other_service')}</option>
            </select>
            <label for="${id}-attachment">${tr('attachment')}</label>
            <input id="${id}-attachment" name="attachment" type="number" min="1" required />
            <label for="${id}-hash">${tr('fileHash')}</label>
            <input id="${id}-hash" name="file_hash" required pattern="[0-9a-fA-F]{64}" maxlength="64" />`}
      ${this.error ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}
      <div class="sig-actions">
        <button class="btn btn-primary" type="submit" ?disabled=${this.busy}>
          ${kind === 'replace' ? tr('confirmReplace') : tr('record')}
        </button>
        <button class="btn btn-ghost" type="button" @click=${() => (this.ownerForm = null)}>${tr('cancel')}</button>
      </div>
    </form>`;
  }

  private renderMine(c: Campaign, s: Signatory) {
    const o = this.opened && this.opened.campaign === c.id ? this.opened : null;
    let body;
    if (s.status === 'signed' && s.signed_at) {
      body = html`<p data-testid="sig-mine-done">${tr('youSigned', { date: formatDateTime(s.signed_at) })}</p>`;
    } else if (s.status === 'declined') {
      body = html`<p>${tr('youDeclined', { reason: s.decline_reason ?? '' })}</p>`;
    } else if (c.status !== 'open') {
      body = nothing;
    } else if (!o) {
      body = html`<button class="btn btn-primary" type="button" data-testid="sig-open" ?disabled=${this.busy}
          @click=${() => this.openText(c, s)}>${tr('readAndSign')}</button>
        ${this.error ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}`;
    } else {
      const consent = getLocale() === 'en' ? o.consent.en : o.consent.fr;
      body = html`
        <p class="sig-meta">${tr('hash')} : <code class="sig-hash">${o.version_hash}</code></p>
        <div id="sig-text" class="sig-text" tabindex="0" role="document" aria-label=${tr('frozenText')}
          data-testid="sig-text">${o.text}</div>
        <p class="sig-law">${getLocale() === 'en' ? c.law_en : c.law_fr}</p>
        <div class="sig-consent">
          <input id="sig-consent" type="checkbox" data-testid="sig-consent" .checked=${this.consent}
            @change=${(e: Event) => (this.consent = (e.target as HTMLInputElement).checked)} />
          <label for="sig-consent">${tr('consentLabel')}<br /><span class="sig-meta">${consent}</span></label>
        </div>
        ${this.error ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}
        <div class="sig-actions">
          <button class="btn btn-primary" type="button" data-testid="sig-sign" ?disabled=${this.busy || !this.consent}
            @click=${() => this.sign()}>${tr('sign')}</button>
          <button class="btn btn-secondary" type="button" ?disabled=${this.busy}
            @click=${() => { this.declining = !this.declining; this.error = ''; }}>${tr('decline')}</button>
          <button class="btn btn-ghost" type="button" @click=${() => (this.opened = null)}>${tr('cancel')}</button>
        </div>
        ${this.declining
          ? html`<div class="sig-decline sig-form">
              <label for="sig-reason">${tr('declineReason')}</label>
              <textarea id="sig-reason" rows="2" maxlength="1000" .value=${this.reason}
                @input=${(e: Event) => (this.reason = (e.target as HTMLTextAreaElement).value)}></textarea>
              <div class="sig-actions">
                <button class="btn btn-primary" type="button" ?disabled=${this.busy} @click=${() => this.decline()}>
                  ${tr('confirmDecline')}
                </button>
              </div>
            </div>`
          : nothing}`;
    }
    return html`<section class="sig-box" data-testid="sig-mine" aria-labelledby="sig-mine-${c.id}">
      <h4 id="sig-mine-${c.id}">${tr('mySignature')} — ${s.capacity}, ${s.organisation_short}</h4>
      ${body}
    </section>`;
  }

  private renderDates(c: Campaign) {
    const d = c.dates!;
    return html`<h4>${tr('dates')}</h4>
      <ul data-testid="sig-dates">
        <li>${tr('effective', { date: formatDay(d.effective) })}</li>
        <li>${tr('end', { date: formatDay(d.end) })}</li>
        ${d.anniversaries.map(
          (a, i) =>
            html`<li>${tr('notice', { anniversary: formatDay(a), deadline: formatDay(d.notice_deadlines[i]) })}</li>`,
        )}
      </ul>
      ${(c.terminations ?? []).length
        ? html`<p><strong>${tr('terminations')}</strong></p>
            <ul>
              ${c.terminations.map((t) => {
                const org = c.progress.organisations.find((o) => o.organisation === t.organisation);
                return html`<li>
                  ${tr('terminationLine', { org: org?.short ?? '?', sent: formatDay(t.sent_on), received: formatDay(t.received_on) })}
                  ${t.late ? html` — <strong>${tr('late')}</strong>` : nothing}
                </li>`;
              })}
            </ul>`
        : nothing}
      ${this.isOwner()
        ? html`<form class="sig-form" @submit=${(e: Event) => this.recordTermination(e, c)}>
            <p><strong>${tr('termination')}</strong></p>
            <label for="sig-term-org-${c.id}">${tr('terminationOrg')}</label>
            <select id="sig-term-org-${c.id}" name="organisation" required>
              ${c.progress.organisations.map((o) => html`<option value=${o.organisation}>${o.name}</option>`)}
            </select>
            <label for="sig-term-sent-${c.id}">${tr('sentOn')}</label>
            <input id="sig-term-sent-${c.id}" name="sent_on" type="date" required />
            <label for="sig-term-received-${c.id}">${tr('receivedOn')}</label>
            <input id="sig-term-received-${c.id}" name="received_on" type="date" required />
            ${this.termination ? html`<p role="status">${this.termination}</p>` : nothing}
            ${this.error ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}
            <div class="sig-actions">
              <button class="btn btn-secondary" type="submit" ?disabled=${this.busy}>${tr('record')}</button>
            </div>
          </form>`
        : nothing}`;
  }
}

if (!customElements.get('pacte-panel-signatures')) customElements.define('pacte-panel-signatures', SignaturesPanel);
