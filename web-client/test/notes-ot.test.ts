// The TypeScript twin of the notes plugin's OT (plugins/notes/web/ot.ts): the same
// randomised properties as tests/unit/notes_ot_test.cpp (fewer cases), each case with its
// own seed printed on failure (NOTES_SEED changes the base seed), and the shared vectors:
// it checks tests/vectors/notes-ot-cpp.json and writes notes-ot-ts.json when
// PACTE_WRITE_VECTORS=1 (otherwise checks that the committed file is current).
import { describe, expect, it } from 'vitest';
import {
  TextOperation,
  OtError,
  codePointLength,
  codePointToUtf16,
  diffToOperation,
  utf16ToCodePoint,
} from '../../plugins/notes/web/ot.ts';

// The client's tsconfig has no Node types: reach Node's fs and environment untyped.
interface NodeFs {
  readFileSync(path: URL, encoding: 'utf8'): string;
  writeFileSync(path: URL, data: string): void;
}
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const fsModule = 'node:fs';
const fs = (await import(/* @vite-ignore */ fsModule)) as NodeFs;
const BASE_SEED = Number(env.NOTES_SEED ?? 20260312);
const CASES = Number(env.NOTES_CASES ?? 10000);
const vectorsDir = new URL('../../tests/vectors/', import.meta.url);

/** A small seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const ALPHABET = [
  'a', 'b', 'z', ' ', ' ', '\n', '\n', '\t', 'é', 'e\u0301', '\u0301', 'ß', '中', '文', '字', '😀',
  '👍🏽', '👨‍👩‍👧', '🇫🇷', '𝄞', '\u200b', 'Ω', '—', '«', '»',
];

function randomText(r: Rand, maxPieces: number): string {
  let out = '';
  for (let i = int(r, 0, maxPieces); i > 0; i--) out += ALPHABET[int(r, 0, ALPHABET.length - 1)];
  return out;
}
const len = (s: string) => codePointLength(s);

function randomOp(r: Rand, length: number): TextOperation {
  const op = new TextOperation();
  let left = length;
  while (left > 0) {
    const x = r();
    const n = int(r, 1, Math.min(left, 12));
    if (x < 0.2) op.insert(randomText(r, 4));
    else if (x < 0.45) {
      op.remove(n);
      left -= n;
    } else {
      op.retain(n);
      left -= n;
    }
  }
  if (r() < 0.3) op.insert(randomText(r, 3));
  return op;
}

/** Runs `body` for CASES seeds; it returns '' or what went wrong. */
function forCases(property: string, body: (r: Rand) => string): void {
  const failures: string[] = [];
  for (let i = 0; i < CASES && failures.length < 3; i++) {
    const seed = (BASE_SEED * 7919 + i) >>> 0;
    const why = body(rng(seed));
    if (why) failures.push(`${property} fails with seed ${seed} (NOTES_SEED=${BASE_SEED}, case ${i}): ${why}`);
  }
  expect(failures).toEqual([]);
}
const dump = (op: TextOperation) => JSON.stringify(op.toJSON());

