/**
 * The "Sondages" tab of a workspace: `<pacte-panel-poll>`.
 *
 * Found by web-client/src/plugins/registry.ts (plugins/<name>/web/panel.ts) and given two
 * properties: `client` (the ProtocolClient) and `workspace`. Imports only from
 * `@pacte/web-sdk`. Lists the workspace's polls with their results, lets a member vote,
 * change or withdraw their vote, create a poll and close it (its author or an owner), and
 * follows the `poll.*` events live.
 *
 * The SDK's `t()` only knows the client's own strings, so the panel keeps its own small
 * French/English dictionary, keyed on the SDK's `getLocale()` and redrawn on
 * `onLocaleChange()`.
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

/** A poll as `poll.list`, `poll.create`, `poll.vote`… return it (plugins/poll/README.md). */
interface Poll {
  id: number;
  workspace: number;
  question: string;
  options: string[];
  counts: number[];
  total: number;
  created_by: number;
  created_at: string;
  closes_at: string | null;
  closed: boolean;
  closed_at: string | null;
  anonymous: boolean;
  /** The caller's own choice (absent in events). */
  my_vote?: number | null;
  /** Who chose what, per option: only for a poll that is not anonymous. */
  voters?: number[][];
}

interface CountsEvent {
  poll: number;
  counts: number[];
}

const MAX_OPTIONS = 10;
const MIN_OPTIONS = 2;

// ------------------------------------------------------------------------------ strings

const fr = {
  title: 'Sondages',
  intro: 'Posez une question aux partenaires de l’espace, par exemple pour choisir la date du prochain comité.',
  loading: 'Chargement des sondages…',
  loadFailed: 'Les sondages n’ont pas pu être chargés : {message}',
  retry: 'Réessayer',
  empty: 'Aucun sondage pour l’instant.',
  emptyMember: 'Aucun sondage pour l’instant. Créez le premier !',
  new: 'Nouveau sondage',
  newTitle: 'Nouveau sondage',
  question: 'Question',
  questionHint: 'Par exemple : « Quelle date pour le prochain comité de pilotage ? »',
  option: 'Choix {n}',
  removeOption: 'Retirer le choix {n}',
  addOption: 'Ajouter un choix',
  optionsLegend: 'Choix proposés (de 2 à 10)',
  closesAt: 'Clôture automatique (facultatif)',
  closesAtHint: 'Le sondage sera clos à cette date et heure.',
  anonymous: 'Vote secret : seuls les totaux sont visibles',
  create: 'Créer le sondage',
  cancel: 'Annuler',
  missingQuestion: 'Saisissez la question.',
  missingOptions: 'Proposez au moins deux choix.',
  duplicateOptions: 'Les choix doivent être différents.',
  badDate: 'La date de clôture doit être dans le futur.',
  created: 'Sondage créé.',
  open: 'ouvert',
  closed: 'clos',
  openList: 'Sondages en cours',
  closedList: 'Sondages clos',
  secret: 'vote secret',
  public: 'vote public',
  createdOn: 'Créé le {date}',
  closesOn: 'clôture le {date}',
  closedOn: 'clos le {date}',
  votes_one: '{count} voix',
  votes_other: '{count} voix',
  share: '{count} · {percent} %',
  yourChoice: 'votre choix',
  vote: 'Voter',
  change: 'Changer mon vote',
  retract: 'Retirer mon vote',
  close: 'Clore le sondage',
  confirmClose: 'Confirmer la clôture',
  confirmCloseText: 'Plus personne ne pourra voter. Clore ce sondage ?',
  chooseFirst: 'Choisissez une réponse.',
  voted: 'Vote enregistré.',
  retracted: 'Vote retiré.',
  closedDone: 'Sondage clos.',
  readOnly: 'Vous pouvez consulter les résultats ; seuls les membres de l’espace votent.',
  voters: 'Ont choisi : {names}',
  nobody: 'personne',
  someone: 'personne n° {id}',
};

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  title: 'Polls',
  intro: 'Ask the workspace’s partners a question, for instance to choose the date of the next committee.',
  loading: 'Loading polls…',
  loadFailed: 'The polls could not be loaded: {message}',
  retry: 'Try again',
  empty: 'No poll yet.',
  emptyMember: 'No poll yet. Create the first one!',
  new: 'New poll',
  newTitle: 'New poll',
  question: 'Question',
  questionHint: 'For instance: “Which date for the next steering committee?”',
  option: 'Option {n}',
  removeOption: 'Remove option {n}',
  addOption: 'Add an option',
  optionsLegend: 'Options (2 to 10)',
  closesAt: 'Closes automatically (optional)',
  closesAtHint: 'The poll will close at this date and time.',
  anonymous: 'Secret ballot: only the totals are visible',
  create: 'Create the poll',
  cancel: 'Cancel',
  missingQuestion: 'Enter the question.',
  missingOptions: 'Give at least two options.',
  duplicateOptions: 'The options must be different.',
  badDate: 'The closing date must be in the future.',
  created: 'Poll created.',
  open: 'open',
  closed: 'closed',
  openList: 'Open polls',
  closedList: 'Closed polls',
  secret: 'secret ballot',
  public: 'public vote',
  createdOn: 'Created on {date}',
  closesOn: 'closes on {date}',
  closedOn: 'closed on {date}',
  votes_one: '{count} vote',
  votes_other: '{count} votes',
  share: '{count} · {percent}%',
  yourChoice: 'your choice',
  vote: 'Vote',
  change: 'Change my vote',
  retract: 'Withdraw my vote',
  close: 'Close the poll',
  confirmClose: 'Confirm closing',
  confirmCloseText: 'Nobody will be able to vote any more. Close this poll?',
  chooseFirst: 'Choose an answer.',
  voted: 'Vote recorded.',
  retracted: 'Vote withdrawn.',
  closedDone: 'Poll closed.',
  readOnly: 'You can see the results; only the workspace’s members vote.',
  voters: 'Chosen by: {names}',
  nobody: 'nobody',
  someone: 'person #{id}',
};

