import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { PacteElement } from './base';
import { threadTitle, type Store } from '../state/store';
import type { Thread, Workspace } from '../protocol/types';
import { navigate, paths } from '../router';
import { formatShort, formatDateTime, t, tn } from '../i18n';

/** The threads of a workspace, most recent first, with unread markers; search and "new thread". */
export class PacteThreadList extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    active: { attribute: false },
    query: { attribute: false },
    tick: { attribute: false },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare active: number | null;
  declare query: string;
  declare tick: number;

  private search(e: Event): void {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('q') as HTMLInputElement;
    const q = input.value.trim();
    if (q) navigate(paths.search(this.workspace.id, q));
  }

  override render() {
    const { store, workspace: ws } = this;
    const entry = store.threads.get(ws.id);
    const threads = store.threadList(ws.id);
    const pending = store.pendingThreads(ws.id);
    const canWrite = ws.role !== 'observer';
    return html`<div class="thread-list">
      <div class="thread-list-head">
        <h2 class="pane-title">${t('threads.title')}</h2>
        ${canWrite
          ? html`<a class="btn btn-primary btn-small" href=${paths.newThread(ws.id)} data-testid="new-thread-open">
              <span aria-hidden="true">+</span> ${t('threads.new')}
            </a>`
          : nothing}
      </div>
      <form class="search-form" role="search" @submit=${(e: Event) => this.search(e)}>
        <label class="visually-hidden" for="search-${ws.id}">${t('search.label')}</label>
        <input
          id="search-${ws.id}"
          name="q"
          type="search"
          maxlength="200"
          .value=${this.query ?? ''}
          placeholder=${t('search.placeholder')}
          data-testid="search-input"
        />
        <button class="btn btn-secondary btn-small" type="submit" data-testid="search-submit">
          ${t('search.submit')}
        </button>
      </form>
      ${entry?.error && !entry.loaded ? html`<p class="form-error" role="alert">${entry.error}</p>` : nothing}
      ${!entry?.loaded && !entry?.error
        ? html`<p class="muted pad-s" role="status">${t('app.loading')}</p>`
        : threads.length === 0 && pending.length === 0
          ? html`<p class="muted pad-s">${t('threads.empty')}</p>`
          : html`<ul class="threads" role="list">
              ${pending.map(
                (p) => html`<li>
                  <div class="thread-item is-pending" aria-disabled="true">
                    <span class="thread-title">${String(p.args.title ?? '')}</span>
                    <span class="thread-meta">${t('message.pending')}</span>
                  </div>
                </li>`,
              )}
              ${repeat(
                threads,
                (th) => th.id,
                (th) => this.renderThread(th),
              )}
            </ul>`}
    </div>`;
  }

  private renderThread(th: Thread) {
    const current = th.id === this.active;
    const unread = th.unread ?? 0;
    const mentions = th.mentions ?? 0;
    return html`<li>
      <a
        class="thread-item ${current ? 'is-current' : ''} ${unread ? 'is-unread' : ''} ${th.resolved ? 'is-resolved' : ''}"
        href=${paths.thread(th.workspace, th.id)}
        data-testid="thread-item"
        data-thread-id=${th.id}
        aria-current=${current ? 'page' : nothing}
      >
        <span class="thread-line">
          ${unread ? html`<span class="unread-dot" aria-hidden="true"></span>` : nothing}
          <span class="thread-title">${threadTitle(th)}</span>
          <time class="thread-time" datetime=${th.last_message_at} title=${formatDateTime(th.last_message_at)}
            >${formatShort(th.last_message_at)}</time
          >
        </span>
        <span class="thread-meta">
          <span>${tn('threads.messages', th.message_count ?? 0)}</span>
          ${th.resolved ? html`<span class="tag tag-ok">✓ ${t('threads.resolved')}</span>` : nothing}
          ${mentions
            ? html`<span class="badge badge-mention"
                ><span aria-hidden="true">@${mentions}</span
                ><span class="visually-hidden">${tn('workspaces.mentions', mentions)}</span></span
              >`
            : nothing}
          ${unread
            ? html`<span class="badge badge-unread"
                ><span aria-hidden="true">${unread}</span
                ><span class="visually-hidden">${tn('threads.unread', unread)}</span></span
              >`
            : nothing}
        </span>
      </a>
    </li>`;
  }
}

customElements.define('pacte-thread-list', PacteThreadList);
