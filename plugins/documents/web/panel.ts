/**
 * The "Textes" tab of a workspace: `<pacte-panel-documents>`.
 *
 * Lists the workspace's documents and their versions; reads a version (status, SHA-256
 * hash, sections); lets a member propose a change to a section and comment; lets an owner
 * accept or reject proposals, edit a draft, move it through its life cycle and freeze it
 * (with the server's reason when it refuses); shows a comparison of two versions as a
 * redline (insertions and deletions marked by text and by <ins>/<del>, not by colour only)
 * and the board validations. Imports only from `@pacte/web-sdk`. See
 * plugins/documents/README.md for the operations.
 */
import {
  LitElement,
  html,
  nothing,
  errorText,
  formatDateTime,
  getLocale,
  onLocaleChange,
  renderMarkdown,
  unsafeHTML,
  type EventFrame,
  type PropertyValues,
  type ProtocolClient,
  type Workspace,
} from '@pacte/web-sdk';

// ------------------------------------------------------------------------------ types

interface DocumentSummary {
  id: number;
  key: string;
  title: string;
  workspace: number;
  latest_version: number | null;
  frozen_version: number | null;
}

interface VersionSummary {
  id: number;
  document: number;
  number: number;
  parent: number | null;
  label: string;
  status: 'draft' | 'proposed' | 'under_review' | 'frozen' | 'superseded';
  hash: string;
  created_at: string;
  frozen_at: string | null;
}

interface Section {
  key: string;
  heading: string;
  body: string;
  hash: string;
}

interface Validation {
  id: number;
  version: number;
  organisation: number;
  organisation_name: string;
  hash: string;
  matches: boolean;
  body: string;
  meeting_date: string;
  date_precision: 'day' | 'month';
  decision: 'approved' | 'rejected' | 'approved_with_reservations';
  reference: string;
  note: string;
}

interface Required {
  organisation: number;
  organisation_name: string;
  body: string;
  state: 'approved' | 'rejected' | 'other_hash' | 'missing';
}

interface Version extends VersionSummary {
  sections: Section[];
  canonical: string;
  validations: Validation[];
  freeze: { ready: boolean; required: Required[] };
}

