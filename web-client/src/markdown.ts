/**
 * Markdown of chat messages → safe HTML.
 *
 * `marked` turns the Markdown into HTML, with one extension for mentions
 * (`@[Name](person:ID)` and `@[Short](org:ID)`, see docs/protocol.md) which
 * become `<span class="mention">` chips. Raw HTML is escaped (shown as
 * text), and DOMPurify then removes anything active that would remain
 * (scripts, event handlers, `javascript:` links, iframes, styles…).
 * The result is safe to insert with Lit's `unsafeHTML`.
 */
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import DOMPurify from 'dompurify';

export const MENTION_RE = /^@\[([^\]\n]{1,200})\]\((person|org):(\d{1,15})\)/;
const MENTION_GLOBAL = /@\[([^\]\n]{1,200})\]\((person|org):(\d{1,15})\)/g;

export interface MentionContext {
  /** The reader's person id: their mentions get the `mention-me` class. */
  me?: number;
  /** The reader's organisations: a mention of one of them concerns the reader too. */
  myOrganisations?: readonly number[];
}

interface MentionToken extends Tokens.Generic {
  type: 'mention';
  raw: string;
  label: string;
  target: 'person' | 'org';
  targetId: number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function makeMarked(ctx: MentionContext): Marked {
  const mention: TokenizerAndRendererExtension = {
    name: 'mention',
    level: 'inline',
    start(src: string) {
      const i = src.indexOf('@[');
      return i < 0 ? undefined : i;
    },
    tokenizer(src: string) {
      const m = MENTION_RE.exec(src);
      if (!m) return undefined;
      const token: MentionToken = {
        type: 'mention',
        raw: m[0],
        label: m[1],
        target: m[2] as 'person' | 'org',
        targetId: Number(m[3]),
      };
      return token;
    },
    renderer(token) {
      const tk = token as MentionToken;
      const mine =
        (tk.target === 'person' && ctx.me !== undefined && tk.targetId === ctx.me) ||
        (tk.target === 'org' && !!ctx.myOrganisations?.includes(tk.targetId));
      const cls = `mention mention-${tk.target}${mine ? ' mention-me' : ''}`;
      const attr = tk.target === 'person' ? 'data-person' : 'data-org';
      return `<span class="${cls}" ${attr}="${tk.targetId}">@${escapeHtml(tk.label)}</span>`;
    },
  };
  return new Marked({
    gfm: true,
    breaks: true,
    async: false,
    extensions: [mention],
    // Raw HTML in a message is shown as text, never interpreted: chat
    // messages are Markdown only. DOMPurify below is the second line.
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(token.text);
      },
    },
  });
}

let hooked = false;
function purifier(): typeof DOMPurify {
  if (!hooked) {
    hooked = true;
    // Links open in a new tab and tell nothing about where they come from.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
    // Other data-* attributes are dropped (ALLOW_DATA_ATTR: false); the two
    // that the mention chips carry are kept when they hold a plain id.
    DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
      if ((data.attrName === 'data-person' || data.attrName === 'data-org') && /^\d{1,15}$/.test(data.attrValue)) {
        data.forceKeepAttr = true;
      }
    });
  }
  return DOMPurify;
}

const PURIFY_CONFIG = {
  ALLOWED_TAGS: [
    'a', 'b', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i',
    'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
    'input',
  ],
  ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'checked', 'disabled', 'align'],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|tel:|#|\/(?!\/))/i,
};

/** Markdown source → sanitised HTML string. */
export function renderMarkdown(source: string, ctx: MentionContext = {}): string {
  const html = makeMarked(ctx).parse(source ?? '') as string;
  const clean = purifier().sanitize(html, PURIFY_CONFIG) as unknown as string;
  return String(clean);
}

/** The mentions written in a Markdown source, in order. */
export function extractMentions(source: string): { target: 'person' | 'org'; id: number; label: string }[] {
  const out: { target: 'person' | 'org'; id: number; label: string }[] = [];
  for (const m of source.matchAll(MENTION_GLOBAL)) {
    out.push({ target: m[2] as 'person' | 'org', id: Number(m[3]), label: m[1] });
  }
  return out;
}

/** The syntax of a mention, with the characters that would break it removed from the label. */
export function mentionSyntax(target: 'person' | 'org', id: number, label: string): string {
  const clean = label.replace(/[\[\]\n]/g, ' ').trim().slice(0, 200);
  return `@[${clean}](${target}:${id})`;
}

/** Plain text of a Markdown source (for previews and notifications). */
export function plainText(source: string): string {
  return (source ?? '').replace(MENTION_GLOBAL, '@$1').replace(/[*_`>#~]/g, '').replace(/\s+/g, ' ').trim();
}
