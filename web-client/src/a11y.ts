/**
 * Accessibility helpers of the app shell:
 *
 * - `pageTitle()` builds `document.title` for the current view (RGAA 8.6),
 *   most specific part first: "Fil — Espace — Pacte".
 * - `Announcer` decides what the shell's polite live region says (RGAA 7.5):
 *   new messages from other people in the open thread and connection changes,
 *   at most one announcement every 2 seconds; messages that arrive in between
 *   are coalesced ("3 nouveaux messages dans « Fil »"); new notifications
 *   likewise ("Nouvelle notification : …", "2 nouvelles notifications.").
 */
import { t, tn } from './i18n';
import type { Route } from './router';

export type AppPhase = 'loading' | 'unreachable' | 'login' | 'forgot-password' | 'set-password' | 'ready';

export interface TitleContext {
  phase: AppPhase;
  route: Route;
  /** Name of the route's workspace, when it is known. */
  workspaceName?: string;
  /** Title of the route's thread, when it is known. */
  threadTitle?: string;
  /** Title of the route's plugin tab, when it is known. */
  pluginTitle?: string;
  /** The one-time link that opened the "choose your password" screen. */
  linkKind?: 'invitation' | 'reset';
}

export const TITLE_SEPARATOR = ' — ';

/** The document title of a view, in the current language. */
export function pageTitle(ctx: TitleContext): string {
  const parts: string[] = [];
  const { phase, route } = ctx;
  if (phase === 'login') parts.push(t('login.title'));
  else if (phase === 'forgot-password') parts.push(t('forgot.title'));
  else if (phase === 'set-password') parts.push(t(ctx.linkKind === 'reset' ? 'setPassword.titleReset' : 'setPassword.title'));
  else if (phase === 'ready') {
    if (route.name === 'home') parts.push(t('workspaces.title'));
    else if (route.name === 'preferences') parts.push(t('prefs.title'));
    else {
      switch (route.view) {
        case 'thread':
          parts.push(ctx.threadTitle || t('tabs.discussion'));
          break;
        case 'new':
          parts.push(t('newThread.title'));
          break;
        case 'search':
          parts.push(route.query ? t('title.searchFor', { query: route.query }) : t('title.search'));
          break;
        case 'members':
          parts.push(t('members.title'));
          break;
        case 'plugin':
          if (ctx.pluginTitle || route.plugin) parts.push(ctx.pluginTitle || route.plugin!);
          break;
        default:
          parts.push(t('tabs.discussion'));
      }
      if (ctx.workspaceName) parts.push(ctx.workspaceName);
    }
  }
  parts.push(t('app.name'));
  return parts.join(TITLE_SEPARATOR);
}

export const ANNOUNCE_INTERVAL_MS = 2000;

export interface AnnouncerOptions {
  intervalMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Throttles and coalesces what the live region says. `say` is called with
 * the text to announce, at most once per interval.
 */
export class Announcer {
  private readonly say: (text: string) => void;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private lastSaid = -Infinity;
  private timer: unknown = null;
  private messages: { author: string; thread: string }[] = [];
  private notifications: string[] = [];
  private status = '';

  constructor(say: (text: string) => void, opts: AnnouncerOptions = {}) {
    this.say = say;
    this.intervalMs = opts.intervalMs ?? ANNOUNCE_INTERVAL_MS;
    this.now = opts.now ?? (() => Date.now());
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** A new message from someone else in the thread on screen. */
  newMessage(author: string, thread: string): void {
    this.messages.push({ author, thread });
    this.schedule();
  }

  /** A notification that arrived live (its title, in the person's language). */
  notification(title: string): void {
    this.notifications.push(title);
    this.schedule();
  }

  /** A status change (connection lost or back); the latest one wins. */
  statusChanged(text: string): void {
    this.status = text;
    this.schedule();
  }

  /** Drops what is waiting (sign-out, end of session). */
  reset(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.messages = [];
    this.notifications = [];
    this.status = '';
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = this.lastSaid + this.intervalMs - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const text = [this.status, messagesText(this.messages), notificationsText(this.notifications)]
      .filter(Boolean)
      .join(' ');
    this.messages = [];
    this.notifications = [];
    this.status = '';
    if (!text) return;
    this.lastSaid = this.now();
    this.say(text);
  }
}

/** "Nouveau message de Léa dans « Budget »." or "3 nouveaux messages dans « Budget »." */
export function messagesText(messages: readonly { author: string; thread: string }[]): string {
  if (!messages.length) return '';
  if (messages.length === 1) {
    const [m] = messages;
    return t('live.message', { name: m.author, thread: m.thread });
  }
  const thread = messages[0].thread;
  if (messages.every((m) => m.thread === thread)) return tn('live.messagesIn', messages.length, { thread });
  return tn('live.messages', messages.length);
}

/** "Nouvelle notification : Léa vous a mentionné·e." or "3 nouvelles notifications." */
export function notificationsText(titles: readonly string[]): string {
  if (!titles.length) return '';
  if (titles.length === 1) {
    const title = titles[0].trim();
    return t('live.notification', { title: /[.!?…]$/.test(title) ? title : `${title}.` });
  }
  return tn('live.notifications', titles.length);
}
