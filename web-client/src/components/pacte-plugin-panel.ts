import { html, nothing, type PropertyValues } from 'lit';
import { PacteElement } from './base';
import type { ProtocolClient } from '../protocol/client';
import type { Workspace } from '../protocol/types';
import { loadPanel } from '../plugins/registry';
import { t } from '../i18n';

/**
 * Hosts the panel of one plugin: loads it through the registry and shows
 * `<pacte-panel-<name>>` with `client` and `workspace` set, or a neutral
 * placeholder when this client has no panel for the plugin.
 */
export class PactePluginPanel extends PacteElement {
  static override properties = {
    client: { attribute: false },
    workspace: { attribute: false },
    name: { attribute: false },
    tick: { attribute: false },
    status: { state: true },
  };

  declare client: ProtocolClient;
  declare workspace: Workspace;
  declare name: string;
  declare tick: number;
  declare status: 'loading' | 'ready' | 'unavailable' | 'failed';

  private element: HTMLElement | null = null;
  private loadSeq = 0;

  constructor() {
    super();
    this.status = 'loading';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('name')) void this.load();
    if (this.element && (changed.has('workspace') || changed.has('client') || changed.has('tick'))) {
      const el = this.element as HTMLElement & { client?: ProtocolClient; workspace?: Workspace };
      if (el.client !== this.client) el.client = this.client;
      if (el.workspace !== this.workspace) el.workspace = this.workspace;
    }
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.status = 'loading';
    this.element = null;
    try {
      const tag = await loadPanel(this.name);
      if (seq !== this.loadSeq) return;
      if (!tag) {
        this.status = 'unavailable';
        return;
      }
      const el = document.createElement(tag) as HTMLElement & { client?: ProtocolClient; workspace?: Workspace };
      el.client = this.client;
      el.workspace = this.workspace;
      el.classList.add('plugin-panel');
      this.element = el;
      this.status = 'ready';
    } catch (err) {
      console.error('pacte: panel failed to load', err);
      if (seq === this.loadSeq) this.status = 'failed';
    }
  }

  override render() {
    switch (this.status) {
      case 'loading':
        return html`<p class="pad muted" role="status">${t('panel.loading')}</p>`;
      case 'ready':
        return html`<div class="plugin-host">${this.element}</div>`;
      case 'failed':
        return html`<div class="placeholder pad" data-testid="panel-unavailable">
          <h2>${t('panel.unavailable')}</h2>
          <p class="form-error" role="alert">${t('panel.failed', { name: this.name })}</p>
        </div>`;
      case 'unavailable':
        return html`<div class="placeholder pad" data-testid="panel-unavailable">
          <h2>${t('panel.unavailable')}</h2>
          <p class="muted">${t('panel.unavailableText', { name: this.name })}</p>
        </div>`;
    }
    return nothing;
  }
}

customElements.define('pacte-plugin-panel', PactePluginPanel);
