import { html, nothing, type PropertyValues } from 'lit';
import { PacteElement } from './base';
import { mentionQuery, suggest, type Suggestion } from '../mentions';
import type { Store } from '../state/store';
import type { Workspace } from '../protocol/types';
import { mentionSyntax } from '../markdown';
import { autoBody, uploadListFor, type UploadList } from '../attachments';
import { clipIcon, dragHasFiles, filesOf, renderUploadChips } from './attachment-ui';
import { CommandCompleter, isCommandText, unescapeSlash, type CompleterState } from '../commands';
import { errorText, t, tn } from '../i18n';
import { renderMarkdown } from '../markdown';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import './pacte-card';

/**
 * The message composer: Enter sends, Shift+Enter makes a new line, "@" offers
 * the workspace's people and organisations. A message sent while offline goes
 * to the outbox and leaves when the connection is back. Drafts are kept per
 * thread for the session. Files (the paper clip, drag and drop, or paste)
 * upload at once and leave with the next message.
 *
 * A line starting with "/" is a slash command (issue 12): the suggestion list
 * offers the commands, subcommands and argument values the server allows here
 * ({@link CommandCompleter}); sending runs it with `commands.run`. An answer
 * meant for the caller only shows above the composer (dismissable, announced
 * in the live region); an answer posted to the thread arrives as a message;
 * an error shows under the input in the person's language and the line stays
 * to be corrected. "//" at the start sends a message beginning with "/".
 *
 * The suggestion lists follow the combobox pattern on the textarea itself
 * (aria-autocomplete, aria-controls, aria-activedescendant, arrows, Tab or
 * Enter, Escape). The textarea keeps its textbox role: axe refuses both a
 * combobox role and aria-expanded on a textarea, so the list's opening is
 * said by a polite status ("3 suggestions") instead.
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
    cmd: { state: true },
    running: { state: true },
    cmdError: { state: true },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare threadId: number;
  declare tick: number;
  declare suggestions: Suggestion[];
  declare activeIndex: number;
  declare dragging: boolean;
  declare notice: string;
  declare cmd: CompleterState;
  declare running: boolean;
  declare cmdError: string;

  private mention: { start: number; query: string } | null = null;
  private draftThread: number | null = null;
  private uploads: UploadList | null = null;
  private unsubscribeUploads: (() => void) | null = null;
  private completer: CommandCompleter | null = null;
  private completerWs: number | null = null;

  constructor() {
    super();
    this.suggestions = [];
    this.activeIndex = 0;
    this.dragging = false;
    this.notice = '';
    this.cmd = { open: false, items: [], active: 0, replaceFrom: 0, usage: '' };
    this.running = false;
    this.cmdError = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribeUploads?.();
    this.unsubscribeUploads = null;
    this.uploads = null;
    this.completer?.dispose();
    this.completer = null;
    this.completerWs = null;
  }

  /** The command completer of this workspace (made again when the workspace changes). */
  private commands(): CommandCompleter {
    if (!this.completer || this.completerWs !== this.workspace.id) {
      this.completer?.dispose();
      const c = new CommandCompleter(this.store.client, this.store.commands, this.workspace.id);
      c.onChange(() => (this.cmd = { ...c.state }));
      this.completer = c;
      this.completerWs = this.workspace.id;
    }
    return this.completer;
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
    if (changed.has('threadId')) {
      this.notice = '';
      this.cmdError = '';
    }
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
    // A command being typed is not a message being written.
    if (ta.value.trim() && !isCommandText(ta.value)) this.store.typingNow(this.workspace.id, this.threadId);
    this.cmdError = '';
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
    const caret = ta.selectionStart ?? ta.value.length;
    this.commands().update(ta.value, caret);
    if (isCommandText(ta.value)) {
      this.mention = null;
      this.suggestions = [];
      return;
    }
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
    if (this.cmd.open) this.completer?.close();
  }

  /** Puts a command suggestion in, then offers what comes next (subcommand, argument). */
  private chooseCommand(index: number): void {
    const ta = this.input;
    if (!ta) return;
    const caret = ta.selectionStart ?? ta.value.length;
    const c = this.commands();
    const next = c.accept(ta.value, caret, index);
    if (!next) return;
    ta.value = next.text;
    ta.setSelectionRange(next.caret, next.caret);
    ta.focus();
    writeDraft(this.threadId, ta.value);
    this.autosize(ta);
    c.update(ta.value, next.caret);
  }

  /** Keys while the command list is open; true when the key was used. */
  private commandKey(e: KeyboardEvent): boolean {
    const c = this.commands();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      c.move(e.key === 'ArrowDown' ? 1 : -1);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      c.close();
      return true;
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
      const ta = this.input;
      if (!ta) return false;
      if (e.key === 'Enter') {
        // Enter on a suggestion that adds nothing (the word is complete) sends the line.
        const caret = ta.selectionStart ?? ta.value.length;
        const s = this.cmd.items[this.cmd.active];
        const from = Math.min(this.cmd.replaceFrom, caret);
        const typed = ta.value.slice(from, caret);
        if (s && s.value.trim() === typed.trim() && !ta.value.slice(caret).trim()) return false;
      }
      e.preventDefault();
      this.chooseCommand(this.cmd.active);
      return true;
    }
    return false;
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
    if (this.cmd.open && this.commandKey(e)) return;
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
    if (isCommandText(ta.value.trim())) {
      void this.runCommand(ta);
      return;
    }
    const attachments = uploads.attachments;
    let body = unescapeSlash(ta.value.trim());
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

  /** Sends a command line; the line stays in the input if it fails, to be corrected. */
  private async runCommand(ta: HTMLTextAreaElement): Promise<void> {
    if (this.running) return;
    const text = ta.value.trim();
    const thread = this.threadId;
    this.completer?.close();
    this.running = true;
    this.cmdError = '';
    try {
      const res = await this.store.runCommand(this.workspace.id, thread, text);
      if (this.threadId === thread && ta.value.trim() === text) {
        ta.value = '';
        this.autosize(ta);
      }
      writeDraft(thread, '');
      if (res?.visibility !== 'thread') {
        this.store.announce(t('command.answerAnnounce', { command: text, text: plainText(res?.text ?? '', res?.card?.title) }));
      }
    } catch (err) {
      this.cmdError = errorText(err);
    } finally {
      this.running = false;
      if (this.threadId === thread) ta.focus();
    }
  }

  private dismissAnswer(id: number): void {
    this.store.dismissAnswer(this.threadId, id);
    this.input?.focus();
  }

  private renderAnswers() {
    const answers = this.store.answersIn(this.threadId);
    if (!answers.length) return nothing;
    const ctx = { me: this.store.myId, myOrganisations: this.store.myOrganisations };
    return html`<div class="command-answers">
      ${answers.map(
        (a) => html`<section class="command-answer" data-testid="command-answer" aria-label=${t('command.answerLabel', { command: a.command })}>
          <div class="command-answer-head">
            <span class="command-answer-command">${a.command}</span>
            <span class="command-answer-private">${t('command.onlyYou')}</span>
            <button
              type="button"
              class="btn-icon command-answer-close"
              data-testid="command-answer-dismiss"
              aria-label=${t('command.dismiss', { command: a.command })}
              title=${t('command.dismiss', { command: a.command })}
              @click=${() => this.dismissAnswer(a.id)}
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
          ${a.text ? html`<div class="command-answer-body md" data-testid="command-answer-body">${unsafeHTML(renderMarkdown(a.text, ctx))}</div>` : nothing}
          ${a.card ? html`<pacte-card .card=${a.card} .client=${this.store.client}></pacte-card>` : nothing}
        </section>`,
      )}
    </div>`;
  }

  private renderCommandList(listId: string) {
    const c = this.cmd;
    return html`<ul class="suggestions command-suggestions" id=${listId} role="listbox" aria-label=${t('composer.commands')} data-testid="command-suggestions">
      ${c.items.map(
        (s, i) => html`<li
          id="${listId}-${i}"
          role="option"
          aria-selected=${i === c.active ? 'true' : 'false'}
          class=${i === c.active ? 'is-active' : ''}
          data-testid="command-suggestion"
          @mousedown=${(e: Event) => {
            e.preventDefault();
            this.chooseCommand(i);
          }}
        >
          <span class="sugg-label">${s.label}</span>
          ${s.detail ? html`<span class="sugg-detail">${s.detail}</span>` : nothing}
        </li>`,
      )}
    </ul>`;
  }

  override render() {
    const cmdOpen = this.cmd.open && this.cmd.items.length > 0;
    const open = this.suggestions.length > 0 && !cmdOpen;
    const listId = cmdOpen ? `command-list-${this.threadId}` : `mention-list-${this.threadId}`;
    const active = cmdOpen ? `${listId}-${this.cmd.active}` : open ? `${listId}-${this.activeIndex}` : '';
    const count = cmdOpen ? this.cmd.items.length : open ? this.suggestions.length : 0;
    const usage = this.cmd.usage && isCommandText(this.input?.value ?? '') ? this.cmd.usage : '';
    const uploads = this.uploadList();
    return html`${this.renderAnswers()}<form
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
          data-suggestions=${cmdOpen ? 'commands' : open ? 'mentions' : 'closed'}
          aria-busy=${this.running ? 'true' : 'false'}
          aria-describedby=${usage ? `composer-hint-${this.threadId} command-usage-${this.threadId}` : `composer-hint-${this.threadId}`}
          aria-autocomplete="list"
          aria-controls=${open || cmdOpen ? listId : nothing}
          aria-activedescendant=${active || nothing}
          @input=${(e: Event) => this.onInput(e)}
          @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
          @click=${(e: Event) => this.updateSuggestions(e.target as HTMLTextAreaElement)}
          @blur=${() => setTimeout(() => this.closeSuggestions(), 150)}
          @paste=${(e: ClipboardEvent) => this.onPaste(e)}
        ></textarea>
        <button class="btn btn-primary" type="submit" data-testid="composer-send" ?disabled=${this.running}>
          ${this.running ? t('command.running') : t('composer.send')}
        </button>
      </div>
      <p class="composer-notice" role="status">${this.notice}</p>
      <p class="visually-hidden" role="status" data-testid="suggestion-count">${count ? tn('composer.suggestionCount', count) : ''}</p>
      ${usage
        ? html`<p class="command-usage" id="command-usage-${this.threadId}" data-testid="command-usage"><code>${usage}</code></p>`
        : nothing}
      <div role="alert" class="command-error-region">${this.cmdError
        ? html`<p class="form-error command-error" data-testid="command-error">${this.cmdError}</p>`
        : nothing}</div>
      <p class="composer-hint" id="composer-hint-${this.threadId}">${t('composer.hint')}</p>
      ${this.dragging ? html`<div class="drop-overlay" aria-hidden="true">${t('attach.drop')}</div>` : nothing}
      ${cmdOpen ? this.renderCommandList(listId) : nothing}
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

/** A short spoken version of an answer: its card's title and its text without Markdown marks. */
function plainText(markdown: string, title?: string): string {
  const text = markdown
    .replace(/@\[([^\]]*)\]\([^)]*\)/g, '@$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>|]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const all = [title, text].filter(Boolean).join('. ');
  return all.length > 300 ? `${all.slice(0, 297)}…` : all;
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
