/**
 * The person's notification centre and email preferences (docs/protocol.md,
 * "Notifications"), kept up to date from the personal stream.
 *
 * What it promises:
 * - `list` holds the notifications loaded so far, newest first, each once
 *   (merged by id, whether it came from `notifications.list` or from a
 *   `notification.created` event);
 * - `unread` is the server's count of unread notifications (all of them, not
 *   only the loaded ones): every reply and event carries it, and the latest one
 *   wins; marking read lowers it at once (optimistically) and the reply
 *   corrects it;
 * - `notifications.read` (another tab, or this one) marks the same ones read
 *   here; a personal `resync_required` reloads the first page.
 *
 * It calls `changed()` after every change (the store batches re-renders).
 */
import type { ProtocolClient } from '../protocol/client';
import { errorText } from '../i18n';
import type { DigestMode, EventFrame, Notification, NotificationPrefs, Workspace } from '../protocol/types';

/** Page size of `notifications.list` (the server's default). */
export const NOTIFICATIONS_PAGE = 50;

/** The arguments of `notifications.prefs.set`: only what changes. */
export interface PrefsChange {
  email?: Record<string, boolean>;
  digest?: DigestMode;
  workspace?: number;
  /** `null` removes the workspace's own setting (the general one applies). */
  workspace_digest?: DigestMode | null;
}

export class NotificationCenter {
  /** Loaded notifications, newest first. */
  list: Notification[] = [];
  unread = 0;
  loaded = false;
  loading = false;
  loadingOlder = false;
  /** The last page was full: older notifications may exist. */
  moreBefore = false;
  error: string | undefined;
  prefs: NotificationPrefs | null = null;
  prefsError: string | undefined;

  private readonly client: ProtocolClient;
  private readonly changed: () => void;
  private readonly now: () => number;
  private unsubscribers: (() => void)[] = [];
  private createdListeners = new Set<(n: Notification) => void>();
  /** Bumped by every reload, so that an older reply does not overwrite a newer one. */
  private generation = 0;

  constructor(client: ProtocolClient, changed: () => void, opts: { now?: () => number } = {}) {
    this.client = client;
    this.changed = changed;
    this.now = opts.now ?? (() => Date.now());
    this.unsubscribers.push(
      client.on('notification.created', (ev) => this.apply(ev)),
      client.on('notifications.read', (ev) => this.apply(ev)),
      client.onResync((target) => {
        if (target === 'personal') void this.load();
      }),
      client.onState((state) => {
        if (state === 'online' && !this.loaded && !this.loading) void this.load();
      }),
    );
    if (client.online) void this.load();
  }

  dispose(): void {
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    this.createdListeners.clear();
  }

  /** Called once for each notification that arrives live (to announce it). */
  onCreated(fn: (n: Notification) => void): () => void {
    this.createdListeners.add(fn);
    return () => this.createdListeners.delete(fn);
  }

  // ------------------------------------------------------------- loading

  /** Loads (or reloads) the newest page. */
  async load(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.changed();
    try {
      const res = await this.client.request<{ notifications: Notification[]; unread: number }>('notifications.list', {
        limit: NOTIFICATIONS_PAGE,
      });
      if (generation !== this.generation) return;
      const fresh = (res.notifications ?? []).filter(isNotification);
      const newestFetched = fresh.reduce((max, n) => Math.max(max, n.id), 0);
      // Keep what events brought in while the page was on its way.
      const kept = this.list.filter((n) => n.id > newestFetched);
      this.list = [];
      for (const n of [...kept, ...fresh]) this.merge(n);
      if (typeof res.unread === 'number') this.unread = res.unread;
      this.moreBefore = fresh.length >= NOTIFICATIONS_PAGE;
      this.loaded = true;
      this.error = undefined;
    } catch (err) {
      if (generation === this.generation) this.error = errorText(err);
    } finally {
      if (generation === this.generation) this.loading = false;
      this.changed();
    }
  }

  /** Loads the page before the oldest one shown. */
  async loadOlder(): Promise<void> {
    if (this.loadingOlder || !this.moreBefore || !this.list.length) return;
    this.loadingOlder = true;
    this.changed();
    try {
      const oldest = this.list[this.list.length - 1].id;
      const res = await this.client.request<{ notifications: Notification[]; unread: number }>('notifications.list', {
        before: oldest,
        limit: NOTIFICATIONS_PAGE,
      });
      const page = (res.notifications ?? []).filter(isNotification);
      for (const n of page) this.merge(n);
      if (typeof res.unread === 'number') this.unread = res.unread;
      this.moreBefore = page.length >= NOTIFICATIONS_PAGE;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loadingOlder = false;
      this.changed();
    }
  }

  // ------------------------------------------------------------- changes

  /** Marks some notifications read (those already read are left alone). */
  async markRead(ids: number[]): Promise<void> {
    const unread = new Set(ids.filter((id) => this.list.find((n) => n.id === id && !n.read_at)));
    if (!unread.size) return;
    const stamp = new Date(this.now()).toISOString();
    for (const n of this.list) if (unread.has(n.id)) n.read_at = stamp;
    this.unread = Math.max(0, this.unread - unread.size);
    this.changed();
    try {
      const res = await this.client.request<{ unread: number }>('notifications.mark_read', { ids: [...unread] });
      if (typeof res?.unread === 'number') this.unread = res.unread;
    } catch {
      // Not recorded: show the server's state again.
      void this.load();
    }
    this.changed();
  }

