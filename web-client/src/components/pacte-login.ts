import { html, nothing } from 'lit';
import { PacteElement } from './base';
import { NetworkError, login, sessionMe } from '../api';
import { errorText, t } from '../i18n';

/**
 * The sign-in screen. Fires `signed-in` with the `session.me` result, and
 * `forgot-password` (with the email typed so far) for "Mot de passe oublié ?".
 */
export class PacteLogin extends PacteElement {
  static override properties = {
    notice: {},
    error: { state: true },
    busy: { state: true },
  };

  declare notice: string;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.notice = '';
    this.error = '';
    this.busy = false;
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const form = e.target as HTMLFormElement;
    const email = (form.elements.namedItem('email') as HTMLInputElement).value.trim();
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    if (!email || !password) {
      this.error = t('login.missing');
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const r = await login(email, password);
      if (r.ok) {
        const me = await sessionMe();
        if (!me) {
          this.error = t('login.failed', { status: 401 });
          return;
        }
        this.dispatchEvent(new CustomEvent('signed-in', { detail: me, bubbles: true, composed: true }));
        return;
      }
      if (r.status === 401 || r.error?.code === 'unauthenticated') {
        this.error = t('login.wrong');
      } else if (r.status === 429 || r.error?.code === 'rate_limited') {
        this.error = r.retryAfter
          ? t('login.rateLimited', { seconds: Math.ceil(r.retryAfter) })
          : t('login.rateLimitedNoDelay');
      } else if (r.error) {
        this.error = errorText({ message: r.error.message, messageFr: r.error.message_fr });
      } else {
        this.error = t('login.failed', { status: r.status });
      }
    } catch (err) {
      this.error = err instanceof NetworkError ? t('login.network') : t('login.failed', { status: '—' });
    } finally {
      this.busy = false;
    }
    if (this.error) {
      await this.updateComplete;
      this.querySelector<HTMLInputElement>('#login-password')?.select();
    }
  }

  private forgot(): void {
    const email = this.querySelector<HTMLInputElement>('#login-email')?.value.trim() ?? '';
    this.dispatchEvent(new CustomEvent('forgot-password', { detail: email, bubbles: true, composed: true }));
  }

  override render() {
    return html`<section class="login-card" aria-labelledby="login-title">
      <h1 id="login-title" data-focus-target tabindex="-1">${t('login.title')}</h1>
      <p class="muted">${t('login.intro')}</p>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <form @submit=${(e: Event) => this.submit(e)} novalidate>
        <div class="field">
          <label for="login-email">${t('login.email')}</label>
          <input
            id="login-email"
            name="email"
            type="email"
            autocomplete="username"
            inputmode="email"
            required
            data-testid="login-email"
            aria-invalid=${this.error ? 'true' : 'false'}
            aria-describedby=${this.error ? 'login-error' : nothing}
          />
        </div>
        <div class="field">
          <label for="login-password">${t('login.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            data-testid="login-password"
            aria-invalid=${this.error ? 'true' : 'false'}
            aria-describedby=${this.error ? 'login-error' : nothing}
          />
        </div>
        <div id="login-error" class="form-error" role="alert" data-testid="login-error">${this.error}</div>
        <button class="btn btn-primary btn-block" type="submit" data-testid="login-submit" ?disabled=${this.busy}>
          ${this.busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p class="card-foot">
        <button type="button" class="btn btn-link" data-testid="forgot-password" @click=${() => this.forgot()}>
          ${t('login.forgot')}
        </button>
      </p>
    </section>`;
  }
}

customElements.define('pacte-login', PacteLogin);
