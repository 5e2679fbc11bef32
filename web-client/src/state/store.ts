/**
 * The client-side state of a signed-in person: workspaces, threads, messages,
 * members, presence and typing, kept up to date from the protocol's events.
 *
 * Components read it directly and re-render on `subscribe()`; they change
 * things only through its methods, which call the server. Every merge is
 * keyed by id, so an object that arrives both in a reply and in an event
 * shows once.
 */
import type { ProtocolClient, OutboxItem } from '../protocol/client';
import { getLocale, inLocale, onLocaleChange } from '../i18n';
import { ProtocolError } from '../protocol/client';
import { NotificationCenter } from './notifications';
import { CommandCatalog, type CommandResult } from '../commands';
import type {
  Attachment,
  Card,
  EventFrame,
  Members,
  Message,
  PluginInfo,
  SessionMe,
  Thread,
  Workspace,
} from '../protocol/types';

export interface ThreadMessages {
  /** Sorted by id (oldest first). */
  list: Message[];
  moreBefore: boolean;
  loading: boolean;
  loaded: boolean;
  loadingOlder: boolean;
  error?: string;
}

export interface WorkspaceThreads {
  map: Map<number, Thread>;
  loading: boolean;
  loaded: boolean;
  error?: string;
}

/** A command's answer shown to its caller only, under the thread's composer. */
export interface EphemeralAnswer {
  id: number;
  /** The command line that was run. */
  command: string;
  text: string;
  card: Card | null;
}

export interface FailedItem {
  item: OutboxItem;
  error: ProtocolError;
}

/** Group order of the workspace list (kinds of the pact's governance). */
export const KIND_ORDER = [
  'comite_technique',
  'comite_financeurs',
  'comite_pilotage',
  'rencontre_thematique',
  'pacte',
  'other',
] as const;

export const TYPING_TTL_MS = 5000;
export const TYPING_THROTTLE_MS = 3000;

export class Store {
  readonly client: ProtocolClient;
  me: SessionMe;
  workspaces = new Map<number, Workspace>();
  workspacesLoaded = false;
  workspacesError: string | undefined;
  threads = new Map<number, WorkspaceThreads>();
  messages = new Map<number, ThreadMessages>();
  members = new Map<number, Members>();
  plugins = new Map<number, PluginInfo[]>();
  /** Workspace → people online (from `presence.changed`). */
  online = new Map<number, Set<number>>();
  /** Thread → person → {name, expires (ms)}. */
  typing = new Map<number, Map<number, { name: string; expires: number }>>();
  failed: FailedItem[] = [];
  /** `commands.list` per workspace, fetched on the first "/". */
  readonly commands: CommandCatalog;
  /** Thread → the ephemeral command answers shown there (this tab only). */
  answers = new Map<number, EphemeralAnswer[]>();
  private answerSeq = 0;
  private announceListeners = new Set<(text: string) => void>();
  /** The thread on screen, marked read as messages arrive. */
  viewing: { workspace: number; thread: number } | null = null;
  /** The notification centre and email preferences (personal stream). */
  readonly notifications: NotificationCenter;

  private listeners = new Set<() => void>();
  private incomingListeners = new Set<(m: Message) => void>();
  private notifyScheduled = false;
  private unsubscribers: (() => void)[] = [];
  private lastTypingSent = new Map<number, number>();
  private markReadTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private now: () => number;
  private isVisible: () => boolean;

  constructor(
    client: ProtocolClient,
    me: SessionMe,
    opts: { now?: () => number; isVisible?: () => boolean } = {},
  ) {
    this.client = client;
    this.me = me;
    this.commands = new CommandCatalog(client);
    this.now = opts.now ?? (() => Date.now());
    this.isVisible =
      opts.isVisible ?? (() => typeof document === 'undefined' || document.visibilityState !== 'hidden');
    const c = client;
    this.notifications = new NotificationCenter(client, () => this.notify(), { now: this.now });
    this.unsubscribers.push(
      c.on('*', (ev) => this.apply(ev)),
      c.onResync((target) => this.resync(target)),
      c.onState((state) => {
        if (state === 'online' && !this.workspacesLoaded) void this.loadWorkspaces();
        this.notify();
      }),
      c.onOutbox(() => this.notify()),
      // The commands' help and usage come in the person's language.
      onLocaleChange(() => this.commands.forget()),
      c.onOutboxDone(({ item, result, error }) => {
        if (error) this.failed.push({ item, error });
        else if (result?.message) this.upsertMessage(result.message as Message);
        if (result?.thread) this.upsertThread(result.thread as Thread);
        this.notify();
      }),
    );
  }

