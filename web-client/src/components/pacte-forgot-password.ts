import { html, nothing } from 'lit';
import { PacteElement } from './base';
import { NetworkError, requestPasswordReset } from '../api';
import { looksLikeEmail } from '../forms';
import { errorText, t } from '../i18n';

/**
 * "Mot de passe oublié ?": asks for the account's email and sends
 * `password.reset_request`. Whatever the address, the same neutral
 * confirmation follows (the server does not say whether an account exists,
 * and neither does this screen). The email holds a `/?reset=<token>` link,
 * which opens `pacte-set-password`. Fires `to-login` to go back.
 */
export class PacteForgotPassword extends PacteElement {
  static override properties = {
    email: {},
    error: { state: true },
    busy: { state: true },
    sentTo: { state: true },
  };

  /** The address typed on the sign-in screen, if any. */
  declare email: string;
  declare error: string;
  declare busy: boolean;
  /** The address the request was made for, once it is made. */
  declare sentTo: string | null;

  constructor() {
    super();
    this.email = '';
    this.error = '';
    this.busy = false;
    this.sentTo = null;
  }

  protected override firstUpdated(): void {
    // Reached by a click on "Mot de passe oublié ?": start at the heading.
    this.querySelector<HTMLElement>('[data-focus-target]')?.focus({ preventScroll: true });
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const form = e.target as HTMLFormElement;
    const email = (form.elements.namedItem('email') as HTMLInputElement).value.trim();
    this.email = email;
    if (!email) return this.showError(t('forgot.missing'));
    if (!looksLikeEmail(email)) return this.showError(t('forgot.badEmail'));
    this.busy = true;
    this.error = '';
    try {
      const r = await requestPasswordReset(email);
      if (r.ok) {
        this.sentTo = email;
        await this.updateComplete;
        this.querySelector<HTMLElement>('[data-focus-target]')?.focus();
        return;
      }
      if (r.status === 429 || r.error?.code === 'rate_limited') {
        this.showError(
          r.retryAfter ? t('forgot.rateLimited', { seconds: Math.ceil(r.retryAfter) }) : t('forgot.rateLimitedNoDelay'),
        );
      } else if (r.error?.code === 'bad_request' && r.error.field === 'args.email') {
        this.showError(errorText({ message: r.error.message, messageFr: r.error.message_fr }));
      } else {
        this.showError(t('forgot.failed', { status: r.status }));
      }
    } catch (err) {
      this.showError(err instanceof NetworkError ? t('login.network') : t('forgot.failed', { status: '—' }));
    } finally {
      this.busy = false;
    }
  }

  private async showError(text: string): Promise<void> {
    this.error = text;
    await this.updateComplete;
    this.querySelector<HTMLInputElement>('#forgot-email')?.focus();
  }

  private async again(): Promise<void> {
    this.sentTo = null;
    await this.updateComplete;
    this.querySelector<HTMLInputElement>('#forgot-email')?.select();
  }

  private toLogin(): void {
    this.dispatchEvent(new CustomEvent('to-login', { bubbles: true, composed: true }));
  }

  override render() {
    const back = html`<p class="card-foot">
      <button type="button" class="btn btn-link" data-testid="forgot-back" @click=${() => this.toLogin()}>
        ${t('forgot.toLogin')}
      </button>
    </p>`;
    if (this.sentTo !== null) {
      return html`<section class="login-card" aria-labelledby="forgot-title">
        <h1 id="forgot-title" data-focus-target tabindex="-1">${t('forgot.sentTitle')}</h1>
        <p class="notice notice-ok" data-testid="forgot-sent">${t('forgot.sent', { email: this.sentTo })}</p>
        <p class="muted">${t('forgot.sentHint')}</p>
        <button type="button" class="btn btn-secondary btn-block" data-testid="forgot-again" @click=${() => this.again()}>
          ${t('forgot.again')}
        </button>
        ${back}
      </section>`;
    }
    return html`<section class="login-card" aria-labelledby="forgot-title">
      <h1 id="forgot-title" data-focus-target tabindex="-1">${t('forgot.title')}</h1>
      <p class="muted">${t('forgot.intro')}</p>
      <form @submit=${(e: Event) => this.submit(e)} novalidate>
        <div class="field">
          <label for="forgot-email">${t('forgot.email')}</label>
          <input
            id="forgot-email"
            name="email"
            type="email"
            autocomplete="username"
            inputmode="email"
            required
            .value=${this.email}
            data-testid="forgot-email"
            aria-invalid=${this.error ? 'true' : 'false'}
            aria-describedby=${this.error ? 'forgot-error' : nothing}
          />
        </div>
        <div id="forgot-error" class="form-error" role="alert" data-testid="forgot-error">${this.error}</div>
        <button class="btn btn-primary btn-block" type="submit" data-testid="forgot-submit" ?disabled=${this.busy}>
          ${this.busy ? t('forgot.submitting') : t('forgot.submit')}
        </button>
      </form>
      ${back}
    </section>`;
  }
}

customElements.define('pacte-forgot-password', PacteForgotPassword);
