import { html, nothing, type PropertyValues } from 'lit';
import { PacteElement } from './base';
import { threadTitle, type Store } from '../state/store';
import type { Message, Workspace } from '../protocol/types';
import { paths } from '../router';
import { errorText, formatDateTime, t } from '../i18n';
import { plainText } from '../markdown';

/** Results of `chat.search` in a workspace, newest first, each linking to its thread. */
export class PacteSearch extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    query: { attribute: false },
    tick: { attribute: false },
    results: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare query: string;
  declare tick: number;
  declare results: Message[] | null;
  declare loading: boolean;
  declare error: string;

  private seq = 0;

  constructor() {
    super();
    this.results = null;
    this.loading = false;
    this.error = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('query') || changed.has('workspace')) void this.run();
  }

  private async run(): Promise<void> {
    const query = (this.query ?? '').trim();
    const mine = ++this.seq;
    if (!query) {
      this.results = [];
      return;
    }
    this.loading = true;
    this.error = '';
    try {
      const res = await this.store.client.request<{ messages: Message[] }>('chat.search', {
        query: query.slice(0, 200),
        workspace: this.workspace.id,
        limit: 50,
      });
      if (mine === this.seq) this.results = res.messages ?? [];
    } catch (err) {
      if (mine === this.seq) this.error = errorText(err);
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }

  override render() {
    const ws = this.workspace;
    return html`<div class="search-results pad">
      <a class="back-link only-phone" href=${paths.workspace(ws.id)}
        ><span aria-hidden="true">←</span> ${t('threads.back')}</a
      >
      <h1 data-focus-target tabindex="-1">${t('search.title', { query: this.query })}</h1>
      ${this.loading ? html`<p class="muted" role="status">${t('search.loading')}</p>` : nothing}
      ${this.error ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}
      ${!this.loading && this.results && this.results.length === 0 && !this.error
        ? html`<p class="muted" role="status">${t('search.empty')}</p>`
        : nothing}
      ${this.results?.length
        ? html`<ul class="results" role="list" data-testid="search-results">
            ${this.results.map(
              (m) => html`<li>
                <a class="result" href=${paths.thread(m.workspace ?? ws.id, m.thread)} data-testid="search-result">
                  <span class="result-head">
                    <span class="author">${this.store.authorName(m)}</span>
                    <span class="muted">${t('search.inThread', { title: threadTitle({ title: m.thread_title ?? '', title_en: m.thread_title_en }) })}</span>
                    <time datetime=${m.created_at}>${formatDateTime(m.created_at)}</time>
                  </span>
                  <span class="result-snippet">${plainText(m.snippet || m.body).slice(0, 240)}</span>
                </a>
              </li>`,
            )}
          </ul>`
        : nothing}
    </div>`;
  }
}

customElements.define('pacte-search', PacteSearch);