  dispose(): void {
    this.notifications.dispose();
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    this.listeners.clear();
    this.incomingListeners.clear();
    if (this.markReadTimer) clearTimeout(this.markReadTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.typingTimer) clearInterval(this.typingTimer);
  }

  get myId(): number {
    return this.me.person.id;
  }

  get myOrganisations(): number[] {
    return this.me.organisations.map((o) => o.id);
  }

  /** Re-render callback; batched to one call per microtask. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Called once for each new message from someone else (for announcements). */
  onIncoming(fn: (m: Message) => void): () => void {
    this.incomingListeners.add(fn);
    return () => this.incomingListeners.delete(fn);
  }

  /** Texts for the shell's polite live region (a command's answer). */
  onAnnounce(fn: (text: string) => void): () => void {
    this.announceListeners.add(fn);
    return () => this.announceListeners.delete(fn);
  }

  announce(text: string): void {
    for (const fn of [...this.announceListeners]) fn(text);
  }

  // ------------------------------------------------------------ commands

  /**
   * Runs a command line in a thread (`commands.run`). An ephemeral answer is
   * kept under the thread for this person only; a thread answer's message is
   * merged at once (the event brings it to everyone else). Errors are thrown
   * (a `ProtocolError` with the server's localised message).
   */
  async runCommand(workspace: number, thread: number, text: string): Promise<CommandResult> {
    const res = await this.client.request<CommandResult>('commands.run', { workspace, thread, text });
    if (res?.visibility === 'thread') {
      const m = res.message as Message | undefined;
      if (m && typeof m === 'object' && m.id) this.upsertMessage(m);
    } else {
      const list = this.answers.get(thread) ?? [];
      list.push({ id: ++this.answerSeq, command: text, text: res?.text ?? '', card: res?.card ?? null });
      // Only the latest few stay: they are notes to oneself, not history.
      while (list.length > 3) list.shift();
      this.answers.set(thread, list);
    }
    this.notify();
    return res;
  }

  answersIn(thread: number): EphemeralAnswer[] {
    return this.answers.get(thread) ?? [];
  }

  dismissAnswer(thread: number, id: number): void {
    const list = this.answersIn(thread).filter((a) => a.id !== id);
    if (list.length) this.answers.set(thread, list);
    else this.answers.delete(thread);
    this.notify();
  }

  /** The name shown for a message's author: the plugin's title for an activity message without one. */
  authorName(m: Message): string {
    if (m.author !== null && m.author !== undefined) return m.author_name ?? `#${m.author}`;
    // The server sends the plugin's name (not its title) as author_name here.
    const plugin = m.plugin || m.card?.plugin || m.author_name;
    if (plugin) {
      const info = this.plugins.get(m.workspace)?.find((p) => p.name === plugin);
      if (info?.title) return info.title;
    }
    return 'Pacte';
  }

