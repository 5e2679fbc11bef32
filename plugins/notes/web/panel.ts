/**
 * The "Notes partagées" tab of a workspace: `<pacte-panel-notes>`.
 *
 * Lists the workspace's notes, creates one, and opens one in a plain textarea that
 * several people edit at once: every change becomes an operation (./ot.ts, in code
 * points) run through the ot.js client state machine (./session.ts); remote cursors are
 * drawn over the textarea with each person's name and colour. Imports only from
 * `@pacte/web-sdk` (and its own modules). French first, English with getLocale().
 */
import {
  LitElement,
  html,
  nothing,
  errorText,
  getLocale,
  onLocaleChange,
  type ConnectionState,
  type EventFrame,
  type PropertyValues,
  type ProtocolClient,
  type Workspace,
} from '@pacte/web-sdk';
import { TextOperation, codePointToUtf16, diffToOperation, utf16ToCodePoint } from './ot.ts';
import { NoteSession, type OpData, type SubmitArgs } from './session.ts';

/** A note as `notes.list` and `notes.create` return it (plugins/notes/README.md). */
interface Note {
  id: number;
  workspace: number;
  title: string;
  agenda_item: number | null;
  rev: number;
  updated_at: string;
}

interface CursorData {
  note: number;
  rev: number;
  ranges: number[][];
  client_id: string;
  person: number;
  name: string;
}

interface RemoteCursor extends CursorData {
  seen: number;
}

interface Version {
  id: number;
  rev: number;
  name: string;
  created_by: number;
  created_at: string;
}

// ------------------------------------------------------------------------------ strings

const fr = {
  title: 'Notes partagées',
  intro: 'Prenez les notes de la réunion à plusieurs : chacun voit ce que les autres écrivent, en direct.',
  loading: 'Chargement des notes…',
  loadFailed: 'Les notes n’ont pas pu être chargées : {message}',
  retry: 'Réessayer',
  empty: 'Aucune note pour l’instant.',
  list: 'Notes de l’espace',
  newTitle: 'Titre de la nouvelle note',
  newHint: 'Par exemple : « Comité de pilotage du 12 mars, point 2 ».',
  create: 'Créer la note',
  missingTitle: 'Saisissez un titre.',
  item: 'ordre du jour',
  open: 'Ouvrir',
  editorLabel: 'Texte de la note « {title} »',
  readOnly: 'Lecture seule : votre rôle ne permet pas de modifier cette note.',
  saved: 'Tout est enregistré.',
  saving: 'Enregistrement…',
  offline: 'Hors ligne : vos modifications seront envoyées à la reconnexion.',
  resynced: 'La note a été rechargée depuis le serveur ; vérifiez vos dernières modifications.',
  others: 'Aussi dans cette note',
  alone: 'Personne d’autre n’écrit dans cette note en ce moment.',
  cursorAt: '{name} : ligne {line}',
  selection: '{name} : ligne {line}, {count} caractères sélectionnés',
  export: 'Télécharger en Markdown',
  close: 'Fermer la note',
  opened: 'Note « {title} » ouverte.',
  created: 'Note « {title} » créée.',
  history: 'Historique et versions',
  versionName: 'Nom de la version',
  versionHint: 'Par exemple : « Relu en séance ».',
  nameVersion: 'Nommer la version actuelle',
  versionNamed: 'Version « {name} » enregistrée.',
  noVersions: 'Aucune version nommée.',
  versionItem: '{name} — révision {rev}',
  show: 'Afficher',
  slider: 'Révision à afficher (0 à {max})',
  showRev: 'Afficher cette révision',
  atRev: 'Texte à la révision {rev}',
  hide: 'Masquer',
};
type Key = keyof typeof fr;
const en: Record<Key, string> = {
  title: 'Shared notes',
  intro: 'Take the meeting’s notes together: everyone sees what the others write, live.',
  loading: 'Loading notes…',
  loadFailed: 'The notes could not be loaded: {message}',
  retry: 'Retry',
  empty: 'No notes yet.',
  list: 'Notes of this workspace',
  newTitle: 'Title of the new note',
  newHint: 'For example: “Steering committee of 12 March, item 2”.',
  create: 'Create the note',
  missingTitle: 'Enter a title.',
  item: 'agenda',
  open: 'Open',
  editorLabel: 'Text of the note “{title}”',
  readOnly: 'Read only: your role does not allow editing this note.',
  saved: 'Everything is saved.',
  saving: 'Saving…',
  offline: 'Offline: your changes will be sent when the connection is back.',
  resynced: 'The note was reloaded from the server; check your last changes.',
  others: 'Also in this note',
  alone: 'Nobody else is writing in this note right now.',
  cursorAt: '{name}: line {line}',
  selection: '{name}: line {line}, {count} characters selected',
  export: 'Download as Markdown',
  close: 'Close the note',
  opened: 'Note “{title}” opened.',
  created: 'Note “{title}” created.',
  history: 'History and versions',
  versionName: 'Version name',
  versionHint: 'For example: “Read in the meeting”.',
  nameVersion: 'Name the current version',
  versionNamed: 'Version “{name}” saved.',
  noVersions: 'No named versions.',
  versionItem: '{name} — revision {rev}',
  show: 'Show',
  slider: 'Revision to show (0 to {max})',
  showRev: 'Show this revision',
  atRev: 'Text at revision {rev}',
  hide: 'Hide',
};
const dictionaries: Record<string, Record<Key, string>> = { fr, en };

