/**
 * The "Réunions" tab of a workspace: `<pacte-panel-agenda>`.
 *
 * Found by web-client/src/plugins/registry.ts and given `client` and `workspace`. Imports
 * only from `@pacte/web-sdk`. Lists the workspace's meetings and schedules one (dates and
 * times are Paris wall-clock times, as the server stores them); opens a meeting with its
 * agenda (reorder with buttons, keyboard accessible), "run the meeting" mode (the owner
 * moves the current item, everyone sees it live, with a timer against the planned time),
 * decisions and actions per item, attendance with proxies and quorum, the minutes with
 * their state buttons and exports, the .ics link; the open-actions register, the personal
 * calendar feed, and the pact's cadence dashboard for a year.
 */
import {
  LitElement,
  html,
  nothing,
  errorText,
  getLocale,
  onLocaleChange,
  type EventFrame,
  type PropertyValues,
  type ProtocolClient,
  type Workspace,
} from '@pacte/web-sdk';
import { duration, elapsedOnItem, localDateTime, meetingWhen, shortDate } from './format';

// ------------------------------------------------------------------------------ types

interface Item {
  id: number;
  meeting: number;
  parent: number | null;
  position: number;
  number: string;
  depth: number;
  title: string;
  description: string;
  kind: string;
  planned_minutes: number | null;
  presenter_person: number | null;
  presenter_organisation: number | null;
  presenter_name: string;
  links: { kind: string; ref: string; label?: string }[];
  spent_seconds: number;
}

interface Decision {
  id: number;
  item: number;
  text: string;
  outcome: 'adopted' | 'rejected';
  votes_for: number | null;
  votes_against: number | null;
  abstentions: number | null;
}

interface Action {
  id: number;
  workspace: number;
  workspace_name?: string;
  meeting: number;
  item: number;
  what: string;
  owner_name: string;
  due: string | null;
  status: 'open' | 'in_progress' | 'done' | 'dropped';
  meeting_title: string;
  meeting_start_local: string;
}

interface Attendance {
  person: number;
  name: string;
  status: string;
  proxy: number | null;
  proxy_name: string;
}

interface Quorum {
  met: boolean;
  text_fr: string;
  text_en: string;
}

interface Meeting {
  id: number;
  workspace: number;
  uid: string;
  title: string;
  description: string;
  start: string;
  end: string;
  start_local: string;
  end_local: string;
  place: string | null;
  video_url: string | null;
  status: 'scheduled' | 'cancelled';
  cancel_reason: string | null;
  sequence: number;
  invited_organisations: number[];
  current_item: number | null;
  current_since: string | null;
  minutes_state: 'draft' | 'amended' | 'approved' | 'published';
  minutes_hash: string | null;
  ics_url: string;
  when_fr?: string;
  items?: Item[];
  decisions?: Decision[];
  actions?: Action[];
  carry_over_actions?: Action[];
  attendance?: Attendance[];
  organisations_present?: number[];
  quorum?: Quorum;
  invitees?: { person: number; name: string }[];
  workspace_organisations?: { organisation: number; name: string }[];
}

interface Minutes {
  state: string;
  hash: string | null;
  markdown: string;
  markdown_url: string;
  html_url: string;
}

interface CadenceRow {
  workspace: number;
  key: string;
  name: string;
  kind_label: string;
  required: number;
  max: number | null;
  held: number;
  scheduled: number;
  missing: number;
  status: 'met' | 'on_track' | 'missing' | 'overdue';
  late_to_schedule: boolean;
  reminded?: boolean;
  remind_by: string | null;
  beyond_max: boolean;
  order: { before: string; status: string; target_start_local?: string } | null;
}

interface Feed {
  id: number;
  label: string;
  hint: string;
  created_at: string;
}

interface People {
  people: { id: number; name: string }[];
  organisations: { id: number; name: string; short?: string }[];
}

type View = 'meetings' | 'meeting' | 'actions' | 'cadence' | 'feed';

// ------------------------------------------------------------------------------ strings

