/**
 * Every user-visible string of the client, in French (the default) and
 * English. `t(key, vars)` looks a string up in the current language and fills
 * `{name}` placeholders; `tn(key, count)` picks the `_one`/`_other` form.
 * Dates and times are always shown in Europe/Paris time.
 *
 * The current language is persisted in localStorage (`pacte.locale`) and set
 * as the `lang` attribute of the document.
 */

const fr = {
  'app.name': 'Pacte',
  'app.tagline': 'Espace de coopération des partenaires du pacte',
  'app.skip': 'Aller au contenu',
  'app.loading': 'Chargement…',
  'app.unreachable': 'Le serveur ne répond pas. Nouvel essai dans un instant…',
  'app.language': 'Langue',
  'app.language.fr': 'Français',
  'app.language.en': 'English',
  'app.logout': 'Se déconnecter',
  'app.signedInAs': 'Connecté·e en tant que {name}',
  'app.sessionEnded': 'Votre session a pris fin. Veuillez vous reconnecter.',
  'app.offline': 'Connexion perdue — reconnexion…',
  'app.offlinePending_one': '{count} message en attente d’envoi.',
  'app.offlinePending_other': '{count} messages en attente d’envoi.',
  'app.retryNow': 'Réessayer maintenant',
  'app.error': 'Une erreur est survenue : {message}',
  'app.dismiss': 'Fermer',

  'login.title': 'Connexion',
  'login.intro': 'Connectez-vous avec l’adresse électronique et le mot de passe de votre compte Pacte.',
  'login.email': 'Adresse électronique',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.submitting': 'Connexion…',
  'login.wrong': 'Adresse électronique ou mot de passe incorrect.',
  'login.rateLimited': 'Trop de tentatives de connexion. Réessayez dans {seconds} secondes.',
  'login.rateLimitedNoDelay': 'Trop de tentatives de connexion. Réessayez dans quelques minutes.',
  'login.failed': 'La connexion a échoué ({status}). Réessayez plus tard.',
  'login.network': 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
  'login.missing': 'Saisissez votre adresse électronique et votre mot de passe.',

  'workspaces.title': 'Espaces de travail',
  'workspaces.empty': 'Vous ne faites partie d’aucun espace pour le moment.',
  'workspaces.choose': 'Choisissez un espace de travail dans la liste.',
  'workspaces.archived': 'Archivés',
  'workspaces.archivedMark': 'archivé',
  'workspaces.unread_one': '{count} message non lu',
  'workspaces.unread_other': '{count} messages non lus',
  'workspaces.mentions_one': '{count} mention',
  'workspaces.mentions_other': '{count} mentions',
  'workspaces.back': 'Espaces',
  'workspaces.notFound': 'Cet espace n’existe pas ou vous n’y avez pas accès.',

  'kind.comite_technique': 'Comités techniques',
  'kind.comite_financeurs': 'Comités des financeurs',
  'kind.comite_pilotage': 'Comité de pilotage',
  'kind.rencontre_thematique': 'Rencontres thématiques',
  'kind.pacte': 'Pacte',
  'kind.other': 'Autres espaces',

  'role.owner': 'responsable',
  'role.member': 'membre',
  'role.observer': 'observateur',

  'tabs.label': 'Sections de l’espace',
  'tabs.discussion': 'Discussion',
  'tabs.members': 'Membres',

  'threads.title': 'Fils de discussion',
  'threads.new': 'Nouveau fil',
  'threads.empty': 'Aucun fil pour l’instant. Lancez la discussion !',
  'threads.resolved': 'résolu',
  'threads.unread_one': '{count} non lu',
  'threads.unread_other': '{count} non lus',
  'threads.messages_one': '{count} message',
  'threads.messages_other': '{count} messages',
  'threads.back': 'Fils de discussion',
  'threads.choose': 'Choisissez un fil de discussion, ou créez-en un.',
  'threads.notFound': 'Ce fil n’existe pas ou a été supprimé.',
  'threads.showResolved': 'Afficher les fils résolus',

  'newThread.title': 'Nouveau fil de discussion',
  'newThread.titleLabel': 'Titre',
  'newThread.bodyLabel': 'Premier message',
  'newThread.bodyHint': 'Mise en forme Markdown ; mentionnez avec @.',
  'newThread.submit': 'Créer le fil',
  'newThread.cancel': 'Annuler',
  'newThread.missing': 'Le titre et le premier message sont obligatoires.',
  'newThread.offline': 'Vous êtes hors ligne : le fil sera créé dès le retour de la connexion.',

  'thread.resolve': 'Marquer comme résolu',
  'thread.reopen': 'Rouvrir le fil',
  'thread.resolvedBanner': 'Ce fil est marqué comme résolu.',
  'thread.older': 'Afficher les messages précédents',
  'thread.loadingOlder': 'Chargement…',
  'thread.start': 'Début du fil',
  'thread.newMessages': 'Nouveaux messages',
  'thread.loading': 'Chargement des messages…',
  'thread.messages': 'Messages',

  'message.edited': 'modifié',
  'message.editedAt': 'Modifié le {date}',
  'message.deleted': 'Message supprimé.',
  'message.edit': 'Modifier',
  'message.delete': 'Supprimer',
  'message.confirmDelete': 'Supprimer définitivement ce message ?',
  'message.save': 'Enregistrer',
  'message.cancel': 'Annuler',
  'message.editLabel': 'Modifier le message',
  'message.react': 'Réagir',
  'message.reactions': 'Réactions',
  'message.reactWith': 'Réagir avec {emoji}',
  'message.reaction_one': '{emoji} : {count} réaction{mine}',
  'message.reaction_other': '{emoji} : {count} réactions{mine}',
  'message.reactionMine': ', dont la vôtre',
  'message.pending': 'En attente d’envoi…',
  'message.failed': 'Non envoyé : {message}',
  'message.retry': 'Réessayer',
  'message.discard': 'Abandonner',
  'message.actions': 'Actions sur le message de {name}',
  'message.you': 'Vous',

  'composer.label': 'Votre message',
  'composer.placeholder': 'Écrire un message…',
  'composer.send': 'Envoyer',
  'composer.hint': 'Entrée pour envoyer, Maj+Entrée pour aller à la ligne, @ pour mentionner.',
  'composer.suggestions': 'Personnes et organisations à mentionner',
  'composer.organisation': 'organisation',
  'composer.readOnly': 'Vous pouvez lire cet espace mais pas y écrire.',

  'typing.one': '{a} est en train d’écrire…',
  'typing.two': '{a} et {b} sont en train d’écrire…',
  'typing.many': 'Plusieurs personnes sont en train d’écrire…',

  'search.label': 'Rechercher dans les messages',
  'search.placeholder': 'Rechercher…',
  'search.submit': 'Rechercher',
  'search.title': 'Résultats pour « {query} »',
  'search.empty': 'Aucun message ne correspond à votre recherche.',
  'search.loading': 'Recherche…',
  'search.inThread': 'dans « {title} »',

  'members.title': 'Membres',
  'members.people': 'Personnes',
  'members.organisations': 'Organisations',
  'members.online': 'en ligne',
  'members.offline': 'hors ligne',
  'members.loading': 'Chargement des membres…',

  'panel.unavailable': 'Panneau indisponible',
  'panel.unavailableText': 'Le module « {name} » est activé dans cet espace, mais ce client ne sait pas encore l’afficher.',
  'panel.loading': 'Chargement du module…',
  'panel.failed': 'Le module « {name} » n’a pas pu être chargé.',

  'time.today': 'aujourd’hui',
  'time.yesterday': 'hier',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'app.name': 'Pacte',
  'app.tagline': 'Cooperation space for the partners of the pact',
  'app.skip': 'Skip to content',
  'app.loading': 'Loading…',
  'app.unreachable': 'The server does not answer. Trying again shortly…',
  'app.language': 'Language',
  'app.language.fr': 'Français',
  'app.language.en': 'English',
  'app.logout': 'Sign out',
  'app.signedInAs': 'Signed in as {name}',
  'app.sessionEnded': 'Your session has ended. Please sign in again.',
  'app.offline': 'Connection lost — reconnecting…',
  'app.offlinePending_one': '{count} message waiting to be sent.',
  'app.offlinePending_other': '{count} messages waiting to be sent.',
  'app.retryNow': 'Retry now',
  'app.error': 'Something went wrong: {message}',
  'app.dismiss': 'Dismiss',

  'login.title': 'Sign in',
  'login.intro': 'Sign in with the email address and password of your Pacte account.',
  'login.email': 'Email address',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.wrong': 'Wrong email address or password.',
  'login.rateLimited': 'Too many sign-in attempts. Try again in {seconds} seconds.',
  'login.rateLimitedNoDelay': 'Too many sign-in attempts. Try again in a few minutes.',
  'login.failed': 'Sign-in failed ({status}). Try again later.',
  'login.network': 'Cannot reach the server. Check your connection and try again.',
  'login.missing': 'Enter your email address and your password.',

  'workspaces.title': 'Workspaces',
  'workspaces.empty': 'You are not a member of any workspace yet.',
  'workspaces.choose': 'Choose a workspace from the list.',
  'workspaces.archived': 'Archived',
  'workspaces.archivedMark': 'archived',
  'workspaces.unread_one': '{count} unread message',
  'workspaces.unread_other': '{count} unread messages',
  'workspaces.mentions_one': '{count} mention',
  'workspaces.mentions_other': '{count} mentions',
  'workspaces.back': 'Workspaces',
  'workspaces.notFound': 'This workspace does not exist or you have no access to it.',

  'kind.comite_technique': 'Technical committees',
  'kind.comite_financeurs': 'Funders’ committees',
  'kind.comite_pilotage': 'Steering committee',
  'kind.rencontre_thematique': 'Thematic meetings',
  'kind.pacte': 'Pact',
  'kind.other': 'Other workspaces',

  'role.owner': 'owner',
  'role.member': 'member',
  'role.observer': 'observer',

  'tabs.label': 'Workspace sections',
  'tabs.discussion': 'Discussion',
  'tabs.members': 'Members',

  'threads.title': 'Threads',
  'threads.new': 'New thread',
  'threads.empty': 'No thread yet. Start the discussion!',
  'threads.resolved': 'resolved',
  'threads.unread_one': '{count} unread',
  'threads.unread_other': '{count} unread',
  'threads.messages_one': '{count} message',
  'threads.messages_other': '{count} messages',
  'threads.back': 'Threads',
  'threads.choose': 'Choose a thread, or start one.',
  'threads.notFound': 'This thread does not exist or was deleted.',
  'threads.showResolved': 'Show resolved threads',

  'newThread.title': 'New thread',
  'newThread.titleLabel': 'Title',
  'newThread.bodyLabel': 'First message',
  'newThread.bodyHint': 'Markdown formatting; mention with @.',
  'newThread.submit': 'Create thread',
  'newThread.cancel': 'Cancel',
  'newThread.missing': 'The title and the first message are required.',
  'newThread.offline': 'You are offline: the thread will be created when the connection is back.',

  'thread.resolve': 'Mark as resolved',
  'thread.reopen': 'Reopen thread',
  'thread.resolvedBanner': 'This thread is marked as resolved.',
  'thread.older': 'Show earlier messages',
  'thread.loadingOlder': 'Loading…',
  'thread.start': 'Start of the thread',
  'thread.newMessages': 'New messages',
  'thread.loading': 'Loading messages…',
  'thread.messages': 'Messages',

  'message.edited': 'edited',
  'message.editedAt': 'Edited on {date}',
  'message.deleted': 'Message deleted.',
  'message.edit': 'Edit',
  'message.delete': 'Delete',
  'message.confirmDelete': 'Delete this message for good?',
  'message.save': 'Save',
  'message.cancel': 'Cancel',
  'message.editLabel': 'Edit the message',
  'message.react': 'React',
  'message.reactions': 'Reactions',
  'message.reactWith': 'React with {emoji}',
  'message.reaction_one': '{emoji}: {count} reaction{mine}',
  'message.reaction_other': '{emoji}: {count} reactions{mine}',
  'message.reactionMine': ', including yours',
  'message.pending': 'Waiting to be sent…',
  'message.failed': 'Not sent: {message}',
  'message.retry': 'Retry',
  'message.discard': 'Discard',
  'message.actions': 'Actions on the message by {name}',
  'message.you': 'You',

  'composer.label': 'Your message',
  'composer.placeholder': 'Write a message…',
  'composer.send': 'Send',
  'composer.hint': 'Enter to send, Shift+Enter for a new line, @ to mention.',
  'composer.suggestions': 'People and organisations to mention',
  'composer.organisation': 'organisation',
  'composer.readOnly': 'You can read this workspace but not write in it.',

  'typing.one': '{a} is typing…',
  'typing.two': '{a} and {b} are typing…',
  'typing.many': 'Several people are typing…',

  'search.label': 'Search the messages',
  'search.placeholder': 'Search…',
  'search.submit': 'Search',
  'search.title': 'Results for “{query}”',
  'search.empty': 'No message matches your search.',
  'search.loading': 'Searching…',
  'search.inThread': 'in “{title}”',

  'members.title': 'Members',
  'members.people': 'People',
  'members.organisations': 'Organisations',
  'members.online': 'online',
  'members.offline': 'offline',
  'members.loading': 'Loading members…',

  'panel.unavailable': 'Panel unavailable',
  'panel.unavailableText': 'The “{name}” module is enabled in this workspace, but this client cannot show it yet.',
  'panel.loading': 'Loading the module…',
  'panel.failed': 'The “{name}” module could not be loaded.',

  'time.today': 'today',
  'time.yesterday': 'yesterday',
};

