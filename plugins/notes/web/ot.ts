/**
 * Operational transformation of plain text, the TypeScript twin of
 * plugins/notes/text_operation.hpp (same wire form, same results: both are checked
 * against each other's generated vectors in tests/vectors/).
 *
 * Lengths and positions count Unicode code points, as on the wire and on the server.
 * JavaScript strings count UTF-16 units: `utf16ToCodePoint` / `codePointToUtf16`
 * convert at the editor boundary, and refuse a position inside a surrogate pair.
 *
 * Wire form (ot.js): `[5, "abc", -2]`: a positive integer retains, a string inserts, a
 * negative integer deletes. Operations are kept normalised: no empty component, no two
 * adjacent components of one kind, an insert before an adjacent delete.
 */

export type Component = number | string;

/** Thrown for invalid input: a malformed operation, a length mismatch, a split surrogate. */
export class OtError extends Error {}

const MAX_COMPONENT_LENGTH = 2 ** 40;

const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;

/** Code points of a string, or -1 when it holds a lone surrogate (not valid UTF-8). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (isHigh(u)) {
      if (i + 1 < text.length && isLow(text.charCodeAt(i + 1))) i++;
      else return -1;
    } else if (isLow(u)) return -1;
    n++;
  }
  return n;
}

/** Length in code points of well-formed text (no validation). */
function cpLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) if (isLow(text.charCodeAt(i))) n--;
  return n;
}

/** UTF-16 offset of code point `n` of well-formed text (from UTF-16 offset `from`). */
function utf16Offset(text: string, n: number, from = 0): number {
  let i = from;
  while (n > 0 && i < text.length) {
    i += isHigh(text.charCodeAt(i)) ? 2 : 1;
    n--;
  }
  return i;
}

/** Editor boundary: the code point position of a UTF-16 offset. Throws if it splits a pair. */
export function utf16ToCodePoint(text: string, offset: number): number {
  if (offset < 0 || offset > text.length) throw new OtError(`offset ${offset} outside the text`);
  if (offset > 0 && offset < text.length && isLow(text.charCodeAt(offset)) && isHigh(text.charCodeAt(offset - 1)))
    throw new OtError(`offset ${offset} splits a surrogate pair`);
  let n = 0;
  for (let i = 0; i < offset; i++) if (!isLow(text.charCodeAt(i)) || !isHigh(text.charCodeAt(i - 1))) n++;
  return n;
}

/** Editor boundary: the UTF-16 offset of a code point position (clamped to the text). */
export function codePointToUtf16(text: string, position: number): number {
  return utf16Offset(text, Math.max(0, position));
}

/** A cursor or a selection in code points: where it started and where the caret is. */
export interface TextRange {
  anchor: number;
  head: number;
}

type Kind = 'retain' | 'insert' | 'remove';
const kindOf = (c: Component): Kind => (typeof c === 'string' ? 'insert' : c > 0 ? 'retain' : 'remove');

/** Walks the components of an operation, handing out whole components or prefixes. */
class Reader {
  private next = 0;
  kind: Kind | null = null;
  length = 0;
  text = '';
  constructor(private readonly ops: readonly Component[]) {
    this.advance();
  }
  get done(): boolean {
    return this.kind === null;
  }
  private advance(): void {
    if (this.next < this.ops.length) {
      const c = this.ops[this.next++];
      this.kind = kindOf(c);
      if (typeof c === 'string') {
        this.text = c;
        this.length = cpLength(c);
      } else {
        this.text = '';
        this.length = Math.abs(c);
      }
    } else {
      this.kind = null;
    }
  }
  /** Takes the first `n` code points of the current piece: [kind, length, text]. */
  take(n: number): [Kind, number, string] {
    const kind = this.kind as Kind;
    let text = '';
    if (kind === 'insert') {
      const cut = n === this.length ? this.text.length : utf16Offset(this.text, n);
      text = this.text.slice(0, cut);
      this.text = this.text.slice(cut);
    }
    this.length -= n;
    if (this.length === 0) this.advance();
    return [kind, n, text];
  }
  takeAll(): [Kind, number, string] {
    return this.take(this.length);
  }
}

export class TextOperation {
  readonly ops: Component[] = [];
  baseLength = 0;
  targetLength = 0;