const dictionaries: Record<string, Record<Key, string>> = { fr, en };

function tr(key: Key, vars: Record<string, string | number> = {}): string {
  const template = (dictionaries[getLocale()] ?? fr)[key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

function votes(count: number): string {
  const rule = new Intl.PluralRules(getLocale() === 'en' ? 'en-GB' : 'fr-FR').select(count);
  return tr(rule === 'one' ? 'votes_one' : 'votes_other', { count });
}

function isClosed(p: Poll, now = Date.now()): boolean {
  return p.closed || (p.closes_at !== null && Date.parse(p.closes_at) <= now);
}

/** `<input type="datetime-local">` value (local time) for a Date. */
function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ------------------------------------------------------------------------------ styles

// Light DOM (like the client's own elements): the client's stylesheet applies (.btn,
// .field, .tag…); these rules add only what is particular to polls.
const styles = html`<style>
  pacte-panel-poll {
    display: block;
  }
  pacte-panel-poll .poll-panel {
    max-width: 48rem;
    margin: 0 auto;
    padding: 1rem;
  }
  pacte-panel-poll .poll-panel > .poll-new {
    margin-bottom: 1.5rem;
  }
  pacte-panel-poll .poll-legend {
    padding: 0;
    margin-bottom: 0.5rem;
  }
  pacte-panel-poll .poll-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem 1rem;
    margin-bottom: 0.5rem;
  }
  pacte-panel-poll .poll-head h2 {
    margin: 0;
  }
  pacte-panel-poll .poll-list {
    list-style: none;
    margin: 0 0 1.5rem;
    padding: 0;
    display: grid;
    gap: 1rem;
  }
  pacte-panel-poll .poll-section-title {
    font-size: 1rem;
    color: var(--muted, #595959);
    margin: 1.25rem 0 0.5rem;
  }
  pacte-panel-poll .poll,
  pacte-panel-poll .poll-new {
    border: 1px solid var(--border, #ddd);
    border-radius: var(--radius, 6px);
    padding: 1rem;
    background: var(--bg, #fff);
    overflow-wrap: anywhere;
  }
  pacte-panel-poll .poll.is-closed {
    background: var(--bg-alt, #f6f6f6);
  }
  pacte-panel-poll .poll h4,
  pacte-panel-poll .poll-new h3 {
    font-size: 1.125rem;
    margin: 0 0 0.25rem;
  }
  pacte-panel-poll .poll-new h3 {
    margin-bottom: 0.75rem;
  }
  pacte-panel-poll .poll-meta {
    font-size: 0.875rem;
    color: var(--muted, #595959);
    margin: 0 0 0.75rem;
  }
  pacte-panel-poll fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
  pacte-panel-poll .poll-options {
    list-style: none;
    margin: 0 0 0.75rem;
    padding: 0;
    display: grid;
    gap: 0.6rem;
  }
  pacte-panel-poll .poll-option {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 0.5rem;
  }
  pacte-panel-poll label.poll-option {
    cursor: pointer;
  }
  pacte-panel-poll .poll-option input[type='radio'] {
    width: 1.15rem;
    height: 1.15rem;
    margin: 0;
    flex: none;
    align-self: center;
    accent-color: var(--accent, #000091);
  }
  pacte-panel-poll .poll-option input[type='radio']:focus-visible {
    outline: 3px solid var(--focus, #0a76f6);
    outline-offset: 2px;
  }
  pacte-panel-poll .poll-option-text {
    flex: 1 1 10rem;
    min-width: 0;
  }
  pacte-panel-poll .poll-count {
    font-variant-numeric: tabular-nums;
    color: var(--muted, #595959);
    font-size: 0.875rem;
    white-space: nowrap;
  }
  pacte-panel-poll .poll-bar {
    height: 0.5rem;
    margin-top: 0.25rem;
    background: var(--accent-softer, #f5f5fe);
    border: 1px solid var(--accent-soft, #e3e3fd);
    border-radius: 999px;
    overflow: hidden;
  }
  pacte-panel-poll .poll-bar > span {
    display: block;
    height: 100%;
    background: var(--accent, #000091);
  }
  pacte-panel-poll .poll-voters {
    font-size: 0.8125rem;
    color: var(--muted, #595959);
    margin: 0.2rem 0 0;
  }
  pacte-panel-poll .poll-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  pacte-panel-poll .poll-confirm {
    flex-basis: 100%;
    margin: 0.25rem 0 0;
    font-weight: 600;
  }
  pacte-panel-poll .poll-new-option {
    display: flex;
    gap: 0.5rem;
    align-items: flex-end;
  }
  pacte-panel-poll .poll-new-option .field {
    flex: 1;
    min-width: 0;
    margin-bottom: 0.6rem;
  }
  pacte-panel-poll .poll-new-option .btn {
    margin-bottom: 0.6rem;
  }
  pacte-panel-poll input[type='datetime-local'] {
    font: inherit;
    color: var(--text, #161616);
    background: #fff;
    border: 1px solid var(--border-strong, #929292);
    border-radius: var(--radius, 6px);
    padding: 0.45rem 0.6rem;
    max-width: 100%;
  }
  pacte-panel-poll .poll-check {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    margin-bottom: 1rem;
  }
  pacte-panel-poll .poll-check input {
    width: 1.15rem;
    height: 1.15rem;
    margin: 0.15rem 0 0;
    flex: none;
  }
  pacte-panel-poll .btn {
    white-space: normal;
  }
  @media (prefers-reduced-motion: no-preference) {
    pacte-panel-poll .poll-bar > span {
      transition: width 0.3s ease;
    }
  }
</style>`;

// ------------------------------------------------------------------------------ element

export class PollPanel extends LitElement {
  static override properties = {
    client: { attribute: false },
    workspace: { attribute: false },
    polls: { state: true },
    status: { state: true },
    loadError: { state: true },
    creating: { state: true },
    formQuestion: { state: true },
    formOptions: { state: true },
    formClosesAt: { state: true },
    formAnonymous: { state: true },
    formError: { state: true },
    formBusy: { state: true },
    selected: { state: true },
    errors: { state: true },
    busy: { state: true },
    confirming: { state: true },
    names: { state: true },
    announce: { state: true },
  };

  declare client: ProtocolClient;
  declare workspace: Workspace;
  declare polls: Poll[];
  declare status: 'loading' | 'ready' | 'failed';
  declare loadError: string;
  declare creating: boolean;
  declare formQuestion: string;
  declare formOptions: string[];
  declare formClosesAt: string;
  declare formAnonymous: boolean;
  declare formError: string;
  declare formBusy: boolean;
  /** The radio chosen in each poll, before "Vote" is pressed. */
  declare selected: Map<number, number>;
  declare errors: Map<number, string>;
  declare busy: Set<number>;
  /** The poll whose closing awaits confirmation. */
  declare confirming: number | null;
  declare names: Map<number, string>;
  declare announce: string;

  private clientSubs: Array<() => void> = [];
  private boundClient: ProtocolClient | null = null;
  private stopLocale: (() => void) | null = null;
  private loadedFor = 0;
  private loadSeq = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private namesFor = 0;
  private focusPoll: number | null = null;

  constructor() {
    super();
    this.polls = [];
    this.status = 'loading';
    this.loadError = '';
    this.creating = false;
    this.resetForm();
    this.formError = '';
    this.formBusy = false;
    this.selected = new Map();
    this.errors = new Map();
    this.busy = new Set();
    this.confirming = null;
    this.names = new Map();
    this.announce = '';
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
    this.unbindClient();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.reloadTimer = this.deadlineTimer = null;
    this.loadedFor = 0;  // reloaded if shown again
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.bindClient();
    if (this.client && this.workspace && this.workspace.id !== this.loadedFor && this.isConnected) void this.load();
  }

  protected override updated(): void {
    if (this.focusPoll !== null) {
      const target = this.querySelector<HTMLElement>(`#poll-${this.focusPoll}-question`);
      this.focusPoll = null;
      target?.focus();
    }
    this.scheduleDeadline();
  }

  // -------------------------------------------------------------------------- server

  private bindClient(): void {
    if (!this.isConnected || !this.client || this.boundClient === this.client) return;
    this.unbindClient();
    const c = this.client;
    this.boundClient = c;
    this.clientSubs.push(
      c.on<{ poll: Poll }>('poll.created', (ev) => this.onCreated(ev)),
      c.on<CountsEvent>('poll.voted', (ev) => this.onCounts(ev, false)),
      c.on<CountsEvent>('poll.closed', (ev) => this.onCounts(ev, true)),
      c.on<{ plugin: string }>('plugins.enabled', (ev) => {
        if (this.mine(ev) && ev.data?.plugin === 'poll') this.scheduleReload();
      }),
      c.onResync((target) => {
        if (target === this.workspace?.id) this.scheduleReload();
      }),
    );
  }

  private unbindClient(): void {
    for (const off of this.clientSubs) off();
    this.clientSubs = [];
    this.boundClient = null;
  }

  private mine(ev: EventFrame): boolean {
    return !!this.workspace && ev.workspace === this.workspace.id;
  }

  private async load(): Promise<void> {
    const ws = this.workspace.id;
    const seq = ++this.loadSeq;
    this.loadedFor = ws;
    if (!this.polls.length || this.polls[0].workspace !== ws) this.status = 'loading';
    try {
      const result = await this.client.request<{ polls: Poll[] }>('poll.list', { workspace: ws });
      if (seq !== this.loadSeq) return;
      this.polls = result.polls ?? [];
      this.status = 'ready';
      this.loadError = '';
      void this.loadNames();
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.status = 'failed';
      this.loadError = errorText(err);
    }
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      if (this.isConnected && this.workspace) void this.load();
    }, 250);
  }

  /** Names of the people shown under the options of public polls. */
  private async loadNames(): Promise<void> {
    const ws = this.workspace.id;
    if (this.namesFor === ws || !this.polls.some((p) => !p.anonymous)) return;
    this.namesFor = ws;
    try {
      const members = await this.client.request<{ people: { id: number; name: string }[] }>('workspaces.members', {
        workspace: ws,
      });
      this.names = new Map((members.people ?? []).map((p) => [p.id, p.name]));
    } catch {
      this.namesFor = 0;  // shown as "person #id"; tried again at the next load
    }
  }

  private me(): number | undefined {
    return this.client?.person?.id;
  }

  private onCreated(ev: EventFrame<{ poll: Poll }>): void {
    if (!this.mine(ev) || !ev.data?.poll) return;
    const poll = ev.data.poll;
    if (this.polls.some((p) => p.id === poll.id)) return;
    this.polls = [{ ...poll, my_vote: null }, ...this.polls];
    if (!poll.anonymous) this.scheduleReload();
  }

  private onCounts(ev: EventFrame<CountsEvent>, closed: boolean): void {
    if (!this.mine(ev) || !ev.data) return;
    const { poll: id, counts } = ev.data;
    const known = this.polls.find((p) => p.id === id);
    if (!known) {
      this.scheduleReload();
      return;
    }
    this.polls = this.polls.map((p) =>
      p.id === id
        ? {
            ...p,
            counts,
            total: counts.reduce((a, b) => a + b, 0),
            closed: p.closed || closed,
            closed_at: closed && !p.closed_at ? (ev.time ?? null) : p.closed_at,
          }
        : p,
    );
    // Our own vote from another tab (its `my_vote`), or who chose what in a public poll.
    if (ev.author === this.me() || !known.anonymous) this.scheduleReload();
  }

  private replace(poll: Poll): void {
    const exists = this.polls.some((p) => p.id === poll.id);
    this.polls = exists ? this.polls.map((p) => (p.id === poll.id ? poll : p)) : [poll, ...this.polls];
  }

  private setError(id: number, message: string): void {
    const errors = new Map(this.errors);
    if (message) errors.set(id, message);
    else errors.delete(id);
    this.errors = errors;
  }

  private setBusy(id: number, on: boolean): void {
    const busy = new Set(this.busy);
    if (on) busy.add(id);
    else busy.delete(id);
    this.busy = busy;
  }

  private async act(poll: Poll, op: 'poll.vote' | 'poll.retract' | 'poll.close', args: Record<string, unknown>, done: Key) {
    if (this.busy.has(poll.id)) return;
    this.setBusy(poll.id, true);
    this.setError(poll.id, '');
    try {
      const result = await this.client.request<{ poll: Poll }>(op, { poll: poll.id, ...args });
      if (result?.poll) this.replace(result.poll);
      const selected = new Map(this.selected);
      selected.delete(poll.id);
      this.selected = selected;
      this.announce = tr(done);
    } catch (err) {
      this.setError(poll.id, errorText(err));
    } finally {
      this.setBusy(poll.id, false);
      if (this.confirming === poll.id) this.confirming = null;
    }
  }

  private vote(e: Event, poll: Poll): void {
    e.preventDefault();
    const option = this.selected.get(poll.id) ?? poll.my_vote ?? null;
    if (option === null || option === undefined) {
      this.setError(poll.id, tr('chooseFirst'));
      return;
    }
    void this.act(poll, 'poll.vote', { option }, 'voted');
  }

  private choose(poll: Poll, option: number): void {
    const selected = new Map(this.selected);
    selected.set(poll.id, option);
    this.selected = selected;
    this.setError(poll.id, '');
  }

  // ---------------------------------------------------------------------- creating

  private resetForm(): void {
    this.formQuestion = '';
    this.formOptions = ['', ''];
    this.formClosesAt = '';
    this.formAnonymous = true;
  }

  private openForm(): void {
    this.creating = true;
    this.formError = '';
    void this.updateComplete.then(() => this.querySelector<HTMLInputElement>('#poll-new-question')?.focus());
  }

  private closeForm(): void {
    this.creating = false;
    this.resetForm();
    this.formError = '';
    void this.updateComplete.then(() => this.querySelector<HTMLButtonElement>('#poll-new-button')?.focus());
  }

  private setOption(i: number, value: string): void {
    this.formOptions = this.formOptions.map((v, j) => (j === i ? value : v));
  }

  private addOption(): void {
    if (this.formOptions.length >= MAX_OPTIONS) return;
    this.formOptions = [...this.formOptions, ''];
    const n = this.formOptions.length;
    void this.updateComplete.then(() => this.querySelector<HTMLInputElement>(`#poll-new-option-${n - 1}`)?.focus());
  }

  private removeOption(i: number): void {
    if (this.formOptions.length <= MIN_OPTIONS) return;
    this.formOptions = this.formOptions.filter((_, j) => j !== i);
    const next = Math.min(i, this.formOptions.length - 1);
    void this.updateComplete.then(() => this.querySelector<HTMLInputElement>(`#poll-new-option-${next}`)?.focus());
  }

  private async create(e: Event): Promise<void> {
    e.preventDefault();
    if (this.formBusy) return;
    const question = this.formQuestion.trim();
    const options = this.formOptions.map((o) => o.trim()).filter((o) => o);
    if (!question) {
      this.formError = tr('missingQuestion');
      return;
    }
    if (options.length < MIN_OPTIONS) {
      this.formError = tr('missingOptions');
      return;
    }
    if (new Set(options).size !== options.length) {
      this.formError = tr('duplicateOptions');
      return;
    }
    const args: Record<string, unknown> = { workspace: this.workspace.id, question, options };
    if (this.formClosesAt) {
      const at = new Date(this.formClosesAt);
      if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) {
        this.formError = tr('badDate');
        return;
      }
      args.closes_at = at.toISOString();
    }
    if (!this.formAnonymous) args.anonymous = false;
    this.formBusy = true;
    this.formError = '';
    try {
      const result = await this.client.request<{ poll: Poll }>('poll.create', args);
      if (result?.poll) {
        this.replace(result.poll);
        this.focusPoll = result.poll.id;
      }
      this.creating = false;
      this.resetForm();
      this.announce = tr('created');
    } catch (err) {
      this.formError = errorText(err);
    } finally {
      this.formBusy = false;
    }
  }

  /** Redraws when the next deadline passes, so that a poll shows as closed on time. */
  private scheduleDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    const now = Date.now();
    let next = Infinity;
    for (const p of this.polls) {
      if (p.closed || !p.closes_at) continue;
      const at = Date.parse(p.closes_at);
      if (at > now && at < next) next = at;
    }
    if (next === Infinity) return;
    const delay = Math.min(next - now + 50, 2 ** 31 - 1);
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      this.requestUpdate();
    }, delay);
  }

  // ------------------------------------------------------------------------ render

  private canWrite(): boolean {
    const role = this.workspace?.role;
    return !this.workspace?.archived && (role === 'member' || role === 'owner');
  }

  override render() {
    if (!this.workspace) return nothing;
    const canWrite = this.canWrite();
    const now = Date.now();
    const open = this.polls.filter((p) => !isClosed(p, now));
    const closed = this.polls.filter((p) => isClosed(p, now));
    return html`${styles}
      <section class="poll-panel" aria-labelledby="poll-panel-title" data-testid="poll-panel">
        <div class="poll-head">
          <h2 id="poll-panel-title">${tr('title')}</h2>
          ${canWrite && !this.creating
            ? html`<button
                id="poll-new-button"
                class="btn btn-primary"
                type="button"
                data-testid="poll-new"
                @click=${() => this.openForm()}
              >
                ${tr('new')}
              </button>`
            : nothing}
        </div>
        <p class="muted">${canWrite ? tr('intro') : tr('readOnly')}</p>
        <p class="visually-hidden" role="status" aria-live="polite">${this.announce}</p>
        ${this.creating ? this.renderForm() : nothing} ${this.renderBody(open, closed, canWrite, now)}
      </section>`;
  }

  private renderBody(open: Poll[], closed: Poll[], canWrite: boolean, now: number) {
    if (this.status === 'loading') return html`<p class="muted" role="status">${tr('loading')}</p>`;
    if (this.status === 'failed')
      return html`<p class="form-error" role="alert">${tr('loadFailed', { message: this.loadError })}</p>
        <button class="btn btn-secondary" type="button" @click=${() => this.load()}>${tr('retry')}</button>`;
    if (!this.polls.length) return html`<p class="muted" data-testid="poll-empty">${canWrite ? tr('emptyMember') : tr('empty')}</p>`;
    return html`${open.length
      ? html`<h3 class="poll-section-title">${tr('openList')}</h3>
          <ul class="poll-list" aria-label=${tr('openList')}>
            ${open.map((p) => html`<li>${this.renderPoll(p, canWrite, now)}</li>`)}
          </ul>`
      : nothing}
    ${closed.length
      ? html`<h3 class="poll-section-title">${tr('closedList')}</h3>
          <ul class="poll-list" aria-label=${tr('closedList')}>
            ${closed.map((p) => html`<li>${this.renderPoll(p, canWrite, now)}</li>`)}
          </ul>`
      : nothing}`;
  }

  private renderPoll(p: Poll, canWrite: boolean, now: number) {
    const closed = isClosed(p, now);
    const voting = canWrite && !closed;
    const busy = this.busy.has(p.id);
    const mine = p.my_vote ?? null;
    const selected = this.selected.get(p.id) ?? mine;
    const total = p.total ?? p.counts.reduce((a, b) => a + b, 0);
    const me = this.me();
    const mayClose = canWrite && !p.closed && (p.created_by === me || this.workspace.role === 'owner');
    const closedAt = p.closed_at ?? (closed ? p.closes_at : null);
    const error = this.errors.get(p.id) ?? '';
    const qid = `poll-${p.id}-question`;
    const meta = [
      tr('createdOn', { date: formatDateTime(p.created_at) }),
      closed
        ? closedAt
          ? tr('closedOn', { date: formatDateTime(closedAt) })
          : tr('closed')
        : p.closes_at
          ? tr('closesOn', { date: formatDateTime(p.closes_at) })
          : tr('open'),
      p.anonymous ? tr('secret') : tr('public'),
      votes(total),
    ].join(' · ');
    return html`<article
      class="poll ${closed ? 'is-closed' : ''}"
      aria-labelledby=${qid}
      data-testid="poll"
      data-poll=${p.id}
    >
      <h4 id=${qid} tabindex="-1">${p.question}</h4>
      <p class="poll-meta">${meta}</p>
      <form @submit=${(e: Event) => this.vote(e, p)} aria-describedby=${error ? `poll-${p.id}-error` : nothing}>
        <fieldset ?disabled=${busy}>
          <legend class="visually-hidden">${p.question}</legend>
          <ul class="poll-options">
            ${p.options.map((text, i) => this.renderOption(p, i, text, total, voting, selected, mine))}
          </ul>
          ${voting || mayClose ? this.renderActions(p, voting, mayClose, mine, selected, busy) : nothing}
        </fieldset>
      </form>
      <p class="form-error" id="poll-${p.id}-error" role="alert">${error}</p>
    </article>`;
  }

  private renderOption(p: Poll, i: number, text: string, total: number, voting: boolean, selected: number | null, mine: number | null) {
    const count = p.counts[i] ?? 0;
    const percent = total ? Math.round((count * 100) / total) : 0;
    const id = `poll-${p.id}-option-${i}`;
    const label = html`<span class="poll-option-text" data-testid="poll-choice"
        >${text}${mine === i ? html` <span class="tag tag-ok" data-testid="poll-mine">${tr('yourChoice')}</span>` : nothing}</span
      >
      <span class="poll-count" data-testid="poll-count">${tr('share', { count: votes(count), percent })}</span>`;
    const voters = p.voters?.[i];
    return html`<li>
      ${voting
        ? html`<label class="poll-option" for=${id}>
            <input
              id=${id}
              type="radio"
              name="poll-${p.id}"
              .value=${String(i)}
              .checked=${selected === i}
              data-testid="poll-option"
              @change=${() => this.choose(p, i)}
            />
            ${label}
          </label>`
        : html`<div class="poll-option">${label}</div>`}
      <div class="poll-bar" aria-hidden="true"><span style="width: ${percent}%"></span></div>
      ${voters && voters.length
        ? html`<p class="poll-voters">
            ${tr('voters', { names: voters.map((v) => this.names.get(v) ?? tr('someone', { id: v })).join(', ') })}
          </p>`
        : nothing}
    </li>`;
  }

  private renderActions(p: Poll, voting: boolean, mayClose: boolean, mine: number | null, selected: number | null, busy: boolean) {
    if (this.confirming === p.id)
      return html`<div class="poll-actions">
        <p class="poll-confirm" id="poll-${p.id}-confirm">${tr('confirmCloseText')}</p>
        <button
          class="btn btn-primary"
          type="button"
          data-testid="poll-close-confirm"
          aria-describedby="poll-${p.id}-confirm"
          ?disabled=${busy}
          @click=${() => this.act(p, 'poll.close', {}, 'closedDone')}
        >
          ${tr('confirmClose')}
        </button>
        <button class="btn btn-ghost" type="button" @click=${() => (this.confirming = null)}>${tr('cancel')}</button>
      </div>`;
    return html`<div class="poll-actions">
      ${voting
        ? html`<button
            class="btn btn-primary"
            type="submit"
            data-testid="poll-vote"
            ?disabled=${busy || (mine !== null && selected === mine)}
          >
            ${mine === null ? tr('vote') : tr('change')}
          </button>`
        : nothing}
      ${voting && mine !== null
        ? html`<button
            class="btn btn-secondary"
            type="button"
            data-testid="poll-retract"
            ?disabled=${busy}
            @click=${() => this.act(p, 'poll.retract', {}, 'retracted')}
          >
            ${tr('retract')}
          </button>`
        : nothing}
      ${mayClose
        ? html`<button
            class="btn btn-ghost"
            type="button"
            data-testid="poll-close"
            ?disabled=${busy}
            @click=${() => (this.confirming = p.id)}
          >
            ${tr('close')}
          </button>`
        : nothing}
    </div>`;
  }

  private renderForm() {
    const n = this.formOptions.length;
    const minLocal = localInputValue(new Date(Date.now() + 60_000));
    return html`<form class="poll-new" @submit=${(e: Event) => this.create(e)} novalidate aria-labelledby="poll-new-title">
      <h3 id="poll-new-title">${tr('newTitle')}</h3>
      <div class="field">
        <label for="poll-new-question">${tr('question')}</label>
        <input
          id="poll-new-question"
          type="text"
          maxlength="300"
          required
          aria-describedby="poll-new-question-hint"
          data-testid="poll-new-question"
          .value=${this.formQuestion}
          @input=${(e: Event) => (this.formQuestion = (e.target as HTMLInputElement).value)}
        />
        <p class="hint" id="poll-new-question-hint">${tr('questionHint')}</p>
      </div>
      <fieldset class="field">
        <legend class="poll-legend"><strong>${tr('optionsLegend')}</strong></legend>
        ${this.formOptions.map(
          (value, i) => html`<div class="poll-new-option">
            <div class="field">
              <label for="poll-new-option-${i}">${tr('option', { n: i + 1 })}</label>
              <input
                id="poll-new-option-${i}"
                type="text"
                maxlength="100"
                data-testid="poll-new-option"
                .value=${value}
                @input=${(e: Event) => this.setOption(i, (e.target as HTMLInputElement).value)}
              />
            </div>
            ${n > MIN_OPTIONS
              ? html`<button
                  class="btn btn-ghost btn-small"
                  type="button"
                  aria-label=${tr('removeOption', { n: i + 1 })}
                  title=${tr('removeOption', { n: i + 1 })}
                  @click=${() => this.removeOption(i)}
                >
                  <span aria-hidden="true">✕</span>
                </button>`
              : nothing}
          </div>`,
        )}
        ${n < MAX_OPTIONS
          ? html`<button class="btn btn-secondary btn-small" type="button" data-testid="poll-new-add" @click=${() => this.addOption()}>
              ${tr('addOption')}
            </button>`
          : nothing}
      </fieldset>
      <div class="field">
        <label for="poll-new-closes">${tr('closesAt')}</label>
        <input
          id="poll-new-closes"
          type="datetime-local"
          min=${minLocal}
          aria-describedby="poll-new-closes-hint"
          .value=${this.formClosesAt}
          @input=${(e: Event) => (this.formClosesAt = (e.target as HTMLInputElement).value)}
        />
        <p class="hint" id="poll-new-closes-hint">${tr('closesAtHint')}</p>
      </div>
      <div class="poll-check">
        <input
          id="poll-new-anonymous"
          type="checkbox"
          .checked=${this.formAnonymous}
          @change=${(e: Event) => (this.formAnonymous = (e.target as HTMLInputElement).checked)}
        />
        <label for="poll-new-anonymous">${tr('anonymous')}</label>
      </div>
      <div class="form-error" role="alert">${this.formError}</div>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" data-testid="poll-new-submit" ?disabled=${this.formBusy}>
          ${tr('create')}
        </button>
        <button class="btn btn-ghost" type="button" @click=${() => this.closeForm()}>${tr('cancel')}</button>
      </div>
    </form>`;
  }
}

if (!customElements.get('pacte-panel-poll')) customElements.define('pacte-panel-poll', PollPanel);
