/**
 * Slash commands in the composer (issue 12).
 *
 * A line that starts with "/" is a command: `/agenda next`, `/sign remind Moulins`.
 * While it is typed, {@link CommandCompleter} offers what fits where the caret is:
 *
 * - the command and the subcommand come from `commands.list {workspace}` (what the
 *   server allows this person in this workspace), fetched once per workspace and
 *   matched here, with no round trip per key;
 * - an argument (a person, an organisation, a choice, a date) comes from
 *   `commands.complete {workspace, text}`, asked at most once per
 *   {@link COMPLETE_DEBOUNCE_MS} while the person types; a late answer for an
 *   older text is dropped.
 *
 * Sending the line calls `commands.run {workspace, thread, text}` (see
 * {@link runCommand}) instead of `chat.post`. A line starting with "//" is an
 * ordinary message that starts with one "/".
 *
 * Positions on the wire are Unicode code points (`replace_from`); the textarea
 * counts UTF-16 units: {@link cpToUtf16} converts.
 */
import { fold } from './mentions';
import type { Card } from './protocol/types';

export interface CommandArgInfo {
  name: string;
  type: string;
  optional?: boolean;
  choices?: string[];
  help?: string;
}

export interface CommandInfo {
  command: string;
  sub: string;
  usage: string;
  help: string;
  args: CommandArgInfo[];
}

export interface CommandSuggestion {
  /** What replaces the text from `replaceFrom` to the caret. */
  value: string;
  label: string;
  detail?: string;
}

export interface CommandResult {
  visibility: 'ephemeral' | 'thread';
  text: string;
  card?: Card | null;
  message?: unknown;
}

/** The part of the client the completer needs (the protocol client fits). */
export interface CommandRequester {
  request<T = any>(op: string, args?: Record<string, unknown>): Promise<T>;
}

export const COMPLETE_DEBOUNCE_MS = 200;
export const MAX_SUGGESTIONS = 10;

/** True when the text is a command ("/agenda …"), not a "//" escaped message. */
export function isCommandText(text: string): boolean {
  return text.startsWith('/') && !text.startsWith('//');
}

/** The text of a message written "//…": one "/" removed. */
export function unescapeSlash(text: string): string {
  return text.startsWith('//') ? text.slice(1) : text;
}

/** UTF-16 offset of the code point index `cp` in `text`. */
export function cpToUtf16(text: string, cp: number): number {
  let units = 0;
  let n = 0;
  for (const ch of text) {
    if (n >= cp) break;
    units += ch.length;
    n++;
  }
  return units;
}

/** Where the caret is in a command line, as far as completion goes. */
export type SlashStage =
  | { kind: 'command'; from: number; prefix: string }
  | { kind: 'sub'; command: string; from: number; prefix: string }
  | { kind: 'arg' };

/**
 * Which word of `/command sub args…` the caret (a UTF-16 offset) is in, from the
 * text before it. `null` when the text is not a command.
 */
export function slashStage(text: string, caret: number, commands: readonly CommandInfo[]): SlashStage | null {
  if (!isCommandText(text)) return null;
  const before = text.slice(0, caret);
  if (before.includes('\n')) return { kind: 'arg' };
  const m = /^\/(\S*)$/.exec(before);
  if (m) return { kind: 'command', from: 0, prefix: m[1] };
  const s = /^\/(\S+)\s+(\S*)$/.exec(before);
  if (s) {
    const command = s[1].toLowerCase();
    const hasSubs = commands.some((c) => c.command === command && c.sub);
    if (hasSubs) return { kind: 'sub', command, from: before.length - s[2].length, prefix: s[2] };
  }
  return { kind: 'arg' };
}