  retain(n: number): this {
    if (n <= 0) return this;
    this.baseLength += n;
    this.targetLength += n;
    const last = this.ops.length - 1;
    if (last >= 0 && kindOf(this.ops[last]) === 'retain') (this.ops[last] as number) += n;
    else this.ops.push(n);
    return this;
  }

  /** Inserts well-formed text (callers check untrusted text with codePointLength). */
  insert(text: string): this {
    if (text === '') return this;
    this.targetLength += cpLength(text);
    const ops = this.ops;
    const last = ops.length - 1;
    if (last >= 0 && typeof ops[last] === 'string') ops[last] = (ops[last] as string) + text;
    else if (last >= 0 && kindOf(ops[last]) === 'remove') {
      // Insert-then-delete and delete-then-insert have one effect; keep the first form.
      if (last >= 1 && typeof ops[last - 1] === 'string') ops[last - 1] = (ops[last - 1] as string) + text;
      else ops.splice(last, 0, text);
    } else ops.push(text);
    return this;
  }

  remove(n: number): this {
    if (n <= 0) return this;
    this.baseLength += n;
    const last = this.ops.length - 1;
    if (last >= 0 && kindOf(this.ops[last]) === 'remove') (this.ops[last] as number) -= n;
    else this.ops.push(-n);
    return this;
  }

  isNoop(): boolean {
    return this.ops.every((c) => kindOf(c) === 'retain');
  }

  equals(other: TextOperation): boolean {
    return this.ops.length === other.ops.length && this.ops.every((c, i) => c === other.ops[i]);
  }

  toJSON(): Component[] {
    return [...this.ops];
  }

  /** Parses the wire form with full validation (as the server does); throws OtError. */
  static fromJSON(wire: unknown): TextOperation {
    if (!Array.isArray(wire)) throw new OtError('an operation must be a JSON array of integers and strings');
    const op = new TextOperation();
    let previous: Kind | null = null;
    wire.forEach((item: unknown, i: number) => {
      const where = `component ${i}`;
      let kind: Kind;
      if (typeof item === 'number') {
        if (!Number.isInteger(item)) throw new OtError(`${where}: must be an integer`);
        if (item === 0) throw new OtError(`${where}: 0 is not a component (operations are normalised)`);
        if (Math.abs(item) > MAX_COMPONENT_LENGTH) throw new OtError(`${where}: length too large`);
        kind = item > 0 ? 'retain' : 'remove';
      } else if (typeof item === 'string') {
        const n = codePointLength(item);
        if (n < 0) throw new OtError(`${where}: the inserted text holds a lone surrogate`);
        if (n === 0) throw new OtError(`${where}: an empty insert is not a component (operations are normalised)`);
        kind = 'insert';
      } else throw new OtError(`${where}: must be an integer or a string`);
      if (previous === kind)
        throw new OtError(`${where}: two adjacent components of the same kind (operations are normalised)`);
      if (previous === 'remove' && kind === 'insert')
        throw new OtError(`${where}: an insert must come before an adjacent delete (operations are normalised)`);
      previous = kind;
      if (kind === 'insert') op.insert(item as string);
      else if (kind === 'retain') op.retain(item as number);
      else op.remove(-(item as number));
    });
    return op;
  }

  /** The document after this operation; throws when its length differs from baseLength. */
  apply(doc: string): string {
    const n = cpLength(doc);
    if (n !== this.baseLength)
      throw new OtError(`the operation applies to ${this.baseLength} code points, the text has ${n}`);
    const parts: string[] = [];
    let at = 0;
    for (const c of this.ops) {
      if (typeof c === 'string') parts.push(c);
      else if (c > 0) {
        const end = utf16Offset(doc, c, at);
        parts.push(doc.slice(at, end));
        at = end;
      } else at = utf16Offset(doc, -c, at);
    }
    return parts.join('');
  }

