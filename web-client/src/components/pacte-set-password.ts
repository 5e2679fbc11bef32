import { html, nothing } from 'lit';
import { PacteElement } from './base';
import { NetworkError, sessionMe, setPassword } from '../api';
import { errorText, getLocale, t } from '../i18n';
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  checkNewPassword,
  passwordLength,
  problemField,
  type LinkKind,
  type PasswordProblem,
} from '../password';

/**
 * "Choisir votre mot de passe": opened by an invitation or password-reset
 * link (`/?invitation=<token>`, `/?reset=<token>`). Sends `password.set`,
 * which signs in; fires `signed-in` with the `session.me` result, or
 * `to-login` when the person goes to the sign-in page instead, or
 * `forgot-password` when a reset link no longer works and they ask for another.
 */
export class PacteSetPassword extends PacteElement {
  static override properties = {
    kind: {},
    token: {},
    error: { state: true },
    errorField: { state: true },
    linkInvalid: { state: true },
    busy: { state: true },
    show: { state: true },
  };

  declare kind: LinkKind;
  declare token: string;
  declare error: string;
  declare errorField: 'password' | 'confirm' | null;
  declare linkInvalid: boolean;
  declare busy: boolean;
  declare show: boolean;

  constructor() {
    super();
    this.kind = 'invitation';
    this.token = '';
    this.error = '';
    this.errorField = null;
    this.linkInvalid = false;
    this.busy = false;
    this.show = false;
  }

  private problemText(problem: PasswordProblem, password: string): string {
    switch (problem) {
      case 'missing':
        return t('setPassword.missing');
      case 'tooShort':
        return t('setPassword.tooShort', { min: MIN_PASSWORD_LENGTH, count: passwordLength(password) });
      case 'tooLong':
        return t('setPassword.tooLong', { max: new Intl.NumberFormat(getLocale() === 'fr' ? 'fr-FR' : 'en-GB').format(MAX_PASSWORD_LENGTH) });
      case 'confirmMissing':
        return t('setPassword.confirmMissing');
      case 'mismatch':
        return t('setPassword.mismatch');
    }
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const form = e.target as HTMLFormElement;
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    const confirmation = (form.elements.namedItem('confirm') as HTMLInputElement).value;
    const problem = checkNewPassword(password, confirmation);
    if (problem) {
      this.showError(this.problemText(problem, password), problemField(problem));
      return;
    }
    this.busy = true;
    this.error = '';
    this.errorField = null;
    try {
      const r = await setPassword(this.token, password);
      if (r.ok) {
        const me = await sessionMe();
        if (me) {
          this.dispatchEvent(new CustomEvent('signed-in', { detail: me, bubbles: true, composed: true }));
          return;
        }
        this.showError(t('setPassword.failed', { status: 401 }), null);
      } else if (r.status === 404 || r.error?.code === 'not_found' || r.error?.field === 'args.token') {
        this.linkInvalid = true;
        this.showError(t('setPassword.invalidLink'), null);
      } else if (r.error?.code === 'bad_request' && r.error.field === 'args.password') {
        this.showError(errorText({ message: r.error.message, messageFr: r.error.message_fr }), 'password');
      } else if (r.status === 429 || r.error?.code === 'rate_limited') {
        this.showError(
          r.retryAfter ? t('setPassword.rateLimited', { seconds: Math.ceil(r.retryAfter) }) : t('login.rateLimitedNoDelay'),
          null,
        );
      } else {
        this.showError(t('setPassword.failed', { status: r.status }), null);
      }
    } catch (err) {
      this.showError(err instanceof NetworkError ? t('login.network') : t('setPassword.failed', { status: '—' }), null);
    } finally {
      this.busy = false;
    }
  }

  private async showError(text: string, field: 'password' | 'confirm' | null): Promise<void> {
    this.error = text;
    this.errorField = field;
    if (!field) return;
    await this.updateComplete;
    this.querySelector<HTMLInputElement>(field === 'password' ? '#set-password' : '#set-password-confirm')?.focus();
  }

  private toLogin(e: Event): void {
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('to-login', { bubbles: true, composed: true }));
  }

  override render() {
    const type = this.show ? 'text' : 'password';
    const invalid = (field: 'password' | 'confirm') => (this.errorField === field ? 'true' : 'false');
    const described = (field: 'password' | 'confirm') =>
      [field === 'password' ? 'set-password-hint' : '', this.errorField === field ? 'set-password-error' : '']
        .filter(Boolean)
        .join(' ');
    return html`<section class="login-card" aria-labelledby="set-password-title">
      <h1 id="set-password-title" data-focus-target tabindex="-1">
        ${this.kind === 'reset' ? t('setPassword.titleReset') : t('setPassword.title')}
      </h1>
      <p class="muted">${this.kind === 'reset' ? t('setPassword.introReset') : t('setPassword.introInvitation')}</p>
      <form @submit=${(e: Event) => this.submit(e)} novalidate>
        <div class="field">
          <label for="set-password">${t('setPassword.password')}</label>
          <input
            id="set-password"
            name="password"
            type=${type}
            autocomplete="new-password"
            autocapitalize="off"
            spellcheck="false"
            minlength=${MIN_PASSWORD_LENGTH}
            maxlength=${MAX_PASSWORD_LENGTH}
            required
            data-testid="set-password"
            aria-invalid=${invalid('password')}
            aria-describedby=${described('password')}
          />
          <p class="hint" id="set-password-hint">${t('setPassword.hint')}</p>
        </div>
        <div class="field">
          <label for="set-password-confirm">${t('setPassword.confirm')}</label>
          <input
            id="set-password-confirm"
            name="confirm"
            type=${type}
            autocomplete="new-password"
            autocapitalize="off"
            spellcheck="false"
            maxlength=${MAX_PASSWORD_LENGTH}
            required
            data-testid="set-password-confirm"
            aria-invalid=${invalid('confirm')}
            aria-describedby=${described('confirm') || nothing}
          />
        </div>
        <div class="field check-field">
          <input
            id="set-password-show"
            type="checkbox"
            .checked=${this.show}
            data-testid="set-password-show"
            @change=${(e: Event) => (this.show = (e.target as HTMLInputElement).checked)}
          />
          <label for="set-password-show">${t('setPassword.show')}</label>
        </div>
        <div id="set-password-error" class="form-error" role="alert" data-testid="set-password-error">${this.error}</div>
        <button class="btn btn-primary btn-block" type="submit" data-testid="set-password-submit" ?disabled=${this.busy}>
          ${this.busy ? t('setPassword.submitting') : t('setPassword.submit')}
        </button>
      </form>
      ${this.linkInvalid && this.kind === 'reset'
        ? html`<p class="card-foot">
            <button type="button" class="btn btn-primary btn-block" data-testid="set-password-new-link"
              @click=${() => this.dispatchEvent(new CustomEvent('forgot-password', { detail: '', bubbles: true, composed: true }))}>
              ${t('setPassword.newLink')}
            </button>
          </p>`
        : nothing}
      <p class="card-foot">
        <a href="/" class=${this.linkInvalid ? 'btn btn-secondary btn-block' : ''} @click=${(e: Event) => this.toLogin(e)}
          >${t('setPassword.toLogin')}</a
        >
      </p>
    </section>`;
  }
}

customElements.define('pacte-set-password', PacteSetPassword);
