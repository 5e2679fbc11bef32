/**
 * What plugin panels import, as `@pacte/web-sdk` (an alias set in
 * vite.config.ts and tsconfig.json): Lit, the protocol client's types, the
 * i18n and date helpers, and the Markdown renderer. A panel that imports only
 * this needs no dependency of its own. See ./registry.ts.
 */
export { LitElement, html, css, nothing, svg } from 'lit';
export type { PropertyValues, TemplateResult } from 'lit';
export { unsafeHTML } from 'lit/directives/unsafe-html.js';
export { ProtocolClient, ProtocolError } from '../protocol/client';
export type { ConnectionState } from '../protocol/client';
export type * from '../protocol/types';
export { t, tn, getLocale, onLocaleChange, formatDateTime, formatShort, errorText, TIME_ZONE } from '../i18n';
export { renderMarkdown, mentionSyntax } from '../markdown';
