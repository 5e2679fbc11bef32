import { html, nothing } from 'lit';
import { PacteElement, initials } from './base';
import type { Store } from '../state/store';
import type { Workspace } from '../protocol/types';
import { t, type MessageKey } from '../i18n';
import './pacte-invite';

function roleLabel(role: string): string {
  return ['owner', 'member', 'observer'].includes(role) ? t(`role.${role}` as MessageKey) : role;
}

/**
 * People and organisations of a workspace, with who is online now; for its
 * owners, the invitation form and the export of the workspace.
 */
export class PacteMembers extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    tick: { attribute: false },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare tick: number;

  override render() {
    const members = this.store.members.get(this.workspace.id);
    const online = this.store.online.get(this.workspace.id) ?? new Set<number>();
    if (!members) return html`<p class="pad muted" role="status">${t('members.loading')}</p>`;
    const people = [...members.people].sort(
      (a, b) => Number(online.has(b.id)) - Number(online.has(a.id)) || a.name.localeCompare(b.name, 'fr'),
    );
    const owner = this.workspace.role === 'owner';
    return html`<div class="members pad">
      ${owner
        ? html`<p class="members-actions">
            <a class="btn btn-secondary btn-small" href="#invite-title" data-testid="invite-open" @click=${(e: Event) => this.goToInvite(e)}
              ><span aria-hidden="true">+</span> ${t('invite.title')}</a
            >
          </p>`
        : nothing}
      <h2>${t('members.people')} <span class="muted">(${people.length})</span></h2>
      <ul class="member-list" role="list" data-testid="members-people">
        ${people.map((p) => {
          const on = online.has(p.id);
          return html`<li class="member">
            <span class="avatar" aria-hidden="true">${initials(p.name)}<span class="presence ${on ? 'on' : 'off'}"></span></span>
            <span class="member-text">
              <span class="member-name">${p.name}</span>
              ${p.title ? html`<span class="muted">${p.title}</span>` : nothing}
            </span>
            <span class="member-side">
              <span class="presence-label ${on ? 'on' : ''}">${on ? t('members.online') : t('members.offline')}</span>
              <span class="tag">${roleLabel(p.role)}</span>
            </span>
          </li>`;
        })}
      </ul>
      <h2>${t('members.organisations')} <span class="muted">(${members.organisations.length})</span></h2>
      <ul class="member-list" role="list" data-testid="members-organisations">
        ${members.organisations.map(
          (o) => html`<li class="member">
            <span class="avatar avatar-org" aria-hidden="true">${initials(o.short || o.name)}</span>
            <span class="member-text">
              <span class="member-name">${o.short}</span>
              <span class="muted">${o.name}</span>
            </span>
            <span class="member-side"><span class="tag">${roleLabel(o.role)}</span></span>
          </li>`,
        )}
      </ul>
      ${owner ? this.renderManage() : nothing}
    </div>`;
  }

  /** The link at the top leads to the invitation form, at the bottom: focus its first field. */
  private goToInvite(e: Event): void {
    e.preventDefault();
    const field = this.querySelector<HTMLInputElement>('#invite-name');
    field?.scrollIntoView({ block: 'center' });
    field?.focus({ preventScroll: true });
  }

  private renderManage() {
    const ws = this.workspace;
    return html`<section class="manage" aria-labelledby="manage-title">
      <h2 id="manage-title">${t('members.manage')}</h2>
      <pacte-invite .store=${this.store} .workspace=${ws}></pacte-invite>
      <p class="export">
        <a class="btn btn-secondary" href="/export/${ws.id}.tar" download data-testid="export-link" aria-describedby="export-hint"
          >${t('export.link')}</a
        >
      </p>
      <p class="hint" id="export-hint">${t('export.hint')}</p>
    </section>`;
  }
}

customElements.define('pacte-members', PacteMembers);
