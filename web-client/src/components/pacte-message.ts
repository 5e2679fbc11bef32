import { html, nothing, type PropertyValues } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { PacteElement, initials } from './base';
import type { Store } from '../state/store';
import type { Message } from '../protocol/types';
import { renderMarkdown, type MentionContext } from '../markdown';
import { errorText, formatDateTime, formatMessageTime, getLocale, inLocale, t, tn } from '../i18n';
import { isAutoBody } from '../attachments';
import { renderAttachments } from './attachment-ui';
import './pacte-card';

/** The text a reader sees: a plugin's English activity text for English readers, else the body. */
export function messageBody(m: Pick<Message, 'body' | 'body_en'>, locale: string): string {
  return inLocale(m.body, m.body_en, locale);
}

export const QUICK_REACTIONS = ['👍', '❤️', '😀', '🎉', '👀', '✅'];

/** One message: author, time, Markdown body, files, "modifié" mark, reactions, and edit/delete for its author. */
export class PacteMessage extends PacteElement {
  static override properties = {
    store: { attribute: false },
    message: { attribute: false },
    ctx: { attribute: false },
    canWrite: { attribute: false },
    compact: { attribute: false },
    tick: { attribute: false },
    editing: { state: true },
    picking: { state: true },
    active: { state: true },
    error: { state: true },
  };

  declare store: Store;
  declare message: Message;
  declare ctx: MentionContext;
  declare canWrite: boolean;
  declare compact: boolean;
  declare tick: number;
  declare editing: boolean;
  declare picking: boolean;
  declare active: boolean;
  declare error: string;

  private htmlCache = { key: '', html: '' };

  constructor() {
    super();
    this.editing = false;
    this.picking = false;
    this.active = false;
    this.error = '';
  }

