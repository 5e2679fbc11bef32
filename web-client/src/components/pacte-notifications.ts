import { html, nothing } from 'lit';
import { PacteElement } from './base';
import type { Store } from '../state/store';
import { linkPath } from '../state/notifications';
import { shortWorkspaceName } from '../state/store';
import type { Notification } from '../protocol/types';
import { navigate, paths } from '../router';
import { formatDateTime, formatShort, t, tn } from '../i18n';
import { bellLabel, kindText } from '../notification-words';

/**
 * The notification bell of the top bar and its panel: the unread count, the
 * list (newest first; each entry a link that marks it read), "Tout marquer
 * comme lu", and a link to the preferences. A non-modal dialog: Escape or a
 * click elsewhere closes it and the focus goes back to the bell.
 */
export class PacteNotifications extends PacteElement {
  static override properties = {
    store: { attribute: false },
    tick: {},
    /** The workspace on screen, for the preferences link. */
    workspace: { attribute: false },
    open: { state: true },
  };

  declare store: Store;
  declare tick: number;
  declare workspace: number | null;
  declare open: boolean;

  private onDocClick = (e: MouseEvent) => {
    if (this.open && !this.contains(e.target as Node | null)) this.open = false;
  };

  constructor() {
    super();
    this.tick = 0;
    this.workspace = null;
    this.open = false;
  }

