import { html, nothing, svg } from 'lit';
import type { Attachment } from '../protocol/types';
import { formatSize, isPreviewable, uploadErrorText, type UploadList } from '../attachments';
import { t } from '../i18n';

/** A paper clip, drawn in the text colour. */
export const clipIcon = html`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
  ${svg`<path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
    d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l8-8"/>`}
</svg>`;

const fileIcon = html`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
  ${svg`<path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"
    d="M6 2.8h8l4.2 4.2v14.2H6z M14 2.8V7h4.2"/>`}
</svg>`;

/**
 * The files of a message: images as small previews linking to the file,
 * anything else as a download link with its name and size. `live` is false
 * for a message still in the outbox (its files show, without links).
 */
export function renderAttachments(list: readonly Attachment[] | undefined, live = true) {
  if (!list?.length) return nothing;
  return html`<ul class="attachments" role="list" aria-label=${t('attach.list')}>
    ${list.map((a) => {
      const size = formatSize(a.size);
      if (!live || !a.url) {
        return html`<li class="attachment attachment-file">
          <span class="attachment-box is-pending" data-testid="message-attachment"
            >${fileIcon}<span class="attachment-name">${a.name}</span><span class="attachment-size">${size}</span></span
          >
        </li>`;
      }
      if (isPreviewable(a.content_type)) {
        return html`<li class="attachment attachment-image">
          <a
            href=${a.url}
            target="_blank"
            rel="noopener"
            title=${t('attach.open', { name: a.name, size })}
            data-testid="message-attachment"
            data-attachment-id=${a.id}
            ><img src=${a.url} alt=${a.name} loading="lazy" decoding="async"
          /></a>
        </li>`;
      }
      return html`<li class="attachment attachment-file">
        <a
          href=${a.url}
          download=${a.name}
          title=${t('attach.download', { name: a.name, size })}
          data-testid="message-attachment"
          data-attachment-id=${a.id}
          >${fileIcon}<span class="attachment-name">${a.name}</span><span class="attachment-size">${size}</span></a
        >
      </li>`;
    })}
  </ul>`;
}

/** The files chosen for a message being written: name, size, progress or error, and a remove button. */
export function renderUploadChips(list: UploadList) {
  if (!list.items.length) return nothing;
  return html`<ul class="upload-chips" role="list" aria-label=${t('attach.list')}>
    ${list.items.map(
      (u) => html`<li
        class="upload-chip is-${u.status}"
        data-testid="attachment-chip"
        data-status=${u.status}
      >
        ${fileIcon}
        <span class="chip-text">
          <span class="chip-name" title=${u.name}>${u.name}</span>
          <span class="chip-detail">
            ${u.status === 'error'
              ? html`<span class="chip-error" role="alert">${uploadErrorText(u.error)}</span>`
              : html`${formatSize(u.size)}${u.status === 'uploading'
                  ? html` · <span class="chip-progress">${t('attach.uploading')}</span>`
                  : nothing}`}
          </span>
        </span>
        <button
          type="button"
          class="chip-remove"
          aria-label=${t('attach.remove', { name: u.name })}
          title=${t('attach.remove', { name: u.name })}
          @click=${() => list.remove(u.key)}
        >
          <span aria-hidden="true">×</span>
        </button>
      </li>`,
    )}
  </ul>`;
}

/** The files of a drag-and-drop or paste event, if it carries any. */
export function filesOf(e: DragEvent | ClipboardEvent): File[] {
  const data = 'dataTransfer' in e ? e.dataTransfer : (e as ClipboardEvent).clipboardData;
  return data?.files?.length ? [...data.files] : [];
}

/** True when a drag carries files (not text being moved around). */
export function dragHasFiles(e: DragEvent): boolean {
  return [...(e.dataTransfer?.types ?? [])].includes('Files');
}