function tr(key: Key, vars: Record<string, string | number> = {}): string {
  const template = (dictionaries[getLocale()] ?? fr)[key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Colours with at least 4.5:1 contrast on white, one per person (stable by id). */
const COLOURS = ['#b3261e', '#1d5fa8', '#2e7d32', '#8e24aa', '#a34a00', '#00695c', '#ad1457', '#5d4037'];
const colourOf = (person: number) => COLOURS[Math.abs(person) % COLOURS.length];

function randomClientId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return 'notes-' + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

const CURSOR_INTERVAL_MS = 150;
const CURSOR_EXPIRY_MS = 120_000;

// ------------------------------------------------------------------------------ styles

const styles = html`<style>
  pacte-panel-notes {
    display: block;
  }
  pacte-panel-notes .notes-panel {
    max-width: 56rem;
    margin: 0 auto;
    padding: 1rem;
  }
  pacte-panel-notes .notes-panel h3 {
    margin: 0.5rem 0;
  }
  pacte-panel-notes .notes-list {
    list-style: none;
    padding: 0;
    margin: 0 0 1rem;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  pacte-panel-notes .notes-list button[aria-current='true'] {
    outline: 2px solid var(--accent, #1d5fa8);
  }
  pacte-panel-notes .notes-create {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
    margin-bottom: 1rem;
  }
  pacte-panel-notes .notes-create .field {
    flex: 1 1 14rem;
    min-width: 0;
  }
  pacte-panel-notes .notes-create input {
    width: 100%;
    box-sizing: border-box;
  }
  pacte-panel-notes .notes-create .btn {
    margin-bottom: 1.6rem;
  }
  pacte-panel-notes .notes-editor-wrap {
    position: relative;
  }
  pacte-panel-notes .notes-editor,
  pacte-panel-notes .notes-mirror {
    box-sizing: border-box;
    width: 100%;
    min-height: 16rem;
    margin: 0;
    padding: 0.6rem;
    border: 1px solid var(--border, #888);
    border-radius: var(--radius, 4px);
    font: 1rem/1.5 system-ui, sans-serif;
    white-space: pre-wrap;
    overflow-wrap: break-word;
    word-break: normal;
    letter-spacing: normal;
    tab-size: 4;
  }
  pacte-panel-notes .notes-editor {
    display: block;
    resize: vertical;
    background: #fff;
    color: inherit;
  }
  pacte-panel-notes .notes-mirror {
    position: absolute;
    inset: 0;
    border-color: transparent;
    color: transparent;
    background: transparent;
    overflow: hidden;
    pointer-events: none;
  }
  pacte-panel-notes .notes-caret {
    position: relative;
    border-left: 2px solid var(--caret);
    margin-left: -1px;
    margin-right: -1px;
  }
  pacte-panel-notes .notes-caret-label {
    position: absolute;
    left: -2px;
    top: -1.1em;
    font-size: 0.7rem;
    line-height: 1.1;
    padding: 0 0.25rem;
    color: #fff;
    background: var(--caret);
    border-radius: 2px;
    white-space: nowrap;
  }
  pacte-panel-notes .notes-people {
    list-style: none;
    padding: 0;
    margin: 0.5rem 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
  }
  pacte-panel-notes .notes-swatch {
    display: inline-block;
    width: 0.8rem;
    height: 0.8rem;
    border-radius: 50%;
    margin-right: 0.3rem;
    vertical-align: middle;
  }
  pacte-panel-notes .notes-history {
    margin-top: 1rem;
  }
  pacte-panel-notes .notes-versions {
    padding-left: 1.2rem;
  }
  pacte-panel-notes .notes-slider {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    margin: 0.5rem 0;
  }
  pacte-panel-notes .notes-slider input[type='range'] {
    flex: 1 1 10rem;
    min-width: 0;
  }
  pacte-panel-notes .notes-past-text {
    white-space: pre-wrap;
    overflow-wrap: break-word;
    border: 1px solid var(--border, #888);
    border-radius: var(--radius, 4px);
    padding: 0.6rem;
    max-height: 16rem;
    overflow: auto;
    font: 1rem/1.5 system-ui, sans-serif;
  }
  pacte-panel-notes .notes-bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    justify-content: space-between;
    margin: 0.5rem 0;
  }
</style>`;

// ------------------------------------------------------------------------------ element

export class NotesPanel extends LitElement {
  static override properties = {
    client: { attribute: false },
    workspace: { attribute: false },
    notes: { state: true },
    status: { state: true },
    loadError: { state: true },
    newTitle: { state: true },
    formError: { state: true },
    openNote: { state: true },
    syncState: { state: true },
    announce: { state: true },
    cursors: { state: true },
    versions: { state: true },
    versionName: { state: true },
    versionError: { state: true },
    sliderRev: { state: true },
    past: { state: true },
  };

  declare client: ProtocolClient;
  declare workspace: Workspace;
  declare notes: Note[];
  declare status: 'loading' | 'ready' | 'error';
  declare loadError: string;
  declare newTitle: string;
  declare formError: string;
  declare openNote: Note | null;
  declare syncState: 'saved' | 'saving' | 'offline';
  declare announce: string;
  declare cursors: Map<string, RemoteCursor>;
  declare versions: Version[];
  declare versionName: string;
  declare versionError: string;
  declare sliderRev: number;
  declare past: { rev: number; text: string; label: string } | null;

  /** One client id per panel: (client id, seq) stays the same across reconnections. */
  private readonly clientId = randomClientId();
  private session: NoteSession | null = null;
  private shown = '';
  private subs: Array<() => void> = [];
  private boundClient: ProtocolClient | null = null;
  private stopLocale: (() => void) | null = null;
  private loadedFor = 0;
  private wasOffline = false;
  private cursorTimer: ReturnType<typeof setTimeout> | null = null;
  private lastCursorSent = 0;
  private lastCursor = '';

  constructor() {
    super();
    this.notes = [];
    this.status = 'loading';
    this.loadError = '';
    this.newTitle = '';
    this.formError = '';
    this.openNote = null;
    this.syncState = 'saved';
    this.announce = '';
    this.cursors = new Map();
    this.versions = [];
    this.versionName = '';
    this.versionError = '';
    this.sliderRev = 0;
    this.past = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopLocale = onLocaleChange(() => this.requestUpdate());
    document.addEventListener('selectionchange', this.onSelectionChange);
    this.bindClient();
  }

  /** Caret moves of any kind (keys, mouse, programmatic) while our editor has the focus. */
  private readonly onSelectionChange = (): void => {
    if (document.activeElement === this.editor) this.sendCursorSoon();
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopLocale?.();
    this.stopLocale = null;
    document.removeEventListener('selectionchange', this.onSelectionChange);
    this.unbindClient();
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = null;
    this.loadedFor = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.bindClient();
    if (this.client && this.workspace && this.workspace.id !== this.loadedFor && this.isConnected) void this.load();
  }

  private get canEdit(): boolean {
    const role = this.workspace?.role;
    return !this.workspace?.archived && (role === 'member' || role === 'owner');
  }

  // -------------------------------------------------------------------------- server

  private bindClient(): void {
    if (!this.isConnected || !this.client || this.boundClient === this.client) return;
    this.unbindClient();
    const c = this.client;
    this.boundClient = c;
    this.subs.push(
      c.on<{ note: Note }>('notes.created', (ev) => {
        if (!this.mine(ev) || this.notes.some((n) => n.id === ev.data.note.id)) return;
        this.notes = [...this.notes, ev.data.note];
      }),
      c.on<OpData>('notes.op', (ev) => {
        if (this.mine(ev) && this.session && ev.data.note === this.session.note) {
          this.session.receive(ev.data);
          this.refreshSync();
        }
      }),
      c.on<CursorData>('notes.cursor', (ev) => this.onCursor(ev)),
      c.on<{ note: number }>('notes.version_named', (ev) => {
        if (this.mine(ev) && ev.data.note === this.openNote?.id) void this.loadVersions();
      }),
      c.on<{ plugin: string }>('plugins.enabled', (ev) => {
        if (this.mine(ev) && ev.data?.plugin === 'notes') void this.load();
      }),
      c.onState((state: ConnectionState) => this.onConnection(state)),
      c.onResync((target) => {
        if (target === this.workspace?.id) void this.load();
      }),
    );
  }

  private unbindClient(): void {
    for (const off of this.subs) off();
    this.subs = [];
    this.boundClient = null;
  }

  private mine(ev: EventFrame): boolean {
    return !!this.workspace && ev.workspace === this.workspace.id;
  }

  private onConnection(state: ConnectionState): void {
    if (state === 'online') {
      if (this.wasOffline && this.session) void this.session.catchUp().then(() => this.refreshSync());
      this.wasOffline = false;
    } else {
      this.wasOffline = true;
    }
    this.refreshSync();
  }

  private async load(): Promise<void> {
    const ws = this.workspace.id;
    this.loadedFor = ws;
    try {
      const r = await this.client.request<{ notes: Note[] }>('notes.list', { workspace: ws });
      if (this.workspace.id !== ws) return;
      this.notes = r.notes;
      this.status = 'ready';
      // A link such as /w/3/p/notes?note=12 (from the agenda's items) opens that note.
      const wanted = Number(new URLSearchParams(location.search).get('note'));
      const linked = r.notes.find((n) => n.id === wanted);
      if (linked && !this.openNote) await this.open(linked);
    } catch (err) {
      this.status = 'error';
      this.loadError = errorText(err);
    }
  }

  private async create(e: Event): Promise<void> {
    e.preventDefault();
    const title = this.newTitle.trim();
    if (!title) {
      this.formError = tr('missingTitle');
      return;
    }
    this.formError = '';
    try {
      const r = await this.client.request<{ note: Note }>('notes.create', { workspace: this.workspace.id, title });
      if (!this.notes.some((n) => n.id === r.note.id)) this.notes = [...this.notes, r.note];
      this.newTitle = '';
      this.announce = tr('created', { title: r.note.title });
      await this.open(r.note);
    } catch (err) {
      this.formError = errorText(err);
    }
  }

  private async open(note: Note): Promise<void> {
    const r = await this.client.request<{ text: string; rev: number; note: Note }>('notes.open', { note: note.id });
    const session = new NoteSession(note.id, this.clientId, r.text, r.rev, {
      submit: (args: SubmitArgs) => this.client.request<{ rev: number }>('notes.submit', { ...args }),
      ops: (id, since) => this.client.request<{ ops: OpData[]; rev: number }>('notes.ops', { note: id, since }),
    });
    session.onRemote = (op) => this.applyRemote(op);
    session.onResync = () => void this.reopen();
    this.session = session;
    this.shown = r.text;
    this.cursors = new Map();
    this.openNote = r.note;
    this.past = null;
    this.sliderRev = r.rev;
    this.announce = tr('opened', { title: r.note.title });
    void this.loadVersions();
    await this.updateComplete;
    const ta = this.editor;
    if (ta) {
      ta.value = r.text;
      ta.focus();
    }
    this.refreshSync();
  }

  /** The server refused our operation or our base is too old: start again from its text. */
  private async reopen(): Promise<void> {
    if (!this.openNote) return;
    await this.open(this.openNote);
    this.announce = tr('resynced');
  }

  private async loadVersions(): Promise<void> {
    if (!this.openNote) return;
    const note = this.openNote.id;
    try {
      const r = await this.client.request<{ versions: Version[] }>('notes.history', { note });
      if (this.openNote?.id === note) this.versions = r.versions;
    } catch {
      /* the list stays as it was */
    }
  }

  private async nameVersion(e: Event): Promise<void> {
    e.preventDefault();
    const name = this.versionName.trim();
    if (!name || !this.session) {
      this.versionError = tr('missingTitle');
      return;
    }
    this.versionError = '';
    try {
      await this.client.request('notes.version.name', { note: this.session.note, name, rev: this.session.rev });
      this.versionName = '';
      this.announce = tr('versionNamed', { name });
      await this.loadVersions();
    } catch (err) {
      this.versionError = errorText(err);
    }
  }

  private async showRevision(rev: number, label: string): Promise<void> {
    if (!this.openNote) return;
    try {
      const r = await this.client.request<{ text: string; rev: number }>('notes.text_at', { note: this.openNote.id, rev });
      this.past = { rev: r.rev, text: r.text, label };
    } catch (err) {
      this.versionError = errorText(err);
    }
  }

  private async exportNote(): Promise<void> {
    if (!this.openNote) return;
    const r = await this.client.request<{ markdown: string; title: string }>('notes.export', { note: this.openNote.id });
    const blob = new Blob([`# ${r.title}\n\n${r.markdown}`], { type: 'text/markdown;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${r.title.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'note'}.md`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // -------------------------------------------------------------------------- editor

  private get editor(): HTMLTextAreaElement | null {
    return this.querySelector<HTMLTextAreaElement>('.notes-editor');
  }

  private onInput(): void {
    const ta = this.editor;
    if (!ta || !this.session) return;
    const op = diffToOperation(this.shown, ta.value);
    this.shown = ta.value;
    this.session.local(op);
    this.refreshSync();
    this.sendCursorSoon();
  }

  /** A remote operation changed the text: show it and keep our own selection in place. */
  private applyRemote(op: TextOperation): void {
    const ta = this.editor;
    const next = this.session ? this.session.text : this.shown;
    if (!ta) {
      this.shown = next;
      return;
    }
    let start = 0;
    let end = 0;
    try {
      start = op.transformIndex(utf16ToCodePoint(this.shown, ta.selectionStart));
      end = op.transformIndex(utf16ToCodePoint(this.shown, ta.selectionEnd));
    } catch {
      /* a selection inside a surrogate pair: leave it at 0 */
    }
    const focused = document.activeElement === ta;
    const direction = ta.selectionDirection;
    const scroll = ta.scrollTop;
    ta.value = next;
    this.shown = next;
    if (focused || start || end)
      ta.setSelectionRange(codePointToUtf16(next, start), codePointToUtf16(next, end), direction ?? 'none');
    ta.scrollTop = scroll;
    this.requestUpdate();
  }

  private refreshSync(): void {
    const online = this.client?.state === 'online';
    this.syncState = !online ? 'offline' : this.session?.pending ? 'saving' : 'saved';
    this.requestUpdate();
  }

  private sendCursorSoon(): void {
    if (!this.session || !this.canEdit || this.cursorTimer) return;
    const wait = Math.max(0, this.lastCursorSent + CURSOR_INTERVAL_MS - Date.now());
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = null;
      this.sendCursor();
    }, wait);
  }

  private sendCursor(): void {
    const ta = this.editor;
    const s = this.session;
    if (!ta || !s || this.client.state !== 'online') return;
    let anchor: number;
    let head: number;
    try {
      const a = utf16ToCodePoint(this.shown, ta.selectionStart);
      const b = utf16ToCodePoint(this.shown, ta.selectionEnd);
      [anchor, head] = ta.selectionDirection === 'backward' ? [b, a] : [a, b];
    } catch {
      return;
    }
    const ranges = [[s.toServer(anchor), s.toServer(head)]];
    const key = `${s.rev}:${ranges[0].join(',')}`;
    if (key === this.lastCursor) return;
    this.lastCursor = key;
    this.lastCursorSent = Date.now();
    this.client
      .request('notes.cursor', { note: s.note, rev: s.rev, client_id: this.clientId, ranges }, { ephemeral: true })
      .catch(() => {
        /* cursors are best effort */
      });
  }

  private onCursor(ev: EventFrame<CursorData>): void {
    const d = ev.data;
    if (!this.mine(ev) || !this.session || d.note !== this.session.note || d.client_id === this.clientId) return;
    const next = new Map(this.cursors);
    next.set(d.client_id || `person-${d.person}`, { ...d, seen: Date.now() });
    for (const [k, c] of next) if (Date.now() - c.seen > CURSOR_EXPIRY_MS) next.delete(k);
    this.cursors = next;
  }

  private syncMirror(): void {
    const ta = this.editor;
    const mirror = this.querySelector<HTMLElement>('.notes-mirror');
    if (ta && mirror) mirror.scrollTop = ta.scrollTop;
  }

  /** Remote carets on the text shown: [position (code points), cursor], sorted. */
  private carets(): Array<[number, RemoteCursor, number]> {
    const s = this.session;
    if (!s) return [];
    const out: Array<[number, RemoteCursor, number]> = [];
    for (const c of this.cursors.values()) {
      const range = c.ranges[0];
      if (!range) continue;
      const head = s.transformFrom(c.rev, range[1]);
      const anchor = s.transformFrom(c.rev, range[0]);
      if (head === null || anchor === null) continue;
      out.push([head, c, Math.abs(head - anchor)]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  protected override updated(): void {
    this.syncMirror();
  }

  // -------------------------------------------------------------------------- render

  override render() {
    return html`${styles}
      <section class="notes-panel" aria-labelledby="notes-heading" data-testid="notes-panel">
        <h2 id="notes-heading">${tr('title')}</h2>
        <p class="muted">${tr('intro')}</p>
        <p class="visually-hidden" role="status" aria-live="polite">${this.announce}</p>
        ${this.renderList()} ${this.canEdit ? this.renderCreate() : nothing} ${this.renderEditor()}
      </section>`;
  }

  private renderList() {
    if (this.status === 'loading') return html`<p class="muted" role="status">${tr('loading')}</p>`;
    if (this.status === 'error')
      return html`<p class="form-error" role="alert">${tr('loadFailed', { message: this.loadError })}</p>
        <button class="btn" @click=${() => void this.load()}>${tr('retry')}</button>`;
    if (!this.notes.length) return html`<p class="muted">${tr('empty')}</p>`;
    return html`<h3>${tr('list')}</h3>
      <ul class="notes-list" data-testid="notes-list">
        ${this.notes.map(
          (n) =>
            html`<li>
              <button
                class="btn"
                data-testid="notes-open"
                data-note=${n.id}
                aria-current=${this.openNote?.id === n.id ? 'true' : 'false'}
                @click=${() => void this.open(n)}
              >
                ${n.title}${n.agenda_item !== null ? html` <span class="tag" data-agenda-item=${n.agenda_item}>${tr('item')}</span>` : nothing}
              </button>
            </li>`,
        )}
      </ul>`;
  }

  private renderCreate() {
    return html`<form class="notes-create" @submit=${(e: Event) => void this.create(e)} novalidate>
      <div class="field">
        <label for="notes-new-title">${tr('newTitle')}</label>
        <input
          id="notes-new-title"
          data-testid="notes-new-title"
          maxlength="200"
          aria-describedby="notes-new-hint"
          .value=${this.newTitle}
          @input=${(e: Event) => (this.newTitle = (e.target as HTMLInputElement).value)}
        />
        <p class="hint" id="notes-new-hint">${tr('newHint')}</p>
      </div>
      <button class="btn btn-primary" type="submit" data-testid="notes-create">${tr('create')}</button>
      ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
    </form>`;
  }

  private renderEditor() {
    const note = this.openNote;
    if (!note || !this.session) return nothing;
    const text = this.shown;
    const carets = this.carets();
    // The mirror: the same text, transparent, with the remote carets where they are.
    const parts: unknown[] = [];
    let at = 0;
    for (const [pos, c] of carets) {
      const cut = codePointToUtf16(text, pos);
      parts.push(text.slice(at, cut));
      parts.push(
        html`<span class="notes-caret" style="--caret:${colourOf(c.person)}"
          ><span class="notes-caret-label">${c.name}</span></span
        >`,
      );
      at = Math.max(at, cut);
    }
    parts.push(text.slice(at) + '\u200b');
    const sync =
      this.syncState === 'offline' ? tr('offline') : this.syncState === 'saving' ? tr('saving') : tr('saved');
    return html`<div class="notes-open" data-testid="notes-open-note" data-note=${note.id}>
      <div class="notes-bar">
        <h3 id="notes-open-title">${note.title}</h3>
        <span>
          <button class="btn" data-testid="notes-export" @click=${() => void this.exportNote()}>${tr('export')}</button>
          <button class="btn" @click=${() => { this.openNote = null; this.session = null; }}>${tr('close')}</button>
        </span>
      </div>
      ${this.canEdit ? nothing : html`<p class="muted">${tr('readOnly')}</p>`}
      <label for="notes-editor-${note.id}" class="visually-hidden">${tr('editorLabel', { title: note.title })}</label>
      <div class="notes-editor-wrap">
        <textarea
          id="notes-editor-${note.id}"
          class="notes-editor"
          data-testid="notes-editor"
          spellcheck="true"
          ?readonly=${!this.canEdit}
          @input=${() => this.onInput()}
          @keyup=${() => this.sendCursorSoon()}
          @click=${() => this.sendCursorSoon()}
          @select=${() => this.sendCursorSoon()}
          @focus=${() => this.sendCursorSoon()}
          @scroll=${() => this.syncMirror()}
        ></textarea>
        <div class="notes-mirror" aria-hidden="true">${parts}</div>
      </div>
      <p class="muted" data-testid="notes-sync" data-state=${this.syncState} role="status">${sync}</p>
      <h4 class="visually-hidden">${tr('others')}</h4>
      ${carets.length
        ? html`<ul class="notes-people" aria-label=${tr('others')} data-testid="notes-people">
            ${carets.map(([pos, c, selected]) => {
              const line = text.slice(0, codePointToUtf16(text, pos)).split('\n').length;
              return html`<li data-person=${c.person}>
                <span class="notes-swatch" style="background:${colourOf(c.person)}" aria-hidden="true"></span
                >${selected ? tr('selection', { name: c.name, line, count: selected }) : tr('cursorAt', { name: c.name, line })}
              </li>`;
            })}
          </ul>`
        : html`<p class="muted">${tr('alone')}</p>`}
      ${this.renderHistory()}
    </div>`;
  }

  private renderHistory() {
    const s = this.session;
    if (!s) return nothing;
    const max = s.rev;
    return html`<details class="notes-history" data-testid="notes-history" @toggle=${() => void this.loadVersions()}>
      <summary>${tr('history')}</summary>
      ${this.canEdit
        ? html`<form class="notes-create" @submit=${(e: Event) => void this.nameVersion(e)} novalidate>
            <div class="field">
              <label for="notes-version-name">${tr('versionName')}</label>
              <input
                id="notes-version-name"
                maxlength="100"
                aria-describedby="notes-version-hint"
                .value=${this.versionName}
                @input=${(e: Event) => (this.versionName = (e.target as HTMLInputElement).value)}
              />
              <p class="hint" id="notes-version-hint">${tr('versionHint')}</p>
            </div>
            <button class="btn" type="submit">${tr('nameVersion')}</button>
            ${this.versionError ? html`<p class="form-error" role="alert">${this.versionError}</p>` : nothing}
          </form>`
        : nothing}
      ${this.versions.length
        ? html`<ul class="notes-versions">
            ${this.versions.map(
              (v) => html`<li>
                ${tr('versionItem', { name: v.name, rev: v.rev })}
                <button class="btn" @click=${() => void this.showRevision(v.rev, v.name)}>${tr('show')}</button>
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">${tr('noVersions')}</p>`}
      <div class="notes-slider">
        <label for="notes-slider">${tr('slider', { max })}</label>
        <input
          id="notes-slider"
          type="range"
          min="0"
          max=${max}
          .value=${String(Math.min(this.sliderRev, max))}
          @input=${(e: Event) => (this.sliderRev = Number((e.target as HTMLInputElement).value))}
        />
        <output for="notes-slider">${Math.min(this.sliderRev, max)}</output>
        <button class="btn" @click=${() => void this.showRevision(Math.min(this.sliderRev, max), '')}>${tr('showRev')}</button>
      </div>
      ${this.past
        ? html`<section class="notes-past" aria-labelledby="notes-past-title">
            <h4 id="notes-past-title">
              ${this.past.label ? `${this.past.label} — ` : ''}${tr('atRev', { rev: this.past.rev })}
            </h4>
            <pre class="notes-past-text" tabindex="0">${this.past.text}</pre>
            <button class="btn" @click=${() => (this.past = null)}>${tr('hide')}</button>
          </section>`
        : nothing}
    </details>`;
  }
}

if (!customElements.get('pacte-panel-notes')) customElements.define('pacte-panel-notes', NotesPanel);
