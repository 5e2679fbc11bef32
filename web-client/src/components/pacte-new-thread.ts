import { html, nothing } from 'lit';
import { PacteElement } from './base';
import type { Store } from '../state/store';
import type { Workspace } from '../protocol/types';
import { navigate, paths } from '../router';
import { errorText, t } from '../i18n';
import { autoBody, uploadListFor, type UploadList } from '../attachments';
import { clipIcon, dragHasFiles, filesOf, renderUploadChips } from './attachment-ui';

/** Form to start a thread: a title, a first message and its files. */
export class PacteNewThread extends PacteElement {
  static override properties = {
    store: { attribute: false },
    workspace: { attribute: false },
    tick: { attribute: false },
    error: { state: true },
    busy: { state: true },
    dragging: { state: true },
  };

  declare store: Store;
  declare workspace: Workspace;
  declare tick: number;
  declare error: string;
  declare busy: boolean;
  declare dragging: boolean;

  private uploads: UploadList | null = null;
  private unsubscribeUploads: (() => void) | null = null;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
    this.dragging = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribeUploads?.();
    this.unsubscribeUploads = null;
    this.uploads = null;
  }

  private uploadList(): UploadList {
    const list = uploadListFor(`new:${this.workspace.id}`, this.workspace.id);
    if (list !== this.uploads) {
      this.unsubscribeUploads?.();
      this.uploads = list;
      this.unsubscribeUploads = list.subscribe(() => this.requestUpdate());
    }
    return list;
  }

  private addFiles(files: File[]): void {
    if (files.length) void this.uploadList().add(files);
  }

  private onFilesChosen(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.addFiles([...(input.files ?? [])]);
    input.value = '';
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
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const form = e.target as HTMLFormElement;
    const title = (form.elements.namedItem('title') as HTMLInputElement).value.trim();
    let body = (form.elements.namedItem('body') as HTMLTextAreaElement).value.trim();
    const uploads = this.uploadList();
    if (uploads.busy) {
      this.error = t('attach.wait');
      return;
    }
    const attachments = uploads.attachments;
    if (!body && attachments.length) body = autoBody(attachments);
    if (!title || !body) {
      this.error = t('newThread.missing');
      return;
    }
    this.busy = true;
    this.error = '';
    const ws = this.workspace.id;
    try {
      const thread = await this.store.createThread(ws, title, body, attachments);
      form.reset();
      uploads.clear();
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
        <div
          class="field attach-field ${this.dragging ? 'is-dragging' : ''}"
          @dragenter=${(e: DragEvent) => this.onDragOver(e)}
          @dragover=${(e: DragEvent) => this.onDragOver(e)}
          @dragleave=${(e: DragEvent) => this.onDragLeave(e)}
          @drop=${(e: DragEvent) => this.onDrop(e)}
        >
          ${renderUploadChips(this.uploadList())}
          <button
            type="button"
            class="btn btn-secondary btn-small"
            data-testid="attach-open"
            @click=${() => this.querySelector<HTMLInputElement>('.attach-field input[type=file]')?.click()}
          >
            ${clipIcon} ${t('attach.button')}
          </button>
          <input type="file" multiple hidden data-testid="attach-input" @change=${(e: Event) => this.onFilesChosen(e)} />
          ${this.dragging ? html`<div class="drop-overlay" aria-hidden="true">${t('attach.drop')}</div>` : nothing}
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