  private unsubscribe: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.onDocClick);
    // The count changes with personal events, whatever the page shows.
    this.unsubscribe = this.store?.subscribe(() => this.requestUpdate()) ?? null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('click', this.onDocClick);
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // Another session's store (sign-out, then in again): listen to that one.
    if (changed.has('store') && changed.get('store') !== undefined && this.isConnected) {
      this.unsubscribe?.();
      this.unsubscribe = this.store?.subscribe(() => this.requestUpdate()) ?? null;
    }
  }

  private get center() {
    return this.store.notifications;
  }

  private async toggle(): Promise<void> {
    this.open = !this.open;
    if (!this.open) return;
    const c = this.center;
    if ((!c.loaded || c.error) && !c.loading) void c.load();
    await this.updateComplete;
    this.querySelector<HTMLElement>('#notif-title')?.focus();
  }

  /** Closes the panel; the focus returns to the bell. */
  close(focusBell = true): void {
    if (!this.open) return;
    this.open = false;
    if (focusBell) this.querySelector<HTMLButtonElement>('.notif-btn')?.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.open) {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    }
  }

  private onFocusOut(e: FocusEvent): void {
    const next = e.relatedTarget as Node | null;
    if (next && !this.contains(next)) this.open = false;
  }

  private follow(e: MouseEvent, n: Notification, path: string): void {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      // A new tab: the notification is read all the same.
      void this.center.markRead([n.id]);
      return;
    }
    e.preventDefault();
    void this.center.markRead([n.id]);
    const here = location.pathname + location.search === path;
    this.close(here);
    if (!here) navigate(path);
  }

  private renderItem(n: Notification) {
    const ws = n.workspace !== null ? this.store.workspaces.get(n.workspace) : undefined;
    const path = n.link ? linkPath(n.link, this.store.workspaces.values()) : null;
    const unread = !n.read_at;
    const kind = kindText(n.kind);
    const content = html`<span class="notif-meta">
        ${kind ? html`<span class="notif-kind">${kind}</span>` : nothing}
        ${ws ? html`<span class="notif-ws">${shortWorkspaceName(ws)}</span>` : nothing}
        <time datetime=${n.created_at} title=${formatDateTime(n.created_at)}>${formatShort(n.created_at)}</time>
      </span>
      <span class="notif-title">${n.title}</span>
      ${n.body ? html`<span class="notif-body">${n.body}</span>` : nothing}
      ${unread ? html`<span class="visually-hidden">(${t('notifications.unreadMark')})</span>` : nothing}`;
    return html`<li class="notif-item ${unread ? 'is-unread' : ''}" data-kind=${n.kind}>
      ${unread ? html`<span class="notif-dot" aria-hidden="true"></span>` : nothing}
      ${path
        ? html`<a class="notif-link" href=${path} data-testid="notif-item" data-id=${n.id}
            ?data-unread=${unread} @click=${(e: MouseEvent) => this.follow(e, n, path)}>${content}</a>`
        : html`<div class="notif-link" data-testid="notif-item" data-id=${n.id} ?data-unread=${unread}>
            ${content}
            ${unread
              ? html`<button type="button" class="btn btn-link btn-small" @click=${() => this.center.markRead([n.id])}>
                  ${t('notifications.markRead')}
                </button>`
              : nothing}
          </div>`}
    </li>`;
  }

  private renderBody() {
    const c = this.center;
    if (!c.loaded && (c.loading || !c.error)) {
      return html`<p class="notif-state muted" role="status">${t('notifications.loading')}</p>`;
    }
    if (!c.loaded && c.error) {
      return html`<div class="notif-state">
        <p>${t('notifications.failed')}</p>
        <button type="button" class="btn btn-secondary btn-small" @click=${() => c.load()}>${t('notifications.retry')}</button>
      </div>`;
    }
    if (!c.list.length) {
      return html`<div class="notif-state notif-empty" data-testid="notif-empty">
        <p><strong>${t('notifications.empty')}</strong></p>
        <p class="muted">${t('notifications.emptyHint')}</p>
      </div>`;
    }
    return html`<ul class="notif-list" aria-label=${t('notifications.list')} data-testid="notif-list">
        ${c.list.map((n) => this.renderItem(n))}
      </ul>
      ${c.moreBefore
        ? html`<p class="notif-more">
            <button type="button" class="btn btn-link" ?disabled=${c.loadingOlder} @click=${() => c.loadOlder()}>
              ${c.loadingOlder ? t('notifications.loading') : t('notifications.older')}
            </button>
          </p>`
        : nothing}`;
  }

  override render() {
    if (!this.store) return nothing;
    const c = this.center;
    const unread = c.unread;
    const open = this.open;
    return html`<div class="notif" @keydown=${(e: KeyboardEvent) => this.onKey(e)} @focusout=${(e: FocusEvent) => this.onFocusOut(e)}>
      <button
        type="button"
        class="notif-btn"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="notif-panel"
        aria-label=${bellLabel(unread)}
        data-testid="notif-bell"
        data-unread=${unread}
        @click=${() => this.toggle()}
      >
        <svg class="icon" width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15zM10 20.5a2.2 2.2 0 0 0 4 0"
          />
        </svg>
        ${unread > 0
          ? html`<span class="notif-badge" aria-hidden="true" data-testid="notif-count">${unread > 99 ? '99+' : unread}</span>`
          : nothing}
      </button>
      <div
        id="notif-panel"
        class="notif-panel"
        role="dialog"
        aria-labelledby="notif-title"
        ?hidden=${!open}
        data-testid="notif-panel"
      >
        <div class="notif-head">
          <h2 id="notif-title" tabindex="-1">
            ${t('notifications.title')}
            ${unread > 0 ? html`<span class="notif-head-count">${tn('notifications.unread', unread)}</span>` : nothing}
          </h2>
          <button
            type="button"
            class="btn btn-link btn-small"
            data-testid="notif-mark-all"
            ?disabled=${unread === 0}
            @click=${() => c.markAllRead()}
          >
            ${t('notifications.markAll')}
          </button>
        </div>
        <div class="notif-scroll">${open ? this.renderBody() : nothing}</div>
        <div class="notif-foot">
          <a href=${paths.preferences(this.workspace ?? undefined)} data-testid="notif-prefs" @click=${() => this.close(false)}
            >${t('notifications.prefs')}</a
          >
        </div>
      </div>
    </div>`;
  }
}

customElements.define('pacte-notifications', PacteNotifications);
