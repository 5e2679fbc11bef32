/**
 * Shapes of the objects exchanged with the Pacte server, as documented in
 * docs/protocol.md (the single source of truth). Only what the client reads is
 * typed; unknown fields are kept but ignored.
 */

export type Id = number;

export interface Person {
  id: Id;
  name: string;
  email?: string;
  title?: string;
  locale?: string;
}

export interface SessionOrganisation {
  id: Id;
  key: string;
  name: string;
  short: string;
  capacity?: string;
}

export interface SessionMe {
  person: Person;
  organisations: SessionOrganisation[];
  is_admin: boolean;
}

export interface Workspace {
  id: Id;
  /** The pact's id (the server in progress sends its key, a string). */
  pact: Id | string;
  key: string;
  name: string;
  kind: string;
  kind_label: string;
  /** Not in docs/protocol.md (yet), sent by the server: used when present. */
  kind_label_en?: string;
  kind_label_plural?: string;
  kind_label_plural_en?: string;
  kind_position?: number;
  description?: string;
  role: 'observer' | 'member' | 'owner' | string;
  archived: boolean;
  last_seq: number;
  unread: number;
  mentions: number;
  plugins: string[];
}

export interface Thread {
  id: Id;
  workspace: Id;
  title: string;
  /** English title of a plugin's activity thread (null otherwise, and after a rename). */
  title_en?: string | null;
  resolved: boolean;
  created_by: Id;
  created_at: string;
  last_message_at: string;
  message_count: number;
  unread: number;
  mentions: number;
  last_read: Id | null;
}

export interface Message {
  id: Id;
  thread: Id;
  workspace: Id;
  /** Null for an activity message posted by a plugin on its own (a timer). */
  author: Id | null;
  author_name: string | null;
  /** Markdown; French for a plugin's activity message. */
  body: string;
  /** English text of a plugin's activity message, for English readers (absent otherwise). */
  body_en?: string;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  reply_to: Id | null;
  reactions: Record<string, Id[]>;
  mentions: { people: Id[]; organisations: Id[] };
  /** Files sent with the message (absent from older servers' messages). */
  attachments?: Attachment[];
  /** A plugin's live card (activity messages and command answers), replaced by `chat.card_updated`. */
  card?: Card | null;
  /** The plugin that posted the message as activity (null for people's messages). */
  plugin?: string | null;
  /** Only in `chat.search` results. */
  thread_title?: string;
  thread_title_en?: string | null;
  snippet?: string;
}

/**
 * A plugin's structured card (issue 12). Texts are French; each may have an English
 * sibling `…_en` that English readers see (`localizeCard`); cards stored before that
 * have none and are shown as they are.
 */
export interface Card {
  /** Identifies the card for `chat.card_updated` ("signatures:campaign:3"). */
  key?: string;
  /** The plugin that made it: names the author of an activity message without one. */
  plugin?: string;
  title?: string;
  title_en?: string;
  subtitle?: string;
  subtitle_en?: string;
  fields?: { label: string; label_en?: string; value: string; value_en?: string }[];
  progress?: { label: string; label_en?: string; done: number; total: number }[];
  links?: { label: string; label_en?: string; href: string }[];
  actions?: CardAction[];
}

export interface CardAction {
  label: string;
  label_en?: string;
  /** An ordinary operation, called with `client.request(op, args)`; the server checks it again. */
  op: string;
  args?: Record<string, unknown>;
  style?: 'primary' | 'secondary' | 'danger' | string;
}

/** A stored file (`attachments.upload`, and `message.attachments`). */
export interface Attachment {
  id: Id;
  name: string;
  content_type: string;
  size: number;
  sha256?: string;
  /** Where members fetch it: `/attachments/<id>`. */
  url: string;
}

export interface MemberPerson {
  id: Id;
  name: string;
  title?: string;
  role: string;
  online: boolean;
}

export interface MemberOrganisation {
  id: Id;
  name: string;
  short: string;
  role: string;
}

export interface Members {
  people: MemberPerson[];
  organisations: MemberOrganisation[];
}

export interface PluginInfo {
  name: string;
  version?: string;
  /** In the language of the session when listed. */
  title?: string;
  title_fr?: string;
  title_en?: string;
  enabled: boolean;
}

export interface ErrorBody {
  code: string;
  message: string;
  message_fr?: string;
  field?: string;
  retry_after?: number;
}

export interface ReplyFrame {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: ErrorBody;
}

/** Any server-pushed frame: stored events (with `seq`), personal events
 * (`stream: "personal"`), and ephemeral signals (no `seq`). */
export interface EventFrame<D = any> {
  event: string;
  workspace?: Id;
  stream?: 'personal' | string;
  seq?: number;
  author?: Id;
  time?: string;
  data: D;
}

/** The kinds of notification (docs/protocol.md, "Notifications"). */
export const NOTIFICATION_KINDS = [
  'mention',
  'reply',
  'invitation',
  'meeting',
  'document',
  'signature',
  'reminder',
  'cadence',
  'deadline',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One entry of a person's notification centre (`notifications.list`). */
export interface Notification {
  id: Id;
  kind: NotificationKind | string;
  workspace: Id | null;
  /** Already in the person's language. */
  title: string;
  body: string;
  /** A client route such as `#/w/<workspace key or id>/t/12`, or empty. */
  link: string;
  created_at: string;
  read_at: string | null;
}

/** How often the emails of unread activity are sent. */
export const DIGEST_MODES = ['immediately', 'hourly', 'daily', 'never'] as const;
export type DigestMode = (typeof DIGEST_MODES)[number];

/** `notifications.prefs.get` and `notifications.prefs.set`. */
export interface NotificationPrefs {
  /** False when this server sends no email at all (no SMTP configured). */
  email_configured: boolean;
  email: Record<string, boolean>;
  digest: DigestMode;
  /** Workspace id → its own digest mode (overrides `digest`). */
  workspaces: Record<string, DigestMode>;
}