export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];
const dictionaries: Record<Locale, Record<MessageKey, string>> = { fr, en };
const STORAGE_KEY = 'pacte.locale';
export const TIME_ZONE = 'Europe/Paris';

let current: Locale = readStoredLocale() ?? 'fr';
const listeners = new Set<(locale: Locale) => void>();

function readStoredLocale(): Locale | null {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'fr' || v === 'en' ? v : null;
  } catch {
    return null;
  }
}

/** True when the person chose a language in this browser (it then wins over the account's). */
export function hasStoredLocale(): boolean {
  return readStoredLocale() !== null;
}

export function getLocale(): Locale {
  return current;
}

export function isLocale(v: unknown): v is Locale {
  return v === 'fr' || v === 'en';
}

/** Changes the language, persists it, sets `<html lang>` and notifies listeners. */
export function setLocale(locale: Locale, persist = true): void {
  if (persist) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      /* ignore */
    }
  }
  if (locale === current) {
    applyLang();
    return;
  }
  current = locale;
  applyLang();
  cache.clear();
  for (const fn of [...listeners]) fn(locale);
}

export function onLocaleChange(fn: (locale: Locale) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Sets the `lang` attribute of the document to the current language. */
export function applyLang(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = dictionaries[current][key] ?? fr[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

type PluralBase<K> = K extends `${infer B}_one` ? B : never;
export type PluralKey = PluralBase<MessageKey>;

/** Plural form: looks up `${key}_one` or `${key}_other` and fills `{count}`. */
export function tn(key: PluralKey, count: number, vars: Record<string, string | number> = {}): string {
  const rule = new Intl.PluralRules(current === 'fr' ? 'fr-FR' : 'en-GB').select(count);
  const suffix = rule === 'one' ? '_one' : '_other';
  return t(`${key}${suffix}` as MessageKey, { count, ...vars });
}

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${current}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(current === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: TIME_ZONE, ...opts });
    cache.set(key, f);
  }
  return f;
}

