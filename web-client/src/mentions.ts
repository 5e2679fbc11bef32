/**
 * @-completion for the composer: finds the "@word" being typed and the
 * people and organisations of the workspace that match it.
 */
import type { Store } from './state/store';

/** Lower case without diacritics ("Agnès" → "agnes"), for matching. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export interface Suggestion {
  target: 'person' | 'org';
  id: number;
  label: string;
  detail: string;
}

/** The "@word" being typed just before the caret, if any. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[\s(])@([^\s@[\]()]{0,40})$/.exec(before);
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

/** People and organisations of the workspace matching a query (accents and case ignored). */
export function suggest(store: Store, workspace: number, query: string, max = 8): Suggestion[] {
  const members = store.members.get(workspace);
  if (!members) return [];
  const q = fold(query);
  const out: Suggestion[] = [];
  const matches = (s: string) => {
    const f = fold(s);
    return f.startsWith(q) || f.split(/[\s'’-]+/).some((w) => w.startsWith(q));
  };
  for (const o of members.organisations) {
    if (!q || matches(o.short) || matches(o.name)) {
      out.push({ target: 'org', id: o.id, label: o.short || o.name, detail: o.name });
    }
  }
  for (const p of members.people) {
    if (p.id === store.myId) continue;
    if (!q || matches(p.name)) out.push({ target: 'person', id: p.id, label: p.name, detail: p.title ?? '' });
  }
  // People first when the query looks like a first name; organisations are few.
  out.sort((a, b) => (a.target === b.target ? a.label.localeCompare(b.label, 'fr') : a.target === 'person' ? -1 : 1));
  return out.slice(0, max);
}

