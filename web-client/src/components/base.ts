import { LitElement } from 'lit';

/**
 * Base of the client's own elements: light DOM, so that the one stylesheet
 * (src/styles.css) applies and end-to-end tests reach every control by its
 * `data-testid`.
 */
export class PacteElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}

export { fold } from '../mentions';

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? parts[parts.length - 1][0] : '';
  return (first + last).toUpperCase();
}
