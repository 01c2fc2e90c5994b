// The declaration language (--where, rule files' `where` lines, and the shapes after a `;` in
// a where clause): "a, c: scalar; X: m×n; y: m; A: n×n symmetric; S: spd". The grammar
// (grammar/parser.ts) reads the names and the tokens of each spec; this module says what
// those tokens mean. Sizes may be omitted, written m×n, mxn, m x n, m*n, or be numbers.

import { MatcalcError, type Span } from '../src/errors.js';
import { canonicalSymbolName, checkedSizeNumber, GREEK, nearestName } from './names.js';

export type Kind = 'scalar' | 'vector' | 'matrix';
export type Property = 'symmetric' | 'spd' | 'diagonal' | 'orthogonal';

export interface Declaration {
  readonly name: string;
  readonly kind: Kind;
  readonly rows?: string;
  readonly cols?: string;
  readonly properties: readonly Property[];
}

/** A token of a declaration's spec, as the grammar read it. */
export interface SpecToken {
  readonly image: string;
  /** `word` (letters), `number`, `times` (×), `star` (* · ⋅), `minus`. */
  readonly type: 'word' | 'number' | 'times' | 'star' | 'minus';
  readonly span: Span;
}

export interface DeclaredName {
  readonly text: string;
  readonly span: Span;
}

const PROPERTIES: ReadonlyMap<string, Property> = new Map([
  ['symmetric', 'symmetric'], ['sym', 'symmetric'], ['spd', 'spd'], ['pd', 'spd'], ['positive-definite', 'spd'],
  ['diagonal', 'diagonal'], ['diag', 'diagonal'], ['orthogonal', 'orthogonal'],
]);
const KINDS = new Set(['scalar', 'vector', 'matrix']);

/** One letter with digits, or a number: the halves of a compact size written as one word, mxn, 3x4. */
const isCompactHalf = (text: string): boolean => /^(?:[A-Za-z]\d*|\d+)$/.test(text);

function fail(message: string, source: string, span: Span, expected?: string): never {
  throw new MatcalcError('declaration', message, { source, span, ...(expected ? { expected } : {}) });
}