interface DiffPart {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

interface Proposal {
  id: number;
  document: number;
  version: number;
  kind: 'replace' | 'insert_after' | 'delete';
  section: string;
  new_key: string | null;
  heading: string | null;
  body: string | null;
  rationale: string;
  author: number;
  organisation_name: string;
  status: 'open' | 'accepted' | 'rejected' | 'withdrawn';
  created_at: string;
  decision_note: string | null;
  merged_version: number | null;
  comments: number;
  base_heading?: string;
  diff: DiffPart[];
}

interface Comment {
  id: number;
  parent: number | null;
  author: number;
  body: string;
  created_at: string;
}

interface SectionComparison {
  key: string;
  status: 'unchanged' | 'changed' | 'added' | 'removed';
  moved: boolean;
  before: { heading: string; body: string } | null;
  after: { heading: string; body: string } | null;
  heading_diff?: DiffPart[];
  body_diff?: DiffPart[];
}

interface Comparison {
  base: VersionSummary;
  version: VersionSummary;
  counts: { added: number; removed: number; changed: number; moved: number };
  sections: SectionComparison[];
}

// ------------------------------------------------------------------------------ strings

const fr = {
  title: 'Textes',
  intro: 'Le texte du pacte, ses versions, les propositions de modification et les validations des instances.',
  loading: 'Chargement…',
  loadFailed: 'Le chargement a échoué : {message}',
  retry: 'Réessayer',
  none: 'Aucun texte dans cet espace.',
  document: 'Texte',
  version: 'Version',
  versionOption: '{name} ({status})',
  status_draft: 'brouillon',
  status_proposed: 'proposée',
  status_under_review: 'en cours de validation',
  status_frozen: 'figée pour signature',
  status_superseded: 'remplacée',
  hash: 'Empreinte SHA-256',
  hashHelp: 'Calculée sur la forme canonique du texte : elle change dès qu’un mot change.',
  frozenOn: 'Figée le {date}',
  print: 'Version imprimable',
  markdown: 'Télécharger (Markdown)',
  read: 'Lire',
  proposals: 'Propositions',
  compare: 'Comparer',
  validations: 'Validations',
  sectionHash: 'empreinte {hash}',
  propose: 'Proposer une modification',
  edit: 'Modifier',
  proposeTitle: 'Proposer une modification de « {heading} »',
  editTitle: 'Modifier « {heading} »',
  kind: 'Type de modification',
  kind_replace: 'Remplacer le texte',
  kind_insert_after: 'Ajouter une section après',
  kind_delete: 'Supprimer la section',
  newKey: 'Clé de la nouvelle section (ex. art.7)',
  heading: 'Titre',
  body: 'Texte (Markdown)',
  rationale: 'Motif de la proposition',
  submit: 'Envoyer la proposition',
  save: 'Enregistrer',
  cancel: 'Annuler',
  proposed: 'Proposition envoyée.',
  saved: 'Section enregistrée.',
  noProposals: 'Aucune proposition sur ce texte.',
  by: 'par {org}, le {date}',
  pstatus_open: 'ouverte',
  pstatus_accepted: 'acceptée',
  pstatus_rejected: 'refusée',
  pstatus_withdrawn: 'retirée',
  onSection: 'Section {key} de la version {n}',
  accept: 'Accepter',
  reject: 'Refuser',
  withdraw: 'Retirer',
  accepted: 'Proposition acceptée : reprise dans la version {n} (brouillon).',
  rejected: 'Proposition refusée.',
  withdrawn: 'Proposition retirée.',
  mergedInto: 'Reprise dans la version {n}.',
  commentsN: 'Commentaires ({n})',
  hideComments: 'Masquer les commentaires',
  comment: 'Votre commentaire',
  send: 'Commenter',
  reply: 'Répondre',
  replyTo: 'Réponse à un commentaire',
  noComments: 'Aucun commentaire.',
  person: 'Personne n° {id}',
  base: 'Version de départ',
  target: 'Version comparée',
  compareButton: 'Comparer',
  counts: '{changed} modifiée(s), {added} ajoutée(s), {removed} supprimée(s), {moved} déplacée(s)',
  identical: 'Les deux versions sont identiques.',
  cs_changed: 'modifiée',
  cs_added: 'ajoutée',
  cs_removed: 'supprimée',
  cs_moved: 'déplacée',
  insStart: '[ajout : ',
  delStart: '[suppression : ',
  markEnd: ']',
  legend: 'Légende : texte ajouté souligné, texte supprimé barré.',
  required: 'Instances dont la validation est requise avant de figer',
  state_approved: 'a approuvé cette version',
  state_rejected: 'n’a pas approuvé cette version',
  state_other_hash: 'a validé un autre texte (autre empreinte)',
  state_missing: 'pas encore de validation',
  organisation: 'Organisation',
  instance: 'Instance',
  date: 'Date de séance',
  decision: 'Décision',
  reference: 'Référence',
  textValidated: 'Texte validé',
  thisVersion: 'cette version',
  otherText: 'autre texte',
  decision_approved: 'approuvé',
  decision_rejected: 'rejeté',
  decision_approved_with_reservations: 'approuvé avec réserves',
  monthOnly: '{month} (jour non connu)',
  noValidations: 'Aucune validation enregistrée pour cette version.',
  record: 'Enregistrer une validation',
  recordTitle: 'Enregistrer la validation d’une instance',
  meetingDate: 'Date de séance (AAAA-MM-JJ, ou AAAA-MM si seul le mois est connu)',
  note: 'Note (facultatif)',
  recorded: 'Validation enregistrée.',
  actions: 'Cycle de vie de la version',
  newDraft: 'Nouveau brouillon à partir de cette version',
  toProposed: 'Soumettre (proposée)',
  toReview: 'Ouvrir la validation des instances',
  reopen: 'Revenir au brouillon',
  freeze: 'Figer pour signature',
  frozenDone: 'Version figée pour signature.',
  statusDone: 'Statut mis à jour.',
  draftDone: 'Brouillon créé.',
  frozenNote: 'Cette version est figée : son texte ne peut plus changer.',
  readOnly: 'Vous pouvez lire les textes ; seuls les membres de l’espace proposent des modifications.',
};

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  title: 'Documents',
  intro: 'The pact’s text, its versions, the proposed changes and the boards’ validations.',
  loading: 'Loading…',
  loadFailed: 'Loading failed: {message}',
  retry: 'Try again',
  none: 'No document in this workspace.',
  document: 'Document',
  version: 'Version',
  versionOption: '{name} ({status})',
  status_draft: 'draft',
  status_proposed: 'proposed',
  status_under_review: 'under review',
  status_frozen: 'frozen for signature',
  status_superseded: 'superseded',
  hash: 'SHA-256 hash',
  hashHelp: 'Computed over the text’s canonical form: it changes as soon as one word does.',
  frozenOn: 'Frozen on {date}',
  print: 'Printable version',
  markdown: 'Download (Markdown)',
  read: 'Read',
  proposals: 'Proposals',
  compare: 'Compare',
  validations: 'Validations',
  sectionHash: 'hash {hash}',
  propose: 'Propose a change',
  edit: 'Edit',
  proposeTitle: 'Propose a change to “{heading}”',
  editTitle: 'Edit “{heading}”',
  kind: 'Kind of change',
  kind_replace: 'Replace the text',
  kind_insert_after: 'Add a section after',
  kind_delete: 'Delete the section',
  newKey: 'Key of the new section (e.g. art.7)',
  heading: 'Heading',
  body: 'Text (Markdown)',
  rationale: 'Reason for the proposal',
  submit: 'Send the proposal',
  save: 'Save',
  cancel: 'Cancel',
  proposed: 'Proposal sent.',
  saved: 'Section saved.',
  noProposals: 'No proposal on this document.',
  by: 'by {org}, on {date}',
  pstatus_open: 'open',
  pstatus_accepted: 'accepted',
  pstatus_rejected: 'rejected',
  pstatus_withdrawn: 'withdrawn',
  onSection: 'Section {key} of version {n}',
  accept: 'Accept',
  reject: 'Reject',
  withdraw: 'Withdraw',
  accepted: 'Proposal accepted: merged into version {n} (draft).',
  rejected: 'Proposal rejected.',
  withdrawn: 'Proposal withdrawn.',
  mergedInto: 'Merged into version {n}.',
  commentsN: 'Comments ({n})',
  hideComments: 'Hide the comments',
  comment: 'Your comment',
  send: 'Comment',
  reply: 'Reply',
  replyTo: 'Reply to a comment',
  noComments: 'No comment.',
  person: 'Person #{id}',
  base: 'Starting version',
  target: 'Compared version',
  compareButton: 'Compare',
  counts: '{changed} changed, {added} added, {removed} removed, {moved} moved',
  identical: 'The two versions are identical.',
  cs_changed: 'changed',
  cs_added: 'added',
  cs_removed: 'removed',
  cs_moved: 'moved',
  insStart: '[added: ',
  delStart: '[deleted: ',
  markEnd: ']',
  legend: 'Legend: added text underlined, deleted text struck through.',
  required: 'Bodies whose validation is required before freezing',
  state_approved: 'approved this version',
  state_rejected: 'did not approve this version',
  state_other_hash: 'validated another text (another hash)',
  state_missing: 'no validation yet',
  organisation: 'Organisation',
  instance: 'Body',
  date: 'Meeting date',
  decision: 'Decision',
  reference: 'Reference',
  textValidated: 'Text validated',
  thisVersion: 'this version',
  otherText: 'another text',
  decision_approved: 'approved',
  decision_rejected: 'rejected',
  decision_approved_with_reservations: 'approved with reservations',
  monthOnly: '{month} (day unknown)',
  noValidations: 'No validation recorded for this version.',
  record: 'Record a validation',
  recordTitle: 'Record a body’s validation',
  meetingDate: 'Meeting date (YYYY-MM-DD, or YYYY-MM when only the month is known)',
  note: 'Note (optional)',
  recorded: 'Validation recorded.',
  actions: 'Version life cycle',
  newDraft: 'New draft from this version',
  toProposed: 'Submit (proposed)',
  toReview: 'Open the boards’ review',
  reopen: 'Back to draft',
  freeze: 'Freeze for signature',
  frozenDone: 'Version frozen for signature.',
  statusDone: 'Status updated.',
  draftDone: 'Draft created.',
  frozenNote: 'This version is frozen: its text can no longer change.',
  readOnly: 'You can read the documents; only the workspace’s members propose changes.',
};

const dictionaries: Record<string, Record<Key, string>> = { fr, en };

