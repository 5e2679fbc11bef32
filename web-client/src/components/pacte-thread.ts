import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { PacteElement } from './base';
import { pendingAttachments, threadTitle, type Store } from '../state/store';
import type { Attachment, Message, Workspace } from '../protocol/types';
import { paths } from '../router';
import { errorText, t } from '../i18n';
import { renderMarkdown, type MentionContext } from '../markdown';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { isAutoBody } from '../attachments';
import { renderAttachments } from './attachment-ui';

/**
 * A thread: its messages (oldest first, older pages on demand), the
 * "new messages" divider, typing indicator and composer. The thread is
 * marked read while it is on screen.
 */
export class PacteThread extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    threadId: { attribute: false },
    tick: { attribute: false },
    error: { state: true },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare threadId: number;
  declare tick: number;
  declare error: string;

  /** `last_read` when the thread was opened: messages after it are "new". */
  private readMark: number | null | undefined = undefined;
  private stickToBottom = true;
  private prevScrollHeight = 0;
  private prevFirstId: number | null = null;
  private prevLastKey = '';
  private scrollEl: HTMLElement | null = null;

  constructor() {
    super();
    this.error = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('threadId')) {
      this.readMark = undefined;
      this.stickToBottom = true;
      this.prevFirstId = null;
      this.prevLastKey = '';
      this.error = '';
      void this.store.loadHistory(this.threadId);
    }
    if (this.readMark === undefined) {
      const th = this.store.thread(this.threadId);
      if (th) this.readMark = th.unread ? th.last_read ?? 0 : null;
    }
    // Remember the scroll state before the DOM changes.
    const el = this.scrollEl;
    if (el) {
      this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      this.prevScrollHeight = el.scrollHeight;
    }
  }

  protected override updated(): void {
    this.scrollEl = this.querySelector<HTMLElement>('.messages-scroll');
    // The messages are elements of their own that render after this one:
    // measure and scroll once they have.
    requestAnimationFrame(() => this.adjustScroll());
  }

  private adjustScroll(): void {
    const el = this.scrollEl;
    if (!el || !el.isConnected) return;
    const entry = this.store.messages.get(this.threadId);
    const list = entry?.list ?? [];
    const firstId = list[0]?.id ?? null;
    const pending = this.store.pendingIn(this.threadId).length;
    const lastKey = `${list[list.length - 1]?.id ?? ''}|${pending}`;
    if (this.prevFirstId !== null && firstId !== null && firstId < this.prevFirstId && lastKey === this.prevLastKey) {
      // Older messages were added above: keep the same messages in view.
      el.scrollTop += el.scrollHeight - this.prevScrollHeight;
    } else if (lastKey !== this.prevLastKey) {
      const divider = this.prevLastKey === '' ? this.querySelector<HTMLElement>('.new-divider') : null;
      if (divider) divider.scrollIntoView({ block: 'start' });
      else if (this.stickToBottom || this.lastIsMine(list, pending)) el.scrollTop = el.scrollHeight;
    }
    this.prevFirstId = firstId;
    if (entry?.loaded) this.prevLastKey = lastKey;
  }

  private lastIsMine(list: Message[], pending: number): boolean {
    return pending > 0 || list[list.length - 1]?.author === this.store.myId;
  }

  private async toggleResolved(): Promise<void> {
    const th = this.store.thread(this.threadId);
    if (!th) return;
    try {
      await this.store.setResolved(th.id, !th.resolved);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** The body and files of a message still in the outbox, or that failed. */
  private renderQueuedBody(body: string, attachments: Attachment[], ctx: MentionContext) {
    return html`${isAutoBody(body, attachments)
      ? nothing
      : html`<div class="message-body md">${unsafeHTML(renderMarkdown(body, ctx))}</div>`}${renderAttachments(attachments, false)}`;
  }

  override render() {
    const { store, workspace: ws } = this;
    const th = store.thread(this.threadId);
    const entry = store.messages.get(this.threadId);
    const threadsLoaded = store.threads.get(ws.id)?.loaded;
    if (!th && threadsLoaded && entry?.loaded && !entry.list.length) {
      return html`<div class="pad">
        <a class="back-link only-phone" href=${paths.workspace(ws.id)}
          ><span aria-hidden="true">←</span> ${t('threads.back')}</a
        >
        <h1 data-focus-target tabindex="-1">${t('threads.notFound')}</h1>
      </div>`;
    }
    const canWrite = ws.role !== 'observer';
    const list = entry?.list ?? [];
    const pending = store.pendingIn(this.threadId);
    const failed = store.failedIn(this.threadId);
    const typing = store.typingIn(this.threadId);
    const ctx = { me: store.myId, myOrganisations: store.myOrganisations };
    let dividerShown = false;
    let prev: Message | null = null;
    return html`<div class="thread">
      <header class="thread-head">
        <a class="back-link only-phone" href=${paths.workspace(ws.id)}
          ><span aria-hidden="true">←</span> ${t('threads.back')}</a
        >
        <div class="thread-head-row">
          <h1 class="thread-heading" data-focus-target tabindex="-1" data-testid="thread-title">
            ${th ? threadTitle(th) : ''}
            ${th?.resolved ? html`<span class="tag tag-ok">✓ ${t('threads.resolved')}</span>` : nothing}
          </h1>
          ${th && canWrite
            ? html`<button class="btn btn-secondary btn-small" data-testid="thread-resolve" @click=${() => this.toggleResolved()}>
                ${th.resolved ? t('thread.reopen') : t('thread.resolve')}
              </button>`
            : nothing}
        </div>
        ${this.error ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}
      </header>
      <div class="messages-scroll" tabindex="0" aria-label=${t('thread.messages')} role="region">
        ${entry?.moreBefore
          ? html`<div class="older">
              <button class="btn btn-secondary btn-small" data-testid="load-older" ?disabled=${entry.loadingOlder}
                @click=${() => store.loadOlder(this.threadId)}>
                ${entry.loadingOlder ? t('thread.loadingOlder') : t('thread.older')}
              </button>
            </div>`
          : entry?.loaded && list.length
            ? html`<p class="thread-start muted">${t('thread.start')}</p>`
            : nothing}
        ${!entry?.loaded ? html`<p class="muted pad-s" role="status">${t('thread.loading')}</p>` : nothing}
        ${entry?.error && !list.length ? html`<p class="form-error" role="alert">${entry.error}</p>` : nothing}
        <ol class="messages" role="list">
          ${repeat(
            list,
            (m) => m.id,
            (m) => {
              const showDivider =
                !dividerShown && this.readMark !== null && this.readMark !== undefined &&
                m.id > this.readMark && m.author !== store.myId;
              if (showDivider) dividerShown = true;
              // Consecutive messages of one author within five minutes are
              // shown as a group: name and avatar once.
              const compact =
                !showDivider && prev !== null && prev.author === m.author && !prev.deleted && !m.deleted &&
                Date.parse(m.created_at) - Date.parse(prev.created_at) < 5 * 60_000;
              prev = m;
              return html`${showDivider
                  ? html`<li class="new-divider">
                      <span role="separator" aria-label=${t('thread.newMessages')}>${t('thread.newMessages')}</span>
                    </li>`
                  : nothing}<li class="message-li">
                  <pacte-message .store=${store} .message=${m} .ctx=${ctx} .canWrite=${canWrite} .compact=${compact} .tick=${this.tick}></pacte-message>
                </li>`;
            },
          )}
          ${pending.map(
            (p) => html`<li class="message-li">
              <article class="message is-pending" data-testid="message" data-pending="true">
                <div class="message-head">
                  <span class="author">${store.me.person.name}</span>
                  <span class="pending-label">${t('message.pending')}</span>
                </div>
                ${this.renderQueuedBody(String(p.args.body ?? ''), pendingAttachments(p), ctx)}
              </article>
            </li>`,
          )}
          ${failed.map(
            (f) => html`<li class="message-li">
              <article class="message is-failed">
                <div class="message-head">
                  <span class="author">${store.me.person.name}</span>
                  <span class="failed-label" role="alert">${t('message.failed', { message: errorText(f.error) })}</span>
                </div>
                ${this.renderQueuedBody(String(f.item.args.body ?? ''), pendingAttachments(f.item), ctx)}
                <div class="message-actions">
                  <button class="btn btn-secondary btn-small" @click=${() => store.retryFailed(f)}>${t('message.retry')}</button>
                  <button class="btn btn-ghost btn-small" @click=${() => store.discardFailed(f)}>${t('message.discard')}</button>
                </div>
              </article>
            </li>`,
          )}
        </ol>
      </div>
      <div class="typing" aria-live="polite" data-testid="typing">${typingText(typing)}</div>
      ${canWrite
        ? html`<pacte-composer .store=${store} .workspace=${ws} .threadId=${this.threadId} .tick=${this.tick}></pacte-composer>`
        : html`<p class="muted pad-s">${t('composer.readOnly')}</p>`}
    </div>`;
  }
}

function typingText(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return t('typing.one', { a: names[0] });
  if (names.length === 2) return t('typing.two', { a: names[0], b: names[1] });
  return t('typing.many');
}

customElements.define('pacte-thread', PacteThread);
