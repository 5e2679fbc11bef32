import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { PacteElement } from './base';
import type { Store } from '../state/store';
import type { PrefsChange } from '../state/notifications';
import { DIGEST_MODES, NOTIFICATION_KINDS, type DigestMode, type Workspace } from '../protocol/types';
import { paths } from '../router';
import { errorText, t, type MessageKey } from '../i18n';
import { digestText } from '../notification-words';

/**
 * "Préférences de notification": email on or off per kind, how often the
 * emails go (the digest), and a frequency of its own for one workspace (the
 * one the page was opened from, by default). Each change is saved at once
 * (`notifications.prefs.set`) and the outcome said in a status line.
 */
export class PacteNotificationPrefs extends PacteElement {
  static override properties = {
    store: { attribute: false },
    tick: {},
    /** The workspace the page was opened from (`/preferences?w=<id>`). */
    workspace: { attribute: false },
    chosen: { state: true },
    status: { state: true },
    statusError: { state: true },
    saving: { state: true },
  };

  declare store: Store;
  declare tick: number;
  declare workspace: number | undefined;
  /** The workspace whose own frequency is shown. */
  declare chosen: number | null;
  declare status: string;
  declare statusError: boolean;
  declare saving: number;

  constructor() {
    super();
    this.tick = 0;
    this.workspace = undefined;
    this.chosen = null;
    this.status = '';
    this.statusError = false;
    this.saving = 0;
  }

  private unsubscribe: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.store?.subscribe(() => this.requestUpdate()) ?? null;
    void this.store?.notifications.loadPrefs();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
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

  private workspaces(): Workspace[] {
    return [...this.store.workspaces.values()]
      .filter((w) => !w.archived)
      .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  }

  private chosenWorkspace(list: Workspace[]): Workspace | undefined {
    const want = this.chosen ?? this.workspace;
    return list.find((w) => w.id === want) ?? list[0];
  }

  private async save(change: PrefsChange): Promise<void> {
    this.saving++;
    this.status = t('prefs.saving');
    this.statusError = false;
    try {
      await this.store.notifications.setPrefs(change);
      this.status = t('prefs.saved');
    } catch (err) {
      this.status = t('prefs.failed', { message: errorText(err) });
      this.statusError = true;
      // Show what the server holds, not what was clicked.
      await this.store.notifications.loadPrefs();
    } finally {
      this.saving--;
    }
  }

  override render() {
    if (!this.store) return nothing;
    const c = this.store.notifications;
    const prefs = c.prefs;
    const back = this.workspace !== undefined && this.store.workspaces.has(this.workspace) ? paths.workspace(this.workspace) : paths.home();
    return html`<section class="prefs pad" aria-labelledby="prefs-title" data-testid="prefs">
      <a class="back-link" href=${back}><span aria-hidden="true">←</span> ${t('prefs.back')}</a>
      <h1 id="prefs-title" data-focus-target tabindex="-1">${t('prefs.title')}</h1>
      <p class="muted">${t('prefs.intro')}</p>
      ${prefs
        ? this.renderForm()
        : c.prefsError
          ? html`<p class="form-error" role="alert">${t('prefs.loadFailed', { message: c.prefsError })}</p>`
          : html`<p class="muted" role="status">${t('prefs.loading')}</p>`}
      <p class="prefs-status ${this.statusError ? 'is-error' : ''}" role="status" data-testid="prefs-status">${this.status}</p>
    </section>`;
  }

