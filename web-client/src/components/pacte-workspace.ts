import { html, nothing } from 'lit';
import { PacteElement } from './base';
import { kindLabel, type Store } from '../state/store';
import { paths, type Route } from '../router';
import { t } from '../i18n';

type WorkspaceRoute = Extract<Route, { name: 'workspace' }>;

/**
 * One workspace: its title, the tabs ("Discussion", one per enabled plugin,
 * "Membres") and the view of the route. The discussion shows the thread list
 * beside the selected thread; on a narrow screen they are two separate views.
 */
export class PacteWorkspace extends PacteElement {
  static override properties = {
    store: { attribute: false },
    route: { attribute: false },
    tick: { attribute: false },
  };

  declare store: Store;
  declare route: WorkspaceRoute;
  declare tick: number;

  private loadedFor: number | null = null;

  protected override willUpdate(): void {
    const ws = this.route?.ws;
    if (ws !== undefined && ws !== this.loadedFor && this.store?.workspaces.has(ws)) {
      this.loadedFor = ws;
      void this.store.loadThreads(ws);
      void this.store.loadMembers(ws);
      void this.store.loadPlugins(ws);
    }
    if (this.store && this.route) {
      const thread = this.route.view === 'thread' ? this.route.thread! : null;
      const v = this.store.viewing;
      if ((v?.thread ?? null) !== thread || (thread !== null && v?.workspace !== this.route.ws)) {
        this.store.view(this.route.ws, thread);
      }
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.store?.view(0, null);
  }

  override render() {
    const store = this.store;
    const route = this.route;
    const ws = store.workspaces.get(route.ws);
    if (!ws) {
      if (!store.workspacesLoaded) return html`<p class="pad muted" role="status">${t('app.loading')}</p>`;
      return html`<div class="pad">
        <h1 data-focus-target tabindex="-1">${t('workspaces.notFound')}</h1>
        <p><a href="/">${t('workspaces.back')}</a></p>
      </div>`;
    }
    const plugins = store.pluginTabs(ws.id);
    const discussion = ['threads', 'thread', 'new', 'search'].includes(route.view);
    const hasDetail = route.view !== 'threads';
    const headingInView = route.view === 'threads' || route.view === 'members' || route.view === 'plugin';
    return html`<div class="workspace ${discussion && hasDetail ? 'has-detail' : ''}">
      <header class="ws-header">
        <a class="back-link only-narrow" href="/">
          <span aria-hidden="true">←</span> ${t('workspaces.back')}
        </a>
        <div class="ws-title-block">
          ${ws.kind_label && kindLabel(ws) !== ws.name ? html`<p class="ws-kind">${kindLabel(ws)}</p>` : nothing}
          ${headingInView
            ? html`<h1 class="ws-title" data-focus-target tabindex="-1">${ws.name}</h1>`
            : html`<p class="ws-title">${ws.name}</p>`}
        </div>
        <nav class="tabs" aria-label=${t('tabs.label')}>
          <a
            class="tab ${discussion ? 'is-current' : ''}"
            href=${paths.workspace(ws.id)}
            aria-current=${discussion ? 'page' : nothing}
            data-testid="tab-discussion"
            >${t('tabs.discussion')}</a
          >
          ${plugins.map(
            (p) => html`<a
              class="tab ${route.view === 'plugin' && route.plugin === p.name ? 'is-current' : ''}"
              href=${paths.plugin(ws.id, p.name)}
              aria-current=${route.view === 'plugin' && route.plugin === p.name ? 'page' : nothing}
              data-testid="tab-plugin"
              data-plugin=${p.name}
              >${p.title}</a
            >`,
          )}
          <a
            class="tab ${route.view === 'members' ? 'is-current' : ''}"
            href=${paths.members(ws.id)}
            aria-current=${route.view === 'members' ? 'page' : nothing}
            data-testid="tab-members"
            >${t('tabs.members')}</a
          >
        </nav>
      </header>
      ${discussion
        ? html`<div class="discussion ${hasDetail ? 'has-detail' : 'no-detail'}">
            <section class="threads-pane" aria-label=${t('threads.title')}>
              <pacte-thread-list
                .store=${store}
                .workspace=${ws}
                .active=${route.view === 'thread' ? route.thread : null}
                .query=${route.view === 'search' ? route.query ?? '' : ''}
                .tick=${this.tick}
              ></pacte-thread-list>
            </section>
            <section class="detail-pane" aria-label=${ws.name}>${this.renderDetail()}</section>
          </div>`
        : route.view === 'members'
          ? html`<pacte-members .store=${store} .workspace=${ws} .tick=${this.tick}></pacte-members>`
          : html`<pacte-plugin-panel
              .client=${store.client}
              .workspace=${ws}
              .name=${route.plugin ?? ''}
              .tick=${this.tick}
            ></pacte-plugin-panel>`}
    </div>`;
  }

  private renderDetail() {
    const { store, route } = this;
    const ws = store.workspaces.get(route.ws)!;
    switch (route.view) {
      case 'thread':
        return html`<pacte-thread
          .store=${store}
          .workspace=${ws}
          .threadId=${route.thread}
          .tick=${this.tick}
        ></pacte-thread>`;
      case 'new':
        return html`<pacte-new-thread .store=${store} .workspace=${ws} .tick=${this.tick}></pacte-new-thread>`;
      case 'search':
        return html`<pacte-search
          .store=${store}
          .workspace=${ws}
          .query=${route.query ?? ''}
          .tick=${this.tick}
        ></pacte-search>`;
      default:
        return html`<div class="empty-detail"><p class="muted">${t('threads.choose')}</p></div>`;
    }
  }
}

customElements.define('pacte-workspace', PacteWorkspace);
