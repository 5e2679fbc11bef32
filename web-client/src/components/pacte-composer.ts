import { html, nothing, type PropertyValues } from 'lit';
import { PacteElement } from './base';
import { mentionQuery, suggest, type Suggestion } from '../mentions';
import type { Store } from '../state/store';
import type { Workspace } from '../protocol/types';
import { mentionSyntax } from '../markdown';
import { t } from '../i18n';
import { autoBody, uploadListFor, type UploadList } from '../attachments';
import { clipIcon, dragHasFiles, filesOf, renderUploadChips } from './attachment-ui';

/**
 * The message composer: Enter sends, Shift+Enter makes a new line, "@" offers
 * the workspace's people and organisations. A message sent while offline goes
 * to the outbox and leaves when the connection is back. Drafts are kept per
 * thread for the session. Files (the paper clip, drag and drop, or paste)
 * upload at once and leave with the next message.
 */
export class PacteComposer extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    threadId: { attribute: false },
    tick: { attribute: false },
    suggestions: { state: true },
    activeIndex: { state: true },
    dragging: { state: true },
    notice: { state: true },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare threadId: number;
  declare tick: number;
  declare suggestions: Suggestion[];
  declare activeIndex: number;
  declare dragging: boolean;
  declare notice: string;

  private mention: { start: number; query: string } | null = null;
  private draftThread: number | null = null;
  private uploads: UploadList | null = null;
  private unsubscribeUploads: (() => void) | null = null;

  constructor() {
    super();
    this.suggestions = [];
    this.activeIndex = 0;
    this.dragging = false;
    this.notice = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribeUploads?.();
    this.unsubscribeUploads = null;
    this.uploads = null;
  }

  /** The files attached to this thread's next message (kept per thread for the session). */
  private uploadList(): UploadList {
    const list = uploadListFor(`thread:${this.threadId}`, this.workspace.id);
    if (list !== this.uploads) {
      this.unsubscribeUploads?.();
      this.uploads = list;
      this.unsubscribeUploads = list.subscribe(() => {
        if (!list.busy) this.notice = '';
        this.requestUpdate();
      });
    }
    return list;
  }

  private addFiles(files: File[]): void {
    if (!files.length) return;
    this.notice = '';
    void this.uploadList().add(files);
  }

  private pickFiles(): void {
    this.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  private onFilesChosen(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.addFiles([...(input.files ?? [])]);
    input.value = '';
    this.input?.focus();
  }

  private onDragOver(e: DragEvent): void {
    if (!dragHasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  private onDragLeave(e: DragEvent): void {
    const next = e.relatedTarget as Node | null;
    if (next && this.contains(next)) return;
    this.dragging = false;
  }

  private onDrop(e: DragEvent): void {
    this.dragging = false;
    const files = filesOf(e);
    if (!files.length) return;
    e.preventDefault();
    this.addFiles(files);
    this.input?.focus();
  }

  private onPaste(e: ClipboardEvent): void {
    const files = filesOf(e);
    if (!files.length) return;
    e.preventDefault();
    this.addFiles(files);
  }

  private get input(): HTMLTextAreaElement | null {
    return this.querySelector<HTMLTextAreaElement>('textarea.composer-input');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('threadId')) this.notice = '';
  }

  protected override updated(): void {
    if (this.draftThread !== this.threadId) {
      // Thread changed: save nothing (it was saved on input), restore its draft.
      this.draftThread = this.threadId;
      const ta = this.input;
      if (ta) {
        ta.value = readDraft(this.threadId);
        this.autosize(ta);
      }
      this.closeSuggestions();
    }
  }

  private onInput(e: Event): void {
    const ta = e.target as HTMLTextAreaElement;
    writeDraft(this.threadId, ta.value);
    this.autosize(ta);
    if (ta.value.trim()) this.store.typingNow(this.workspace.id, this.threadId);
    this.updateSuggestions(ta);
  }

  private autosize(ta: HTMLTextAreaElement): void {
    // Empty, it keeps its one-line height (Chrome would count a wrapped placeholder).
    if (!ta.value) {
      ta.style.height = '';
      return;
    }
    ta.style.height = 'auto';
    ta.style.height = `${Math.min(ta.scrollHeight + 2, 220)}px`;
  }

  private updateSuggestions(ta: HTMLTextAreaElement): void {
    const q = mentionQuery(ta.value, ta.selectionStart ?? ta.value.length);
    this.mention = q;
    if (!q) {
      this.closeSuggestions();
      return;
    }
    this.suggestions = suggest(this.store, this.workspace.id, q.query);
    this.activeIndex = 0;
  }

  private closeSuggestions(): void {
    this.suggestions = [];
    this.activeIndex = 0;
  }

  private choose(s: Suggestion): void {
    const ta = this.input;
    if (!ta || !this.mention) return;
    const caret = ta.selectionStart ?? ta.value.length;
    const insert = mentionSyntax(s.target, s.id, s.label) + ' ';
    ta.value = ta.value.slice(0, this.mention.start) + insert + ta.value.slice(caret);
    const pos = this.mention.start + insert.length;
    ta.setSelectionRange(pos, pos);
    ta.focus();
    writeDraft(this.threadId, ta.value);
    this.mention = null;
    this.closeSuggestions();
  }

  private onKeyDown(e: KeyboardEvent): void {
    const open = this.suggestions.length > 0;
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = this.suggestions.length;
        this.activeIndex = (this.activeIndex + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.choose(this.suggestions[this.activeIndex]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.closeSuggestions();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.send();
    }
  }

  private send(): void {
    const ta = this.input;
    if (!ta) return;
    const uploads = this.uploadList();
    if (uploads.busy) {
      this.notice = t('attach.wait');
      return;
    }
    const attachments = uploads.attachments;
    let body = ta.value.trim();
    if (!body && !attachments.length) return;
    if (!body) body = autoBody(attachments);
    void this.store.post(this.threadId, body, attachments);
    uploads.clear();
    this.notice = '';
    ta.value = '';
    writeDraft(this.threadId, '');
    this.autosize(ta);
    this.closeSuggestions();
    ta.focus();
  }

  override render() {
    const open = this.suggestions.length > 0;
    const listId = `mention-list-${this.threadId}`;
    const active = open ? `${listId}-${this.activeIndex}` : '';
    const uploads = this.uploadList();
    return html`<form
      class="composer ${this.dragging ? 'is-dragging' : ''}"
      @submit=${(e: Event) => {
        e.preventDefault();
        this.send();
      }}
      @dragenter=${(e: DragEvent) => this.onDragOver(e)}
      @dragover=${(e: DragEvent) => this.onDragOver(e)}
      @dragleave=${(e: DragEvent) => this.onDragLeave(e)}
      @drop=${(e: DragEvent) => this.onDrop(e)}
    >
      <label class="visually-hidden" for="composer-${this.threadId}">${t('composer.label')}</label>
      ${renderUploadChips(uploads)}
      <div class="composer-row">
        <button
          type="button"
          class="btn-attach"
          title=${t('attach.button')}
          data-testid="attach-open"
          @click=${() => this.pickFiles()}
        >
          ${clipIcon}<span class="visually-hidden">${t('attach.button')}</span>
        </button>
        <input
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          @change=${(e: Event) => this.onFilesChosen(e)}
        />
        <textarea
          id="composer-${this.threadId}"
          class="composer-input"
          rows="1"
          maxlength="10000"
          placeholder=${t('composer.placeholder')}
          data-testid="composer-input"
          aria-describedby="composer-hint-${this.threadId}"
          aria-autocomplete="list"
          aria-controls=${open ? listId : nothing}
          aria-activedescendant=${active || nothing}
          @input=${(e: Event) => this.onInput(e)}
          @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
          @click=${(e: Event) => this.updateSuggestions(e.target as HTMLTextAreaElement)}
          @blur=${() => setTimeout(() => this.closeSuggestions(), 150)}
          @paste=${(e: ClipboardEvent) => this.onPaste(e)}
        ></textarea>
        <button class="btn btn-primary" type="submit" data-testid="composer-send">${t('composer.send')}</button>
      </div>
      <p class="composer-notice" role="status">${this.notice}</p>
      <p class="composer-hint" id="composer-hint-${this.threadId}">${t('composer.hint')}</p>
      ${this.dragging ? html`<div class="drop-overlay" aria-hidden="true">${t('attach.drop')}</div>` : nothing}
      ${open
        ? html`<ul class="suggestions" id=${listId} role="listbox" aria-label=${t('composer.suggestions')} data-testid="mention-suggestions">
            ${this.suggestions.map(
              (s, i) => html`<li
                id="${listId}-${i}"
                role="option"
                aria-selected=${i === this.activeIndex ? 'true' : 'false'}
                class=${i === this.activeIndex ? 'is-active' : ''}
                @mousedown=${(e: Event) => {
                  e.preventDefault();
                  this.choose(s);
                }}
              >
                <span class="sugg-label">@${s.label}</span>
                <span class="sugg-detail">${s.target === 'org' ? `${t('composer.organisation')} · ${s.detail}` : s.detail}</span>
              </li>`,
            )}
          </ul>`
        : nothing}
    </form>`;
  }
}

function draftKey(thread: number): string {
  return `pacte.draft.${thread}`;
}

function readDraft(thread: number): string {
  try {
    return sessionStorage.getItem(draftKey(thread)) ?? '';
  } catch {
    return '';
  }
}

function writeDraft(thread: number, value: string): void {
  try {
    if (value) sessionStorage.setItem(draftKey(thread), value);
    else sessionStorage.removeItem(draftKey(thread));
  } catch {
    /* ignore */
  }
}

customElements.define('pacte-composer', PacteComposer);