const fr = {
  title: 'Réunions',
  tabMeetings: 'Réunions',
  tabActions: 'Actions ouvertes',
  tabCadence: 'Cadence du pacte',
  tabFeed: 'Mon agenda',
  loading: 'Chargement…',
  failed: 'Le chargement a échoué : {message}',
  retry: 'Réessayer',
  upcoming: 'À venir',
  past: 'Passées',
  none: 'Aucune réunion pour l’instant.',
  schedule: 'Programmer une réunion',
  formTitle: 'Intitulé',
  formDate: 'Date',
  formStart: 'Heure de début',
  formEnd: 'Heure de fin',
  tzHint: 'Heure de Paris.',
  formPlace: 'Lieu (facultatif)',
  formVideo: 'Lien de visioconférence (facultatif)',
  formDescription: 'Description (facultatif)',
  useTemplate: 'Reprendre les objectifs de l’article 4 comme ordre du jour',
  inviteOrgs: 'Organisations invitées',
  inviteHint: 'Aucune cochée : tout l’espace est invité. Les personnes invitées reçoivent l’invitation (.ics) par courriel.',
  save: 'Enregistrer',
  cancel: 'Annuler',
  back: 'Toutes les réunions',
  cancelled: 'annulée',
  reason: 'Motif : {reason}',
  ics: 'Ajouter à mon agenda (.ics)',
  reschedule: 'Modifier la date ou le lieu',
  cancelMeeting: 'Annuler la réunion',
  cancelReason: 'Motif de l’annulation',
  confirmCancel: 'Confirmer l’annulation',
  place: 'Lieu : {place}',
  video: 'Visioconférence',
  agenda: 'Ordre du jour',
  noItems: 'L’ordre du jour est vide.',
  planned: '{n} min prévues',
  spent: '{time} passées',
  presenter: 'présenté par {name}',
  moveUp: 'Monter « {title} »',
  moveDown: 'Descendre « {title} »',
  remove: 'Retirer « {title} »',
  edit: 'Modifier « {title} »',
  removeDecision: 'Retirer la décision « {text} »',
  addItem: 'Ajouter un point',
  itemTitle: 'Titre du point',
  itemMinutes: 'Durée prévue (minutes)',
  itemParent: 'Sous-point de',
  itemParentNone: '(point principal)',
  itemPresenter: 'Présenté par',
  itemThread: 'Fil de discussion lié (facultatif)',
  itemUrl: 'Lien vers un document (facultatif)',
  thread: 'Fil',
  nobody: '(personne)',
  run: 'Mener la réunion',
  stopRun: 'Quitter le mode réunion',
  current: 'Point en cours',
  currentIs: 'Point en cours : {title}',
  noCurrent: 'Aucun point en cours.',
  setCurrent: 'En faire le point en cours',
  previous: 'Point précédent',
  next: 'Point suivant',
  end: 'Terminer la réunion',
  elapsed: '{time} écoulées sur {planned} min',
  elapsedNoPlan: '{time} écoulées',
  overtime: 'dépassement',
  decisions: 'Décisions',
  decisionText: 'Décision',
  adopted: 'adoptée',
  rejected: 'rejetée',
  outcome: 'Résultat',
  votesFor: 'Pour',
  votesAgainst: 'Contre',
  abstentions: 'Abstentions',
  addDecision: 'Enregistrer la décision',
  actions: 'Actions',
  actionWhat: 'Action',
  actionOwner: 'Responsable',
  actionDue: 'Échéance (facultatif)',
  addAction: 'Enregistrer l’action',
  status_open: 'à faire',
  status_in_progress: 'en cours',
  status_done: 'fait',
  status_dropped: 'abandonné',
  actionStatus: 'Statut de « {what} »',
  due: 'échéance {date}',
  carryOver: 'Actions reportées des réunions précédentes',
  attendance: 'Présences',
  att_unknown: '—',
  att_present: 'présent·e',
  att_excused: 'excusé·e',
  att_absent: 'absent·e',
  att_represented: 'a donné pouvoir',
  proxyTo: 'Pouvoir donné à',
  orgsPresent: 'Organisations présentes',
  quorum: 'Quorum',
  minutes: 'Compte rendu',
  state_draft: 'brouillon',
  state_amended: 'amendé',
  state_approved: 'approuvé',
  state_published: 'publié',
  stateIs: 'État : {state}',
  amend: 'Proposer un amendement',
  amendText: 'Amendement',
  approve: 'Approuver',
  reopen: 'Rouvrir aux amendements',
  publish: 'Publier (fige le compte rendu)',
  hash: 'Empreinte SHA-256 : {hash}',
  exportMd: 'Télécharger (Markdown)',
  exportHtml: 'Version imprimable',
  allActions: 'Actions ouvertes de cet espace',
  otherActions: 'Actions ouvertes de mes autres espaces',
  noActions: 'Aucune action ouverte.',
  fromMeeting: 'réunion « {title} » du {date}',
  feedTitle: 'Abonnement à mes réunions',
  feedIntro: 'Une adresse secrète à donner à votre agenda (Thunderbird, Outlook, téléphone) : il y verra toutes vos réunions, dans tous vos espaces. Ne la partagez pas ; révoquez-la si elle a fuité.',
  feedCreate: 'Créer une adresse d’abonnement',
  feedLabel: 'Nom (facultatif, par ex. « téléphone »)',
  feedUrl: 'Adresse à copier (elle ne sera plus affichée) :',
  feedList: 'Adresses actives',
  feedNone: 'Aucune adresse active.',
  feedRevoke: 'Révoquer',
  feedRevokeLabel: 'Révoquer l’adresse {hint}…',
  cadenceTitle: 'Réunions requises par le pacte en {year}',
  cadenceYear: 'Année',
  cadenceIntro: 'Article 4 du pacte : ce que chaque instance doit tenir dans l’année, ce qui est tenu, programmé ou manquant.',
  colInstance: 'Instance',
  colRequired: 'Requises',
  colHeld: 'Tenues',
  colScheduled: 'Programmées',
  colMissing: 'Manquantes',
  colStatus: 'État',
  colOrder: 'Ordre',
  cad_met: 'respecté',
  cad_on_track: 'programmé',
  cad_missing: 'à programmer',
  cad_overdue: 'non tenu',
  late: 'date limite de programmation dépassée ({date})',
  reminded: 'rappel envoyé aux responsables',
  upTo: 'jusqu’à {n}',
  beyondMax: 'au-delà du rythme prévu',
  order_met: 'tenu avant le comité des financeurs',
  order_at_risk: 'à tenir avant le comité des financeurs du {date}',
  order_violated: 'le comité des financeurs ({date}) a eu lieu avant',
  order_pending: 'avant le comité des financeurs (pas encore programmé)',
  saved: 'Enregistré.',
  scheduled: 'Réunion programmée.',
  missingTitle: 'Saisissez un intitulé.',
  missingDate: 'Saisissez la date et les heures.',
};

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  title: 'Meetings',
  tabMeetings: 'Meetings',
  tabActions: 'Open actions',
  tabCadence: 'Pact cadence',
  tabFeed: 'My calendar',
  loading: 'Loading…',
  failed: 'Loading failed: {message}',
  retry: 'Try again',
  upcoming: 'Upcoming',
  past: 'Past',
  none: 'No meeting yet.',
  schedule: 'Schedule a meeting',
  formTitle: 'Title',
  formDate: 'Date',
  formStart: 'Start time',
  formEnd: 'End time',
  tzHint: 'Paris time.',
  formPlace: 'Place (optional)',
  formVideo: 'Video link (optional)',
  formDescription: 'Description (optional)',
  useTemplate: 'Use article 4’s objectives as the agenda',
  inviteOrgs: 'Invited organisations',
  inviteHint: 'None ticked: the whole workspace is invited. Invitees get the invitation (.ics) by email.',
  save: 'Save',
  cancel: 'Cancel',
  back: 'All meetings',
  cancelled: 'cancelled',
  reason: 'Reason: {reason}',
  ics: 'Add to my calendar (.ics)',
  reschedule: 'Change date or place',
  cancelMeeting: 'Cancel the meeting',
  cancelReason: 'Reason for cancelling',
  confirmCancel: 'Confirm cancellation',
  place: 'Place: {place}',
  video: 'Video call',
  agenda: 'Agenda',
  noItems: 'The agenda is empty.',
  planned: '{n} min planned',
  spent: '{time} spent',
  presenter: 'presented by {name}',
  moveUp: 'Move “{title}” up',
  moveDown: 'Move “{title}” down',
  remove: 'Remove “{title}”',
  edit: 'Edit “{title}”',
  removeDecision: 'Remove the decision “{text}”',
  addItem: 'Add an item',
  itemTitle: 'Item title',
  itemMinutes: 'Planned duration (minutes)',
  itemParent: 'Sub-item of',
  itemParentNone: '(main item)',
  itemPresenter: 'Presented by',
  itemThread: 'Linked discussion thread (optional)',
  itemUrl: 'Link to a document (optional)',
  thread: 'Thread',
  nobody: '(nobody)',
  run: 'Run the meeting',
  stopRun: 'Leave meeting mode',
  current: 'Current item',
  currentIs: 'Current item: {title}',
  noCurrent: 'No current item.',
  setCurrent: 'Make it the current item',
  previous: 'Previous item',
  next: 'Next item',
  end: 'End the meeting',
  elapsed: '{time} elapsed of {planned} min',
  elapsedNoPlan: '{time} elapsed',
  overtime: 'overtime',
  decisions: 'Decisions',
  decisionText: 'Decision',
  adopted: 'adopted',
  rejected: 'rejected',
  outcome: 'Outcome',
  votesFor: 'For',
  votesAgainst: 'Against',
  abstentions: 'Abstentions',
  addDecision: 'Record the decision',
  actions: 'Actions',
  actionWhat: 'Action',
  actionOwner: 'Owner',
  actionDue: 'Due date (optional)',
  addAction: 'Record the action',
  status_open: 'to do',
  status_in_progress: 'in progress',
  status_done: 'done',
  status_dropped: 'dropped',
  actionStatus: 'Status of “{what}”',
  due: 'due {date}',
  carryOver: 'Actions carried over from earlier meetings',
  attendance: 'Attendance',
  att_unknown: '—',
  att_present: 'present',
  att_excused: 'excused',
  att_absent: 'absent',
  att_represented: 'gave a proxy',
  proxyTo: 'Proxy given to',
  orgsPresent: 'Organisations present',
  quorum: 'Quorum',
  minutes: 'Minutes',
  state_draft: 'draft',
  state_amended: 'amended',
  state_approved: 'approved',
  state_published: 'published',
  stateIs: 'State: {state}',
  amend: 'Propose an amendment',
  amendText: 'Amendment',
  approve: 'Approve',
  reopen: 'Reopen for amendments',
  publish: 'Publish (freezes the minutes)',
  hash: 'SHA-256: {hash}',
  exportMd: 'Download (Markdown)',
  exportHtml: 'Printable version',
  allActions: 'Open actions of this workspace',
  otherActions: 'Open actions of my other workspaces',
  noActions: 'No open action.',
  fromMeeting: 'meeting “{title}” of {date}',
  feedTitle: 'Subscription to my meetings',
  feedIntro: 'A secret address for your calendar application: it will show all your meetings in all your workspaces. Do not share it; revoke it if it leaked.',
  feedCreate: 'Create a subscription address',
  feedLabel: 'Name (optional, e.g. “phone”)',
  feedUrl: 'Address to copy (it will not be shown again):',
  feedList: 'Active addresses',
  feedNone: 'No active address.',
  feedRevoke: 'Revoke',
  feedRevokeLabel: 'Revoke the address {hint}…',
  cadenceTitle: 'Meetings the pact requires in {year}',
  cadenceYear: 'Year',
  cadenceIntro: 'Article 4 of the pact: what each committee must hold in the year, and what is held, scheduled or missing.',
  colInstance: 'Committee',
  colRequired: 'Required',
  colHeld: 'Held',
  colScheduled: 'Scheduled',
  colMissing: 'Missing',
  colStatus: 'Status',
  colOrder: 'Order',
  cad_met: 'met',
  cad_on_track: 'scheduled',
  cad_missing: 'to schedule',
  cad_overdue: 'not held',
  late: 'scheduling deadline passed ({date})',
  reminded: 'reminder sent to the conveners',
  upTo: 'up to {n}',
  beyondMax: 'beyond the planned rhythm',
  order_met: 'held before the funders’ committee',
  order_at_risk: 'to hold before the funders’ committee of {date}',
  order_violated: 'the funders’ committee ({date}) came first',
  order_pending: 'before the funders’ committee (not scheduled yet)',
  saved: 'Saved.',
  scheduled: 'Meeting scheduled.',
  missingTitle: 'Enter a title.',
  missingDate: 'Enter the date and times.',
};

const dictionaries: Record<string, Record<Key, string>> = { fr, en };