  notify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const fn of [...this.listeners]) fn();
    });
  }

  // ------------------------------------------------------------- loading

  async loadWorkspaces(): Promise<void> {
    try {
      const { workspaces } = await this.client.request<{ workspaces: Workspace[] }>('workspaces.list');
      const seen = new Set<number>();
      for (const ws of workspaces) {
        seen.add(ws.id);
        this.workspaces.set(ws.id, { ...ws, plugins: ws.plugins ?? [] });
      }
      for (const id of [...this.workspaces.keys()]) if (!seen.has(id)) this.workspaces.delete(id);
      this.workspacesLoaded = true;
      this.workspacesError = undefined;
    } catch (err) {
      this.workspacesError = (err as Error).message;
    }
    this.notify();
  }

  /** Workspaces grouped by kind, in the pact's order; archived ones last. */
  groupedWorkspaces(): { kind: string; label: string; workspaces: Workspace[] }[] {
    const groups = new Map<string, Workspace[]>();
    const archived: Workspace[] = [];
    for (const ws of this.workspaces.values()) {
      if (ws.archived) {
        archived.push(ws);
        continue;
      }
      const kind = (KIND_ORDER as readonly string[]).includes(ws.kind) ? ws.kind : 'other';
      if (!groups.has(kind)) groups.set(kind, []);
      groups.get(kind)!.push(ws);
    }
    const byName = (a: Workspace, b: Workspace) => a.name.localeCompare(b.name, 'fr');
    const out: { kind: string; label: string; workspaces: Workspace[] }[] = [];
    for (const kind of KIND_ORDER) {
      const list = groups.get(kind);
      if (!list?.length) continue;
      list.sort(byName);
      // The server names the kind; an "other" group mixes kinds, so it gets
      // the client's own label.
      const label = kind === 'other' ? '' : kindGroupLabel(list[0]);
      out.push({ kind, label, workspaces: list });
    }
    if (archived.length) out.push({ kind: 'archived', label: '', workspaces: archived.sort(byName) });
    return out;
  }

  async loadThreads(workspace: number, force = false): Promise<void> {
    const cur = this.threads.get(workspace);
    if (cur && (cur.loading || (cur.loaded && !force))) return;
    const entry: WorkspaceThreads = cur ?? { map: new Map(), loading: true, loaded: false };
    entry.loading = true;
    this.threads.set(workspace, entry);
    this.notify();
    const before = new Set(entry.map.keys());
    try {
      const { threads } = await this.client.request<{ threads: Thread[] }>('chat.threads', { workspace });
      const fresh = new Map<number, Thread>();
      for (const th of threads) fresh.set(th.id, th);
      // Threads that events created while the list was loading are kept.
      for (const [id, th] of entry.map) if (!fresh.has(id) && !before.has(id)) fresh.set(id, th);
      entry.map = fresh;
      entry.loaded = true;
      entry.error = undefined;
      this.recountWorkspace(workspace);
    } catch (err) {
      entry.error = (err as Error).message;
    } finally {
      entry.loading = false;
      this.notify();
    }
  }

  /** Threads of a workspace, most recent activity first. */
  threadList(workspace: number): Thread[] {
    const entry = this.threads.get(workspace);
    if (!entry) return [];
    return [...entry.map.values()].sort((a, b) =>
      (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at) || b.id - a.id,
    );
  }

  thread(id: number): Thread | undefined {
    for (const entry of this.threads.values()) {
      const th = entry.map.get(id);
      if (th) return th;
    }
    return undefined;
  }

  async loadHistory(thread: number, force = false): Promise<void> {
    const cur = this.messages.get(thread);
    if (cur && (cur.loading || (cur.loaded && !force))) return;
    const entry: ThreadMessages = cur ?? {
      list: [],
      moreBefore: false,
      loading: true,
      loaded: false,
      loadingOlder: false,
    };
    entry.loading = true;
    if (force) {
      entry.list = [];
      entry.loaded = false;
    }
    this.messages.set(thread, entry);
    this.notify();
    try {
      const res = await this.client.request<{ messages: Message[]; more_before: boolean }>('chat.history', {
        thread,
        limit: 50,
      });
      for (const m of res.messages) this.mergeMessage(entry, m);
      entry.moreBefore = !!res.more_before;
      entry.loaded = true;
      entry.error = undefined;
    } catch (err) {
      entry.error = (err as Error).message;
      if (err instanceof ProtocolError && err.code === 'not_found') entry.loaded = true;
    } finally {
      entry.loading = false;
      if (this.viewing?.thread === thread) this.scheduleMarkRead();
      this.notify();
    }
  }

  async loadOlder(thread: number): Promise<void> {
    const entry = this.messages.get(thread);
    if (!entry || entry.loadingOlder || !entry.moreBefore || !entry.list.length) return;
    entry.loadingOlder = true;
    this.notify();
    try {
      const res = await this.client.request<{ messages: Message[]; more_before: boolean }>('chat.history', {
        thread,
        before: entry.list[0].id,
        limit: 50,
      });
      for (const m of res.messages) this.mergeMessage(entry, m);
      entry.moreBefore = !!res.more_before;
    } catch (err) {
      entry.error = (err as Error).message;
    } finally {
      entry.loadingOlder = false;
      this.notify();
    }
  }

  async loadMembers(workspace: number, force = false): Promise<void> {
    if (this.members.has(workspace) && !force) return;
    try {
      const res = await this.client.request<Members>('workspaces.members', { workspace });
      this.members.set(workspace, { people: res.people ?? [], organisations: res.organisations ?? [] });
      const online = new Set<number>();
      for (const p of res.people ?? []) if (p.online) online.add(p.id);
      this.online.set(workspace, online);
    } catch {
      /* shown as empty */
    }
    this.notify();
  }

  async loadPlugins(workspace: number): Promise<void> {
    try {
      const res = await this.client.request<{ plugins: PluginInfo[] }>('plugins.list', { workspace });
      this.plugins.set(workspace, res.plugins ?? []);
      const ws = this.workspaces.get(workspace);
      if (ws) ws.plugins = (res.plugins ?? []).filter((p) => p.enabled).map((p) => p.name);
    } catch {
      /* keep workspace.plugins */
    }
    this.notify();
  }

  /** Plugin tabs of a workspace: enabled names, titled in the current language (which may
   * have changed since the list was fetched) when the server gave the titles. */
  pluginTabs(workspace: number): { name: string; title: string }[] {
    const ws = this.workspaces.get(workspace);
    const infos = this.plugins.get(workspace);
    const names = ws?.plugins ?? [];
    const english = getLocale() === 'en';
    return names.map((name) => {
      const info = infos?.find((p) => p.name === name);
      const title = (english ? info?.title_en : info?.title_fr) || info?.title;
      return { name, title: title || name.charAt(0).toUpperCase() + name.slice(1) };
    });
  }

  // ------------------------------------------------------------- changes

  async createThread(workspace: number, title: string, body: string, attachments: Attachment[] = []): Promise<Thread> {
    const args: Record<string, unknown> = { workspace, title, body };
    if (attachments.length) args.attachments = attachments.map((a) => a.id);
    const res = await this.client.request<{ thread: Thread; message: Message }>('chat.create_thread', args, {
      durable: true,
      meta: attachments.length ? { attachments } : undefined,
    });
    if (res?.thread) this.upsertThread(res.thread);
    if (res?.message) this.upsertMessage(res.message);
    this.notify();
    return res.thread;
  }

  /**
   * Posts a message, with the ids of files already uploaded; it survives a
   * lost connection and a reload (outbox, which also keeps the files' names
   * and sizes to show them while the message waits).
   */
  post(thread: number, body: string, attachments: Attachment[] = []): Promise<unknown> {
    const args: Record<string, unknown> = { thread, body };
    if (attachments.length) args.attachments = attachments.map((a) => a.id);
    const p = this.client.request<{ message: Message }>('chat.post', args, {
      durable: true,
      meta: attachments.length ? { attachments } : undefined,
    });
    this.notify();
    // The outbox reports the result (for this page and after a reload alike).
    p.catch(() => {});
    return p;
  }

  async edit(message: number, body: string): Promise<void> {
    const res = await this.client.request<{ message: Message }>('chat.edit', { message, body });
    if (res?.message && typeof res.message.body === 'string') this.upsertMessage(res.message);
    this.notify();
  }

  async remove(message: Message): Promise<void> {
    await this.client.request('chat.delete', { message: message.id });
    this.applyDeleted(message.id, message.thread);
    this.notify();
  }

  async toggleReaction(message: Message, emoji: string): Promise<void> {
    const mine = (message.reactions?.[emoji] ?? []).includes(this.myId);
    // Optimistic: the event confirms (or corrects) it.
    const reactions = { ...(message.reactions ?? {}) };
    const people = new Set(reactions[emoji] ?? []);
    if (mine) people.delete(this.myId);
    else people.add(this.myId);
    if (people.size) reactions[emoji] = [...people];
    else delete reactions[emoji];
    this.patchMessage(message.id, message.thread, { reactions });
    this.notify();
    try {
      await this.client.request('chat.react', { message: message.id, emoji, add: !mine });
    } catch (err) {
      this.patchMessage(message.id, message.thread, { reactions: message.reactions });
      this.notify();
      throw err;
    }
  }

  async setResolved(thread: number, resolved: boolean): Promise<void> {
    await this.client.request('chat.resolve_thread', { thread, resolved });
    const th = this.thread(thread);
    if (th) th.resolved = resolved;
    this.notify();
  }

  /** Sends `chat.typing` at most once per {@link TYPING_THROTTLE_MS} per thread. */
  typingNow(workspace: number, thread: number): void {
    const t = this.now();
    const last = this.lastTypingSent.get(thread) ?? -Infinity;
    if (t - last < TYPING_THROTTLE_MS) return;
    if (!this.client.online) return;
    this.lastTypingSent.set(thread, t);
    this.client.request('chat.typing', { workspace, thread }, { ephemeral: true }).catch(() => {});
  }

  /** Names of the others typing in a thread right now. */
  typingIn(thread: number): string[] {
    const m = this.typing.get(thread);
    if (!m) return [];
    const t = this.now();
    const names: string[] = [];
    for (const [person, v] of m) {
      if (v.expires > t) names.push(v.name);
      else m.delete(person);
    }
    return names;
  }

  /** Records the thread on screen, and marks it read. */
  view(workspace: number, thread: number | null): void {
    this.viewing = thread === null ? null : { workspace, thread };
    if (thread !== null) this.scheduleMarkRead();
  }

  /** Marks the viewed thread read up to its last loaded message (debounced). */
  scheduleMarkRead(): void {
    if (this.markReadTimer) clearTimeout(this.markReadTimer);
    this.markReadTimer = setTimeout(() => {
      this.markReadTimer = null;
      void this.markViewedRead();
    }, 400);
  }

  private async markViewedRead(): Promise<void> {
    const v = this.viewing;
    if (!v || !this.isVisible()) return;
    const entry = this.messages.get(v.thread);
    const th = this.thread(v.thread);
    if (!entry?.loaded || !entry.list.length) return;
    const last = entry.list[entry.list.length - 1].id;
    if (th && th.last_read !== null && th.last_read !== undefined && th.last_read >= last && !th.unread) return;
    if (th) {
      th.last_read = Math.max(th.last_read ?? 0, last);
      th.unread = 0;
      th.mentions = 0;
      this.recountWorkspace(v.workspace);
      this.notify();
    }
    try {
      await this.client.request('chat.mark_read', { thread: v.thread, message: last });
    } catch {
      /* next view tries again */
    }
  }

  retryFailed(f: FailedItem): void {
    this.failed = this.failed.filter((x) => x !== f);
    this.client.request(f.item.op, f.item.args, { durable: true, meta: f.item.meta }).catch(() => {});
    this.notify();
  }

  discardFailed(f: FailedItem): void {
    this.failed = this.failed.filter((x) => x !== f);
    this.notify();
  }

  /** Messages of a thread still in the outbox (typed, not yet acknowledged). */
  pendingIn(thread: number): OutboxItem[] {
    const items = this.client.outbox.filter((i) => i.op === 'chat.post' && i.args.thread === thread);
    if (!items.length) return items;
    // After a reconnection the replayed event can show a message before the
    // reply to its re-sent request removes it from the outbox: hide an item
    // that a message of ours with the same text already stands for.
    const mine = (this.messages.get(thread)?.list ?? []).filter((m) => m.author === this.myId && !m.deleted);
    const claimed = new Set<number>();
    return items.filter((item) => {
      const match = mine.find(
        (m) =>
          !claimed.has(m.id) &&
          m.body === item.args.body &&
          sameIds(m.attachments, item.args.attachments) &&
          m.created_at >= shiftIso(item.queuedAt, -120_000),
      );
      if (match) claimed.add(match.id);
      return !match;
    });
  }

  pendingThreads(workspace: number): OutboxItem[] {
    return this.client.outbox.filter((i) => i.op === 'chat.create_thread' && i.args.workspace === workspace);
  }

  failedIn(thread: number): FailedItem[] {
    return this.failed.filter((f) => f.item.op === 'chat.post' && f.item.args.thread === thread);
  }

  // -------------------------------------------------------------- events

  /** Applies one (already deduplicated) event from the server. */
  apply(ev: EventFrame): void {
    const d = ev.data ?? {};
    switch (ev.event) {
      case 'chat.thread_created': {
        if (d.thread) this.upsertThread(d.thread as Thread, ev);
        if (d.message) this.onNewMessage(d.message as Message, ev, true);
        break;
      }
      case 'chat.message_posted':
        if (d.message) this.onNewMessage(d.message as Message, ev, false);
        break;
      case 'chat.message_edited':
        if (d.message) this.upsertMessage(d.message as Message);
        break;
      case 'chat.message_deleted':
        this.applyDeleted(Number(d.message), Number(d.thread));
        break;
      case 'chat.card_updated':
        this.applyCard(Number(d.message), d.thread === undefined ? null : Number(d.thread), d.card ?? null);
        break;
      case 'chat.reaction_changed':
        this.patchMessage(Number(d.message), Number(d.thread), { reactions: d.reactions ?? {} });
        break;
      case 'chat.thread_renamed': {
        const th = this.thread(Number(d.thread));
        if (th) {
          th.title = d.title;
          th.title_en = null; // a person's title is everyone's
        }
        break;
      }
      case 'chat.thread_resolved': {
        const th = this.thread(Number(d.thread));
        if (th) th.resolved = !!d.resolved;
        break;
      }
      case 'chat.typing': {
        const person = Number(d.person);
        if (person === this.myId) return;
        const thread = Number(d.thread);
        const names = this.members.get(Number(d.workspace ?? ev.workspace))?.people;
        const name = (d.name as string) || names?.find((p) => p.id === person)?.name || `#${person}`;
        if (!this.typing.has(thread)) this.typing.set(thread, new Map());
        this.typing.get(thread)!.set(person, { name, expires: this.now() + TYPING_TTL_MS });
        this.ensureTypingTimer();
        break;
      }
      case 'presence.changed': {
        const ws = Number(d.workspace ?? ev.workspace);
        this.online.set(ws, new Set<number>((d.online ?? []).map(Number)));
        const members = this.members.get(ws);
        if (members) for (const p of members.people) p.online = this.online.get(ws)!.has(p.id);
        break;
      }
      case 'personal.read': {
        const th = this.thread(Number(d.thread));
        if (th) {
          th.last_read = Math.max(th.last_read ?? 0, Number(d.message));
          const entry = this.messages.get(th.id);
          if (entry?.loaded) {
            const unread = entry.list.filter((m) => m.id > th.last_read! && m.author !== this.myId && !m.deleted);
            th.unread = unread.length;
            th.mentions = unread.filter((m) => this.mentionsMe(m)).length;
          } else {
            th.unread = 0;
            th.mentions = 0;
          }
          this.recountWorkspace(th.workspace);
        } else {
          this.scheduleRefresh();
        }
        break;
      }
      case 'workspace.renamed': {
        const ws = this.workspaces.get(Number(ev.workspace));
        if (ws) ws.name = d.name;
        break;
      }
      case 'workspace.archived': {
        const ws = this.workspaces.get(Number(ev.workspace));
        if (ws) ws.archived = !!d.archived;
        break;
      }
      case 'workspace.member_added':
      case 'workspace.member_removed': {
        const wsId = Number(ev.workspace);
        if (d.person === this.myId) this.commands.forget(wsId);
        if (ev.event === 'workspace.member_removed' && d.person === this.myId) {
          this.forgetWorkspace(wsId);
        } else if (this.members.has(wsId)) {
          void this.loadMembers(wsId, true);
        }
        if (!this.workspaces.has(wsId) || ev.event === 'workspace.member_removed') this.scheduleRefresh();
        break;
      }
      case 'plugins.enabled':
      case 'plugins.disabled': {
        const ws = this.workspaces.get(Number(ev.workspace));
        if (ws) {
          const set = new Set(ws.plugins);
          if (ev.event === 'plugins.enabled') set.add(d.plugin);
          else set.delete(d.plugin);
          ws.plugins = [...set];
          const infos = this.plugins.get(ws.id);
          const info = infos?.find((p) => p.name === d.plugin);
          if (info) info.enabled = ev.event === 'plugins.enabled';
        }
        this.commands.forget(Number(ev.workspace));
        break;
      }
      default:
        // An event of a workspace we do not know yet: we were just added to it.
        if (typeof ev.workspace === 'number' && ev.seq !== undefined && !this.workspaces.has(ev.workspace)) {
          this.scheduleRefresh();
        }
        return;
    }
    if (typeof ev.workspace === 'number' && ev.seq !== undefined) {
      const ws = this.workspaces.get(ev.workspace);
      if (ws && ev.seq > (ws.last_seq ?? 0)) ws.last_seq = ev.seq;
      if (!ws) this.scheduleRefresh();
    }
    this.notify();
  }

  /** Reloads a workspace after `resync_required` or a gap in its sequence. */
  resync(target: number | 'personal'): void {
    if (target === 'personal') {
      void this.loadWorkspaces();
      for (const ws of this.threads.keys()) void this.loadThreads(ws, true);
      return;
    }
    void this.loadWorkspaces();
    this.commands.forget(target);
    if (this.threads.has(target)) void this.loadThreads(target, true);
    for (const [threadId, entry] of this.messages) {
      if (entry.list[0]?.workspace === target || this.thread(threadId)?.workspace === target) {
        void this.loadHistory(threadId, true);
      }
    }
    if (this.members.has(target)) void this.loadMembers(target, true);
  }

  mentionsMe(m: Message): boolean {
    if (m.mentions?.people?.includes(this.myId)) return true;
    const orgs = this.myOrganisations;
    return !!m.mentions?.organisations?.some((o) => orgs.includes(o));
  }

  private onNewMessage(m: Message, ev: EventFrame, isThreadStart: boolean): void {
    const known = this.messages.get(m.thread)?.list.some((x) => x.id === m.id);
    this.upsertMessage(m);
    const th = this.thread(m.thread);
    if (th) {
      if (!isThreadStart && !known) th.message_count = (th.message_count ?? 0) + 1;
      if (m.created_at && (!th.last_message_at || m.created_at > th.last_message_at)) th.last_message_at = m.created_at;
    }
    // Stop showing the author as typing.
    if (m.author !== null) this.typing.get(m.thread)?.delete(m.author);
    if (known || m.author === this.myId) return;
    for (const fn of [...this.incomingListeners]) fn(m);
    const viewing = this.viewing?.thread === m.thread && this.isVisible();
    if (viewing) {
      this.scheduleMarkRead();
      return;
    }
    if (th) {
      th.unread = (th.unread ?? 0) + 1;
      if (this.mentionsMe(m)) th.mentions = (th.mentions ?? 0) + 1;
    }
    const ws = this.workspaces.get(m.workspace ?? ev.workspace!);
    if (ws) {
      ws.unread = (ws.unread ?? 0) + 1;
      if (this.mentionsMe(m)) ws.mentions = (ws.mentions ?? 0) + 1;
    }
  }

  private upsertThread(th: Thread, ev?: EventFrame): void {
    const wsId = th.workspace ?? ev?.workspace;
    if (typeof wsId !== 'number') return;
    let entry = this.threads.get(wsId);
    if (!entry) {
      entry = { map: new Map(), loading: false, loaded: false };
      this.threads.set(wsId, entry);
    }
    const cur = entry.map.get(th.id);
    const merged: Thread = { ...cur, ...th, workspace: wsId };
    merged.unread = cur ? cur.unread : th.unread ?? 0;
    merged.mentions = cur ? cur.mentions : th.mentions ?? 0;
    merged.last_read = cur?.last_read ?? th.last_read ?? null;
    merged.message_count = th.message_count ?? cur?.message_count ?? 1;
    entry.map.set(th.id, merged);
  }

  upsertMessage(m: Message): void {
    const entry = this.messages.get(m.thread);
    if (!entry) return; // not loaded: chat.history will bring it
    this.mergeMessage(entry, m);
  }

  private mergeMessage(entry: ThreadMessages, m: Message): void {
    const i = entry.list.findIndex((x) => x.id === m.id);
    if (i >= 0) {
      const cur = entry.list[i];
      // A deletion or a later edit already seen wins over an older copy.
      if (cur.deleted && !m.deleted) return;
      if (cur.edited_at && (!m.edited_at || m.edited_at < cur.edited_at)) return;
      entry.list[i] = { ...cur, ...m };
      return;
    }
    // Insert sorted by id (ids grow with time).
    let j = entry.list.length;
    while (j > 0 && entry.list[j - 1].id > m.id) j--;
    entry.list.splice(j, 0, {
      ...m,
      reactions: m.reactions ?? {},
      mentions: m.mentions ?? { people: [], organisations: [] },
    });
  }

  private patchMessage(id: number, thread: number, patch: Partial<Message>): void {
    const entry = this.messages.get(thread);
    const m = entry?.list.find((x) => x.id === id);
    if (m) Object.assign(m, patch);
  }

  /** Replaces a message's card in place (`chat.card_updated`); the thread may be unknown. */
  private applyCard(id: number, thread: number | null, card: Card | null): void {
    const entries = thread !== null && this.messages.has(thread) ? [this.messages.get(thread)!] : [...this.messages.values()];
    for (const entry of entries) {
      const m = entry.list.find((x) => x.id === id);
      if (m) {
        m.card = card;
        return;
      }
    }
  }

  private applyDeleted(id: number, thread: number): void {
    this.patchMessage(id, thread, { deleted: true, body: '', reactions: {}, attachments: [] });
  }

  private recountWorkspace(workspace: number): void {
    const ws = this.workspaces.get(workspace);
    const entry = this.threads.get(workspace);
    if (!ws || !entry?.loaded) return;
    let unread = 0;
    let mentions = 0;
    for (const th of entry.map.values()) {
      unread += th.unread ?? 0;
      mentions += th.mentions ?? 0;
    }
    ws.unread = unread;
    ws.mentions = mentions;
  }

  private forgetWorkspace(id: number): void {
    this.workspaces.delete(id);
    this.threads.delete(id);
    this.members.delete(id);
    this.online.delete(id);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.loadWorkspaces();
    }, 500);
  }

  private ensureTypingTimer(): void {
    if (this.typingTimer) return;
    this.typingTimer = setInterval(() => {
      let any = false;
      const t = this.now();
      for (const [thread, m] of this.typing) {
        for (const [p, v] of m) if (v.expires <= t) m.delete(p);
        if (m.size) any = true;
        else this.typing.delete(thread);
      }
      this.notify();
      if (!any && this.typingTimer) {
        clearInterval(this.typingTimer);
        this.typingTimer = null;
      }
    }, 1000);
  }
}

