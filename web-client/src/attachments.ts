/**
 * Attachments (docs/protocol.md, "HTTP" and "Discussion"): a file is first
 * uploaded with `POST /api/attachments.upload?workspace=…&name=…` (its bytes as
 * the body), then sent with a message as `attachments: [ids]` in `chat.post`
 * or `chat.create_thread`. Until then only its uploader can fetch it.
 *
 * This module holds what does not depend on the DOM: the upload call, the
 * list of a form's pending uploads, size formatting, and the body given to a
 * message that has files but no text (the protocol requires a body).
 */
import type { Attachment } from './protocol/types';
import { getLocale, t, type Locale } from './i18n';

/**
 * The server's default `limits.max_attachment_bytes` (10 MiB). The server
 * decides (its limit is configurable and not announced to clients); this is
 * only used to explain a connection the server cut while a larger file was
 * being sent.
 */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** At most this many attachments per message. */
export const MAX_ATTACHMENTS = 10;

/** Types the server serves inline, which the client previews. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function isPreviewable(contentType: string | undefined | null): boolean {
  return PREVIEWABLE.has((contentType ?? '').split(';')[0].trim().toLowerCase());
}

/**
 * A human size in binary units, the way each language writes it:
 * "12 octets", "245 Ko", "1,2 Mo" in French; "12 bytes", "245 KB", "1.2 MB" in English.
 */