/** Suggestions for the command or subcommand word, from the cached list. */
export function localSuggestions(stage: SlashStage, commands: readonly CommandInfo[]): CommandSuggestion[] {
  if (stage.kind === 'command') {
    const q = fold(stage.prefix);
    const seen = new Map<string, CommandSuggestion>();
    for (const c of commands) {
      if (!fold(c.command).startsWith(q) || seen.has(c.command)) continue;
      const subs = commands.filter((x) => x.command === c.command && x.sub);
      const detail = subs.length
        ? subs.map((x) => x.sub).join(', ')
        : c.help;
      seen.set(c.command, { value: `/${c.command} `, label: `/${c.command}`, detail });
    }
    return [...seen.values()].slice(0, MAX_SUGGESTIONS);
  }
  if (stage.kind === 'sub') {
    const q = fold(stage.prefix);
    return commands
      .filter((c) => c.command === stage.command && c.sub && fold(c.sub).startsWith(q))
      .map((c) => ({ value: `${c.sub}${c.args.length ? ' ' : ''}`, label: c.usage || `/${c.command} ${c.sub}`, detail: c.help }))
      .slice(0, MAX_SUGGESTIONS);
  }
  return [];
}

/** The command a line names (the longest match of "command sub"), if it is known. */
export function findCommand(text: string, commands: readonly CommandInfo[]): CommandInfo | undefined {
  const m = /^\/(\S+)(?:\s+(\S+))?/.exec(text);
  if (!m) return undefined;
  const cmd = m[1].toLowerCase();
  const sub = (m[2] ?? '').toLowerCase();
  return (
    commands.find((c) => c.command === cmd && c.sub && c.sub === sub) ??
    commands.find((c) => c.command === cmd && !c.sub)
  );
}

/** `commands.list` answers, one request per workspace, kept until {@link forget}. */
export class CommandCatalog {
  private cache = new Map<number, Promise<CommandInfo[]>>();
  private ready = new Map<number, CommandInfo[]>();

  constructor(private readonly client: CommandRequester) {}

  /** The list if it already arrived (so that the first "/" can show it at once). */
  peek(workspace: number): CommandInfo[] | undefined {
    return this.ready.get(workspace);
  }

  list(workspace: number): Promise<CommandInfo[]> {
    let p = this.cache.get(workspace);
    if (!p) {
      p = this.client
        .request<{ commands: CommandInfo[] }>('commands.list', { workspace })
        .then((r) => {
          const list = (r?.commands ?? []).map((c) => ({ ...c, sub: c.sub ?? '', args: c.args ?? [] }));
          this.ready.set(workspace, list);
          return list;
        })
        .catch((err) => {
          // Not cached: the next "/" tries again.
          this.cache.delete(workspace);
          throw err;
        });
      this.cache.set(workspace, p);
    }
    return p;
  }

  /** Drops a workspace's list (role or plugins changed), or every list. */
  forget(workspace?: number): void {
    if (workspace === undefined) {
      this.cache.clear();
      this.ready.clear();
    } else {
      this.cache.delete(workspace);
      this.ready.delete(workspace);
    }
  }
}

export interface CompleterState {
  open: boolean;
  items: CommandSuggestion[];
  active: number;
  /** UTF-16 offset where an accepted suggestion starts replacing. */
  replaceFrom: number;
  /** The usage line of the command being typed (shown as a hint). */
  usage: string;
}

export interface CompleterOptions {
  debounceMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * The completion state machine of the composer for command lines. Feed it the
 * text and caret on every input with {@link update}; read {@link state}; move
 * with {@link move}; {@link accept} returns the new text and caret; {@link close}
 * (Escape) keeps it closed until the text changes.
 */
export class CommandCompleter {
  state: CompleterState = { open: false, items: [], active: 0, replaceFrom: 0, usage: '' };
  private listeners = new Set<() => void>();
  private timer: unknown = null;
  private generation = 0;
  private dismissedText: string | null = null;
  private lastText = '';
  private stageKind: SlashStage['kind'] | null = null;
  private readonly debounceMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly client: CommandRequester,
    private readonly catalog: CommandCatalog,
    private readonly workspace: number,
    opts: CompleterOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? COMPLETE_DEBOUNCE_MS;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  dispose(): void {
    this.cancelTimer();
    this.listeners.clear();
    this.generation++;
  }

