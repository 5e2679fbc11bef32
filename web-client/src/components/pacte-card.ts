import { html, nothing } from 'lit';
import { PacteElement } from './base';
import type { Card, CardAction } from '../protocol/types';
import { errorText, getLocale, inLocale, onLocaleChange, t, type Locale } from '../i18n';
import { renderMarkdown } from '../markdown';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';

/** What the card needs to run an action (the protocol client fits). */
export interface CardRequester {
  request<T = any>(op: string, args?: Record<string, unknown>): Promise<T>;
}

/** Only same-site paths and http(s) links are followed from a card. */
export function safeHref(href: string): string | null {
  if (typeof href !== 'string') return null;
  if (href.startsWith('/') && !href.startsWith('//')) return href;
  try {
    const u = new URL(href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * The card with its texts in `locale`: the English siblings (`title_en`, `label_en`…)
 * for English readers when present, else the French texts as stored.
 */
export function localizeCard(card: Card, locale: Locale): Card {
  if (!card || locale !== 'en') return card;
  return {
    ...card,
    title: inLocale(card.title, card.title_en, locale),
    subtitle: inLocale(card.subtitle, card.subtitle_en, locale),
    fields: card.fields?.map((f) => f && { ...f, label: inLocale(f.label, f.label_en, locale)!, value: inLocale(f.value, f.value_en, locale)! }),
    progress: card.progress?.map((p) => p && { ...p, label: inLocale(p.label, p.label_en, locale)! }),
    links: card.links?.map((l) => l && { ...l, label: inLocale(l.label, l.label_en, locale)! }),
    actions: card.actions?.map((a) => a && { ...a, label: inLocale(a.label, a.label_en, locale)! }),
  };
}

/** Keeps a progress count in 0…total for the bar (the text shows the real numbers). */
export function progressRatio(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(1, done / total));
}

/**
 * A plugin's live card (issue 12): title, subtitle, fields as a description
 * list, progress per organisation (a bar and the text "5 / 8"), links, and
 * action buttons. An action calls its operation with `client.request(op,
 * args)` (the server checks it again); while it runs its button is busy, and
 * its result or error is shown under the card. The card is replaced in place
 * when the server sends `chat.card_updated`.
 */
export class PacteCard extends PacteElement {
  static override properties = {
    card: { attribute: false },
    client: { attribute: false },
    busy: { state: true },
    outcome: { state: true },
  };

  declare card: Card;
  declare client: CardRequester;
  /** Index of the action running, or -1. */
  declare busy: number;
  declare outcome: { ok: boolean; text: string; href?: string | null } | null;

  private static seq = 0;
  private readonly uid = ++PacteCard.seq;
  private stopLocale: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopLocale = onLocaleChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopLocale?.();
    this.stopLocale = null;
  }

  constructor() {
    super();
    this.busy = -1;
    this.outcome = null;
  }

  private async run(a: CardAction, index: number): Promise<void> {
    if (this.busy >= 0 || !this.client) return;
    this.busy = index;
    this.outcome = null;
    try {
      const res = await this.client.request<Record<string, unknown> | undefined>(a.op, a.args ?? {});
      const text = typeof res?.text === 'string' && res.text ? res.text : t('card.done', { action: a.label });
      // An action may answer with a link to follow (e.g. the signing page, the item's
      // notes): a plain link, so that a same-site one opens in the app, in this tab.
      const href = typeof res?.href === 'string' ? safeHref(res.href) : null;
      this.outcome = { ok: true, text, href };
    } catch (err) {
      this.outcome = { ok: false, text: errorText(err) };
    } finally {
      this.busy = -1;
    }
  }

  override render() {
    if (!this.card) return nothing;
    const c = localizeCard(this.card, getLocale());
    const titleId = `card-${this.uid}-title`;
    const fields = (c.fields ?? []).filter((f) => f && f.label);
    const progress = (c.progress ?? []).filter((p) => p && p.label);
    const links = (c.links ?? []).map((l) => ({ ...l, href: safeHref(l.href) })).filter((l) => l.href && l.label);
    const actions = (c.actions ?? []).filter((a) => a && a.op && a.label);
    // A group rather than a section and a heading: cards sit inside messages, where
    // headings would break the page's outline and sections would multiply landmarks.
    return html`<div
      role="group"
      class="card"
      data-testid="card"
      data-card-key=${c.key ?? ''}
      aria-labelledby=${c.title ? titleId : nothing}
      aria-label=${c.title ? nothing : t('card.label')}
    >
      ${c.title ? html`<p class="card-title" id=${titleId} data-testid="card-title">${c.title}</p>` : nothing}
      ${c.subtitle ? html`<p class="card-subtitle" data-testid="card-subtitle">${c.subtitle}</p>` : nothing}
      ${fields.length
        ? html`<dl class="card-fields">
            ${fields.map((f) => html`<div class="card-field"><dt>${f.label}</dt><dd>${f.value}</dd></div>`)}
          </dl>`
        : nothing}
      ${progress.length
        ? html`<ul class="card-progress" aria-label=${t('card.progress')}>
            ${progress.map((p) => {
              const done = Number(p.done) || 0;
              const total = Number(p.total) || 0;
              const complete = total > 0 && done >= total;
              return html`<li class="card-progress-row ${complete ? 'is-complete' : ''}" data-testid="card-progress">
                <span class="card-progress-label">${p.label}</span>
                <span class="card-progress-bar" aria-hidden="true"
                  ><span class="card-progress-fill" style="width: ${Math.round(progressRatio(done, total) * 100)}%"></span
                ></span>
                <span class="card-progress-count">${done} / ${total}${complete ? html` <span aria-hidden="true">✓</span>` : nothing}</span>
              </li>`;
            })}
          </ul>`
        : nothing}
      ${links.length
        ? html`<p class="card-links">
            ${links.map((l) => html`<a class="card-link" href=${l.href!} data-testid="card-link">${l.label}</a>`)}
          </p>`
        : nothing}
      ${actions.length
        ? html`<div class="card-actions" role="group" aria-label=${t('card.actions')}>
            ${actions.map(
              (a, i) => html`<button
                type="button"
                class="btn btn-small ${a.style === 'primary' ? 'btn-primary' : a.style === 'danger' ? 'btn-secondary danger' : 'btn-secondary'}"
                data-testid="card-action"
                data-op=${a.op}
                aria-busy=${this.busy === i ? 'true' : 'false'}
                ?disabled=${this.busy >= 0}
                @click=${() => this.run(a, i)}
              >
                ${this.busy === i ? t('card.running', { action: a.label }) : a.label}
              </button>`,
            )}
          </div>`
        : nothing}
      <div class="card-outcome" role="status" data-testid="card-outcome">
        ${this.outcome
          ? this.outcome.ok
            ? html`<div class="card-result md">${unsafeHTML(renderMarkdown(this.outcome.text))}</div>
                ${this.outcome.href
                  ? html`<p class="card-links">
                      <a class="card-link" href=${this.outcome.href} data-testid="card-outcome-link">${t('card.open')}</a>
                    </p>`
                  : nothing}`
            : html`<p class="form-error">${this.outcome.text}</p>`
          : nothing}
      </div>
    </div>`;
  }
}

customElements.define('pacte-card', PacteCard);