function tr(key: Key, vars: Record<string, string | number> = {}): string {
  const template = (dictionaries[getLocale()] ?? fr)[key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** "Version 2" alone when the label is the default one, else "Version 2 — label". */
function versionName(v: { number: number; label: string }): string {
  const head = `${tr('version')} ${v.number}`;
  return !v.label || v.label === `Version ${v.number}` ? head : `${head} — ${v.label}`;
}

function statusText(s: string): string {
  return tr(`status_${s}` as Key);
}

type View = 'read' | 'proposals' | 'compare' | 'validations';

// ------------------------------------------------------------------------------ styles

const styles = html`<style>
  pacte-panel-documents {
    display: block;
  }
  pacte-panel-documents .doc-panel {
    padding: 1rem 1.5rem 2rem;
    max-width: 60rem;
  }
  pacte-panel-documents .doc-pickers {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: flex-end;
  }
  pacte-panel-documents .doc-pickers .field {
    min-width: 14rem;
    flex: 1;
  }
  pacte-panel-documents select,
  pacte-panel-documents textarea,
  pacte-panel-documents input[type='text'] {
    width: 100%;
    box-sizing: border-box;
    font: inherit;
  }
  pacte-panel-documents .doc-meta {
    border: 1px solid var(--border, #ccc);
    border-radius: 6px;
    padding: 0.6rem 0.9rem;
    margin: 0.9rem 0;
  }
  pacte-panel-documents .doc-hash {
    font-family: ui-monospace, monospace;
    word-break: break-all;
    font-size: 0.85rem;
  }
  pacte-panel-documents .doc-tabs {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    border-bottom: 1px solid var(--border, #ccc);
    margin: 1rem 0;
  }
  pacte-panel-documents .doc-tabs button[aria-pressed='true'] {
    border-bottom: 3px solid currentColor;
    font-weight: 700;
  }
  pacte-panel-documents .doc-section {
    border-top: 1px solid var(--border, #ddd);
    padding: 0.5rem 0 0.75rem;
  }
  pacte-panel-documents .doc-section h3 {
    margin: 0.4rem 0;
    font-size: 1.05rem;
  }
  pacte-panel-documents .doc-section-hash {
    font-size: 0.75rem;
    color: var(--muted, #555);
    word-break: break-all;
  }
  pacte-panel-documents .doc-form {
    border: 1px solid var(--border, #ccc);
    border-radius: 6px;
    padding: 0.75rem;
    margin: 0.5rem 0;
  }
  pacte-panel-documents .doc-form textarea {
    min-height: 8rem;
  }
  pacte-panel-documents .redline {
    white-space: pre-wrap;
    line-height: 1.6;
  }
  pacte-panel-documents .redline ins {
    text-decoration: underline;
    text-decoration-thickness: 2px;
    background: #e3f4e6;
    color: #0b4f1c;
  }
  pacte-panel-documents .redline del + ins,
  pacte-panel-documents .redline ins + del {
    margin-left: 0.3em;
  }
  pacte-panel-documents .redline del {
    text-decoration: line-through;
    text-decoration-thickness: 2px;
    background: #fbe4e4;
    color: #7c1111;
  }
  pacte-panel-documents .proposal,
  pacte-panel-documents .cmp-section {
    border: 1px solid var(--border, #ccc);
    border-radius: 6px;
    padding: 0.6rem 0.9rem;
    margin: 0.6rem 0;
  }
  pacte-panel-documents .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin: 0.5rem 0;
  }
  pacte-panel-documents table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9rem;
  }
  pacte-panel-documents th,
  pacte-panel-documents td {
    border: 1px solid var(--border, #ccc);
    padding: 0.3rem 0.45rem;
    text-align: left;
    vertical-align: top;
  }
  pacte-panel-documents .table-wrap {
    overflow-x: auto;
  }
  pacte-panel-documents .flag {
    font-weight: 700;
  }
  pacte-panel-documents .comments {
    list-style: none;
    padding-left: 0;
  }
  pacte-panel-documents .comments .comments {
    padding-left: 1.25rem;
    border-left: 2px solid var(--border, #ccc);
  }
  pacte-panel-documents .btn {
    white-space: normal;
  }
</style>`;

// ------------------------------------------------------------------------------ element

export class DocumentsPanel extends LitElement {
  static override properties = {
    client: { attribute: false },
    workspace: { attribute: false },
    documents: { state: true },
    docId: { state: true },
    versions: { state: true },
    versionId: { state: true },
    version: { state: true },
    view: { state: true },
    status: { state: true },
    loadError: { state: true },
    proposals: { state: true },
    form: { state: true },
    formError: { state: true },
    busy: { state: true },
    comparison: { state: true },
    cmpBase: { state: true },
    cmpTarget: { state: true },
    actionError: { state: true },
    announce: { state: true },
    openComments: { state: true },
    sectionCounts: { state: true },
    comments: { state: true },
    names: { state: true },
    orgs: { state: true },
  };

  declare client: ProtocolClient;
  declare workspace: Workspace;
  declare documents: DocumentSummary[];
  declare docId: number;
  declare versions: VersionSummary[];
  declare versionId: number;
  declare version: Version | null;
  declare view: View;
  declare status: 'loading' | 'ready' | 'failed';
  declare loadError: string;
  declare proposals: Proposal[];
  /** The open form: a proposal or an edit of a section, or a validation. */
  declare form: null | { type: 'propose' | 'edit' | 'validation'; section?: Section; values: Record<string, string> };
  declare formError: string;
  declare busy: boolean;
  declare comparison: Comparison | null;
  declare cmpBase: number;
  declare cmpTarget: number;
  declare actionError: string;
  declare announce: string;
  declare openComments: Set<string>;
  declare sectionCounts: Map<string, number>;
  declare comments: Map<string, Comment[]>;
  declare names: Map<number, string>;
  declare orgs: { id: number; name: string }[];

  private subs: Array<() => void> = [];
  private bound: ProtocolClient | null = null;
  private stopLocale: (() => void) | null = null;
  private loadedFor = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private commentDrafts = new Map<string, string>();
  private replyTo = new Map<string, number | null>();
  private cmpChosen = false;

  constructor() {
    super();
    this.documents = [];
    this.docId = 0;
    this.versions = [];
    this.versionId = 0;
    this.version = null;
    this.view = 'read';
    this.status = 'loading';
    this.loadError = '';
    this.proposals = [];
    this.form = null;
    this.formError = '';
    this.busy = false;
    this.comparison = null;
    this.cmpBase = 0;
    this.cmpTarget = 0;
    this.actionError = '';
    this.announce = '';
    this.openComments = new Set();
    this.sectionCounts = new Map();
    this.comments = new Map();
    this.names = new Map();
    this.orgs = [];
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
    this.unbindClient();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
    this.loadedFor = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.bindClient();
    if (this.client && this.workspace && this.workspace.id !== this.loadedFor && this.isConnected) void this.loadAll();
  }

  // -------------------------------------------------------------------------- server

  private bindClient(): void {
    if (!this.isConnected || !this.client || this.bound === this.client) return;
    this.unbindClient();
    const c = this.client;
    this.bound = c;
    const refresh = (ev: EventFrame) => {
      if (this.workspace && ev.workspace === this.workspace.id) this.scheduleReload();
    };
    for (const type of [
      'documents.created',
      'documents.version_created',
      'documents.version_updated',
      'documents.frozen',
      'documents.required_changed',
      'documents.proposal_created',
      'documents.proposal_updated',
      'documents.comment_added',
      'documents.validation_recorded',
    ])
      this.subs.push(c.on(type, refresh));
    this.subs.push(
      c.onResync((target) => {
        if (target === this.workspace?.id) this.scheduleReload();
      }),
    );
  }

  private unbindClient(): void {
    for (const off of this.subs) off();
    this.subs = [];
    this.bound = null;
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      if (this.isConnected && this.workspace) void this.refresh();
    }, 200);
  }

  private async loadAll(): Promise<void> {
    const ws = this.workspace.id;
    this.loadedFor = ws;
    this.status = 'loading';
    try {
      const list = await this.client.request<{ documents: DocumentSummary[] }>('documents.list', { workspace: ws });
      this.documents = list.documents ?? [];
      if (!this.documents.some((d) => d.id === this.docId)) this.docId = this.documents[0]?.id ?? 0;
      this.versionId = 0;
      await this.loadDocument();
      this.status = 'ready';
      void this.loadNames();
    } catch (err) {
      this.status = 'failed';
      this.loadError = errorText(err);
    }
  }

  /** Reloads what is shown, keeping the current selection. */
  private async refresh(): Promise<void> {
    try {
      const list = await this.client.request<{ documents: DocumentSummary[] }>('documents.list', { workspace: this.workspace.id });
      this.documents = list.documents ?? [];
      await this.loadDocument();
      if (this.comparison) await this.runCompare();
      for (const id of this.openComments) await this.loadComments(id);
    } catch {
      /* the next event or a manual action will try again */
    }
  }

  private async loadDocument(): Promise<void> {
    if (!this.docId) {
      this.versions = [];
      this.version = null;
      this.proposals = [];
      return;
    }
    const doc = await this.client.request<{ document: { versions: VersionSummary[] } }>('documents.get', { document: this.docId });
    this.versions = doc.document.versions ?? [];
    if (!this.versions.some((v) => v.id === this.versionId)) this.versionId = this.versions[this.versions.length - 1]?.id ?? 0;
    await Promise.all([this.loadVersion(), this.loadProposals()]);
    // Until someone picks versions to compare, the comparison follows the newest version
    // against its parent (a new version created meanwhile is what people want to see).
    if (!this.cmpChosen || !this.versions.some((v) => v.id === this.cmpTarget)) {
      const last = this.versions[this.versions.length - 1];
      this.cmpTarget = last?.id ?? 0;
      this.cmpBase = last?.parent ?? this.versions[0]?.id ?? 0;
    }
  }

  private async loadVersion(): Promise<void> {
    if (!this.versionId) {
      this.version = null;
      return;
    }
    const r = await this.client.request<{ version: Version }>('documents.version.get', { version: this.versionId });
    this.version = r.version;
    await this.loadSectionCounts();
  }

  private async loadProposals(): Promise<void> {
    const r = await this.client.request<{ proposals: Proposal[] }>('documents.proposals', { document: this.docId });
    this.proposals = r.proposals ?? [];
  }

  private async loadNames(): Promise<void> {
    try {
      const members = await this.client.request<{ people: { id: number; name: string }[] }>('workspaces.members', {
        workspace: this.workspace.id,
      });
      this.names = new Map((members.people ?? []).map((p) => [p.id, p.name]));
      const orgs = await this.client.request<{ organisations: { id: number; name: string }[] }>('orgs.list', {});
      this.orgs = orgs.organisations ?? [];
    } catch {
      /* names fall back to "person #id" */
    }
  }

  /** A discussion: "p:<proposal id>", or "s:<section key>" (a section's, across versions). */
  private threadArgs(thread: string): Record<string, unknown> {
    return thread.startsWith('p:')
      ? { proposal: Number(thread.slice(2)) }
      : { version: this.versionId, section: thread.slice(2) };
  }

  private async loadComments(thread: string): Promise<void> {
    const r = await this.client.request<{ comments: Comment[] }>('documents.comments', this.threadArgs(thread));
    const next = new Map(this.comments);
    next.set(thread, r.comments ?? []);
    this.comments = next;
  }

  /** How many comments each section has (its discussion follows its key through versions). */
  private async loadSectionCounts(): Promise<void> {
    if (!this.versionId) return;
    const r = await this.client.request<{ comments: (Comment & { section: string | null })[] }>('documents.comments', {
      version: this.versionId,
    });
    const counts = new Map<string, number>();
    for (const c of r.comments ?? []) if (c.section) counts.set(c.section, (counts.get(c.section) ?? 0) + 1);
    this.sectionCounts = counts;
  }

  // -------------------------------------------------------------------------- actions

  private canWrite(): boolean {
    const role = this.workspace?.role;
    return !this.workspace?.archived && (role === 'member' || role === 'owner');
  }

  private isOwner(): boolean {
    return !this.workspace?.archived && this.workspace?.role === 'owner';
  }

  private async selectDocument(id: number): Promise<void> {
    this.docId = id;
    this.versionId = 0;
    this.comparison = null;
    this.cmpTarget = 0;
    this.cmpChosen = false;
    await this.loadDocument();
  }

  private async selectVersion(id: number): Promise<void> {
    this.versionId = id;
    this.form = null;
    this.actionError = '';
    await this.loadVersion();
  }

  private openForm(type: 'propose' | 'edit' | 'validation', section?: Section): void {
    const values: Record<string, string> =
      type === 'validation'
        ? { organisation: String(this.version?.freeze.required[0]?.organisation ?? this.orgs[0]?.id ?? ''), body: this.version?.freeze.required[0]?.body ?? '', meeting_date: '', decision: 'approved', reference: '', note: '' }
        : { kind: 'replace', heading: section?.heading ?? '', body: section?.body ?? '', rationale: '', new_key: '' };
    this.form = { type, section, values };
    this.formError = '';
    const focus = type === 'validation' ? '#doc-form-organisation' : type === 'propose' ? '#doc-form-kind' : '#doc-form-heading';
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(focus)?.focus());
  }

  private setValue(name: string, value: string): void {
    if (!this.form) return;
    this.form = { ...this.form, values: { ...this.form.values, [name]: value } };
  }

  private async submitForm(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.form || !this.version || this.busy) return;
    const { type, section, values } = this.form;
    this.busy = true;
    this.formError = '';
    try {
      if (type === 'propose' && section) {
        const args: Record<string, unknown> = {
          version: this.version.id,
          section: section.key,
          kind: values.kind,
          rationale: values.rationale,
        };
        if (values.kind !== 'delete') {
          args.body = values.body;
          args.heading = values.heading;
        }
        if (values.kind === 'insert_after') args.new_key = values.new_key;
        await this.client.request('documents.propose', args);
        this.announce = tr('proposed');
        this.view = 'proposals';
      } else if (type === 'edit' && section) {
        await this.client.request('documents.version.set_section', {
          version: this.version.id,
          key: section.key,
          heading: values.heading,
          body: values.body,
        });
        this.announce = tr('saved');
      } else if (type === 'validation') {
        const args: Record<string, unknown> = {
          version: this.version.id,
          organisation: Number(values.organisation),
          hash: this.version.hash,
          body: values.body,
          meeting_date: values.meeting_date,
          decision: values.decision,
        };
        if (values.reference) args.reference = values.reference;
        if (values.note) args.note = values.note;
        await this.client.request('documents.validation.record', args);
        this.announce = tr('recorded');
      }
      this.form = null;
      await this.loadDocument();
    } catch (err) {
      this.formError = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async decide(p: Proposal, op: 'accept' | 'reject' | 'withdraw'): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.actionError = '';
    try {
      const r = await this.client.request<{ proposal: Proposal; version?: VersionSummary }>(`documents.proposal.${op}`, {
        proposal: p.id,
      });
      if (op === 'accept' && r.version) {
        this.announce = tr('accepted', { n: r.version.number });
        await this.loadDocument();
        this.cmpTarget = r.version.id;
        this.cmpBase = p.version;
      } else {
        this.announce = tr(op === 'reject' ? 'rejected' : 'withdrawn');
        await this.loadDocument();
      }
    } catch (err) {
      this.actionError = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async lifecycle(op: 'create_draft' | 'propose' | 'review' | 'reopen' | 'freeze'): Promise<void> {
    if (!this.version || this.busy) return;
    this.busy = true;
    this.actionError = '';
    try {
      const r = await this.client.request<{ version: Version }>(`documents.version.${op}`, { version: this.version.id });
      if (op === 'create_draft') this.versionId = r.version.id;
      this.announce = op === 'freeze' ? tr('frozenDone') : op === 'create_draft' ? tr('draftDone') : tr('statusDone');
      await this.loadDocument();
    } catch (err) {
      // The server's message says why (which boards have not approved this exact hash).
      this.actionError = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async runCompare(): Promise<void> {
    if (!this.cmpBase || !this.cmpTarget) return;
    try {
      const r = await this.client.request<{ comparison: Comparison }>('documents.compare', {
        version: this.cmpTarget,
        base: this.cmpBase,
      });
      this.comparison = r.comparison;
    } catch (err) {
      this.actionError = errorText(err);
    }
  }

  private async toggleComments(thread: string): Promise<void> {
    const open = new Set(this.openComments);
    if (open.has(thread)) open.delete(thread);
    else {
      open.add(thread);
      await this.loadComments(thread);
    }
    this.openComments = open;
  }

  private async sendComment(e: Event, thread: string): Promise<void> {
    e.preventDefault();
    const body = (this.commentDrafts.get(thread) ?? '').trim();
    if (!body || this.busy) return;
    this.busy = true;
    this.actionError = '';
    try {
      const args: Record<string, unknown> = { ...this.threadArgs(thread), body };
      const parent = this.replyTo.get(thread);
      if (parent) args.parent = parent;
      await this.client.request('documents.comment', args);
      this.commentDrafts.set(thread, '');
      this.replyTo.set(thread, null);
      await this.loadComments(thread);
      if (thread.startsWith('p:')) await this.loadProposals();
      else await this.loadSectionCounts();
    } catch (err) {
      this.actionError = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  // ------------------------------------------------------------------------ render

  override render() {
    if (!this.workspace) return nothing;
    return html`${styles}
      <section class="doc-panel" aria-labelledby="doc-panel-title" data-testid="documents-panel">
        <h2 id="doc-panel-title">${tr('title')}</h2>
        <p class="muted">${this.canWrite() ? tr('intro') : tr('readOnly')}</p>
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="documents-status">${this.announce}</p>
        ${this.renderBody()}
      </section>`;
  }

  private renderBody() {
    if (this.status === 'loading') return html`<p class="muted" role="status">${tr('loading')}</p>`;
    if (this.status === 'failed')
      return html`<p class="form-error" role="alert">${tr('loadFailed', { message: this.loadError })}</p>
        <button class="btn btn-secondary" type="button" @click=${() => this.loadAll()}>${tr('retry')}</button>`;
    if (!this.documents.length) return html`<p class="muted">${tr('none')}</p>`;
    return html`${this.renderPickers()} ${this.version ? this.renderVersion(this.version) : nothing}`;
  }

  private renderPickers() {
    return html`<div class="doc-pickers">
      ${this.documents.length > 1
        ? html`<div class="field">
            <label for="doc-select">${tr('document')}</label>
            <select id="doc-select" @change=${(e: Event) => this.selectDocument(Number((e.target as HTMLSelectElement).value))}>
              ${this.documents.map((d) => html`<option value=${d.id} ?selected=${d.id === this.docId}>${d.title}</option>`)}
            </select>
          </div>`
        : html`<h3 class="doc-title">${this.documents[0].title}</h3>`}
      <div class="field">
        <label for="doc-version-select">${tr('version')}</label>
        <select
          id="doc-version-select"
          data-testid="documents-version-select"
          @change=${(e: Event) => this.selectVersion(Number((e.target as HTMLSelectElement).value))}
        >
          ${[...this.versions].reverse().map(
            (v) =>
              html`<option value=${v.id} ?selected=${v.id === this.versionId}>
                ${tr('versionOption', { name: versionName(v), status: statusText(v.status) })}
              </option>`,
          )}
        </select>
      </div>
    </div>`;
  }

  private renderVersion(v: Version) {
    const tabs: [View, Key][] = [
      ['read', 'read'],
      ['proposals', 'proposals'],
      ['compare', 'compare'],
      ['validations', 'validations'],
    ];
    const open = this.proposals.filter((p) => p.status === 'open').length;
    return html`<div class="doc-meta" data-testid="documents-meta">
        <p>
          <strong>${versionName(v)}</strong> ·
          <span class="tag ${v.status === 'frozen' ? 'tag-ok' : ''}" data-testid="documents-version-status">${statusText(v.status)}</span>
          ${v.frozen_at ? html` · ${tr('frozenOn', { date: formatDateTime(v.frozen_at) })}` : nothing}
        </p>
        <p>
          <span id="doc-hash-label">${tr('hash')}</span> :
          <code class="doc-hash" aria-labelledby="doc-hash-label" data-testid="documents-hash">${v.hash}</code>
        </p>
        <p class="hint">${tr('hashHelp')}</p>
        <p>
          <a href="/p/documents/print/${v.id}" target="_blank" rel="noopener">${tr('print')}</a> ·
          <a href="/p/documents/markdown/${v.id}">${tr('markdown')}</a>
        </p>
        ${this.renderLifecycle(v)}
      </div>
      <div class="doc-tabs" role="group" aria-label=${tr('title')}>
        ${tabs.map(
          ([id, key]) => html`<button
            class="btn btn-ghost"
            type="button"
            aria-pressed=${this.view === id ? 'true' : 'false'}
            data-testid="documents-tab-${id}"
            @click=${() => {
              this.view = id;
              if (id === 'compare' && !this.comparison) void this.runCompare();
            }}
          >
            ${tr(key)}${id === 'proposals' && open ? ` (${open})` : ''}
          </button>`,
        )}
      </div>
      ${this.view === 'read'
        ? this.renderRead(v)
        : this.view === 'proposals'
          ? this.renderProposals()
          : this.view === 'compare'
            ? this.renderCompare()
            : this.renderValidations(v)}`;
  }

  private renderLifecycle(v: Version) {
    const frozen = v.status === 'frozen' || v.status === 'superseded';
    const owner = this.isOwner();
    const button = (op: 'create_draft' | 'propose' | 'review' | 'reopen' | 'freeze', key: Key, primary = false) =>
      html`<button
        class="btn ${primary ? 'btn-primary' : 'btn-secondary'} btn-small"
        type="button"
        data-testid="documents-${op}"
        ?disabled=${this.busy}
        @click=${() => this.lifecycle(op)}
      >
        ${tr(key)}
      </button>`;
    return html`${frozen ? html`<p data-testid="documents-frozen-note">${tr('frozenNote')}</p>` : nothing}
      ${owner
        ? html`<div class="actions" role="group" aria-label=${tr('actions')}>
            ${button('create_draft', 'newDraft')} ${v.status === 'draft' ? button('propose', 'toProposed') : nothing}
            ${v.status === 'proposed' ? button('review', 'toReview') : nothing}
            ${v.status === 'proposed' || v.status === 'under_review' ? button('reopen', 'reopen') : nothing}
            ${v.status === 'under_review' ? button('freeze', 'freeze', true) : nothing}
          </div>`
        : nothing}
      <p class="form-error" role="alert" data-testid="documents-action-error">${this.actionError}</p>`;
  }

  private renderRead(v: Version) {
    const canPropose = this.canWrite();
    const canEdit = this.isOwner() && v.status === 'draft';
    return html`<div data-testid="documents-read">
      ${v.sections.map(
        (s) => html`<article class="doc-section" aria-labelledby="doc-s-${s.key}" data-section=${s.key}>
          <h3 id="doc-s-${s.key}">${s.heading}</h3>
          <div class="doc-body">${unsafeHTML(renderMarkdown(s.body))}</div>
          <p class="doc-section-hash">${s.key} · ${tr('sectionHash', { hash: s.hash.slice(0, 16) + '…' })}</p>
          ${this.form && this.form.section?.key === s.key && this.form.type !== 'validation'
            ? this.renderSectionForm()
            : html`<div class="actions">
                ${canPropose
                  ? html`<button
                      class="btn btn-secondary btn-small"
                      type="button"
                      data-testid="documents-propose-${s.key}"
                      @click=${() => this.openForm('propose', s)}
                    >
                      ${tr('propose')}<span class="visually-hidden"> : ${s.heading}</span>
                    </button>`
                  : nothing}
                ${canEdit
                  ? html`<button class="btn btn-ghost btn-small" type="button" @click=${() => this.openForm('edit', s)}>
                      ${tr('edit')}<span class="visually-hidden"> : ${s.heading}</span>
                    </button>`
                  : nothing}
                <button class="btn btn-link" type="button" data-testid="documents-section-comments-${s.key}"
                  aria-expanded=${this.openComments.has(`s:${s.key}`) ? 'true' : 'false'}
                  @click=${() => this.toggleComments(`s:${s.key}`)}>
                  ${this.openComments.has(`s:${s.key}`) ? tr('hideComments') : tr('commentsN', { n: this.sectionCounts.get(s.key) ?? 0 })}<span
                    class="visually-hidden"> : ${s.heading}</span>
                </button>
              </div>`}
          ${this.openComments.has(`s:${s.key}`) ? this.renderComments(`s:${s.key}`) : nothing}
        </article>`,
      )}
    </div>`;
  }

  private renderSectionForm() {
    const f = this.form!;
    const v = f.values;
    const propose = f.type === 'propose';
    return html`<form class="doc-form" @submit=${(e: Event) => this.submitForm(e)} aria-labelledby="doc-form-title" novalidate>
      <h4 id="doc-form-title">${tr(propose ? 'proposeTitle' : 'editTitle', { heading: f.section?.heading ?? '' })}</h4>
      ${propose
        ? html`<div class="field">
            <label for="doc-form-kind">${tr('kind')}</label>
            <select id="doc-form-kind" @change=${(e: Event) => this.setValue('kind', (e.target as HTMLSelectElement).value)}>
              ${(['replace', 'insert_after', 'delete'] as const).map(
                (k) => html`<option value=${k} ?selected=${v.kind === k}>${tr(`kind_${k}` as Key)}</option>`,
              )}
            </select>
          </div>`
        : nothing}
      ${propose && v.kind === 'insert_after'
        ? html`<div class="field">
            <label for="doc-form-newkey">${tr('newKey')}</label>
            <input id="doc-form-newkey" type="text" maxlength="64" .value=${v.new_key}
              @input=${(e: Event) => this.setValue('new_key', (e.target as HTMLInputElement).value)} />
          </div>`
        : nothing}
      ${!propose || v.kind !== 'delete'
        ? html`<div class="field">
              <label for="doc-form-heading">${tr('heading')}</label>
              <input id="doc-form-heading" type="text" maxlength="300" .value=${v.heading}
                @input=${(e: Event) => this.setValue('heading', (e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="doc-form-body">${tr('body')}</label>
              <textarea id="doc-form-body" data-testid="documents-form-body" .value=${v.body}
                @input=${(e: Event) => this.setValue('body', (e.target as HTMLTextAreaElement).value)}></textarea>
            </div>`
        : nothing}
      ${propose
        ? html`<div class="field">
            <label for="doc-form-rationale">${tr('rationale')}</label>
            <textarea id="doc-form-rationale" data-testid="documents-form-rationale" required .value=${v.rationale}
              @input=${(e: Event) => this.setValue('rationale', (e.target as HTMLTextAreaElement).value)}></textarea>
          </div>`
        : nothing}
      <p class="form-error" role="alert">${this.formError}</p>
      <div class="actions">
        <button class="btn btn-primary" type="submit" data-testid="documents-form-submit" ?disabled=${this.busy}>
          ${tr(propose ? 'submit' : 'save')}
        </button>
        <button class="btn btn-ghost" type="button" @click=${() => (this.form = null)}>${tr('cancel')}</button>
      </div>
    </form>`;
  }

  private renderDiff(parts: DiffPart[]) {
    return parts.map((p) =>
      p.op === 'equal'
        ? p.text
        : p.op === 'insert'
          ? html`<ins><span class="visually-hidden">${tr('insStart')}</span>${p.text}<span class="visually-hidden">${tr('markEnd')}</span></ins>`
          : html`<del><span class="visually-hidden">${tr('delStart')}</span>${p.text}<span class="visually-hidden">${tr('markEnd')}</span></del>`,
    );
  }

  private versionNumber(id: number | null): string {
    const v = this.versions.find((x) => x.id === id);
    return v ? String(v.number) : '?';
  }

  private renderProposals() {
    if (!this.proposals.length) return html`<p class="muted">${tr('noProposals')}</p>`;
    const me = this.client?.person?.id;
    return html`<p class="hint">${tr('legend')}</p>
      <ul class="comments" data-testid="documents-proposals">
        ${this.proposals.map((p) => {
          const open = p.status === 'open';
          return html`<li>
            <article class="proposal" data-testid="documents-proposal" data-proposal=${p.id} aria-labelledby="doc-p-${p.id}">
              <h3 id="doc-p-${p.id}">
                ${tr(`kind_${p.kind}` as Key)} — ${p.base_heading ?? p.section}
                <span class="tag ${p.status === 'accepted' ? 'tag-ok' : ''}" data-testid="documents-proposal-status"
                  >${tr(`pstatus_${p.status}` as Key)}</span
                >
              </h3>
              <p class="muted">
                ${tr('onSection', { key: p.section, n: this.versionNumber(p.version) })} ·
                ${this.names.get(p.author) ?? tr('person', { id: p.author })}
                ${tr('by', { org: p.organisation_name, date: formatDateTime(p.created_at) })}
              </p>
              <p><strong>${tr('rationale')} :</strong> ${p.rationale}</p>
              ${p.kind === 'insert_after' ? html`<p><strong>${p.new_key}</strong> — ${p.heading}</p>` : nothing}
              <div class="redline" data-testid="documents-proposal-diff">${this.renderDiff(p.diff)}</div>
              ${p.merged_version ? html`<p>${tr('mergedInto', { n: this.versionNumber(p.merged_version) })}</p>` : nothing}
              ${p.decision_note ? html`<p>${p.decision_note}</p>` : nothing}
              <div class="actions">
                ${open && this.isOwner()
                  ? html`<button class="btn btn-primary btn-small" type="button" data-testid="documents-accept"
                        ?disabled=${this.busy} @click=${() => this.decide(p, 'accept')}>${tr('accept')}</button>
                      <button class="btn btn-secondary btn-small" type="button" data-testid="documents-reject"
                        ?disabled=${this.busy} @click=${() => this.decide(p, 'reject')}>${tr('reject')}</button>`
                  : nothing}
                ${open && p.author === me && this.canWrite()
                  ? html`<button class="btn btn-ghost btn-small" type="button" ?disabled=${this.busy}
                      @click=${() => this.decide(p, 'withdraw')}>${tr('withdraw')}</button>`
                  : nothing}
                <button class="btn btn-link" type="button" aria-expanded=${this.openComments.has(`p:${p.id}`) ? 'true' : 'false'}
                  @click=${() => this.toggleComments(`p:${p.id}`)}>
                  ${this.openComments.has(`p:${p.id}`) ? tr('hideComments') : tr('commentsN', { n: p.comments })}
                </button>
              </div>
              ${this.openComments.has(`p:${p.id}`) ? this.renderComments(`p:${p.id}`) : nothing}
            </article>
          </li>`;
        })}
      </ul>
      <p class="form-error" role="alert">${this.actionError}</p>`;
  }

  private renderComments(thread: string) {
    const all = this.comments.get(thread) ?? [];
    const field = `doc-comment-${thread.replace(/[^a-z0-9]/gi, '-')}`;
    const children = (parent: number | null): Comment[] => all.filter((c) => (c.parent ?? null) === parent);
    const tree = (parent: number | null): unknown => {
      const list = children(parent);
      if (!list.length) return nothing;
      return html`<ul class="comments">
        ${list.map(
          (c) => html`<li>
            <p><strong>${this.names.get(c.author) ?? tr('person', { id: c.author })}</strong>
              <span class="muted">· ${formatDateTime(c.created_at)}</span></p>
            <div>${unsafeHTML(renderMarkdown(c.body))}</div>
            ${this.canWrite()
              ? html`<button class="btn btn-link" type="button" @click=${() => {
                  this.replyTo.set(thread, c.id);
                  this.requestUpdate();
                  void this.updateComplete.then(() => this.querySelector<HTMLElement>(`#${field}`)?.focus());
                }}>${tr('reply')}</button>`
              : nothing}
            ${tree(c.id)}
          </li>`,
        )}
      </ul>`;
    };
    const replying = this.replyTo.get(thread);
    return html`<div class="doc-thread">
      ${all.length ? tree(null) : html`<p class="muted">${tr('noComments')}</p>`}
      ${this.canWrite()
        ? html`<form @submit=${(e: Event) => this.sendComment(e, thread)}>
            <div class="field">
              <label for=${field}>${replying ? tr('replyTo') : tr('comment')}</label>
              <textarea id=${field} .value=${this.commentDrafts.get(thread) ?? ''}
                @input=${(e: Event) => this.commentDrafts.set(thread, (e.target as HTMLTextAreaElement).value)}></textarea>
            </div>
            <button class="btn btn-secondary btn-small" type="submit" ?disabled=${this.busy}>${tr('send')}</button>
          </form>`
        : nothing}
    </div>`;
  }

  private renderCompare() {
    const options = (selected: number) =>
      [...this.versions].reverse().map(
        (v) => html`<option value=${v.id} ?selected=${v.id === selected}>
          ${tr('versionOption', { name: versionName(v), status: statusText(v.status) })}
        </option>`,
      );
    const c = this.comparison;
    const changed = c ? c.sections.filter((s) => s.status !== 'unchanged' || s.moved) : [];
    return html`<form class="doc-pickers" @submit=${(e: Event) => {
        e.preventDefault();
        void this.runCompare();
      }}>
        <div class="field">
          <label for="doc-cmp-base">${tr('base')}</label>
          <select id="doc-cmp-base" data-testid="documents-cmp-base"
            @change=${(e: Event) => {
              this.cmpBase = Number((e.target as HTMLSelectElement).value);
              this.cmpChosen = true;
            }}>${options(this.cmpBase)}</select>
        </div>
        <div class="field">
          <label for="doc-cmp-target">${tr('target')}</label>
          <select id="doc-cmp-target" data-testid="documents-cmp-target"
            @change=${(e: Event) => {
              this.cmpTarget = Number((e.target as HTMLSelectElement).value);
              this.cmpChosen = true;
            }}>${options(this.cmpTarget)}</select>
        </div>
        <button class="btn btn-secondary" type="submit" data-testid="documents-cmp-run">${tr('compareButton')}</button>
      </form>
      ${c
        ? html`<div data-testid="documents-redline">
            <p><strong>${tr('version')} ${c.base.number} → ${tr('version')} ${c.version.number}</strong> :
              ${tr('counts', c.counts)}</p>
            <p class="hint">${tr('legend')}</p>
            ${changed.length
              ? changed.map(
                  (s) => html`<article class="cmp-section" data-section=${s.key} aria-labelledby="doc-cmp-${s.key}">
                    <h3 id="doc-cmp-${s.key}">
                      ${s.heading_diff ? this.renderDiff(s.heading_diff) : (s.after ?? s.before)?.heading}
                      <span class="tag">${tr(`cs_${s.status}` as Key)}${s.moved ? ` · ${tr('cs_moved')}` : ''}</span>
                    </h3>
                    <div class="redline">${s.status === 'changed'
                      ? this.renderDiff(s.body_diff ?? [])
                      : s.status === 'added'
                        ? this.renderDiff([{ op: 'insert', text: s.after?.body ?? '' }])
                        : s.status === 'removed'
                          ? this.renderDiff([{ op: 'delete', text: s.before?.body ?? '' }])
                          : s.after?.body}</div>
                  </article>`,
                )
              : html`<p>${tr('identical')}</p>`}
          </div>`
        : nothing}`;
  }

  private renderValidations(v: Version) {
    const dateText = (val: Validation) => {
      // Shown as written in the minutes: "15 mars 2023", or "mars 2023" when only the month is known.
      const locale = getLocale() === 'en' ? 'en-GB' : 'fr-FR';
      const day = val.date_precision === 'day';
      const at = new Date(`${val.meeting_date}${day ? '' : '-01'}T12:00:00Z`);
      if (Number.isNaN(at.getTime())) return val.meeting_date;
      const text = at.toLocaleDateString(locale, { timeZone: 'UTC', year: 'numeric', month: 'long', ...(day ? { day: 'numeric' } : {}) });
      return day ? text : tr('monthOnly', { month: text });
    };
    return html`<div data-testid="documents-validations">
      <h3>${tr('required')}</h3>
      <ul>
        ${v.freeze.required.map(
          (r) => html`<li data-testid="documents-required" data-state=${r.state}>
            <strong>${r.organisation_name}</strong> (${r.body}) :
            <span class=${r.state === 'approved' ? '' : 'flag'}>${tr(`state_${r.state}` as Key)}</span>
          </li>`,
        )}
      </ul>
      <h3>${tr('validations')}</h3>
      ${v.validations.length
        ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${tr('validations')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">${tr('organisation')}</th>
                  <th scope="col">${tr('instance')}</th>
                  <th scope="col">${tr('date')}</th>
                  <th scope="col">${tr('decision')}</th>
                  <th scope="col">${tr('reference')}</th>
                  <th scope="col">${tr('textValidated')}</th>
                </tr>
              </thead>
              <tbody>
                ${v.validations.map(
                  (val) => html`<tr data-testid="documents-validation">
                    <th scope="row">${val.organisation_name}</th>
                    <td>${val.body}</td>
                    <td>${dateText(val)}</td>
                    <td>${tr(`decision_${val.decision}` as Key)}${val.note ? html`<br /><span class="muted">${val.note}</span>` : nothing}</td>
                    <td>${val.reference}</td>
                    <td>
                      ${val.matches
                        ? tr('thisVersion')
                        : html`<span class="flag">⚠ ${tr('otherText')}</span> <code class="doc-hash">${val.hash.slice(0, 16)}…</code>`}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">${tr('noValidations')}</p>`}
      ${this.canWrite() && v.status !== 'frozen' && v.status !== 'superseded'
        ? this.form?.type === 'validation'
          ? this.renderValidationForm()
          : html`<button class="btn btn-secondary" type="button" data-testid="documents-record"
              @click=${() => this.openForm('validation')}>${tr('record')}</button>`
        : nothing}
    </div>`;
  }

  private renderValidationForm() {
    const v = this.form!.values;
    const set = (name: string) => (e: Event) => this.setValue(name, (e.target as HTMLInputElement).value);
    return html`<form class="doc-form" @submit=${(e: Event) => this.submitForm(e)} aria-labelledby="doc-val-title" novalidate>
      <h4 id="doc-val-title">${tr('recordTitle')}</h4>
      <div class="field">
        <label for="doc-form-organisation">${tr('organisation')}</label>
        <select id="doc-form-organisation" @change=${set('organisation')}>
          ${this.orgs.map((o) => html`<option value=${o.id} ?selected=${String(o.id) === v.organisation}>${o.name}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="doc-form-instance">${tr('instance')}</label>
        <input id="doc-form-instance" type="text" maxlength="200" .value=${v.body} @input=${set('body')} />
      </div>
      <div class="field">
        <label for="doc-form-date">${tr('meetingDate')}</label>
        <input id="doc-form-date" type="text" maxlength="10" inputmode="numeric" .value=${v.meeting_date} @input=${set('meeting_date')} />
      </div>
      <div class="field">
        <label for="doc-form-decision">${tr('decision')}</label>
        <select id="doc-form-decision" @change=${set('decision')}>
          ${(['approved', 'approved_with_reservations', 'rejected'] as const).map(
            (d) => html`<option value=${d} ?selected=${v.decision === d}>${tr(`decision_${d}` as Key)}</option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="doc-form-reference">${tr('reference')}</label>
        <input id="doc-form-reference" type="text" maxlength="200" .value=${v.reference} @input=${set('reference')} />
      </div>
      <div class="field">
        <label for="doc-form-note">${tr('note')}</label>
        <textarea id="doc-form-note" .value=${v.note} @input=${set('note')}></textarea>
      </div>
      <p class="form-error" role="alert">${this.formError}</p>
      <div class="actions">
        <button class="btn btn-primary" type="submit" ?disabled=${this.busy}>${tr('record')}</button>
        <button class="btn btn-ghost" type="button" @click=${() => (this.form = null)}>${tr('cancel')}</button>
      </div>
    </form>`;
  }
}

if (!customElements.get('pacte-panel-documents')) customElements.define('pacte-panel-documents', DocumentsPanel);