  /** The text or the caret changed. */
  update(text: string, caret: number): void {
    this.lastText = text;
    this.cancelTimer();
    const gen = ++this.generation;
    if (!isCommandText(text)) {
      this.dismissedText = null;
      this.stageKind = null;
      this.set({ open: false, items: [], active: 0, replaceFrom: 0, usage: '' });
      return;
    }
    if (this.dismissedText !== null && this.dismissedText === text) return;
    this.dismissedText = null;
    const known = this.catalog.peek(this.workspace);
    if (!known) {
      this.catalog.list(this.workspace).then(
        () => {
          if (gen === this.generation) this.update(text, caret);
        },
        () => {},
      );
      return;
    }
    const stage = slashStage(text, caret, known)!;
    const usage = findCommand(text, known)?.usage ?? '';
    const wasArg = this.stageKind === 'arg';
    this.stageKind = stage.kind;
    if (stage.kind !== 'arg') {
      const items = localSuggestions(stage, known);
      this.set({ open: items.length > 0, items, active: 0, replaceFrom: stage.from, usage });
      return;
    }
    // An argument: ask the server, once the typing pauses. Earlier argument
    // suggestions stay meanwhile (no flicker); a command list does not.
    if (wasArg) this.set({ ...this.state, usage });
    else this.set({ open: false, items: [], active: 0, replaceFrom: caret, usage });
    const upto = text.slice(0, caret);
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.fetch(gen, upto);
    }, this.debounceMs);
  }

  private async fetch(gen: number, text: string): Promise<void> {
    try {
      const r = await this.client.request<{ replace_from: number; suggestions: CommandSuggestion[] }>('commands.complete', {
        workspace: this.workspace,
        text,
      });
      if (gen !== this.generation) return; // the person typed on
      const items = (r?.suggestions ?? []).slice(0, MAX_SUGGESTIONS).map((s) => ({
        value: s.value,
        label: s.label ?? s.value,
        detail: s.detail,
      }));
      const replaceFrom = cpToUtf16(text, Number(r?.replace_from ?? [...text].length));
      this.set({ open: items.length > 0, items, active: 0, replaceFrom, usage: this.state.usage });
    } catch {
      if (gen === this.generation) this.set({ ...this.state, open: false, items: [] });
    }
  }

  /** Arrow keys: moves the active suggestion, wrapping around. */
  move(delta: number): void {
    const n = this.state.items.length;
    if (!this.state.open || !n) return;
    this.set({ ...this.state, active: (((this.state.active + delta) % n) + n) % n });
  }

  /** Escape: closes until the text changes. */
  close(): void {
    this.cancelTimer();
    this.generation++;
    this.dismissedText = this.lastText;
    this.set({ ...this.state, open: false, items: [], active: 0 });
  }

  /**
   * Tab/Enter or a click: the text with the suggestion put in (from
   * `replaceFrom` to the caret), and the caret after it; null when closed.
   */
  accept(text: string, caret: number, index = this.state.active): { text: string; caret: number } | null {
    const s = this.state.items[index];
    if (!this.state.open || !s) return null;
    const from = Math.min(this.state.replaceFrom, caret);
    // The server ends a value with a space when the word is complete.
    const value = s.value;
    const rest = text.slice(caret);
    const next = text.slice(0, from) + value + rest;
    const pos = from + value.length;
    this.set({ ...this.state, open: false, items: [], active: 0 });
    return { text: next, caret: pos };
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private set(state: CompleterState): void {
    this.state = state;
    for (const fn of [...this.listeners]) fn();
  }
}

/** Runs a command line where it was typed (`thread` may be absent outside a thread). */
export function runCommand(
  client: CommandRequester,
  workspace: number,
  thread: number | null,
  text: string,
): Promise<CommandResult> {
  const args: Record<string, unknown> = { workspace, text };
  if (thread !== null) args.thread = thread;
  return client.request<CommandResult>('commands.run', args);
}
