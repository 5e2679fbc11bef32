import { html, nothing } from 'lit';
import { PacteElement } from './base';
import type { Store } from '../state/store';
import type { Workspace } from '../protocol/types';
import { errorText, t, type MessageKey } from '../i18n';
import { INVITE_ROLES, inviteArgs } from '../forms';

interface Invited {
  name: string;
  link?: string;
}

/**
 * For owners, in the members tab: invite someone (`invitations.create`) and
 * show the invitation link to hand over (Pacte does not send emails yet).
 */
export class PacteInvite extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    busy: { state: true },
    error: { state: true },
    invited: { state: true },
    copyStatus: { state: true },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare busy: boolean;
  declare error: string;
  declare invited: Invited | null;
  declare copyStatus: string;

  constructor() {
    super();
    this.busy = false;
    this.error = '';
    this.invited = null;
    this.copyStatus = '';
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const form = e.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
    const checked = inviteArgs(this.workspace.id, { name: value('name'), email: value('email'), role: value('role') });
    if (!checked.ok) {
      this.error = t(checked.problem === 'missing' ? 'invite.missing' : 'invite.badEmail');
      await this.updateComplete;
      this.querySelector<HTMLInputElement>(checked.problem === 'missing' && !value('name').trim() ? '#invite-name' : '#invite-email')?.focus();
      return;
    }
    if (!this.store.client.online) {
      this.error = t('invite.offline');
      return;
    }
    this.busy = true;
    this.error = '';
    this.invited = null;
    this.copyStatus = '';
    try {
      const res = await this.store.client.request<{ person: unknown; invitation_link?: string }>(
        'invitations.create',
        checked.args,
      );
      this.invited = { name: checked.args.name, link: res?.invitation_link || undefined };
      form.reset();
      await this.updateComplete;
      this.querySelector('.invite-result')?.scrollIntoView({ block: 'nearest' });
      void this.store.loadMembers(this.workspace.id, true);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async copy(): Promise<void> {
    const link = this.invited?.link;
    if (!link) return;
    const input = this.querySelector<HTMLInputElement>('#invite-link');
    try {
      if (navigator.clipboard?.writeText) await navigator.clipboard.writeText(link);
      else throw new Error('no clipboard');
      this.copyStatus = t('invite.copied');
    } catch {
      // Older browsers, or a page not allowed to write the clipboard.
      input?.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      this.copyStatus = ok ? t('invite.copied') : t('invite.copyFailed');
    }
  }

  override render() {
    return html`<section class="invite" aria-labelledby="invite-title">
      <h3 id="invite-title">${t('invite.title')}</h3>
      <p class="muted">${t('invite.intro')}</p>
      <form @submit=${(e: Event) => this.submit(e)} novalidate>
        <div class="invite-grid">
          <div class="field">
            <label for="invite-name">${t('invite.name')}</label>
            <input id="invite-name" name="name" type="text" maxlength="200" autocomplete="off" required data-testid="invite-name" />
          </div>
          <div class="field">
            <label for="invite-email">${t('invite.email')}</label>
            <input id="invite-email" name="email" type="email" inputmode="email" autocomplete="off" maxlength="254" required
              data-testid="invite-email" />
          </div>
          <div class="field">
            <label for="invite-role">${t('invite.role')}</label>
            <select id="invite-role" name="role" data-testid="invite-role">
              ${INVITE_ROLES.map((r) => html`<option value=${r} ?selected=${r === 'member'}>${t(`invite.role.${r}` as MessageKey)}</option>`)}
            </select>
          </div>
        </div>
        <div class="form-error" role="alert" data-testid="invite-error">${this.error}</div>
        <button class="btn btn-primary" type="submit" data-testid="invite-submit" ?disabled=${this.busy}>
          ${this.busy ? t('invite.submitting') : t('invite.submit')}
        </button>
      </form>
      <div role="status">
        ${this.invited
          ? html`<div class="invite-result">
              <p class="invite-done">✓ ${t('invite.added', { name: this.invited.name })}</p>
              ${this.invited.link
                ? html`<p>${t('invite.linkIntro')}</p>
                    <label class="visually-hidden" for="invite-link">${t('invite.linkLabel')}</label>
                    <div class="copy-row">
                      <input
                        id="invite-link"
                        type="text"
                        readonly
                        .value=${this.invited.link}
                        data-testid="invite-link"
                        @focus=${(e: Event) => (e.target as HTMLInputElement).select()}
                      />
                      <button class="btn btn-secondary" type="button" data-testid="invite-copy" @click=${() => this.copy()}>
                        ${t('invite.copy')}
                      </button>
                    </div>
                    ${this.copyStatus ? html`<p class="hint">${this.copyStatus}</p>` : nothing}`
                : html`<p>${t('invite.hasAccount')}</p>`}
            </div>`
          : nothing}
      </div>
    </section>`;
  }
}

customElements.define('pacte-invite', PacteInvite);