export function formatSize(bytes: number, locale: Locale = getLocale()): string {
  const fr = locale === 'fr';
  const n = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  const units = fr ? ['Ko', 'Mo', 'Go'] : ['KB', 'MB', 'GB'];
  if (n < 1024) {
    if (fr) return `${n}\u00a0octet${n > 1 ? 's' : ''}`;
    return `${n}\u00a0byte${n === 1 ? '' : 's'}`;
  }
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 10 ("1,2 Mo"), whole numbers above ("245 Ko").
  const digits = value < 10 ? 1 : 0;
  let rounded = Number(value.toFixed(digits));
  if (rounded >= 1024 && unit < units.length - 1) {
    rounded = 1;
    unit++;
  }
  const text = new Intl.NumberFormat(fr ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(rounded);
  // A no-break space keeps "245 Ko" on one line.
  return `${text}\u00a0${units[unit]}`;
}

/**
 * The body of a message sent with files and no text: their names. The
 * protocol requires a body of at least one character; the names make the
 * message findable by search and readable in other clients.
 */
export function autoBody(attachments: readonly Pick<Attachment, 'name'>[]): string {
  return attachments
    .map((a) => a.name)
    .join(', ')
    .slice(0, 10_000);
}

/** True when a message's body is only the names of its files (shown as the files alone). */
export function isAutoBody(body: string, attachments: readonly Pick<Attachment, 'name'>[] | undefined): boolean {
  return !!attachments?.length && body.trim() === autoBody(attachments).trim();
}

// ------------------------------------------------------------------ upload

export type UploadErrorKind =
  | 'too_large'
  | 'empty'
  | 'too_many'
  | 'network'
  | 'unauthenticated'
  | 'forbidden'
  | 'aborted'
  | 'server';

export class UploadError extends Error {
  readonly kind: UploadErrorKind;
  readonly messageFr?: string;
  readonly status?: number;
  constructor(kind: UploadErrorKind, message: string = kind, extra: { messageFr?: string; status?: number } = {}) {
    super(message);
    this.name = 'UploadError';
    this.kind = kind;
    this.messageFr = extra.messageFr;
    this.status = extra.status;
  }
}

/** What an upload needs of a file (a browser `File`, or a stand-in in tests). */
export interface FileLike {
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export function uploadUrl(workspace: number, name: string): string {
  return `/api/attachments.upload?workspace=${encodeURIComponent(String(workspace))}&name=${encodeURIComponent(name)}`;
}

/**
 * Uploads one file to a workspace and resolves with the stored attachment.
 * Rejects with an {@link UploadError}; an empty file is refused without a
 * request (the server would answer `bad_request`).
 */
export async function uploadAttachment(
  workspace: number,
  file: FileLike,
  opts: { fetch?: FetchLike; signal?: AbortSignal } = {},
): Promise<Attachment> {
  if (file.size === 0) throw new UploadError('empty');
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init));
  let res: Response;
  try {
    res = await doFetch(uploadUrl(workspace, file.name), {
      method: 'POST',
      body: file as unknown as BodyInit,
      headers: { 'Content-Type': file.type || 'application/octet-stream' },
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if (opts.signal?.aborted || (err as Error)?.name === 'AbortError') throw new UploadError('aborted');
    // A server refusing a body over its limit may answer 413 and close the
    // connection before the browser has sent everything: the browser then
    // reports a network error.
    if (file.size > MAX_ATTACHMENT_BYTES) throw new UploadError('too_large', 'connection closed during a large upload');
    throw new UploadError('network', (err as Error)?.message ?? 'network error');
  }
  let json: any = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  const attachment = json?.result?.attachment;
  if (res.ok && json?.ok !== false && attachment && typeof attachment.id === 'number') return attachment as Attachment;
  const e = json?.error ?? {};
  const extra = { messageFr: e.message_fr as string | undefined, status: res.status };
  if (res.status === 413 || e.code === 'too_large') throw new UploadError('too_large', e.message, extra);
  if (res.status === 401 || e.code === 'unauthenticated') throw new UploadError('unauthenticated', e.message, extra);
  if (res.status === 403 || res.status === 404 || e.code === 'forbidden' || e.code === 'not_found') {
    throw new UploadError('forbidden', e.message, extra);
  }
  throw new UploadError('server', e.message || `HTTP ${res.status}`, extra);
}

/** The sentence shown for a failed upload, in the current language. */
export function uploadErrorText(err: UploadError | undefined): string {
  if (!err) return '';
  switch (err.kind) {
    case 'too_large':
      return t('attach.tooLarge');
    case 'empty':
      return t('attach.empty');
    case 'too_many':
      return t('attach.tooMany', { max: MAX_ATTACHMENTS });
    case 'network':
      return t('attach.network');
    case 'unauthenticated':
      return t('attach.unauthenticated');
    case 'forbidden':
      return t('attach.forbidden');
    case 'aborted':
      return t('attach.aborted');
    default: {
      const text = getLocale() === 'fr' && err.messageFr ? err.messageFr : err.message;
      return t('attach.failed', { message: text });
    }
  }
}

// ---------------------------------------------------------- pending uploads

export interface PendingUpload {
  key: number;
  name: string;
  size: number;
  type: string;
  status: 'uploading' | 'done' | 'error';
  attachment?: Attachment;
  error?: UploadError;
}

type Uploader = (workspace: number, file: FileLike, opts: { signal?: AbortSignal }) => Promise<Attachment>;

/**
 * The files attached to a message being written (the composer of a thread,
 * or the new-thread form): each upload starts as soon as the file is chosen;
 * the message is sent with the ids of those that are done.
 */
export class UploadList {
  readonly workspace: number;
  items: PendingUpload[] = [];
  private nextKey = 1;
  private controllers = new Map<number, AbortController>();
  private listeners = new Set<() => void>();
  private readonly uploader: Uploader;

  constructor(workspace: number, uploader: Uploader = uploadAttachment) {
    this.workspace = workspace;
    this.uploader = uploader;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  /** Starts uploading files; resolves when these uploads are over (done or failed). */
  add(files: Iterable<FileLike>): Promise<void> {
    const started: Promise<void>[] = [];
    for (const file of files) {
      const item: PendingUpload = {
        key: this.nextKey++,
        name: file.name || 'fichier',
        size: file.size,
        type: file.type,
        status: 'uploading',
      };
      this.items = [...this.items, item];
      const counted = this.items.filter((i) => i.status !== 'error').length;
      if (counted > MAX_ATTACHMENTS) {
        this.fail(item, new UploadError('too_many'));
        continue;
      }
      const ctrl = typeof AbortController === 'function' ? new AbortController() : undefined;
      if (ctrl) this.controllers.set(item.key, ctrl);
      started.push(
        this.uploader(this.workspace, file, { signal: ctrl?.signal }).then(
          (attachment) => {
            this.controllers.delete(item.key);
            if (!this.items.includes(item)) return;
            this.replace(item, { ...item, status: 'done', attachment });
          },
          (err) => {
            this.controllers.delete(item.key);
            if (!this.items.includes(item)) return;
            this.fail(item, err instanceof UploadError ? err : new UploadError('network', String(err)));
          },
        ),
      );
    }
    this.changed();
    return Promise.all(started).then(() => undefined);
  }

  private replace(item: PendingUpload, next: PendingUpload): void {
    this.items = this.items.map((i) => (i === item ? next : i));
    this.changed();
  }

  private fail(item: PendingUpload, error: UploadError): void {
    this.replace(item, { ...item, status: 'error', error });
  }

  /** Removes a file (and stops its upload). */
  remove(key: number): void {
    this.controllers.get(key)?.abort();
    this.controllers.delete(key);
    this.items = this.items.filter((i) => i.key !== key);
    this.changed();
  }

  /** Forgets every file (the message was sent, or the form reset). */
  clear(): void {
    for (const c of this.controllers.values()) c.abort();
    this.controllers.clear();
    if (!this.items.length) return;
    this.items = [];
    this.changed();
  }

  /** True while a file is still uploading. */
  get busy(): boolean {
    return this.items.some((i) => i.status === 'uploading');
  }

  /** The uploaded files, in the order they were added. */
  get attachments(): Attachment[] {
    return this.items.filter((i) => i.status === 'done' && i.attachment).map((i) => i.attachment!);
  }
}

/** Keeps one list of pending uploads per form (`thread:12`, `new:4`) for the session. */
const lists = new Map<string, UploadList>();

export function uploadListFor(key: string, workspace: number): UploadList {
  let list = lists.get(key);
  if (!list || list.workspace !== workspace) {
    list = new UploadList(workspace);
    lists.set(key, list);
  }
  return list;
}

/** Drops every list (sign-out). */
export function forgetUploadLists(): void {
  for (const l of lists.values()) l.clear();
  lists.clear();
}
