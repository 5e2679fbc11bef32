import { html, nothing } from 'lit';
import { PacteElement } from './base';
import { shortWorkspaceName, type Store } from '../state/store';
import type { Workspace } from '../protocol/types';
import { paths } from '../router';
import { t, tn, type MessageKey } from '../i18n';

/** The workspaces of the person, grouped by committee kind, with unread and mention badges. */
export class PacteWorkspaceList extends PacteElement {
  static override properties = {
    store: { attribute: false },
    active: { attribute: false },
    tick: { attribute: false },
  };

  declare store: Store;
  declare active: number | null;
  declare tick: number;

  override render() {
    const store = this.store;
    if (!store) return nothing;
    const groups = store.groupedWorkspaces();
    const atHome = this.active === null;
    return html`<div class="ws-list">
      ${atHome
        ? html`<h1 class="ws-list-title" data-focus-target tabindex="-1">${t('workspaces.title')}</h1>`
        : html`<h2 class="ws-list-title">${t('workspaces.title')}</h2>`}
      ${!store.workspacesLoaded
        ? html`<p class="muted" role="status">${store.workspacesError ? store.workspacesError : t('app.loading')}</p>`
        : groups.length === 0
          ? html`<p class="muted">${t('workspaces.empty')}</p>`
          : groups.map((g) => {
              const label =
                g.kind === 'archived'
                  ? t('workspaces.archived')
                  : g.label || t(`kind.${g.kind}` as MessageKey);
              const id = `ws-group-${g.kind}`;
              return html`<div class="ws-group">
                ${atHome
                  ? html`<h2 class="ws-group-title" id=${id}>${label}</h2>`
                  : html`<h3 class="ws-group-title" id=${id}>${label}</h3>`}
                <ul class="ws-items" role="list">
                  ${g.workspaces.map((ws) => this.renderItem(ws))}
                </ul>
              </div>`;
            })}
    </div>`;
  }

  private renderItem(ws: Workspace) {
    const current = this.active === ws.id;
    const unread = ws.unread ?? 0;
    const mentions = ws.mentions ?? 0;
    return html`<li>
      <a
        class="ws-item ${current ? 'is-current' : ''} ${unread ? 'has-unread' : ''}"
        href=${paths.workspace(ws.id)}
        data-testid="workspace-item"
        data-key=${ws.key}
        data-workspace-id=${ws.id}
        aria-current=${current ? 'page' : nothing}
      >
        <span class="ws-name" title=${ws.name}>${shortWorkspaceName(ws)}${ws.archived
            ? html` <span class="tag">${t('workspaces.archivedMark')}</span>`
            : nothing}</span>
        <span class="badges">
          ${mentions
            ? html`<span class="badge badge-mention" data-testid="mention-badge"
                ><span aria-hidden="true">@${mentions}</span
                ><span class="visually-hidden">${tn('workspaces.mentions', mentions)}</span></span
              >`
            : nothing}
          ${unread
            ? html`<span class="badge badge-unread" data-testid="unread-badge"
                ><span aria-hidden="true">${unread > 99 ? '99+' : unread}</span
                ><span class="visually-hidden">${tn('workspaces.unread', unread)}</span></span
              >`
            : nothing}
        </span>
      </a>
    </li>`;
  }
}

customElements.define('pacte-workspace-list', PacteWorkspaceList);
