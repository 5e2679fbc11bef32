import { html, nothing } from 'lit';
import { PacteElement, initials } from './base';
import { MY_DATA_FILE, NetworkError, downloadJson, exportMyData, logout, sessionMe } from '../api';
import { readPasswordLink, type PasswordLink } from '../password';
import { forgetUploadLists } from '../attachments';
import { ProtocolClient, defaultSocketUrl, type ConnectionState } from '../protocol/client';
import type { SessionMe } from '../protocol/types';
import { Store, threadTitle } from '../state/store';
import { linkPath, linkToResolve } from '../state/notifications';
import './pacte-notifications';
import './pacte-notification-prefs';
import './pacte-forgot-password';
import { Announcer, pageTitle, type AppPhase } from '../a11y';
import { currentRoute, interceptLinks, navigate, onRouteChange, paths, type Route } from '../router';
import {
  LOCALES,
  applyLang,
  errorText,
  getLocale,
  hasStoredLocale,
  isLocale,
  onLocaleChange,
  setLocale,
  t,
  tn,
  type Locale,
} from '../i18n';

type Phase = AppPhase;

/**
 * The application shell: finds out whether a session exists, shows the
 * sign-in screen or the workspaces, owns the protocol client and the store,
 * and routes.
 */
export class PacteApp extends PacteElement {
  static override properties = {
    phase: { state: true },
    route: { state: true },
    conn: { state: true },
    everOnline: { state: true },
    notice: { state: true },
    tick: { state: true },
    menuOpen: { state: true },
    myData: { state: true },
    live: { state: true },
    forgotEmail: { state: true },
  };

  declare phase: Phase;
  declare route: Route;
  declare conn: ConnectionState;
  declare everOnline: boolean;
  declare notice: string;
  declare tick: number;
  declare menuOpen: boolean;
  declare myData: { busy: boolean; text: string; error: boolean };
  /** Text of the polite live region (new messages, connection changes). */
  declare live: string;
  /** The address typed on the sign-in screen, handed to "Mot de passe oublié ?". */
  declare forgotEmail: string;