  /** One operation with the effect of this one then `next`. */
  compose(next: TextOperation): TextOperation {
    if (this.targetLength !== next.baseLength)
      throw new OtError('compose: the second operation must apply to the result of the first');
    const out = new TextOperation();
    const a = new Reader(this.ops);
    const b = new Reader(next.ops);
    while (!a.done || !b.done) {
      if (a.kind === 'remove') {
        out.remove(a.takeAll()[1]);
        continue;
      }
      if (b.kind === 'insert') {
        out.insert(b.takeAll()[2]);
        continue;
      }
      if (a.done || b.done) throw new OtError('compose: lengths do not match');
      const n = Math.min(a.length, b.length);
      const [ka, , text] = a.take(n);
      const [kb] = b.take(n);
      if (ka === 'retain' && kb === 'retain') out.retain(n);
      else if (ka === 'insert' && kb === 'retain') out.insert(text);
      else if (ka === 'retain' && kb === 'remove') out.remove(n);
    }
    return out;
  }

  /** TP1: [a', b'] with apply(apply(d, a), b') === apply(apply(d, b), a'); a's inserts first. */
  static transform(a: TextOperation, b: TextOperation): [TextOperation, TextOperation] {
    if (a.baseLength !== b.baseLength) throw new OtError('transform: both operations must apply to one text');
    const a2 = new TextOperation();
    const b2 = new TextOperation();
    const ra = new Reader(a.ops);
    const rb = new Reader(b.ops);
    while (!ra.done || !rb.done) {
      if (ra.kind === 'insert') {
        const [, n, text] = ra.takeAll();
        a2.insert(text);
        b2.retain(n);
        continue;
      }
      if (rb.kind === 'insert') {
        const [, n, text] = rb.takeAll();
        a2.retain(n);
        b2.insert(text);
        continue;
      }
      if (ra.done || rb.done) throw new OtError('transform: lengths do not match');
      const n = Math.min(ra.length, rb.length);
      const [ka] = ra.take(n);
      const [kb] = rb.take(n);
      if (ka === 'retain' && kb === 'retain') {
        a2.retain(n);
        b2.retain(n);
      } else if (ka === 'remove' && kb === 'retain') a2.remove(n);
      else if (ka === 'retain' && kb === 'remove') b2.remove(n);
    }
    return [a2, b2];
  }

  /** The operation that undoes this one, given the text it was applied to. */
  invert(doc: string): TextOperation {
    const out = new TextOperation();
    let at = 0;
    for (const c of this.ops) {
      if (typeof c === 'string') out.remove(cpLength(c));
      else if (c > 0) {
        out.retain(c);
        at = utf16Offset(doc, c, at);
      } else {
        const end = utf16Offset(doc, -c, at);
        out.insert(doc.slice(at, end));
        at = end;
      }
    }
    return out;
  }

  /** Where a position (code points) of the base text ends up; text inserted at it goes before it. */
  transformIndex(index: number): number {
    let left = index;
    let moved = index;
    for (const c of this.ops) {
      if (left < 0) break;
      if (typeof c === 'string') moved += cpLength(c);
      else if (c > 0) left -= c;
      else {
        moved -= Math.min(left, -c);
        left += c;
      }
    }
    return moved;
  }

  transformRange(range: TextRange): TextRange {
    return { anchor: this.transformIndex(range.anchor), head: this.transformIndex(range.head) };
  }
}

/**
 * Editor boundary: the operation turning `before` into `after` (one replaced span, found
 * from the common prefix and suffix; never inside a surrogate pair).
 */
export function diffToOperation(before: string, after: string): TextOperation {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isLow(before.charCodeAt(start)) && isHigh(before.charCodeAt(start - 1))) start--;
  else if (start > 0 && start < after.length && isLow(after.charCodeAt(start)) && isHigh(after.charCodeAt(start - 1)))
    start--;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  // Do not end inside a pair: step back to the pair's start (the low half matched).
  if (endB < before.length && isLow(before.charCodeAt(endB)) && endB > 0 && isHigh(before.charCodeAt(endB - 1))) {
    endB++;
    endA++;
  }
  if (endA < after.length && isLow(after.charCodeAt(endA)) && endA > 0 && isHigh(after.charCodeAt(endA - 1))) {
    endB++;
    endA++;
  }
  const op = new TextOperation();
  op.retain(cpLength(before.slice(0, start)));
  op.insert(after.slice(start, endA));
  op.remove(cpLength(before.slice(start, endB)));
  op.retain(cpLength(before.slice(endB)));
  return op;
}
