/**
 * Registry of plugin panels.
 *
 * A workspace shows a "Discussion" tab and one tab per plugin enabled in it
 * (`workspace.plugins`, titles from `plugins.list`). The tab of plugin `<name>`
 * shows the custom element `<pacte-panel-<name>>`, with two properties set:
 *   - `client`: the {@link ProtocolClient} (make requests, listen to events);
 *   - `workspace`: the {@link Workspace} object.
 * A plugin with no panel here shows a neutral "panneau indisponible" placeholder.
 *
 * How to add a panel — either way works:
 *
 * 1. Automatic: put it at `plugins/<name>/web/panel.ts` in the repository.
 *    Every such file is found at build time (`import.meta.glob` below) and
 *    registered under `<name>`, in the same way CMake picks up the plugins'
 *    C++ folders. The module must define the element
 *    `pacte-panel-<name>` when it is imported. It should import only from
 *    `@pacte/web-sdk` (Lit, the i18n helpers, Markdown rendering, the
 *    protocol types), so that it needs no `node_modules` of its own:
 *
 *        import { LitElement, html, type ProtocolClient, type Workspace } from '@pacte/web-sdk';
 *        export class AgendaPanel extends LitElement {
 *          static properties = { client: { attribute: false }, workspace: { attribute: false } };
 *          declare client: ProtocolClient;
 *          declare workspace: Workspace;
 *          render() { return html`<h2>Ordre du jour de ${this.workspace.name}</h2>`; }
 *        }
 *        customElements.define('pacte-panel-agenda', AgendaPanel);
 *
 * 2. Explicit: add a line to `explicitPanels` below (it wins over the
 *    automatic entry of the same name), e.g. for a panel that lives in
 *    `web-client/src/` or needs a different file name:
 *
 *        agenda: () => import('./agenda-panel'),
 *
 * Loaders are dynamic imports: each panel is a separate chunk, downloaded the
 * first time its tab is opened.
 */

export type PanelLoader = () => Promise<unknown>;

/** Panels listed by hand. */
const explicitPanels: Record<string, PanelLoader> = {
  // name: () => import('./some-panel'),
};

/** Panels found in the repository's plugins/<name>/web/panel.ts. */
const discovered = import.meta.glob('../../../plugins/*/web/panel.ts');

function nameFromPath(path: string): string | null {
  const m = /plugins\/([^/]+)\/web\/panel\.ts$/.exec(path);
  return m ? m[1] : null;
}

const loaders = new Map<string, PanelLoader>();
for (const [path, loader] of Object.entries(discovered)) {
  const name = nameFromPath(path);
  if (name) loaders.set(name, loader);
}
for (const [name, loader] of Object.entries(explicitPanels)) loaders.set(name, loader);

/** Registers (or replaces) a panel at run time; tests and embedders use it. */
export function registerPanel(name: string, loader: PanelLoader): void {
  loaders.set(name, loader);
}

export function hasPanel(name: string): boolean {
  return loaders.has(name);
}

export function panelNames(): string[] {
  return [...loaders.keys()].sort();
}

export function panelTag(name: string): string {
  return `pacte-panel-${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

/**
 * Loads the panel of a plugin and returns its custom element's tag, or null
 * when this client has no panel for it (the caller shows the placeholder).
 * A loader that fails rejects.
 */
export async function loadPanel(name: string): Promise<string | null> {
  const tag = panelTag(name);
  if (customElements.get(tag)) return tag;
  const loader = loaders.get(name);
  if (!loader) return null;
  await loader();
  return customElements.get(tag) ? tag : null;
}
