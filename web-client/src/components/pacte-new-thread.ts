import { html, nothing } from 'lit';
import { PacteElement } from './base';
import type { Store } from '../state/store';
import type { Workspace } from '../protocol/types';
import { navigate, paths } from '../router';
import { errorText, t } from '../i18n';

/** Form to start a thread: a title and a first message. */
export class PacteNewThread extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    tick: { attribute: false },
    error: { state: true },
    busy: { state: true },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare tick: number;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const form = e.target as HTMLFormElement;
    const title = (form.elements.namedItem('title') as HTMLInputElement).value.trim();
    const body = (form.elements.namedItem('body') as HTMLTextAreaElement).value.trim();
    if (!title || !body) {
      this.error = t('newThread.missing');
      return;
    }
    this.busy = true;
    this.error = '';
    const ws = this.workspace.id;
    try {
      const thread = await this.store.createThread(ws, title, body);
      form.reset();
      // Still on this form? Then open the new thread.
      if (location.pathname === paths.newThread(ws) && thread?.id) navigate(paths.thread(ws, thread.id), true);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private bodyKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      (e.target as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  override render() {
    const offline = !this.store.client.online;
    return html`<div class="new-thread pad">
      <a class="back-link only-phone" href=${paths.workspace(this.workspace.id)}
        ><span aria-hidden="true">←</span> ${t('threads.back')}</a
      >
      <h1 data-focus-target tabindex="-1">${t('newThread.title')}</h1>
      <form @submit=${(e: Event) => this.submit(e)} novalidate>
        <div class="field">
          <label for="new-thread-title">${t('newThread.titleLabel')}</label>
          <input id="new-thread-title" name="title" type="text" maxlength="200" required data-testid="new-thread-title" />
        </div>
        <div class="field">
          <label for="new-thread-body">${t('newThread.bodyLabel')}</label>
          <textarea
            id="new-thread-body"
            name="body"
            rows="6"
            maxlength="10000"
            required
            aria-describedby="new-thread-hint"
            data-testid="new-thread-body"
            @keydown=${(e: KeyboardEvent) => this.bodyKey(e)}
          ></textarea>
          <p class="hint" id="new-thread-hint">${t('newThread.bodyHint')}</p>
        </div>
        ${this.busy && offline ? html`<p class="notice" role="status">${t('newThread.offline')}</p>` : nothing}
        <div class="form-error" role="alert">${this.error}</div>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" data-testid="new-thread-submit" ?disabled=${this.busy}>
            ${t('newThread.submit')}
          </button>
          <a class="btn btn-ghost" href=${paths.workspace(this.workspace.id)}>${t('newThread.cancel')}</a>
        </div>
      </form>
    </div>`;
  }
}

customElements.define('pacte-new-thread', PacteNewThread);