function tr(key: Key, vars: Record<string, string | number> = {}): string {
  const template = (dictionaries[getLocale()] ?? fr)[key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

function locale(): string {
  return getLocale() === 'en' ? 'en-GB' : 'fr-FR';
}

/** "jeudi 12 juin 2026, 14:00 – 16:30" in Paris time. */
function when(m: Meeting): string {
  return meetingWhen(m.start, m.end, locale());
}

const AGENDA_EVENTS = [
  'agenda.meeting_scheduled',
  'agenda.meeting_updated',
  'agenda.meeting_cancelled',
  'agenda.items_changed',
  'agenda.attendance',
  'agenda.decision_added',
  'agenda.decision_removed',
  'agenda.action_changed',
  'agenda.minutes',
];

// ------------------------------------------------------------------------------ styles

const styles = html`<style>
  pacte-panel-agenda {
    display: block;
  }
  pacte-panel-agenda .ag {
    max-width: 56rem;
    margin: 0 auto;
    padding: 1rem;
    overflow-wrap: anywhere;
  }
  pacte-panel-agenda h3 {
    font-size: 1.2rem;
    margin: 1.25rem 0 0.5rem;
  }
  pacte-panel-agenda #ag-meeting-title {
    font-size: 1.45rem;
    margin-top: 0.75rem;
  }
  pacte-panel-agenda .ag-current h4 {
    margin: 0 0 0.25rem;
    font-size: 0.9rem;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    color: var(--muted, #595959);
  }
  pacte-panel-agenda .ag-tabs {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin: 0 0 1rem;
    padding: 0;
    list-style: none;
  }
  pacte-panel-agenda .ag-tabs [aria-current='page'] {
    background: var(--accent, #000091);
    color: #fff;
  }
  pacte-panel-agenda .ag-card {
    border: 1px solid var(--border, #ddd);
    border-radius: var(--radius, 6px);
    padding: 1rem;
    margin: 0 0 1rem;
    background: var(--bg, #fff);
  }
  pacte-panel-agenda .ag-list {
    list-style: none;
    padding: 0;
    margin: 0 0 1rem;
    display: grid;
    gap: 0.5rem;
  }
  pacte-panel-agenda .ag-meta {
    color: var(--muted, #595959);
    font-size: 0.875rem;
    margin: 0.25rem 0;
  }
  pacte-panel-agenda .ag-row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  pacte-panel-agenda .ag-grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: 0.5rem 1rem;
  }
  pacte-panel-agenda label {
    display: block;
    font-weight: 600;
    margin: 0.5rem 0 0.2rem;
  }
  pacte-panel-agenda input,
  pacte-panel-agenda select,
  pacte-panel-agenda textarea {
    font: inherit;
    max-width: 100%;
    box-sizing: border-box;
    padding: 0.4rem 0.5rem;
    border: 1px solid var(--border-strong, #929292);
    border-radius: var(--radius, 6px);
    background: #fff;
    color: var(--text, #161616);
  }
  pacte-panel-agenda input[type='text'],
  pacte-panel-agenda input[type='url'],
  pacte-panel-agenda textarea {
    width: 100%;
  }
  pacte-panel-agenda input[type='checkbox'] {
    width: 1.1rem;
    height: 1.1rem;
  }
  pacte-panel-agenda .ag-check {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-weight: normal;
  }
  pacte-panel-agenda .ag-items {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  pacte-panel-agenda .ag-item {
    border: 1px solid var(--border, #ddd);
    border-radius: var(--radius, 6px);
    padding: 0.75rem;
    margin: 0 0 0.5rem;
  }
  pacte-panel-agenda .ag-item.is-sub {
    margin-left: 1.5rem;
  }
  pacte-panel-agenda .ag-item.is-current {
    border: 3px solid var(--accent, #000091);
    background: var(--accent-softer, #f5f5fe);
  }
  pacte-panel-agenda .ag-item h4 {
    margin: 0;
    font-size: 1.05rem;
  }
  pacte-panel-agenda .ag-current {
    border: 2px solid var(--accent, #000091);
    border-radius: var(--radius, 6px);
    padding: 0.75rem;
    margin: 0 0 1rem;
  }
  pacte-panel-agenda .ag-over {
    color: #b34000;
    font-weight: 600;
  }
  pacte-panel-agenda .ag-tag {
    display: inline-block;
    padding: 0 0.4rem;
    border-radius: 999px;
    font-size: 0.8rem;
    border: 1px solid currentColor;
  }
  pacte-panel-agenda .ag-ok {
    color: #18753c;
  }
  pacte-panel-agenda .ag-bad {
    color: #ce0500;
  }
  pacte-panel-agenda .ag-warn {
    color: #b34000;
  }
  pacte-panel-agenda table {
    border-collapse: collapse;
    width: 100%;
  }
  pacte-panel-agenda th,
  pacte-panel-agenda td {
    overflow-wrap: normal;
    border-bottom: 1px solid var(--border, #ddd);
    padding: 0.35rem 0.4rem;
    text-align: left;
    vertical-align: top;
  }
  pacte-panel-agenda .ag-table-wrap {
    overflow-x: auto;
  }
  pacte-panel-agenda td.ag-num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  pacte-panel-agenda pre {
    white-space: pre-wrap;
    background: var(--bg-alt, #f6f6f6);
    padding: 0.75rem;
    border-radius: var(--radius, 6px);
    max-height: 24rem;
    overflow: auto;
  }
  pacte-panel-agenda .ag-error {
    color: #ce0500;
    font-weight: 600;
  }
  pacte-panel-agenda .ag-sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  pacte-panel-agenda .btn {
    white-space: normal;
  }
  pacte-panel-agenda details > summary {
    cursor: pointer;
    font-weight: 600;
    margin: 0.5rem 0;
  }
</style>`;

// ------------------------------------------------------------------------------ element

export class AgendaPanel extends LitElement {
  static override properties = {
    client: { attribute: false },
    workspace: { attribute: false },
    view: { state: true },
    meetings: { state: true },
    meeting: { state: true },
    minutes: { state: true },
    status: { state: true },
    error: { state: true },
    formOpen: { state: true },
    running: { state: true },
    people: { state: true },
    actions: { state: true },
    myActions: { state: true },
    threads: { state: true },
    cadence: { state: true },
    cadenceYear: { state: true },
    feeds: { state: true },
    feedUrl: { state: true },
    announce: { state: true },
    tick: { state: true },
    confirmCancel: { state: true },
    editing: { state: true },
  };

  declare client: ProtocolClient;
  declare workspace: Workspace;
  declare view: View;
  declare meetings: Meeting[];
  declare meeting: Meeting | null;
  declare minutes: Minutes | null;
  declare status: 'loading' | 'ready' | 'failed';
  declare error: string;
  declare formOpen: 'schedule' | 'reschedule' | null;
  declare running: boolean;
  declare people: People;
  declare actions: Action[];
  /** Open actions of the caller's other workspaces. */
  declare myActions: Action[];
  /** The workspace's discussion threads, to link an item to one. */
  declare threads: { id: number; title: string }[];
  declare cadence: CadenceRow[];
  declare cadenceYear: number;
  declare feeds: Feed[];
  declare feedUrl: string;
  declare announce: string;
  declare tick: number;
  declare confirmCancel: boolean;
  /** The item whose edit form is open. */
  declare editing: number | null;

  private subs: Array<() => void> = [];
  private bound: ProtocolClient | null = null;
  private stopLocale: (() => void) | null = null;
  private loadedFor = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.view = 'meetings';
    this.meetings = [];
    this.meeting = null;
    this.minutes = null;
    this.status = 'loading';
    this.error = '';
    this.formOpen = null;
    this.running = false;
    this.people = { people: [], organisations: [] };
    this.actions = [];
    this.myActions = [];
    this.threads = [];
    this.cadence = [];
    this.cadenceYear = new Date().getFullYear();
    this.feeds = [];
    this.feedUrl = '';
    this.announce = '';
    this.tick = 0;
    this.confirmCancel = false;
    this.editing = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopLocale = onLocaleChange(() => this.requestUpdate());
    this.bind();
    this.ticker = setInterval(() => {
      if (this.meeting?.current_item) this.tick++;
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopLocale?.();
    for (const off of this.subs) off();
    this.subs = [];
    this.bound = null;
    if (this.ticker) clearInterval(this.ticker);
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.loadedFor = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.bind();
    if (this.client && this.workspace && this.workspace.id !== this.loadedFor && this.isConnected) {
      this.loadedFor = this.workspace.id;
      this.meeting = null;
      this.view = 'meetings';
      // Links of the plugin's notifications: /w/<ws>/p/agenda?meeting=<id> or ?cadence=<year>.
      const params = new URLSearchParams(location.search);
      const meeting = Number(params.get('meeting') ?? 0);
      const year = Number(params.get('cadence') ?? 0);
      void this.load().then(() => {
        if (meeting > 0) void this.open(meeting);
        else if (year >= 2000 && year <= 2100) {
          this.cadenceYear = year;
          this.go('cadence');
        }
      });
    }
  }

  // -------------------------------------------------------------------------- server

  private bind(): void {
    if (!this.isConnected || !this.client || this.bound === this.client) return;
    for (const off of this.subs) off();
    const c = this.client;
    this.bound = c;
    this.subs = AGENDA_EVENTS.map((type) => c.on(type, (ev) => this.onEvent(ev)));
    this.subs.push(
      c.on<{ meeting: number; item: number | null; since: string | null; spent: Record<string, number> }>(
        'agenda.current',
        (ev) => this.onCurrent(ev),
      ),
      c.onResync((target) => {
        if (target === this.workspace?.id) this.scheduleReload();
      }),
    );
  }

  private mine(ev: EventFrame): boolean {
    return !!this.workspace && ev.workspace === this.workspace.id;
  }

  private onEvent(ev: EventFrame): void {
    if (this.mine(ev)) this.scheduleReload();
  }

  /** The live current item: applied at once (then the meeting is reloaded). */
  private onCurrent(ev: EventFrame<{ meeting: number; item: number | null; since: string | null; spent: Record<string, number> }>): void {
    if (!this.mine(ev) || !this.meeting || ev.data.meeting !== this.meeting.id) return;
    const items = (this.meeting.items ?? []).map((it) => ({ ...it, spent_seconds: ev.data.spent[String(it.id)] ?? it.spent_seconds }));
    this.meeting = { ...this.meeting, current_item: ev.data.item, current_since: ev.data.since, items };
    const cur = items.find((it) => it.id === ev.data.item);
    this.announce = cur ? tr('currentIs', { title: `${cur.number}. ${cur.title}` }) : tr('noCurrent');
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      if (!this.isConnected) return;
      void this.load();
      if (this.meeting) void this.open(this.meeting.id, false);
      if (this.view === 'actions') void this.loadActions();
    }, 150);
  }

  private async call<T = any>(op: string, args: Record<string, unknown>): Promise<T | null> {
    try {
      this.error = '';
      return await this.client.request<T>(op, args);
    } catch (err) {
      this.error = errorText(err);
      return null;
    }
  }

  private async load(): Promise<void> {
    try {
      const r = await this.client.request<{ meetings: Meeting[] }>('agenda.list', { workspace: this.workspace.id });
      this.meetings = r.meetings ?? [];
      this.status = 'ready';
      if (!this.threads.length) {
        const t = await this.client.request<{ threads: { id: number; title: string }[] }>('chat.threads', { workspace: this.workspace.id });
        this.threads = (t.threads ?? []).map((x) => ({ id: x.id, title: x.title }));
      }
      if (!this.people.people.length) {
        const p = await this.client.request<People>('workspaces.members', { workspace: this.workspace.id });
        this.people = { people: p.people ?? [], organisations: p.organisations ?? [] };
      }
    } catch (err) {
      this.status = 'failed';
      this.error = errorText(err);
    }
  }

  private async open(id: number, focus = true): Promise<void> {
    const r = await this.call<{ meeting: Meeting }>('agenda.get', { meeting: id });
    if (!r) return;
    this.meeting = r.meeting;
    this.view = 'meeting';
    const mins = await this.call<Minutes>('agenda.minutes', { meeting: id });
    if (mins) this.minutes = mins;
    if (focus) {
      await this.updateComplete;
      this.querySelector<HTMLElement>('#ag-meeting-title')?.focus();
    }
  }

  private async loadActions(): Promise<void> {
    const r = await this.call<{ actions: Action[] }>('agenda.actions', { workspace: this.workspace.id });
    if (r) this.actions = r.actions;
    const mine = await this.call<{ actions: Action[] }>('agenda.my_actions', {});
    if (mine) this.myActions = mine.actions.filter((a) => a.workspace !== this.workspace.id);
  }

  private async loadCadence(): Promise<void> {
    const r = await this.call<{ workspaces: CadenceRow[]; year: number }>('agenda.cadence', { year: this.cadenceYear });
    if (r) this.cadence = r.workspaces;
  }

  private async loadFeeds(): Promise<void> {
    const r = await this.call<{ feeds: Feed[] }>('agenda.feeds', {});
    if (r) this.feeds = r.feeds;
  }

  private go(view: View): void {
    this.view = view;
    this.formOpen = null;
    if (view === 'actions') void this.loadActions();
    if (view === 'cadence') void this.loadCadence();
    if (view === 'feed') void this.loadFeeds();
    if (view === 'meetings') this.meeting = null;
  }

  private get isOwner(): boolean {
    return this.workspace?.role === 'owner';
  }

  private get isMember(): boolean {
    return this.workspace?.role === 'owner' || this.workspace?.role === 'member';
  }

  private value(form: HTMLFormElement, name: string): string {
    const el = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null;
    return el ? el.value.trim() : '';
  }

  // -------------------------------------------------------------------------- actions

  private async submitMeeting(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const title = this.value(form, 'title');
    const date = this.value(form, 'date');
    const start = this.value(form, 'start');
    const end = this.value(form, 'end');
    if (!title) return void (this.error = tr('missingTitle'));
    const startAt = localDateTime(date, start);
    const endAt = localDateTime(date, end);
    if (!startAt || !endAt) return void (this.error = tr('missingDate'));
    const args: Record<string, unknown> = {
      title,
      start: startAt,
      end: endAt,
      place: this.value(form, 'place'),
      video_url: this.value(form, 'video_url'),
      description: this.value(form, 'description'),
      // No organisation ticked: the whole workspace is invited.
      invite_organisations: [...form.querySelectorAll<HTMLInputElement>('input[name="invite_org"]:checked')].map((el) =>
        Number(el.value),
      ),
    };
    if (this.formOpen === 'reschedule' && this.meeting) {
      const r = await this.call('agenda.reschedule', { meeting: this.meeting.id, ...args });
      if (r) {
        this.formOpen = null;
        this.announce = tr('saved');
        void this.open(this.meeting.id);
      }
      return;
    }
    const useTemplate = (form.elements.namedItem('use_template') as HTMLInputElement | null)?.checked ?? true;
    const r = await this.call<{ meeting: Meeting }>('agenda.schedule', {
      workspace: this.workspace.id,
      ...args,
      use_template: useTemplate,
    });
    if (r) {
      this.formOpen = null;
      this.announce = tr('scheduled');
      await this.load();
      void this.open(r.meeting.id);
    }
  }

  private async cancelMeeting(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.meeting) return;
    const reason = this.value(e.target as HTMLFormElement, 'reason');
    if (await this.call('agenda.cancel', { meeting: this.meeting.id, reason })) {
      this.confirmCancel = false;
      void this.open(this.meeting.id);
    }
  }

  private async addItem(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.meeting) return;
    const form = e.target as HTMLFormElement;
    const args: Record<string, unknown> = { meeting: this.meeting.id, title: this.value(form, 'title') };
    const minutes = this.value(form, 'planned_minutes');
    if (minutes) args.planned_minutes = Number(minutes);
    const parent = this.value(form, 'parent');
    if (parent) args.parent = Number(parent);
    const presenter = this.value(form, 'presenter');
    if (presenter.startsWith('p')) args.presenter_person = Number(presenter.slice(1));
    if (presenter.startsWith('o')) args.presenter_organisation = Number(presenter.slice(1));
    const description = this.value(form, 'description');
    if (description) args.description = description;
    const links: { kind: string; ref: string; label?: string }[] = [];
    const thread = this.value(form, 'thread');
    if (thread) links.push({ kind: 'thread', ref: thread, label: this.threads.find((t) => String(t.id) === thread)?.title ?? '' });
    const url = this.value(form, 'url');
    if (url) links.push({ kind: 'url', ref: url });
    if (links.length) args.links = links;
    if (await this.call('agenda.add_item', args)) {
      form.reset();
      void this.open(this.meeting.id, false);
      this.querySelector<HTMLElement>('#ag-item-title')?.focus();
    }
  }

  private async editItem(e: Event, item: Item): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const minutes = this.value(form, 'planned_minutes');
    const args: Record<string, unknown> = {
      item: item.id,
      title: this.value(form, 'title'),
      description: this.value(form, 'description'),
    };
    if (minutes !== '') args.planned_minutes = Number(minutes);
    if (await this.call('agenda.update_item', args)) {
      this.editing = null;
      this.announce = tr('saved');
      if (this.meeting) await this.open(this.meeting.id, false);
      this.querySelector<HTMLElement>(`#ag-edit-${item.id}`)?.focus();
    }
  }

  private async removeDecision(d: Decision): Promise<void> {
    if (this.meeting && (await this.call('agenda.remove_decision', { decision: d.id }))) void this.open(this.meeting.id, false);
  }

  private async move(item: Item, delta: number): Promise<void> {
    if (!this.meeting) return;
    const siblings = (this.meeting.items ?? []).filter((it) => it.parent === item.parent);
    const index = siblings.findIndex((it) => it.id === item.id);
    const target = index + delta;
    if (target < 0 || target >= siblings.length) return;
    if (await this.call('agenda.move_item', { item: item.id, position: target })) {
      await this.open(this.meeting.id, false);
      // Keep the focus on the same button of the moved item, for repeated moves.
      this.querySelector<HTMLElement>(`#ag-move-${delta < 0 ? 'up' : 'down'}-${item.id}`)?.focus();
    }
  }

  private async removeItem(item: Item): Promise<void> {
    if (this.meeting && (await this.call('agenda.remove_item', { item: item.id }))) void this.open(this.meeting.id, false);
  }

  private async setCurrent(item: number | null): Promise<void> {
    if (!this.meeting) return;
    const args: Record<string, unknown> = { meeting: this.meeting.id };
    if (item !== null) args.item = item;
    await this.call('agenda.set_current', args);
  }

  private step(delta: number): void {
    const items = this.meeting?.items ?? [];
    if (!items.length) return;
    const index = items.findIndex((it) => it.id === this.meeting?.current_item);
    const next = index < 0 ? (delta > 0 ? 0 : -1) : index + delta;
    if (next < 0) return;
    if (next >= items.length) return void this.setCurrent(null);
    void this.setCurrent(items[next].id);
  }

  private async addDecision(e: Event, item: Item): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const args: Record<string, unknown> = {
      item: item.id,
      text: this.value(form, 'text'),
      outcome: this.value(form, 'outcome'),
    };
    for (const k of ['votes_for', 'votes_against', 'abstentions']) {
      const v = this.value(form, k);
      if (v !== '') args[k] = Number(v);
    }
    if (await this.call('agenda.add_decision', args)) {
      form.reset();
      this.announce = tr('saved');
      if (this.meeting) void this.open(this.meeting.id, false);
    }
  }

  private async addAction(e: Event, item: Item): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const args: Record<string, unknown> = { item: item.id, what: this.value(form, 'what') };
    const owner = this.value(form, 'owner');
    if (owner.startsWith('p')) args.owner_person = Number(owner.slice(1));
    if (owner.startsWith('o')) args.owner_organisation = Number(owner.slice(1));
    const due = this.value(form, 'due');
    if (due) args.due = due;
    if (await this.call('agenda.add_action', args)) {
      form.reset();
      this.announce = tr('saved');
      if (this.meeting) void this.open(this.meeting.id, false);
    }
  }

  private async setActionStatus(a: Action, status: string): Promise<void> {
    if (await this.call('agenda.update_action', { action: a.id, status })) {
      this.announce = tr('saved');
      if (this.view === 'actions') void this.loadActions();
    }
  }

  private async setAttendance(person: number, status: string, proxy?: number): Promise<void> {
    if (!this.meeting) return;
    const args: Record<string, unknown> = { meeting: this.meeting.id, person, status };
    if (status === 'represented') {
      const fallback = this.people.people.find((p) => p.id !== person)?.id;
      args.proxy = proxy ?? fallback;
    }
    if (await this.call('agenda.set_attendance', args)) void this.open(this.meeting.id, false);
  }

  private async setOrg(org: number, present: boolean): Promise<void> {
    if (!this.meeting) return;
    if (await this.call('agenda.set_organisation_presence', { meeting: this.meeting.id, organisation: org, present }))
      void this.open(this.meeting.id, false);
  }

  private async minutesOp(op: string, extra: Record<string, unknown> = {}): Promise<void> {
    if (!this.meeting) return;
    if (await this.call(op, { meeting: this.meeting.id, ...extra })) {
      this.announce = tr('saved');
      void this.open(this.meeting.id, false);
    }
  }

  private async amend(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    await this.minutesOp('agenda.amend_minutes', { text: this.value(form, 'text') });
    form.reset();
  }

  private async createFeed(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const r = await this.call<{ path: string }>('agenda.create_feed', { label: this.value(form, 'label') });
    if (r) {
      this.feedUrl = `${location.origin}${r.path}`;
      form.reset();
      void this.loadFeeds();
    }
  }

  private async revokeFeed(f: Feed): Promise<void> {
    if (await this.call('agenda.revoke_feed', { feed: f.id })) {
      this.feedUrl = '';
      void this.loadFeeds();
    }
  }

  // -------------------------------------------------------------------------- render

  override render() {
    const tabs: [View, Key][] = [
      ['meetings', 'tabMeetings'],
      ['actions', 'tabActions'],
      ['cadence', 'tabCadence'],
      ['feed', 'tabFeed'],
    ];
    const active = this.view === 'meeting' ? 'meetings' : this.view;
    return html`${styles}
      <section class="ag" data-testid="agenda-panel" aria-labelledby="ag-title">
        <h2 id="ag-title">${tr('title')}</h2>
        <nav aria-label=${tr('title')}>
          <ul class="ag-tabs">
            ${tabs.map(
              ([v, k]) =>
                html`<li>
                  <button
                    type="button"
                    class="btn"
                    data-testid=${`agenda-tab-${v}`}
                    aria-current=${active === v ? 'page' : 'false'}
                    @click=${() => this.go(v)}
                  >
                    ${tr(k)}
                  </button>
                </li>`,
            )}
          </ul>
        </nav>
        <p class="ag-sr" role="status" aria-live="polite" data-testid="agenda-live">${this.announce}</p>
        ${this.error ? html`<p class="ag-error" role="alert" data-testid="agenda-error">${this.error}</p>` : nothing}
        ${this.view === 'meetings'
          ? this.renderMeetings()
          : this.view === 'meeting'
            ? this.renderMeeting()
            : this.view === 'actions'
              ? this.renderActions()
              : this.view === 'cadence'
                ? this.renderCadence()
                : this.renderFeed()}
      </section>`;
  }

  private renderMeetingForm(m: Meeting | null) {
    return html`<form class="ag-card" data-testid="agenda-meeting-form" @submit=${(e: Event) => this.submitMeeting(e)}>
      <h3>${m ? tr('reschedule') : tr('schedule')}</h3>
      <label for="ag-f-title">${tr('formTitle')}</label>
      <input id="ag-f-title" name="title" type="text" maxlength="200" required .value=${m?.title ?? ''} data-testid="agenda-form-title" />
      <div class="ag-grid">
        <div>
          <label for="ag-f-date">${tr('formDate')}</label>
          <input id="ag-f-date" name="date" type="date" lang="fr" required .value=${m?.start_local.slice(0, 10) ?? ''} data-testid="agenda-form-date" aria-describedby="ag-f-tz" />
        </div>
        <div>
          <label for="ag-f-start">${tr('formStart')}</label>
          <input id="ag-f-start" name="start" type="time" lang="fr" required .value=${m?.start_local.slice(11, 16) ?? '14:00'} data-testid="agenda-form-start" aria-describedby="ag-f-tz" />
        </div>
        <div>
          <label for="ag-f-end">${tr('formEnd')}</label>
          <input id="ag-f-end" name="end" type="time" lang="fr" required .value=${m?.end_local.slice(11, 16) ?? '16:00'} data-testid="agenda-form-end" aria-describedby="ag-f-tz" />
        </div>
      </div>
      <p class="ag-meta" id="ag-f-tz">${tr('tzHint')}</p>
      <label for="ag-f-place">${tr('formPlace')}</label>
      <input id="ag-f-place" name="place" type="text" maxlength="300" .value=${m?.place ?? ''} />
      <label for="ag-f-video">${tr('formVideo')}</label>
      <input id="ag-f-video" name="video_url" type="url" maxlength="500" placeholder="https://" .value=${m?.video_url ?? ''} />
      <label for="ag-f-desc">${tr('formDescription')}</label>
      <textarea id="ag-f-desc" name="description" rows="2" maxlength="5000" .value=${m?.description ?? ''}></textarea>
      <fieldset>
        <legend><strong>${tr('inviteOrgs')}</strong></legend>
        <p class="ag-meta">${tr('inviteHint')}</p>
        ${this.people.organisations.map(
          (o) => html`<label class="ag-check">
            <input type="checkbox" name="invite_org" value=${o.id} ?checked=${m?.invited_organisations?.includes(o.id) ?? false} />
            ${o.name}
          </label>`,
        )}
      </fieldset>
      ${m
        ? nothing
        : html`<label class="ag-check"><input type="checkbox" name="use_template" checked /> ${tr('useTemplate')}</label>`}
      <div class="ag-row">
        <button class="btn btn-primary" type="submit" data-testid="agenda-form-submit">${tr('save')}</button>
        <button class="btn" type="button" @click=${() => (this.formOpen = null)}>${tr('cancel')}</button>
      </div>
    </form>`;
  }

  private renderMeetings() {
    if (this.status === 'loading') return html`<p>${tr('loading')}</p>`;
    if (this.status === 'failed')
      return html`<p>${tr('failed', { message: this.error })}</p>
        <button class="btn" type="button" @click=${() => this.load()}>${tr('retry')}</button>`;
    const now = Date.now();
    const upcoming = this.meetings.filter((m) => Date.parse(m.end) >= now).reverse();
    const past = this.meetings.filter((m) => Date.parse(m.end) < now);
    const item = (m: Meeting) =>
      html`<li class="ag-card" data-testid="agenda-meeting" data-meeting=${m.id}>
        <button class="btn btn-link" type="button" @click=${() => this.open(m.id)}><strong>${m.title}</strong></button>
        <p class="ag-meta">
          ${when(m)}${m.place ? ` · ${m.place}` : ''}
          ${m.status === 'cancelled' ? html` · <span class="ag-tag ag-bad">${tr('cancelled')}</span>` : nothing}
          · ${tr('minutes')} : ${tr(`state_${m.minutes_state}` as Key)}
        </p>
      </li>`;
    return html`
      ${this.isOwner && this.formOpen !== 'schedule'
        ? html`<button class="btn btn-primary" type="button" data-testid="agenda-schedule-open" @click=${async () => {
            this.formOpen = 'schedule';
            await this.updateComplete;
            this.querySelector<HTMLElement>('#ag-f-title')?.focus();
          }}>${tr('schedule')}</button>`
        : nothing}
      ${this.formOpen === 'schedule' ? this.renderMeetingForm(null) : nothing}
      <h3>${tr('upcoming')}</h3>
      ${upcoming.length ? html`<ul class="ag-list">${upcoming.map(item)}</ul>` : html`<p>${tr('none')}</p>`}
      ${past.length ? html`<h3>${tr('past')}</h3><ul class="ag-list">${past.map(item)}</ul>` : nothing}
    `;
  }

  private presenterOptions(prefixNone: Key) {
    return html`<option value="">${tr(prefixNone)}</option>
      ${this.people.organisations.map((o) => html`<option value=${`o${o.id}`}>${o.name}</option>`)}
      ${this.people.people.map((p) => html`<option value=${`p${p.id}`}>${p.name}</option>`)}`;
  }

  private renderCurrent(m: Meeting) {
    void this.tick;
    const items = m.items ?? [];
    const cur = items.find((it) => it.id === m.current_item);
    let timer = '';
    let over = false;
    if (cur && m.current_since) {
      const elapsed = elapsedOnItem(cur.spent_seconds, m.current_since, Date.now());
      timer = cur.planned_minutes
        ? tr('elapsed', { time: duration(elapsed), planned: cur.planned_minutes })
        : tr('elapsedNoPlan', { time: duration(elapsed) });
      over = !!cur.planned_minutes && elapsed > cur.planned_minutes * 60;
    }
    return html`<div class="ag-current" data-testid="agenda-current">
      <h4>${tr('current')}</h4>
      ${cur
        ? html`<p data-testid="agenda-current-title"><strong>${cur.number}. ${cur.title}</strong></p>
            <p class=${over ? 'ag-over' : 'ag-meta'} data-testid="agenda-timer">${timer}${over ? ` (${tr('overtime')})` : ''}</p>`
        : html`<p data-testid="agenda-current-title">${tr('noCurrent')}</p>`}
      ${this.isOwner && this.running && m.status !== 'cancelled' && m.minutes_state !== 'published'
        ? html`<div class="ag-row">
            <button class="btn" type="button" data-testid="agenda-prev" @click=${() => this.step(-1)}>${tr('previous')}</button>
            <button class="btn btn-primary" type="button" data-testid="agenda-next" @click=${() => this.step(1)}>${tr('next')}</button>
            <button class="btn" type="button" @click=${() => this.setCurrent(null)}>${tr('end')}</button>
          </div>`
        : nothing}
    </div>`;
  }

  private renderItem(m: Meeting, it: Item, siblings: Item[]) {
    const index = siblings.findIndex((s) => s.id === it.id);
    const editable = this.isMember && m.minutes_state !== 'published';
    const decisions = (m.decisions ?? []).filter((d) => d.item === it.id);
    const actions = (m.actions ?? []).filter((a) => a.item === it.id);
    const isCurrent = m.current_item === it.id;
    return html`<li
      class="ag-item ${it.depth ? 'is-sub' : ''} ${isCurrent ? 'is-current' : ''}"
      data-testid="agenda-item"
      data-item=${it.id}
      aria-current=${isCurrent ? 'step' : 'false'}
    >
      <h4>${it.number}. ${it.title}</h4>
      <p class="ag-meta">
        ${it.planned_minutes != null ? tr('planned', { n: it.planned_minutes }) : ''}
        ${it.spent_seconds ? html` · ${tr('spent', { time: duration(it.spent_seconds) })}` : nothing}
        ${it.presenter_name ? html` · ${tr('presenter', { name: it.presenter_name })}` : nothing}
      </p>
      ${it.description ? html`<p style="white-space:pre-wrap">${it.description}</p>` : nothing}
      ${it.links.length
        ? html`<ul>
            ${it.links.map((l) =>
              l.kind === 'url'
                ? html`<li><a href=${l.ref} rel="noopener noreferrer" target="_blank">${l.label || l.ref}</a></li>`
                : l.kind === 'thread' && /^\d+$/.test(l.ref)
                  ? html`<li>${tr('thread')} : <a href=${`/w/${this.workspace.id}/t/${l.ref}`}>${l.label || l.ref}</a></li>`
                  : html`<li>${l.label || l.ref}</li>`,
            )}
          </ul>`
        : nothing}
      ${decisions.length
        ? html`<p><strong>${tr('decisions')}</strong></p>
            <ul data-testid="agenda-decisions">
              ${decisions.map(
                (d) =>
                  html`<li data-testid="agenda-decision">
                    <span class="ag-tag ${d.outcome === 'adopted' ? 'ag-ok' : 'ag-bad'}">${tr(d.outcome)}</span> ${d.text}
                    ${editable
                      ? html`<button class="btn" type="button" aria-label=${tr('removeDecision', { text: d.text.slice(0, 60) })}
                          @click=${() => this.removeDecision(d)}>✕</button>`
                      : nothing}
                    ${d.votes_for != null || d.votes_against != null || d.abstentions != null
                      ? html`<span class="ag-meta">
                          (${tr('votesFor')} ${d.votes_for ?? '–'}, ${tr('votesAgainst')} ${d.votes_against ?? '–'},
                          ${tr('abstentions')} ${d.abstentions ?? '–'})</span
                        >`
                      : nothing}
                  </li>`,
              )}
            </ul>`
        : nothing}
      ${actions.length
        ? html`<p><strong>${tr('actions')}</strong></p>
            <ul>
              ${actions.map((a) => this.renderAction(a))}
            </ul>`
        : nothing}
      <div class="ag-row">
        ${this.isOwner && this.running && !isCurrent && m.status !== 'cancelled' && m.minutes_state !== 'published'
          ? html`<button class="btn" type="button" data-testid="agenda-set-current" @click=${() => this.setCurrent(it.id)}>
              ${tr('setCurrent')}
            </button>`
          : nothing}
        ${editable
          ? html`<button class="btn" type="button" id=${`ag-move-up-${it.id}`} data-testid="agenda-move-up"
                aria-label=${tr('moveUp', { title: it.title })} ?disabled=${index <= 0} @click=${() => this.move(it, -1)}>↑</button>
              <button class="btn" type="button" id=${`ag-move-down-${it.id}`} data-testid="agenda-move-down"
                aria-label=${tr('moveDown', { title: it.title })} ?disabled=${index >= siblings.length - 1} @click=${() => this.move(it, 1)}>↓</button>
              <button class="btn" type="button" id=${`ag-edit-${it.id}`} aria-expanded=${this.editing === it.id ? 'true' : 'false'}
                aria-label=${tr('edit', { title: it.title })} @click=${() => (this.editing = this.editing === it.id ? null : it.id)}>✎</button>
              <button class="btn" type="button" aria-label=${tr('remove', { title: it.title })} @click=${() => this.removeItem(it)}>✕</button>`
          : nothing}
      </div>
      ${editable && this.editing === it.id
        ? html`<form class="ag-card" @submit=${(e: Event) => this.editItem(e, it)} data-testid="agenda-item-edit">
            <label for=${`ag-e-title-${it.id}`}>${tr('itemTitle')}</label>
            <input id=${`ag-e-title-${it.id}`} name="title" type="text" required maxlength="300" .value=${it.title} />
            <label for=${`ag-e-min-${it.id}`}>${tr('itemMinutes')}</label>
            <input id=${`ag-e-min-${it.id}`} name="planned_minutes" type="number" min="0" max="1440" inputmode="numeric"
              .value=${it.planned_minutes != null ? String(it.planned_minutes) : ''} />
            <label for=${`ag-e-desc-${it.id}`}>${tr('formDescription')}</label>
            <textarea id=${`ag-e-desc-${it.id}`} name="description" rows="3" maxlength="5000" .value=${it.description}></textarea>
            <div class="ag-row">
              <button class="btn btn-primary" type="submit">${tr('save')}</button>
              <button class="btn" type="button" @click=${() => (this.editing = null)}>${tr('cancel')}</button>
            </div>
          </form>`
        : nothing}
      ${editable
        ? html`<details data-testid="agenda-item-forms">
            <summary>${tr('decisions')} / ${tr('actions')}</summary>
            <form @submit=${(e: Event) => this.addDecision(e, it)} data-testid="agenda-decision-form">
              <label for=${`ag-d-text-${it.id}`}>${tr('decisionText')}</label>
              <textarea id=${`ag-d-text-${it.id}`} name="text" rows="2" required maxlength="5000" data-testid="agenda-decision-text"></textarea>
              <div class="ag-grid">
                <div>
                  <label for=${`ag-d-out-${it.id}`}>${tr('outcome')}</label>
                  <select id=${`ag-d-out-${it.id}`} name="outcome">
                    <option value="adopted">${tr('adopted')}</option>
                    <option value="rejected">${tr('rejected')}</option>
                  </select>
                </div>
                <div><label for=${`ag-d-for-${it.id}`}>${tr('votesFor')}</label><input id=${`ag-d-for-${it.id}`} name="votes_for" type="number" min="0" inputmode="numeric" /></div>
                <div><label for=${`ag-d-ag-${it.id}`}>${tr('votesAgainst')}</label><input id=${`ag-d-ag-${it.id}`} name="votes_against" type="number" min="0" inputmode="numeric" /></div>
                <div><label for=${`ag-d-ab-${it.id}`}>${tr('abstentions')}</label><input id=${`ag-d-ab-${it.id}`} name="abstentions" type="number" min="0" inputmode="numeric" /></div>
              </div>
              <button class="btn" type="submit" data-testid="agenda-decision-submit">${tr('addDecision')}</button>
            </form>
            <form @submit=${(e: Event) => this.addAction(e, it)} data-testid="agenda-action-form">
              <label for=${`ag-a-what-${it.id}`}>${tr('actionWhat')}</label>
              <input id=${`ag-a-what-${it.id}`} name="what" type="text" required maxlength="1000" data-testid="agenda-action-what" />
              <div class="ag-grid">
                <div>
                  <label for=${`ag-a-owner-${it.id}`}>${tr('actionOwner')}</label>
                  <select id=${`ag-a-owner-${it.id}`} name="owner" required data-testid="agenda-action-owner">
                    ${this.presenterOptions('nobody')}
                  </select>
                </div>
                <div>
                  <label for=${`ag-a-due-${it.id}`}>${tr('actionDue')}</label>
                  <input id=${`ag-a-due-${it.id}`} name="due" type="date" lang="fr" data-testid="agenda-action-due" />
                </div>
              </div>
              <button class="btn" type="submit" data-testid="agenda-action-submit">${tr('addAction')}</button>
            </form>
          </details>`
        : nothing}
    </li>`;
  }

  private renderAction(a: Action, origin = false) {
    return html`<li data-testid="agenda-action">
      ${a.what} — ${a.owner_name}${a.due ? html`, ${tr('due', { date: shortDate(a.due) })}` : nothing}
      ${this.isMember
        ? html`<select aria-label=${tr('actionStatus', { what: a.what })} @change=${(e: Event) => this.setActionStatus(a, (e.target as HTMLSelectElement).value)}>
            ${(['open', 'in_progress', 'done', 'dropped'] as const).map(
              (s) => html`<option value=${s} ?selected=${a.status === s}>${tr(`status_${s}` as Key)}</option>`,
            )}
          </select>`
        : html`<span class="ag-tag">${tr(`status_${a.status}` as Key)}</span>`}
      ${origin
        ? html`<p class="ag-meta">${tr('fromMeeting', { title: a.meeting_title, date: shortDate(a.meeting_start_local) })}</p>`
        : nothing}
    </li>`;
  }

  private renderAttendance(m: Meeting) {
    const byPerson = new Map((m.attendance ?? []).map((a) => [a.person, a]));
    const people = m.invitees ?? [];
    const orgsPresent = new Set(m.organisations_present ?? []);
    const editable = this.isOwner && m.minutes_state !== 'published';
    return html`<section class="ag-card" aria-labelledby="ag-att-title" data-testid="agenda-attendance">
      <h3 id="ag-att-title">${tr('attendance')}</h3>
      <div class="ag-table-wrap">
        <table>
          <tbody>
            ${people.map((p) => {
              const a = byPerson.get(p.person);
              const status = a?.status ?? 'unknown';
              return html`<tr>
                <th scope="row">${p.name}</th>
                <td>
                  ${editable
                    ? html`<select aria-label=${`${tr('attendance')} — ${p.name}`} data-testid="agenda-att-status"
                          @change=${(e: Event) => this.setAttendance(p.person, (e.target as HTMLSelectElement).value)}>
                          ${['unknown', 'present', 'excused', 'absent', 'represented'].map(
                            (s) => html`<option value=${s} ?selected=${status === s}>${tr(`att_${s}` as Key)}</option>`,
                          )}
                        </select>
                        ${status === 'represented'
                          ? html`<select aria-label=${`${tr('proxyTo')} — ${p.name}`}
                              @change=${(e: Event) => this.setAttendance(p.person, 'represented', Number((e.target as HTMLSelectElement).value))}>
                              ${people
                                .filter((q) => q.person !== p.person)
                                .map((q) => html`<option value=${q.person} ?selected=${a?.proxy === q.person}>${q.name}</option>`)}
                            </select>`
                          : nothing}`
                    : html`${tr(`att_${status}` as Key)}${a?.proxy_name ? ` → ${a.proxy_name}` : ''}`}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <fieldset>
        <legend><strong>${tr('orgsPresent')}</strong></legend>
        ${(m.workspace_organisations ?? []).map(
          (o) => html`<label class="ag-check">
            <input type="checkbox" ?checked=${orgsPresent.has(o.organisation)} ?disabled=${!editable}
              @change=${(e: Event) => this.setOrg(o.organisation, (e.target as HTMLInputElement).checked)} />
            ${o.name}
          </label>`,
        )}
      </fieldset>
      ${m.quorum
        ? html`<p data-testid="agenda-quorum">
            <strong>${tr('quorum')}</strong> :
            <span class=${m.quorum.met ? 'ag-ok' : 'ag-warn'}>${getLocale() === 'en' ? m.quorum.text_en : m.quorum.text_fr}</span>
          </p>`
        : nothing}
    </section>`;
  }

  private renderMinutes(m: Meeting) {
    const mins = this.minutes;
    const state = m.minutes_state;
    return html`<section class="ag-card" aria-labelledby="ag-min-title" data-testid="agenda-minutes">
      <h3 id="ag-min-title">${tr('minutes')}</h3>
      <p data-testid="agenda-minutes-state" data-state=${state}>${tr('stateIs', { state: tr(`state_${state}` as Key) })}</p>
      ${m.minutes_hash ? html`<p class="ag-meta" data-testid="agenda-minutes-hash">${tr('hash', { hash: m.minutes_hash })}</p>` : nothing}
      <div class="ag-row">
        ${mins ? html`<a class="btn" href=${mins.markdown_url} data-testid="agenda-export-md">${tr('exportMd')}</a>
              <a class="btn" href=${mins.html_url} target="_blank" rel="noopener" data-testid="agenda-export-html">${tr('exportHtml')}</a>` : nothing}
        ${this.isOwner && (state === 'draft' || state === 'amended')
          ? html`<button class="btn" type="button" data-testid="agenda-approve" @click=${() => this.minutesOp('agenda.approve_minutes')}>${tr('approve')}</button>`
          : nothing}
        ${this.isOwner && state === 'approved'
          ? html`<button class="btn" type="button" @click=${() => this.minutesOp('agenda.reopen_minutes')}>${tr('reopen')}</button>
              <button class="btn btn-primary" type="button" data-testid="agenda-publish" @click=${() => this.minutesOp('agenda.publish_minutes')}>${tr('publish')}</button>`
          : nothing}
      </div>
      ${this.isMember && (state === 'draft' || state === 'amended')
        ? html`<form @submit=${(e: Event) => this.amend(e)}>
            <label for="ag-amend">${tr('amendText')}</label>
            <textarea id="ag-amend" name="text" rows="2" required maxlength="5000"></textarea>
            <button class="btn" type="submit">${tr('amend')}</button>
          </form>`
        : nothing}
      ${mins ? html`<details><summary>Markdown</summary><pre data-testid="agenda-minutes-text">${mins.markdown}</pre></details>` : nothing}
    </section>`;
  }

  private renderMeeting() {
    const m = this.meeting;
    if (!m) return nothing;
    const items = m.items ?? [];
    const editable = this.isMember && m.minutes_state !== 'published';
    const tops = items.filter((it) => it.parent === null);
    return html`
      <button class="btn btn-link" type="button" @click=${() => this.go('meetings')}>← ${tr('back')}</button>
      <article data-testid="agenda-meeting-view" data-meeting=${m.id}>
        <h3 id="ag-meeting-title" tabindex="-1">${m.title}</h3>
        <p class="ag-meta">${when(m)}</p>
        ${m.place ? html`<p class="ag-meta">${tr('place', { place: m.place })}</p>` : nothing}
        ${m.video_url ? html`<p class="ag-meta"><a href=${m.video_url} rel="noopener noreferrer" target="_blank">${tr('video')}</a></p>` : nothing}
        ${m.status === 'cancelled'
          ? html`<p class="ag-bad"><span class="ag-tag">${tr('cancelled')}</span> ${tr('reason', { reason: m.cancel_reason ?? '' })}</p>`
          : nothing}
        ${m.description ? html`<p style="white-space:pre-wrap">${m.description}</p>` : nothing}
        <div class="ag-row">
          <a class="btn" href=${m.ics_url} data-testid="agenda-ics">${tr('ics')}</a>
          ${this.isOwner && m.status !== 'cancelled' && m.minutes_state !== 'published'
            ? html`<button class="btn" type="button" data-testid="agenda-run" aria-pressed=${this.running ? 'true' : 'false'}
                  @click=${() => (this.running = !this.running)}>${this.running ? tr('stopRun') : tr('run')}</button>
                <button class="btn" type="button" @click=${() => (this.formOpen = this.formOpen === 'reschedule' ? null : 'reschedule')}>${tr('reschedule')}</button>
                <button class="btn" type="button" @click=${() => (this.confirmCancel = !this.confirmCancel)}>${tr('cancelMeeting')}</button>`
            : nothing}
        </div>
        ${this.formOpen === 'reschedule' ? this.renderMeetingForm(m) : nothing}
        ${this.confirmCancel
          ? html`<form class="ag-card" @submit=${(e: Event) => this.cancelMeeting(e)}>
              <label for="ag-cancel-reason">${tr('cancelReason')}</label>
              <input id="ag-cancel-reason" name="reason" type="text" required maxlength="1000" />
              <button class="btn" type="submit">${tr('confirmCancel')}</button>
            </form>`
          : nothing}
        ${this.renderCurrent(m)}
        <section aria-labelledby="ag-agenda-title">
          <h3 id="ag-agenda-title">${tr('agenda')}</h3>
          ${items.length
            ? html`<ol class="ag-items" data-testid="agenda-items">
                ${items.map((it) => this.renderItem(m, it, items.filter((s) => s.parent === it.parent)))}
              </ol>`
            : html`<p>${tr('noItems')}</p>`}
          ${(m.carry_over_actions ?? []).length
            ? html`<details class="ag-card"><summary>${tr('carryOver')}</summary>
                <ul>${(m.carry_over_actions ?? []).map((a) => this.renderAction(a))}</ul></details>`
            : nothing}
          ${editable
            ? html`<form class="ag-card" data-testid="agenda-item-form" @submit=${(e: Event) => this.addItem(e)}>
                <h4>${tr('addItem')}</h4>
                <label for="ag-item-title">${tr('itemTitle')}</label>
                <input id="ag-item-title" name="title" type="text" required maxlength="300" data-testid="agenda-item-title" />
                <div class="ag-grid">
                  <div>
                    <label for="ag-item-min">${tr('itemMinutes')}</label>
                    <input id="ag-item-min" name="planned_minutes" type="number" min="0" max="1440" inputmode="numeric" data-testid="agenda-item-minutes" />
                  </div>
                  <div>
                    <label for="ag-item-parent">${tr('itemParent')}</label>
                    <select id="ag-item-parent" name="parent">
                      <option value="">${tr('itemParentNone')}</option>
                      ${tops.map((t) => html`<option value=${t.id}>${t.number}. ${t.title}</option>`)}
                    </select>
                  </div>
                  <div>
                    <label for="ag-item-presenter">${tr('itemPresenter')}</label>
                    <select id="ag-item-presenter" name="presenter">${this.presenterOptions('nobody')}</select>
                  </div>
                </div>
                <label for="ag-item-desc">${tr('formDescription')}</label>
                <textarea id="ag-item-desc" name="description" rows="2" maxlength="5000"></textarea>
                <div class="ag-grid">
                  <div>
                    <label for="ag-item-thread">${tr('itemThread')}</label>
                    <select id="ag-item-thread" name="thread">
                      <option value="">${tr('nobody')}</option>
                      ${this.threads.map((t) => html`<option value=${t.id}>${t.title}</option>`)}
                    </select>
                  </div>
                  <div>
                    <label for="ag-item-url">${tr('itemUrl')}</label>
                    <input id="ag-item-url" name="url" type="url" maxlength="500" placeholder="https://" />
                  </div>
                </div>
                <button class="btn btn-primary" type="submit" data-testid="agenda-item-submit">${tr('addItem')}</button>
              </form>`
            : nothing}
        </section>
        ${this.renderAttendance(m)} ${this.renderMinutes(m)}
      </article>
    `;
  }

  private renderActions() {
    return html`<section aria-labelledby="ag-actions-title" data-testid="agenda-actions">
      <h3 id="ag-actions-title">${tr('allActions')}</h3>
      ${this.actions.length
        ? html`<ul class="ag-list">
            ${this.actions.map((a) => this.renderAction(a, true))}
          </ul>`
        : html`<p>${tr('noActions')}</p>`}
      <h3>${tr('otherActions')}</h3>
      ${this.myActions.length
        ? html`<ul class="ag-list" data-testid="agenda-my-actions">
            ${this.myActions.map(
              (a) => html`<li>
                ${a.what} — ${a.owner_name}${a.due ? html`, ${tr('due', { date: shortDate(a.due) })}` : nothing}
                <span class="ag-tag">${tr(`status_${a.status}` as Key)}</span>
                <p class="ag-meta">${a.workspace_name} · ${tr('fromMeeting', { title: a.meeting_title, date: shortDate(a.meeting_start_local) })}</p>
              </li>`,
            )}
          </ul>`
        : html`<p>${tr('noActions')}</p>`}
    </section>`;
  }

  private renderCadence() {
    const statusClass = (s: string) => (s === 'met' || s === 'on_track' ? 'ag-ok' : s === 'overdue' ? 'ag-bad' : 'ag-warn');
    const order = (r: CadenceRow) => {
      if (!r.order) return '';
      const date = r.order.target_start_local ? shortDate(r.order.target_start_local) : '';
      return tr(`order_${r.order.status}` as Key, { date });
    };
    return html`<section aria-labelledby="ag-cad-title" data-testid="agenda-cadence">
      <h3 id="ag-cad-title">${tr('cadenceTitle', { year: this.cadenceYear })}</h3>
      <p class="ag-meta">${tr('cadenceIntro')}</p>
      <label for="ag-cad-year">${tr('cadenceYear')}</label>
      <input id="ag-cad-year" type="number" min="2000" max="2100" .value=${String(this.cadenceYear)}
        @change=${(e: Event) => {
          const y = Number((e.target as HTMLInputElement).value);
          if (y >= 2000 && y <= 2100) {
            this.cadenceYear = y;
            void this.loadCadence();
          }
        }} />
      <div class="ag-table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">${tr('colInstance')}</th>
              <th scope="col">${tr('colRequired')}</th>
              <th scope="col">${tr('colHeld')}</th>
              <th scope="col">${tr('colScheduled')}</th>
              <th scope="col">${tr('colMissing')}</th>
              <th scope="col">${tr('colStatus')}</th>
              <th scope="col">${tr('colOrder')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.cadence.map(
              (r) => html`<tr data-testid="agenda-cadence-row" data-key=${r.key} data-status=${r.status}>
                <th scope="row">${r.name}</th>
                <td class="ag-num">${r.required}${r.max != null && r.max !== r.required ? ` (${tr('upTo', { n: r.max })})` : ''}</td>
                <td class="ag-num">${r.held}</td>
                <td class="ag-num">${r.scheduled}</td>
                <td class="ag-num">${r.missing}</td>
                <td>
                  <span class="ag-tag ${statusClass(r.status)}">${tr(`cad_${r.status}` as Key)}</span>
                  ${r.late_to_schedule
                    ? html`<br /><span class="ag-meta">${tr('late', { date: r.remind_by ? shortDate(`${this.cadenceYear}-${r.remind_by}`) : '' })}</span>`
                    : nothing}
                  ${r.reminded ? html`<br /><span class="ag-meta">${tr('reminded')}</span>` : nothing}
                  ${r.beyond_max ? html`<br /><span class="ag-meta">${tr('beyondMax')}</span>` : nothing}
                </td>
                <td class=${r.order?.status === 'violated' ? 'ag-bad' : ''}>${order(r)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  private renderFeed() {
    return html`<section aria-labelledby="ag-feed-title" data-testid="agenda-feed">
      <h3 id="ag-feed-title">${tr('feedTitle')}</h3>
      <p>${tr('feedIntro')}</p>
      <form @submit=${(e: Event) => this.createFeed(e)}>
        <label for="ag-feed-label">${tr('feedLabel')}</label>
        <input id="ag-feed-label" name="label" type="text" maxlength="100" />
        <button class="btn" type="submit" data-testid="agenda-feed-create">${tr('feedCreate')}</button>
      </form>
      ${this.feedUrl
        ? html`<p>${tr('feedUrl')}</p><input type="text" readonly aria-label=${tr('feedUrl')} .value=${this.feedUrl} data-testid="agenda-feed-url" />`
        : nothing}
      <h4>${tr('feedList')}</h4>
      ${this.feeds.length
        ? html`<ul>
            ${this.feeds.map(
              (f) => html`<li>${f.label || f.hint + '…'}
                <button class="btn" type="button" aria-label=${tr('feedRevokeLabel', { hint: f.hint })} @click=${() => this.revokeFeed(f)}>${tr('feedRevoke')}</button></li>`,
            )}
          </ul>`
        : html`<p>${tr('feedNone')}</p>`}
    </section>`;
  }
}

if (!customElements.get('pacte-panel-agenda')) customElements.define('pacte-panel-agenda', AgendaPanel);