describe('notes OT properties (TypeScript)', () => {
  it('apply gives the target length and refuses another base', () =>
    forCases('apply', (r) => {
      const doc = randomText(r, 30);
      const op = randomOp(r, len(doc));
      const after = op.apply(doc);
      if (len(after) !== op.targetLength) return `target length: ${dump(op)}`;
      expect(() => op.apply(doc + 'x')).toThrow(OtError);
      return '';
    }));

  it('the wire form round-trips', () =>
    forCases('wire', (r) => {
      const op = randomOp(r, len(randomText(r, 30)));
      const back = TextOperation.fromJSON(JSON.parse(JSON.stringify(op)));
      return back.equals(op) ? '' : `changed ${dump(op)}`;
    }));

  it('parse refuses what is not a normalised valid operation', () => {
    for (const bad of [{}, 'abc', [0], [3, 2], [-1, -2], ['a', 'b'], [-1, 'a'], [''], [1.5], [true], [[1]], [2 ** 50],
      ['\ud83d'], ['a\ude00'], [null]])
      expect(() => TextOperation.fromJSON(bad), JSON.stringify(bad)).toThrow(OtError);
    expect(TextOperation.fromJSON([5, 'abc', -2]).toJSON()).toEqual([5, 'abc', -2]);
  });

  it('compose has the effect of both in turn', () =>
    forCases('compose', (r) => {
      const doc = randomText(r, 30);
      const a = randomOp(r, len(doc));
      const b = randomOp(r, a.targetLength);
      const ab = a.compose(b);
      return ab.apply(doc) === b.apply(a.apply(doc)) ? '' : `${dump(a)} then ${dump(b)}`;
    }));

  it('transform converges (TP1)', () =>
    forCases('transform', (r) => {
      const doc = randomText(r, 30);
      const a = randomOp(r, len(doc));
      const b = randomOp(r, len(doc));
      const [a2, b2] = TextOperation.transform(a, b);
      return b2.apply(a.apply(doc)) === a2.apply(b.apply(doc)) ? '' : `a=${dump(a)} b=${dump(b)} doc=${doc}`;
    }));

  it('transform of lists converges (in flight, buffer, received operations)', () =>
    forCases('transform of lists', (r) => {
      const doc = randomText(r, 30);
      let inflight = randomOp(r, len(doc));
      let buffer = randomOp(r, inflight.targetLength);
      let client = buffer.apply(inflight.apply(doc));
      let server = doc;
      for (let k = int(r, 1, 4); k > 0; k--) {
        const s = randomOp(r, len(server));
        server = s.apply(server);
        const [i2, s2] = TextOperation.transform(inflight, s);
        const [b2, s3] = TextOperation.transform(buffer, s2);
        inflight = i2;
        buffer = b2;
        client = s3.apply(client);
      }
      return buffer.apply(inflight.apply(server)) === client ? '' : `doc=${doc}`;
    }));

  it('invert undoes', () =>
    forCases('invert', (r) => {
      const doc = randomText(r, 30);
      const a = randomOp(r, len(doc));
      return a.invert(doc).apply(a.apply(doc)) === doc ? '' : dump(a);
    }));

  it('cursor transform keeps order and range', () =>
    forCases('cursor', (r) => {
      const doc = randomText(r, 30);
      const n = len(doc);
      const a = randomOp(r, n);
      let i = int(r, 0, n);
      let j = int(r, 0, n);
      if (i > j) [i, j] = [j, i];
      const ti = a.transformIndex(i);
      const tj = a.transformIndex(j);
      if (ti > tj) return `order lost in ${dump(a)}`;
      if (ti < 0 || tj > a.targetLength) return 'out of range';
      if (a.transformIndex(n) !== a.targetLength) return 'end moved';
      const range = a.transformRange({ anchor: j, head: i });
      return range.anchor === tj && range.head === ti ? '' : 'range ends';
    }));

  it('editor boundary: a textarea change becomes an operation; split pairs are refused', () => {
    forCases('diff', (r) => {
      const before = randomText(r, 20);
      const after = r() < 0.5 ? randomText(r, 20) : randomOp(r, len(before)).apply(before);
      const op = diffToOperation(before, after);
      return op.apply(before) === after ? '' : `${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
    });
    const text = 'a😀b';
    expect(utf16ToCodePoint(text, 0)).toBe(0);
    expect(utf16ToCodePoint(text, 1)).toBe(1);
    expect(() => utf16ToCodePoint(text, 2)).toThrow(OtError);
    expect(utf16ToCodePoint(text, 3)).toBe(2);
    expect(utf16ToCodePoint(text, 4)).toBe(3);
    expect(codePointToUtf16(text, 2)).toBe(3);
    expect(diffToOperation('😀', '😁').toJSON()).toEqual(['😁', -1]);
  });
});

// ---------------------------------------------------------------------------------- vectors

interface Vector {
  doc: string;
  a: unknown;
  b: unknown;
  c: unknown;
  indices: number[];
  [key: string]: unknown;
}

function expectedCase(doc: string, a: TextOperation, b: TextOperation, c: TextOperation, indices: number[]) {
  const afterA = a.apply(doc);
  const [a2, b2] = TextOperation.transform(a, b);
  const ac = a.compose(c);
  return {
    doc,
    a: a.toJSON(),
    b: b.toJSON(),
    c: c.toJSON(),
    after_a: afterA,
    a_prime: a2.toJSON(),
    b_prime: b2.toJSON(),
    after_ab: b2.apply(afterA),
    compose_ac: ac.toJSON(),
    after_ac: ac.apply(doc),
    invert_a: a.invert(doc).toJSON(),
    indices,
    indices_after_a: indices.map((i) => a.transformIndex(i)),
  };
}

function generateVectors() {
  const r = rng(424242);
  const cases = [];
  for (let k = 0; k < 300; k++) {
    const doc = k < 10 ? randomText(r, 3) : randomText(r, 30);
    const a = randomOp(r, len(doc));
    const b = randomOp(r, len(doc));
    const c = randomOp(r, a.targetLength);
    const indices: number[] = [];
    for (let i = 0; i <= len(doc); i += 1 + (k % 3)) indices.push(i);
    cases.push(expectedCase(doc, a, b, c, indices));
  }
  return {
    generator: 'TypeScript web-client/test/notes-ot.test.ts (PACTE_WRITE_VECTORS=1 rewrites it)',
    units: 'code points',
    cases,
  };
}

describe('notes OT shared vectors', () => {
  it('tests/vectors/notes-ot-ts.json is committed and current', () => {
    const generated = generateVectors();
    const file = new URL('notes-ot-ts.json', vectorsDir);
    if (env.PACTE_WRITE_VECTORS) {
      // One case a line: small diffs when the generator changes.
      const head = `{"generator": ${JSON.stringify(generated.generator)},\n "units": ${JSON.stringify(generated.units)},\n "cases": [\n`;
      fs.writeFileSync(file, head + generated.cases.map((c) => '  ' + JSON.stringify(c)).join(',\n') + '\n]}\n');
    }
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(generated);
  });

  it('the C++ vectors give the same results here', () => {
    const vectors = JSON.parse(fs.readFileSync(new URL('notes-ot-cpp.json', vectorsDir), 'utf8')) as { cases: Vector[] };
    expect(vectors.cases.length).toBeGreaterThanOrEqual(100);
    vectors.cases.forEach((v, k) => {
      const mine = expectedCase(
        v.doc,
        TextOperation.fromJSON(v.a),
        TextOperation.fromJSON(v.b),
        TextOperation.fromJSON(v.c),
        v.indices,
      );
      expect(mine, `C++ vector ${k}`).toEqual(v);
    });
  });
});
