/**
 * Client-side routes (the server answers `index.html` for every path without
 * an extension, so these URLs survive a reload):
 *
 *   /                         workspace list
 *   /w/:ws                    a workspace, its threads
 *   /w/:ws/t/:thread          a thread
 *   /w/:ws/new                new thread form
 *   /w/:ws/search?q=…         search in the workspace
 *   /w/:ws/members            members and presence
 *   /w/:ws/p/:plugin          a plugin's panel
 *   /preferences?w=:ws        notification preferences (opened from a workspace)
 */

export type WorkspaceView = 'threads' | 'thread' | 'new' | 'search' | 'members' | 'plugin';

export type Route =
  | { name: 'home' }
  | { name: 'preferences'; ws?: number }
  | { name: 'workspace'; ws: number; view: WorkspaceView; thread?: number; plugin?: string; query?: string };

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'preferences' && parts.length === 1) {
    const w = new URLSearchParams(search).get('w') ?? '';
    return /^\d+$/.test(w) ? { name: 'preferences', ws: Number(w) } : { name: 'preferences' };
  }
  if (parts[0] === 'w' && parts[1] && /^\d+$/.test(parts[1])) {
    const ws = Number(parts[1]);
    if (parts[2] === 't' && parts[3] && /^\d+$/.test(parts[3])) {
      return { name: 'workspace', ws, view: 'thread', thread: Number(parts[3]) };
    }
    if (parts[2] === 'new') return { name: 'workspace', ws, view: 'new' };
    if (parts[2] === 'members') return { name: 'workspace', ws, view: 'members' };
    if (parts[2] === 'search') {
      const query = new URLSearchParams(search).get('q') ?? '';
      return { name: 'workspace', ws, view: 'search', query };
    }
    if (parts[2] === 'p' && parts[3]) return { name: 'workspace', ws, view: 'plugin', plugin: parts[3] };
    return { name: 'workspace', ws, view: 'threads' };
  }
  return { name: 'home' };
}

export const paths = {
  home: () => '/',
  workspace: (ws: number) => `/w/${ws}`,
  thread: (ws: number, thread: number) => `/w/${ws}/t/${thread}`,
  newThread: (ws: number) => `/w/${ws}/new`,
  search: (ws: number, q: string) => `/w/${ws}/search?q=${encodeURIComponent(q)}`,
  members: (ws: number) => `/w/${ws}/members`,
  plugin: (ws: number, name: string) => `/w/${ws}/p/${encodeURIComponent(name)}`,
  preferences: (ws?: number) => (ws === undefined ? '/preferences' : `/preferences?w=${ws}`),
};

const listeners = new Set<(route: Route) => void>();

export function currentRoute(): Route {
  return parseRoute(location.pathname, location.search);
}

export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  const route = currentRoute();
  for (const fn of [...listeners]) fn(route);
}

export function onRouteChange(fn: (route: Route) => void): () => void {
  listeners.add(fn);
  const pop = () => fn(currentRoute());
  window.addEventListener('popstate', pop);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', pop);
  };
}

/** Click handler for in-app links: plain left clicks navigate without reloading. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href') ?? '';
    if (!href.startsWith('/') || href.startsWith('//')) return;
    e.preventDefault();
    navigate(href);
  });
}