  private renderForm() {
    const prefs = this.store.notifications.prefs!;
    const list = this.workspaces();
    const ws = this.chosenWorkspace(list);
    const own = ws ? prefs.workspaces?.[String(ws.id)] : undefined;
    const overrides = Object.entries(prefs.workspaces ?? {})
      .map(([id, mode]) => ({ ws: this.store.workspaces.get(Number(id)), id: Number(id), mode }))
      .filter((o) => o.ws)
      .sort((a, b) => a.ws!.name.localeCompare(b.ws!.name, 'fr'));
    return html`${prefs.email_configured === false
        ? html`<p class="notice" data-testid="prefs-not-configured">${t('prefs.notConfigured')}</p>`
        : nothing}
      <fieldset class="prefs-group">
        <legend>${t('prefs.emailLegend')}</legend>
        ${[...NOTIFICATION_KINDS, ...('digest' in (prefs.email ?? {}) ? ['digest' as const] : [])].map(
          (kind) => html`<div class="field check-field">
            <input
              id="pref-email-${kind}"
              type="checkbox"
              data-testid="pref-email"
              data-kind=${kind}
              .checked=${live(prefs.email?.[kind] !== false)}
              @change=${(e: Event) => this.save({ email: { [kind]: (e.target as HTMLInputElement).checked } })}
            />
            <label for="pref-email-${kind}">${t(`prefs.kind.${kind}` as MessageKey)}</label>
          </div>`,
        )}
      </fieldset>
      <fieldset class="prefs-group" aria-describedby="prefs-digest-hint">
        <legend>${t('prefs.digestLegend')}</legend>
        <p class="hint" id="prefs-digest-hint">${t('prefs.digestHint')}</p>
        <div class="prefs-radios">
          ${DIGEST_MODES.map(
            (mode) => html`<div class="check-field">
              <input
                id="pref-digest-${mode}"
                type="radio"
                name="digest"
                value=${mode}
                data-testid="pref-digest"
                .checked=${live(prefs.digest === mode)}
                @change=${() => this.save({ digest: mode })}
              />
              <label for="pref-digest-${mode}">${digestText(mode)}</label>
            </div>`,
          )}
        </div>
      </fieldset>
      <fieldset class="prefs-group" aria-describedby="prefs-ws-hint">
        <legend>${t('prefs.workspaceLegend')}</legend>
        <p class="hint" id="prefs-ws-hint">${t('prefs.workspaceHint')}</p>
        ${ws
          ? html`<div class="prefs-ws-row">
              <div class="field">
                <label for="pref-ws">${t('prefs.workspace')}</label>
                <select id="pref-ws" data-testid="pref-ws" @change=${(e: Event) => (this.chosen = Number((e.target as HTMLSelectElement).value))}>
                  ${list.map((w) => html`<option value=${w.id} ?selected=${w.id === ws.id}>${w.name}</option>`)}
                </select>
              </div>
              <div class="field">
                <label for="pref-ws-mode">${t('prefs.workspaceMode')}</label>
                <select
                  id="pref-ws-mode"
                  data-testid="pref-ws-mode"
                  .value=${live(own ?? '')}
                  @change=${(e: Event) => {
                    const v = (e.target as HTMLSelectElement).value;
                    void this.save({ workspace: ws.id, workspace_digest: v ? (v as DigestMode) : null });
                  }}
                >
                  <option value="" ?selected=${!own}>${t('prefs.inherit', { mode: digestText(prefs.digest).toLowerCase() })}</option>
                  ${DIGEST_MODES.map((mode) => html`<option value=${mode} ?selected=${own === mode}>${digestText(mode)}</option>`)}
                </select>
              </div>
            </div>`
          : html`<p class="muted">${t('prefs.noWorkspace')}</p>`}
        ${overrides.length
          ? html`<h2 class="prefs-subtitle" id="prefs-overrides-title">${t('prefs.overrides')}</h2>
              <ul class="prefs-overrides" aria-labelledby="prefs-overrides-title" data-testid="pref-overrides">
                ${overrides.map(
                  (o) => html`<li>
                    <span><strong>${o.ws!.name}</strong> — ${digestText(o.mode)}</span>
                    <button
                      type="button"
                      class="btn btn-link btn-small"
                      aria-label=${t('prefs.removeOverrideFor', { name: o.ws!.name })}
                      @click=${() => this.save({ workspace: o.id, workspace_digest: null })}
                    >
                      ${t('prefs.removeOverride')}
                    </button>
                  </li>`,
                )}
              </ul>`
          : nothing}
      </fieldset>`;
  }
}

customElements.define('pacte-notification-prefs', PacteNotificationPrefs);