  /** "Tout marquer comme lu". */
  async markAllRead(): Promise<void> {
    const stamp = new Date(this.now()).toISOString();
    for (const n of this.list) if (!n.read_at) n.read_at = stamp;
    this.unread = 0;
    this.changed();
    try {
      const res = await this.client.request<{ unread: number }>('notifications.mark_read', { all: true });
      if (typeof res?.unread === 'number') this.unread = res.unread;
    } catch {
      void this.load();
    }
    this.changed();
  }

  /**
   * Marks read the unread notifications that lead to the page on screen (the
   * thread that a mention is about, once it is open). Only thread pages
   * count: a workspace's front page does not show what a notification says.
   */
  markReadAt(pathname: string, workspaces: Iterable<Workspace>): void {
    if (!/^\/w\/\d+\/t\/\d+$/.test(pathname)) return;
    const all = [...workspaces];
    const ids = this.list
      .filter((n) => !n.read_at && n.link && linkPath(n.link, all)?.split('?')[0] === pathname)
      .map((n) => n.id);
    if (ids.length) void this.markRead(ids);
  }

  // --------------------------------------------------------- preferences

  async loadPrefs(): Promise<void> {
    try {
      this.prefs = await this.client.request<NotificationPrefs>('notifications.prefs.get', {});
      this.prefsError = undefined;
    } catch (err) {
      this.prefsError = errorText(err);
    }
    this.changed();
  }

  /** Sends one change; resolves with the server's whole state, or rejects. */
  async setPrefs(change: PrefsChange): Promise<NotificationPrefs> {
    const prefs = await this.client.request<NotificationPrefs>('notifications.prefs.set', { ...change });
    this.prefs = prefs;
    this.prefsError = undefined;
    this.changed();
    return prefs;
  }

  // -------------------------------------------------------------- events

  /** Applies a personal event (already deduplicated by the protocol client). */
  apply(ev: EventFrame): void {
    const d = ev.data ?? {};
    if (ev.event === 'notification.created') {
      const n = d.notification;
      if (!isNotification(n)) return;
      const isNew = !this.list.some((x) => x.id === n.id);
      this.merge(n);
      if (typeof d.unread === 'number') this.unread = d.unread;
      else if (isNew && !n.read_at) this.unread += 1;
      this.changed();
      if (isNew && !n.read_at) for (const fn of [...this.createdListeners]) fn(n);
    } else if (ev.event === 'notifications.read') {
      const stamp = ev.time || new Date(this.now()).toISOString();
      const ids = Array.isArray(d.ids) ? new Set<number>(d.ids.map(Number)) : null;
      for (const n of this.list) if (!n.read_at && (ids === null || ids.has(n.id))) n.read_at = stamp;
      if (typeof d.unread === 'number') this.unread = d.unread;
      else if (ids === null) this.unread = 0;
      this.changed();
    }
  }

  /** Inserts or updates one notification, keeping the list newest first. */
  private merge(n: Notification): void {
    const i = this.list.findIndex((x) => x.id === n.id);
    if (i >= 0) {
      const cur = this.list[i];
      // A notification read here stays read, whatever an older copy says.
      this.list[i] = { ...cur, ...n, read_at: n.read_at ?? cur.read_at };
      return;
    }
    let j = 0;
    while (j < this.list.length && this.list[j].id > n.id) j++;
    this.list.splice(j, 0, { ...n });
  }
}

function isNotification(n: unknown): n is Notification {
  return !!n && typeof n === 'object' && typeof (n as Notification).id === 'number';
}

/**
 * The client path a notification's `link` leads to: `#/w/copil/t/12` →
 * `/w/4/t/12` (a workspace key becomes its id). Also accepts `/w/…`,
 * `/#/w/…` and an absolute URL. Null when there is nowhere to go: an empty
 * link, another site, or a workspace key that is not among the person's
 * workspaces.
 */
export function linkPath(link: string, workspaces: Iterable<Workspace>): string | null {
  let route = (link ?? '').trim();
  if (!route) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(route)) {
    // An absolute URL: only this site's pages.
    try {
      const url = new URL(route);
      if (typeof location === 'undefined' || url.origin !== location.origin) return null;
      route = url.hash.startsWith('#/') ? url.hash : url.pathname + url.search;
    } catch {
      return null;
    }
  }
  const hash = route.indexOf('#/');
  if (hash >= 0) route = route.slice(hash + 1);
  if (!route.startsWith('/') || route.startsWith('//')) return null;
  const q = route.indexOf('?');
  const path = q >= 0 ? route.slice(0, q) : route;
  const query = q >= 0 ? route.slice(q) : '';
  const parts = path.split('/');
  if (parts[1] !== 'w') return path + query;
  if (!parts[2]) return null;
  let ref: string;
  try {
    ref = decodeURIComponent(parts[2]);
  } catch {
    return null;
  }
  const list = [...workspaces];
  let id: number | undefined;
  if (/^\d+$/.test(ref)) id = list.find((w) => w.id === Number(ref))?.id;
  id ??= list.find((w) => w.key === ref)?.id;
  // An id the list does not hold (yet): the workspace view says whether it exists.
  if (id === undefined && /^\d+$/.test(ref)) id = Number(ref);
  if (id === undefined) return null;
  const rest = parts.slice(3).join('/');
  return `/w/${id}${rest ? `/${rest}` : ''}${query}`;
}

/**
 * The address a page was opened with that still needs a workspace's id: a
 * notification's link as emails carry it (`/w/copil/t/12`, or
 * `/#/w/copil/t/12`). Null when the address is already a client route.
 */
export function linkToResolve(pathname: string, search: string, hash: string): string | null {
  if (hash.startsWith('#/')) return hash;
  const m = /^\/w\/([^/]+)/.exec(pathname);
  if (m && !/^\d+$/.test(m[1])) return pathname + search;
  return null;
}