  private bodyHtml(): string {
    const m = this.message;
    const body = messageBody(m, getLocale());
    const key = `${m.id}|${m.edited_at}|${body.length}|${body}|${this.ctx?.me}|${getLocale()}`;
    if (this.htmlCache.key !== key) this.htmlCache = { key, html: renderMarkdown(body, this.ctx) };
    return this.htmlCache.html;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('editing') && this.editing) {
      const ta = this.querySelector<HTMLTextAreaElement>('.edit-input');
      ta?.focus();
      ta?.setSelectionRange(ta.value.length, ta.value.length);
    }
    if (changed.has('picking') && this.picking) {
      this.querySelector<HTMLButtonElement>('.emoji-picker button')?.focus();
    }
    if (changed.has('editing') && !this.editing && changed.get('editing')) {
      this.active = false;
    }
  }

  private async saveEdit(): Promise<void> {
    const ta = this.querySelector<HTMLTextAreaElement>('.edit-input');
    const body = ta?.value.trim() ?? '';
    if (!body) return;
    if (body === this.message.body) {
      this.editing = false;
      return;
    }
    try {
      await this.store.edit(this.message.id, body);
      this.editing = false;
      this.error = '';
      await this.updateComplete;
      this.querySelector<HTMLButtonElement>('[data-testid=message-edit]')?.focus();
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private editKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void this.saveEdit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.editing = false;
    }
  }

  private async removeMessage(): Promise<void> {
    if (!window.confirm(t('message.confirmDelete'))) return;
    try {
      await this.store.remove(this.message);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async react(emoji: string): Promise<void> {
    this.picking = false;
    try {
      await this.store.toggleReaction(this.message, emoji);
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private pickerKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.picking = false;
      this.querySelector<HTMLButtonElement>('.react-btn')?.focus();
    }
  }

  /** On touch screens a tap on the message shows its actions. */
  private tap(e: Event): void {
    const target = e.target as Element;
    if (target.closest('a, button, textarea, input, .mention')) return;
    this.active = !this.active;
  }

  override render() {
    const m = this.message;
    if (!m) return nothing;
    const me = this.store.myId;
    const mine = m.author === me;
    const reactions = Object.entries(m.reactions ?? {}).filter(([, people]) => people.length > 0);
    const mentioned = !m.deleted && this.store.mentionsMe(m);
    const toolbar = !m.deleted && !this.editing && this.canWrite;
    const name = this.store.authorName(m);
    const automated = m.author === null || m.author === undefined;
    const activity = automated || !!m.plugin;
    return html`<article
      class="message ${this.compact ? 'is-compact' : ''} ${mine ? 'is-mine' : ''} ${mentioned ? 'is-mentioned' : ''} ${m.deleted ? 'is-deleted' : ''} ${this.active || this.picking ? 'is-active' : ''}"
      data-testid="message"
      data-message-id=${m.id}
      aria-labelledby="msg-${m.id}-author"
      @click=${(e: Event) => this.tap(e)}
    >
      ${this.compact
        ? html`<time class="compact-time" datetime=${m.created_at} title=${formatDateTime(m.created_at)}
            >${formatMessageTime(m.created_at)}</time
          >`
        : html`<span class="avatar" aria-hidden="true">${automated ? html`<span class="avatar-activity">⚙</span>` : initials(name)}</span>`}
      <div class="message-main">
        <div class="message-head ${this.compact ? 'visually-hidden' : ''}">
          <span class="author" id="msg-${m.id}-author">${name}</span>
          ${activity ? html`<span class="tag activity-tag">${t('message.activity')}</span>` : nothing}
          <time datetime=${m.created_at} title=${formatDateTime(m.created_at)}>${formatMessageTime(m.created_at)}</time>
          ${m.edited_at && !m.deleted && !this.compact
            ? html`<span class="edited" data-testid="message-edited" title=${t('message.editedAt', { date: formatDateTime(m.edited_at) })}
                >(${t('message.edited')})</span
              >`
            : nothing}
        </div>
        ${m.deleted
          ? html`<p class="message-body deleted">${t('message.deleted')}</p>`
          : this.editing
            ? html`<div class="edit-box">
                <label class="visually-hidden" for="edit-${m.id}">${t('message.editLabel')}</label>
                <textarea
                  id="edit-${m.id}"
                  class="edit-input"
                  rows="3"
                  maxlength="10000"
                  .value=${m.body}
                  @keydown=${(e: KeyboardEvent) => this.editKey(e)}
                ></textarea>
                <div class="message-actions">
                  <button class="btn btn-primary btn-small" @click=${() => this.saveEdit()}>${t('message.save')}</button>
                  <button class="btn btn-ghost btn-small" @click=${() => (this.editing = false)}>${t('message.cancel')}</button>
                </div>
              </div>`
            : isAutoBody(m.body, m.attachments)
              ? nothing
              : html`<div class="message-body md" data-testid="message-body">${unsafeHTML(this.bodyHtml())}</div>`}
        ${!m.deleted ? renderAttachments(m.attachments) : nothing}
        ${!m.deleted && m.card ? html`<pacte-card .card=${m.card} .client=${this.store.client}></pacte-card>` : nothing}
        ${m.edited_at && !m.deleted && this.compact && !this.editing
          ? html`<span class="edited" data-testid="message-edited" title=${t('message.editedAt', { date: formatDateTime(m.edited_at) })}
              >(${t('message.edited')})</span
            >`
          : nothing}
        ${this.error ? html`<p class="form-error" role="alert">${this.error}</p>` : nothing}
        ${!m.deleted && reactions.length ? this.renderReactions(reactions) : nothing}
        ${this.picking ? this.renderPicker() : nothing}
      </div>
      ${toolbar
        ? html`<div class="message-toolbar" role="group" aria-label=${t('message.actions', { name: mine ? t('message.you') : name })}>
            <button
              class="tool react-btn"
              aria-expanded=${this.picking ? 'true' : 'false'}
              title=${t('message.react')}
              data-testid="react-open"
              @click=${() => (this.picking = !this.picking)}
            >
              <span aria-hidden="true">☺</span><span class="visually-hidden">${t('message.react')}</span>
            </button>
            ${mine
              ? html`<button class="tool" data-testid="message-edit" @click=${() => (this.editing = true)}>
                    ${t('message.edit')}
                  </button>
                  <button class="tool danger" data-testid="message-delete" @click=${() => this.removeMessage()}>
                    ${t('message.delete')}
                  </button>`
              : nothing}
          </div>`
        : nothing}
    </article>`;
  }

  private renderPicker() {
    return html`<div class="emoji-picker" role="group" aria-label=${t('message.react')} @keydown=${(e: KeyboardEvent) => this.pickerKey(e)}>
      ${QUICK_REACTIONS.map(
        (emoji) => html`<button class="btn-icon" aria-label=${t('message.reactWith', { emoji })} @click=${() => this.react(emoji)}>
          <span aria-hidden="true">${emoji}</span>
        </button>`,
      )}
    </div>`;
  }

  private renderReactions(reactions: [string, number[]][]) {
    const me = this.store.myId;
    return html`<div class="reactions" role="group" aria-label=${t('message.reactions')}>
      ${reactions.map(([emoji, people]) => {
        const pressed = people.includes(me);
        const label = tn('message.reaction', people.length, {
          emoji,
          mine: pressed ? t('message.reactionMine') : '',
        });
        return html`<button
          class="reaction ${pressed ? 'is-pressed' : ''}"
          aria-pressed=${pressed ? 'true' : 'false'}
          aria-label=${label}
          title=${label}
          ?disabled=${!this.canWrite}
          data-testid="reaction"
          @click=${() => this.react(emoji)}
        >
          <span aria-hidden="true">${emoji} ${people.length}</span>
        </button>`;
      })}
    </div>`;
  }
}

customElements.define('pacte-message', PacteMessage);