/** The declarations one entry makes: its names, and what its spec tokens say. */
export function declarationOf(names: readonly DeclaredName[], spec: readonly SpecToken[], source: string, span: Span): Declaration[] {
  const list = names.map((n) => n.text).join(', ');
  let kind: Kind | undefined;
  let rows: string | undefined;
  let cols: string | undefined;
  const properties: Property[] = [];
  const isDimToken = (t: SpecToken | undefined): boolean =>
    t !== undefined && (t.type === 'number' || (t.type === 'word' && !KINDS.has(t.image.toLowerCase()) && !PROPERTIES.has(t.image.toLowerCase())));
  /** A size factor, or a product of them joined by · (m·n): its text and where it ends. */
  const dimAt = (i: number): [string, number] => {
    let text = spec[i]!.image;
    let j = i + 1;
    while (spec[j]?.type === 'star' && spec[j]!.image !== '*' && isDimToken(spec[j + 1])) {
      text += '·' + spec[j + 1]!.image;
      j += 2;
    }
    return [text, j];
  };
  const setSize = (r: string, c: string, at: SpecToken): void => {
    if (rows !== undefined) fail(`two sizes in the declaration of ${list}`, source, at.span);
    [rows, cols] = [r, c];
  };
  for (let i = 0; i < spec.length; ) {
    const token = spec[i]!;
    const lower = token.image.toLowerCase();
    if (token.type === 'word' && KINDS.has(lower)) {
      kind = lower as Kind;
      i++;
    } else if (token.type === 'word' && lower === 'positive' && spec[i + 1]?.type === 'minus' && spec[i + 2]?.image.toLowerCase() === 'definite') {
      properties.push('spd');
      i += 3;
    } else if (token.type === 'word' && PROPERTIES.has(lower)) {
      properties.push(PROPERTIES.get(lower)!);
      i++;
    } else if (isDimToken(token)) {
      const [first, next] = dimAt(i);
      const separator = spec[next];
      const isSeparator = separator !== undefined && (separator.type === 'times' || (separator.type === 'star' && separator.image === '*') || (separator.type === 'word' && separator.image === 'x'));
      if (isSeparator && isDimToken(spec[next + 1])) {
        const [second, end] = dimAt(next + 1);
        setSize(first, second, token);
        i = end;
      } else if (token.type === 'number' && next === i + 1 && separator?.type === 'word' && /^x/.test(separator.image) && isCompactHalf(separator.image.slice(1))) {
        setSize(first, separator.image.slice(1), token); // 3x4: a number, then the word x4
        i = next + 1;
      } else if (token.type === 'word' && next === i + 1 && /^.+x.+$/.test(token.image) && compactSize(token.image)) {
        const [r, c] = compactSize(token.image)!;
        setSize(r, c, token);
        i++;
      } else if (rows === undefined) {
        // A word a letter or two from a kind or property is a misspelling, not a size name
        // (A: psd, A: symetric).
        const near = token.type === 'word' && token.image.length >= 3 ? nearestName(token.image, [...KINDS, ...PROPERTIES.keys()]) : undefined;
        if (near) fail(`unknown word '${token.image}' in the declaration of ${list} — did you mean ${near}?`, source, token.span, EXPECTED_WORDS);
        rows = first; // a vector's length
        kind ??= 'vector';
        i = next;
      } else {
        fail(`unknown word '${token.image}' in the declaration of ${list}`, source, token.span, EXPECTED_WORDS);
      }
    } else {
      fail(`unknown word '${token.image}' in the declaration of ${list}`, source, token.span, EXPECTED_WORDS);
    }
  }
  if (rows !== undefined && cols !== undefined) {
    if (cols === '1' && rows === '1') kind ??= 'scalar';
    else if (cols === '1') kind ??= 'vector';
    else kind ??= 'matrix';
  }
  if (properties.length > 0) {
    kind ??= 'matrix';
    if (kind !== 'matrix') fail(`${properties[0]} applies to matrices, but ${list} ${names.length > 1 ? 'are' : 'is'} a ${kind}`, source, span);
    if (rows !== undefined && cols !== undefined && rows !== cols) fail(`${properties[0]} matrices are square, but the size is ${rows}×${cols}`, source, span);
  }
  for (const dim of [rows, cols]) {
    if (dim !== undefined && dim.split('·').some((part) => /^0+$/.test(part))) fail(`a size must be at least 1, but ${list} was given ${dim}`, source, span);
    const tooLarge = dim?.split('·').map(checkedSizeNumber).find((problem) => problem !== undefined);
    if (tooLarge) fail(`${tooLarge}, in the declaration of ${list}`, source, span);
  }
  if (kind === undefined) fail(`the declaration of ${list} says nothing`, source, span, 'give a size or a kind, e.g. X: m×n, a: scalar');
  if (kind === 'scalar' && (rows ?? '1') !== '1') fail(`a scalar has no size, but ${list} was given ${rows}`, source, span);
  return names.map((name) => ({
    name: canonicalSymbolName(name.text),
    kind: kind!,
    ...(kind === 'scalar' ? { rows: '1', cols: '1' } : {}),
    ...(kind === 'vector' ? { rows, cols: '1' } : {}),
    ...(kind === 'matrix' ? { rows, cols } : {}),
    properties,
  }));
}

const EXPECTED_WORDS = 'expected a size (m×n, mxn, 3×4), a kind (scalar, vector, matrix) or a property (symmetric, spd, diagonal, orthogonal)';

/** mxn, m1xn2, 3x4 written as one word: its two halves. */
function compactSize(word: string): [string, string] | undefined {
  for (let at = word.indexOf('x'); at > 0; at = word.indexOf('x', at + 1)) {
    const [r, c] = [word.slice(0, at), word.slice(at + 1)];
    if (isCompactHalf(r) && isCompactHalf(c)) return [r, c];
  }
  return undefined;
}

/** Names the lexer must read as whole words: declared multi-letter names such as `Wx`. */
export function wholeWordNames(declarations: readonly Declaration[]): string[] {
  return declarations
    .map((d) => d.name)
    .filter((name) => !/^[A-Za-z](?:_[A-Za-z0-9]+|\d*)$/.test(name) && !GREEK.has(name.split('_')[0]!));
}