function parisDay(d: Date): string {
  return formatter('day-key', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Full date and time, Europe/Paris ("29 nov. 2026, 18:35"). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return formatter('datetime', { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/**
 * Short form for lists: the time today, "hier" yesterday, the date otherwise
 * (all in Europe/Paris time).
 */
export function formatShort(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const day = parisDay(d);
  if (day === parisDay(now)) return formatter('time', { timeStyle: 'short' }).format(d);
  const yesterday = new Date(now.getTime() - 86_400_000);
  if (day === parisDay(yesterday)) return t('time.yesterday');
  const sameYear =
    formatter('year', { year: 'numeric' }).format(d) === formatter('year', { year: 'numeric' }).format(now);
  return sameYear
    ? formatter('daymonth', { day: 'numeric', month: 'short' }).format(d)
    : formatter('date', { dateStyle: 'medium' }).format(d);
}

/** Time of a message: the time today, date and time otherwise. */
export function formatMessageTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (parisDay(d) === parisDay(now)) return formatter('time', { timeStyle: 'short' }).format(d);
  return formatDateTime(iso);
}

/** Picks the server's French message when the client speaks French. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: string; messageFr?: string; message_fr?: string };
    const fr = e.messageFr ?? e.message_fr;
    if (current === 'fr' && fr) return fr;
    if (e.message) return e.message;
  }
  return String(err);
}