  client: ProtocolClient | null = null;
  /** The invitation or reset link this page was opened with, until the password is set. */
  private link: PasswordLink | null = null;
  store: Store | null = null;
  private cleanups: (() => void)[] = [];
  private sessionCleanups: (() => void)[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFocusedRoute = '';
  private liveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Throttles what the live region says: at most once every 2 s. */
  private announcer = new Announcer((text) => this.speak(text));

  constructor() {
    super();
    this.phase = 'loading';
    this.route = currentRoute();
    this.conn = 'offline';
    this.everOnline = false;
    this.notice = '';
    this.tick = 0;
    this.menuOpen = false;
    this.myData = { busy: false, text: '', error: false };
    this.live = '';
    this.forgotEmail = '';
    this.link = readPasswordLink(location.search);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    applyLang();
    interceptLinks(this);
    const onOnline = () => this.client?.reconnectNow();
    const onOffline = () => this.client?.dropConnection();
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        this.client?.reconnectNow();
        this.store?.scheduleMarkRead();
        this.markShownNotificationsRead();
      }
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    document.addEventListener('visibilitychange', onVisible);
    this.cleanups.push(
      () => window.removeEventListener('online', onOnline),
      () => window.removeEventListener('offline', onOffline),
      () => document.removeEventListener('visibilitychange', onVisible),
      onRouteChange((route) => {
        this.route = route;
        this.markShownNotificationsRead();
        // Left the "choose your password" screen by a link (the brand): sign in instead.
        if (this.phase === 'set-password' && !readPasswordLink(location.search)) this.onToLogin();
        if (this.phase === 'forgot-password') this.phase = 'login';
      }),
      onLocaleChange(() => {
        this.tick++;
      }),
    );
    const onDocClick = (e: MouseEvent) => {
      if (this.menuOpen && !(e.target as Element | null)?.closest?.('.user-menu')) this.menuOpen = false;
    };
    document.addEventListener('click', onDocClick);
    this.cleanups.push(() => document.removeEventListener('click', onDocClick));
    const onHash = () => this.followEmailLink();
    window.addEventListener('hashchange', onHash);
    this.cleanups.push(() => window.removeEventListener('hashchange', onHash));
    // An invitation or password-reset link opens the "choose your password"
    // screen, even over an existing session (the link may be someone else's).
    if (this.link) this.phase = 'set-password';
    else void this.checkSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const c of this.cleanups) c();
    this.cleanups = [];
    this.endSessionObjects();
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.liveTimer = null;
  }

  /**
   * Puts a text in the live region. It is emptied first, so that the same
   * text said twice in a row is announced again.
   */
  private speak(text: string): void {
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.live = '';
    this.liveTimer = setTimeout(() => {
      this.liveTimer = null;
      this.live = text;
    }, 100);
  }

  private isOffline(): boolean {
    return this.conn === 'offline' || (this.everOnline && this.conn !== 'online');
  }

  private async checkSession(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    try {
      const me = await sessionMe();
      if (me) this.startSession(me);
      else this.phase = 'login';
    } catch (err) {
      if (!(err instanceof NetworkError)) console.warn('pacte:', err);
      this.phase = 'unreachable';
      this.retryTimer = setTimeout(() => void this.checkSession(), 3000);
    }
  }

  private onSignedIn = (e: CustomEvent<SessionMe>) => {
    this.notice = '';
    this.leaveLink();
    this.startSession(e.detail);
  };

  /** Forgets the one-time link and removes its token from the address bar and history. */
  private leaveLink(): void {
    if (!this.link && !readPasswordLink(location.search)) return;
    this.link = null;
    navigate(paths.home(), true);
    this.route = currentRoute();
  }

  private onToLogin = () => {
    this.leaveLink();
    this.phase = 'loading';
    void this.checkSession();
  };

  /** "Mot de passe oublié ?" (from the sign-in screen, or a reset link that no longer works). */
  private onForgot = (e: CustomEvent<string>) => {
    // Drop a used reset link's token without a navigation: the route change
    // would send a "choose your password" screen to the sign-in one.
    this.link = null;
    if (readPasswordLink(location.search)) history.replaceState(null, '', paths.home());
    this.route = currentRoute();
    this.forgotEmail = typeof e.detail === 'string' ? e.detail : '';
    this.notice = '';
    this.phase = 'forgot-password';
  };

  private onForgotBack = () => {
    this.phase = 'login';
  };

  /**
   * A notification's link, as emails carry it (`/w/copil/t/12`, a workspace
   * key, or `/#/w/…`): once the workspaces are known, the address becomes the
   * client's own route (`/w/4/t/12`); an unknown key leads home.
   */
  private followEmailLink(): void {
    const store = this.store;
    if (this.phase !== 'ready' || !store?.workspacesLoaded) return;
    const link = linkToResolve(location.pathname, location.search, location.hash);
    if (!link) return;
    const target = linkPath(link, store.workspaces.values()) ?? paths.home();
    // Same route, only a hash to drop: navigate() would do nothing.
    if (target === location.pathname + location.search) history.replaceState(null, '', target);
    else navigate(target, true);
    this.route = currentRoute();
    this.markShownNotificationsRead();
  }

  /** The thread on screen answers the notifications that lead to it. */
  private markShownNotificationsRead(): void {
    const store = this.store;
    if (this.phase !== 'ready' || !store || document.visibilityState === 'hidden') return;
    store.notifications.markReadAt(location.pathname, store.workspaces.values());
  }

  private startSession(me: SessionMe): void {
    this.endSessionObjects();
    if (!hasStoredLocale() && isLocale(me.person.locale)) setLocale(me.person.locale, false);
    const client = new ProtocolClient({
      url: defaultSocketUrl(),
      storage: safeSessionStorage(),
      isNetworkUp: () => navigator.onLine !== false,
      checkSession: async () => {
        try {
          return (await sessionMe()) ? 'ok' : 'ended';
        } catch {
          return 'unknown';
        }
      },
    });
    const store = new Store(client, me);
    this.client = client;
    this.store = store;
    this.everOnline = false;
    this.conn = client.state;
    this.sessionCleanups.push(
      store.subscribe(() => {
        this.tick++;
        this.followEmailLink();
      }),
      store.notifications.onCreated((n) => {
        // About the thread on screen: its new message is announced already,
        // and the notification is read at once.
        const path = n.link ? linkPath(n.link, store.workspaces.values()) : null;
        const onScreen =
          /^\/w\/\d+\/t\/\d+$/.test(location.pathname) &&
          path?.split('?')[0] === location.pathname &&
          document.visibilityState !== 'hidden';
        if (!onScreen) this.announcer.notification(n.title);
        this.markShownNotificationsRead();
      }),
      client.onState((s) => {
        const wasOffline = this.isOffline();
        this.conn = s;
        if (s === 'online') this.everOnline = true;
        const offline = this.isOffline();
        if (this.everOnline && offline !== wasOffline) {
          this.announcer.statusChanged(t(offline ? 'live.offline' : 'live.online'));
        }
      }),
      store.onIncoming((m) => {
        // Only the thread on screen: other threads show an unread count.
        if (store.viewing?.thread !== m.thread) return;
        const shown = store.thread(m.thread);
        const title = (shown && threadTitle(shown)) || t('tabs.discussion');
        this.announcer.newMessage(store.authorName(m), title);
      }),
      store.onAnnounce((text) => this.speak(text)),
      client.onSessionEnded(() => this.sessionEnded()),
    );
    // Exposed for debugging from the browser console and for end-to-end tests.
    (window as any).pacte = { client, store };
    this.phase = 'ready';
    client.start();
  }

  private endSessionObjects(): void {
    for (const c of this.sessionCleanups) c();
    this.sessionCleanups = [];
    this.announcer.reset();
    this.store?.dispose();
    this.client?.stop();
    this.store = null;
    this.client = null;
    (window as any).pacte = undefined;
  }

  private sessionEnded(): void {
    forgetUploadLists();
    this.endSessionObjects();
    this.notice = t('app.sessionEnded');
    this.phase = 'login';
  }

  private async signOut(): Promise<void> {
    const client = this.client;
    this.menuOpen = false;
    this.myData = { busy: false, text: '', error: false };
    forgetUploadLists();
    client?.clearOutbox();
    this.endSessionObjects();
    this.phase = 'loading';
    try {
      await logout();
    } catch {
      /* the cookie is cleared by the server when it is reachable */
    }
    this.notice = '';
    this.phase = 'login';
    navigate(paths.home(), true);
  }

  /** "Télécharger mes données": `me.export`, offered as a JSON file. */
  private async downloadMyData(): Promise<void> {
    if (this.myData.busy) return;
    this.myData = { busy: true, text: t('account.myDataBusy'), error: false };
    try {
      const r = await exportMyData();
      if (!r.ok || !r.result) {
        const message = r.error
          ? errorText({ message: r.error.message, messageFr: r.error.message_fr })
          : `HTTP ${r.status}`;
        this.myData = { busy: false, text: t('account.myDataFailed', { message }), error: true };
        return;
      }
      downloadJson(r.result, MY_DATA_FILE);
      this.myData = { busy: false, text: t('account.myDataDone'), error: false };
    } catch (err) {
      const message = err instanceof NetworkError ? t('login.network') : String((err as Error)?.message ?? err);
      this.myData = { busy: false, text: t('account.myDataFailed', { message }), error: true };
    }
  }

  private menuKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.menuOpen) {
      e.preventDefault();
      this.menuOpen = false;
      this.querySelector<HTMLButtonElement>('.user-menu-btn')?.focus();
    }
  }

  private menuFocusOut(e: FocusEvent): void {
    const next = e.relatedTarget as Node | null;
    if (next && !(e.currentTarget as HTMLElement).contains(next)) this.menuOpen = false;
  }

  private changeLocale(e: Event): void {
    const value = (e.target as HTMLSelectElement).value;
    if (!isLocale(value)) return;
    setLocale(value);
    if (this.client && this.store) {
      const store = this.store;
      this.client
        .request('session.set_locale', { locale: value })
        // The server words workspaces' kinds and notifications in the account's language.
        .then(() => Promise.all([store.loadWorkspaces(), store.notifications.load()]))
        .catch(() => {});
    }
  }

  /** The title of the view on screen (RGAA 8.6). */
  private viewTitle(): string {
    const route = this.route;
    const store = this.store;
    let workspaceName: string | undefined;
    let shownThreadTitle: string | undefined;
    let pluginTitle: string | undefined;
    if (this.phase === 'ready' && store && route.name === 'workspace') {
      workspaceName = store.workspaces.get(route.ws)?.name;
      if (route.view === 'thread' && route.thread !== undefined) {
        const shown = store.thread(route.thread);
        shownThreadTitle = shown ? threadTitle(shown) : undefined;
      }
      if (route.view === 'plugin') pluginTitle = store.pluginTabs(route.ws).find((p) => p.name === route.plugin)?.title;
    }
    return pageTitle({ phase: this.phase, route, workspaceName, threadTitle: shownThreadTitle, pluginTitle, linkKind: this.link?.kind });
  }

  protected override updated(): void {
    const title = this.viewTitle();
    if (document.title !== title) document.title = title;
    // After a navigation, move the focus to the new view's heading so that
    // keyboard and screen-reader users start there.
    const key = `${this.phase}|${location.pathname}`;
    if (key !== this.lastFocusedRoute) {
      const first = this.lastFocusedRoute === '';
      const fromForgot = this.lastFocusedRoute.startsWith('forgot-password|');
      this.lastFocusedRoute = key;
      if (!first && this.phase === 'login' && fromForgot) {
        // Back from "Mot de passe oublié ?": to the link that led there.
        requestAnimationFrame(() => this.querySelector<HTMLElement>('[data-testid="forgot-password"]')?.focus());
      }
      if (!first && this.phase === 'ready') {
        requestAnimationFrame(() => {
          const active = document.activeElement;
          // Keep the focus where it is when it is still on screen in the main
          // area (a thread opened from the list: the list keeps the focus).
          const stays =
            active && active !== document.body && this.querySelector('main')?.contains(active) &&
            active.getClientRects().length > 0;
          if (stays) return;
          const target = this.querySelector<HTMLElement>('[data-focus-target]');
          target?.focus({ preventScroll: true });
        });
      }
    }
  }

  override render() {
    // The live region stays in the same place whatever the phase, so that it
    // exists before the text that it announces.
    return html`${this.renderPhase()}
      <div class="sr-only" aria-live="polite" data-testid="live-region">${this.live}</div>`;
  }

  private renderPhase() {
    switch (this.phase) {
      case 'loading':
        return html`<div class="splash" role="status">${t('app.loading')}</div>`;
      case 'unreachable':
        return html`<div class="splash" role="status">${t('app.unreachable')}</div>`;
      case 'login':
        return html`${this.renderTopbar(false)}
          <main id="main" class="login-main">
            <pacte-login .notice=${this.notice} @signed-in=${this.onSignedIn} @forgot-password=${this.onForgot}></pacte-login>
          </main>`;
      case 'forgot-password':
        return html`${this.renderTopbar(false)}
          <main id="main" class="login-main">
            <pacte-forgot-password .email=${this.forgotEmail} @to-login=${this.onForgotBack}></pacte-forgot-password>
          </main>`;
      case 'set-password':
        return html`${this.renderTopbar(false)}
          <main id="main" class="login-main">
            <pacte-set-password
              .kind=${this.link?.kind ?? 'invitation'}
              .token=${this.link?.token ?? ''}
              @signed-in=${this.onSignedIn}
              @to-login=${this.onToLogin}
              @forgot-password=${this.onForgot}
            ></pacte-set-password>
          </main>`;
      case 'ready':
        return this.renderReady();
    }
  }

  private renderTopbar(signedIn: boolean) {
    const me = this.store?.me;
    const locale = getLocale();
    return html`<a class="skip-link" href="#main">${t('app.skip')}</a>
      <header class="topbar">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true">P</span>
          <span class="brand-name">${t('app.name')}</span>
        </a>
        <div class="topbar-right">
          <label class="lang">
            <span class="visually-hidden">${t('app.language')}</span>
            <select @change=${(e: Event) => this.changeLocale(e)} data-testid="language">
              ${LOCALES.map(
                (l: Locale) =>
                  html`<option value=${l} ?selected=${l === locale} lang=${l}>${t(`app.language.${l}`)}</option>`,
              )}
            </select>
          </label>
          ${signedIn && me && this.store
            ? html`<pacte-notifications
                .store=${this.store}
                .tick=${this.tick}
                .workspace=${this.route.name === 'workspace' ? this.route.ws : null}
              ></pacte-notifications>`
            : nothing}
          ${signedIn && me ? this.renderUserMenu(me) : nothing}
        </div>
      </header>`;
  }

  /** The person's menu: who is signed in, "Télécharger mes données", "Se déconnecter". */
  private renderUserMenu(me: SessionMe) {
    const open = this.menuOpen;
    return html`<div
      class="user-menu"
      @keydown=${(e: KeyboardEvent) => this.menuKey(e)}
      @focusout=${(e: FocusEvent) => this.menuFocusOut(e)}
    >
      <button
        class="user-menu-btn"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="user-menu-panel"
        title=${t('app.signedInAs', { name: me.person.name })}
        data-testid="user-menu"
        @click=${() => (this.menuOpen = !open)}
      >
        <span class="avatar avatar-small" aria-hidden="true">${initials(me.person.name)}</span>
        <span class="whoami">${me.person.name}</span>
        <span class="visually-hidden">— ${t('account.menu')}</span>
        <span class="caret" aria-hidden="true">▾</span>
      </button>
      <div id="user-menu-panel" class="user-menu-panel" ?hidden=${!open}>
        <p class="user-menu-who">
          <span class="user-menu-name">${me.person.name}</span>
          ${me.person.email ? html`<span class="muted">${me.person.email}</span>` : nothing}
        </p>
        <a class="menu-item" href=${paths.preferences(this.route.name === 'workspace' ? this.route.ws : undefined)}
          data-testid="notification-prefs" @click=${() => (this.menuOpen = false)}>${t('notifications.prefs')}</a>
        <button class="menu-item" data-testid="my-data" ?disabled=${this.myData.busy} aria-describedby="my-data-hint"
          @click=${() => this.downloadMyData()}>
          ${t('account.myData')}
        </button>
        <p class="menu-hint" id="my-data-hint">${t('account.myDataHint')}</p>
        <p class="menu-status ${this.myData.error ? 'is-error' : ''}" role="status" data-testid="my-data-status">${this.myData.text}</p>
        <button class="menu-item" data-testid="logout" @click=${() => this.signOut()}>${t('app.logout')}</button>
      </div>
    </div>`;
  }

  private renderReady() {
    const store = this.store;
    if (!store) return html`<div class="splash" role="status">${t('app.loading')}</div>`;
    const route = this.route;
    const offline = this.conn === 'offline' || (this.everOnline && this.conn !== 'online');
    const pending = store.client.outbox.length;
    const inWorkspace = route.name === 'workspace';
    const onPage = route.name === 'preferences';
    return html`${this.renderTopbar(true)}
      ${offline
        ? html`<div class="offline-banner" role="status" data-testid="offline-banner">
            <span class="offline-dot" aria-hidden="true"></span>
            <span>${t('app.offline')}</span>
            ${pending ? html`<span class="offline-pending">${tn('app.offlinePending', pending)}</span>` : nothing}
            <button class="btn btn-link" @click=${() => this.client?.reconnectNow()}>${t('app.retryNow')}</button>
          </div>`
        : nothing}
      <div class="layout ${inWorkspace ? 'in-workspace' : onPage ? 'in-workspace in-page' : 'at-home'}">
        <nav class="sidebar" aria-label=${t('workspaces.title')}>
          <pacte-workspace-list
            .store=${store}
            .active=${inWorkspace ? route.ws : null}
            .tick=${this.tick}
          ></pacte-workspace-list>
        </nav>
        <main id="main" class="main" tabindex="-1">
          ${route.name === 'workspace'
            ? html`<pacte-workspace .store=${store} .route=${route} .tick=${this.tick}></pacte-workspace>`
            : route.name === 'preferences'
            ? html`<pacte-notification-prefs .store=${store} .workspace=${route.ws} .tick=${this.tick}></pacte-notification-prefs>`
            : html`<div class="empty-main">
                <p class="lead">${t('app.tagline')}</p>
                <p>${t('workspaces.choose')}</p>
              </div>`}
        </main>
      </div>`;
  }
}

function safeSessionStorage(): Storage | null {
  try {
    const s = window.sessionStorage;
    s.setItem('pacte.probe', '1');
    s.removeItem('pacte.probe');
    return s;
  } catch {
    return null;
  }
}

customElements.define('pacte-app', PacteApp);