/** The attachments of a message match the ids of a queued request. */
function sameIds(attachments: Attachment[] | undefined, ids: unknown): boolean {
  const want = (Array.isArray(ids) ? ids.map(Number) : []).sort((a, b) => a - b);
  const have = (attachments ?? []).map((a) => a.id).sort((a, b) => a - b);
  return want.length === have.length && want.every((id, i) => id === have[i]);
}

/** Files shown with a message still in the outbox (from the request's meta). */
export function pendingAttachments(item: OutboxItem): Attachment[] {
  const list = item.meta?.attachments;
  return Array.isArray(list) ? (list as Attachment[]).filter((a) => a && typeof a.name === 'string') : [];
}

function shiftIso(iso: string, ms: number): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : new Date(d.getTime() + ms).toISOString();
}

/** The heading of a group of workspaces of one kind, in the current language. */
export function kindGroupLabel(ws: Workspace): string {
  if (getLocale() === 'en') return ws.kind_label_plural_en || ws.kind_label_en || ws.kind_label_plural || ws.kind_label;
  return ws.kind_label_plural || ws.kind_label;
}

/** The kind of one workspace, in the current language. */
export function kindLabel(ws: Workspace): string {
  return (getLocale() === 'en' && ws.kind_label_en) || ws.kind_label;
}

/**
 * A thread's title in the current language: the English title a plugin gave its activity
 * thread for English readers, otherwise the title (French, or as a person typed it).
 */
export function threadTitle(th: Pick<Thread, 'title' | 'title_en'>, locale: string = getLocale()): string {
  return inLocale(th.title, th.title_en, locale);
}

/**
 * The name of a workspace shown under its group's heading: "Comité technique —
 * Centre des Moulins" under "Comités techniques" reads "Centre des Moulins".
 */
export function shortWorkspaceName(ws: Workspace): string {
  for (const label of [ws.kind_label, ws.kind_label_en, ws.kind_label_plural]) {
    if (!label) continue;
    const m = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[—–:-]\\s*(.+)$`, 'i').exec(ws.name);
    if (m && m[1].trim()) return m[1].trim();
  }
  return ws.name;
}
