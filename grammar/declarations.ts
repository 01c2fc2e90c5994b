// The --where declaration language: "a, c: scalar; X: m×n; y: m; A: n×n symmetric; S: spd".
// Sizes may be omitted, written m×n, mxn, m x n, m*n, or be numbers.

import { MatcalcError, type Span } from '../src/errors.js';
import { canonicalSymbolName, GREEK } from './names.js';

export type Kind = 'scalar' | 'vector' | 'matrix';
export type Property = 'symmetric' | 'spd' | 'diagonal' | 'orthogonal';

export interface Declaration {
  readonly name: string;
  readonly kind: Kind;
  readonly rows?: string;
  readonly cols?: string;
  readonly properties: readonly Property[];
}

const PROPERTIES: ReadonlyMap<string, Property> = new Map([
  ['symmetric', 'symmetric'], ['sym', 'symmetric'], ['spd', 'spd'], ['pd', 'spd'], ['positive-definite', 'spd'],
  ['diagonal', 'diagonal'], ['diag', 'diagonal'], ['orthogonal', 'orthogonal'],
]);

// A size: a name or a number, or a product of them (m·n, the length of vec of an m×n).
const DIM = '(?:(?:[A-Za-z][A-Za-z0-9_]*|\\d+)(?:·(?:[A-Za-z][A-Za-z0-9_]*|\\d+))*)';
const sizePattern = new RegExp(`^(${DIM})\\s*[×x*]\\s*(${DIM})$`);
const compactSize = /^([A-Za-z]\d*|\d+)x([A-Za-z]\d*|\d+)$/;

function fail(message: string, source: string, span: Span, expected?: string): never {
  throw new MatcalcError('declaration', message, { source, span, expected });
}

/** Parses a declaration string into one entry per declared name. */
export function parseDeclarations(source: string): Declaration[] {
  const declarations: Declaration[] = [];
  const entryPattern = /[^;\n]+/g;
  for (const entryMatch of source.matchAll(entryPattern)) {
    const entryStart = entryMatch.index!;
    // "A: symmetric, B: spd" holds two entries in one; "a, c: scalar" holds one. A comma
    // starts a new entry only when the entry so far already has its ':'.
    const chunks = entryMatch[0].split(',');
    let entry = '';
    let entryOffset = entryStart;
    let offset = entryStart;
    for (const chunk of chunks) {
      if (entry.includes(':') && chunk.includes(':')) {
        declarations.push(...parseEntry(entry, entryOffset, source));
        entry = chunk;
        entryOffset = offset;
      } else entry = entry === '' ? chunk : `${entry},${chunk}`;
      offset += chunk.length + 1;
    }
    if (entry.trim() !== '') declarations.push(...parseEntry(entry, entryOffset, source));
  }
  return declarations;
}

function parseEntry(text: string, offset: number, source: string): Declaration[] {
  const colon = text.indexOf(':');
  const span = { start: offset + (text.length - text.trimStart().length), end: offset + text.trimEnd().length };
  if (colon < 0) fail(`declaration '${text.trim()}' has no ':'`, source, span, "write it as 'name: kind', e.g. 'X: m×n' or 'a: scalar'");
  const names = text.slice(0, colon).split(',').map((n) => n.trim());
  const spec = text.slice(colon + 1).trim();
  const specStart = offset + colon + 1 + (text.slice(colon + 1).length - text.slice(colon + 1).trimStart().length);
  for (const name of names) {
    if (!/^(?:[A-Za-z][A-Za-z0-9_{}]*|[^\x00-\x7f][0-9_{}A-Za-z]*)$/u.test(name)) {
      const at = offset + text.indexOf(name);
      fail(`'${name}' is not a name that can be declared`, source, { start: at, end: at + Math.max(1, name.length) }, 'names are letters with an optional subscript, e.g. X, W_1, sigma, Wx');
    }
  }
  let kind: Kind | undefined;
  let rows: string | undefined;
  let cols: string | undefined;
  const properties: Property[] = [];
  // Take the size first (it may contain spaces: "m x n"), then the words.
  let rest = spec;
  const sizeInSpec = new RegExp(`(?:^|\\s)(${DIM}\\s*[×*]\\s*${DIM}|${DIM}\\s+x\\s+${DIM}|[A-Za-z]\\d*x[A-Za-z0-9]\\d*|\\d+x\\d+)(?=\\s|$)`).exec(spec);
  if (sizeInSpec) {
    const size = sizeInSpec[1]!.trim();
    const match = sizePattern.exec(size) ?? compactSize.exec(size);
    if (match) {
      rows = match[1]!;
      cols = match[2]!;
      rest = spec.replace(sizeInSpec[1]!, ' ');
    }
  }
  for (const word of rest.split(/[\s,]+/).filter((w) => w !== '')) {
    const lower = word.toLowerCase();
    const at = specStart + spec.indexOf(word);
    if (lower === 'scalar' || lower === 'vector' || lower === 'matrix') kind = lower;
    else if (PROPERTIES.has(lower)) properties.push(PROPERTIES.get(lower)!);
    else if (new RegExp(`^${DIM}$`).test(word) && rows === undefined) {
      rows = word; // a vector's length
      kind ??= 'vector';
    } else {
      fail(`unknown word '${word}' in the declaration of ${names.join(', ')}`, source, { start: at, end: at + word.length },
        'expected a size (m×n, mxn, 3×4), a kind (scalar, vector, matrix) or a property (symmetric, spd, diagonal, orthogonal)');
    }
  }
  if (rows !== undefined && cols !== undefined) {
    if (cols === '1' && rows === '1') kind ??= 'scalar';
    else if (cols === '1') kind ??= 'vector';
    else kind ??= 'matrix';
  }
  if (properties.length > 0) {
    kind ??= 'matrix';
    if (kind !== 'matrix') fail(`${properties[0]} applies to matrices, but ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} a ${kind}`, source, span);
    if (rows !== undefined && cols !== undefined && rows !== cols) fail(`${properties[0]} matrices are square, but the size is ${rows}×${cols}`, source, span);
  }
  if (kind === undefined) fail(`the declaration of ${names.join(', ')} says nothing`, source, span, 'give a size or a kind, e.g. X: m×n, a: scalar');
  if (kind === 'scalar' && (rows ?? '1') !== '1') fail(`a scalar has no size, but ${names.join(', ')} was given ${rows}`, source, span);
  return names.map((name) => ({
    name: canonicalSymbolName(name),
    kind: kind!,
    ...(kind === 'scalar' ? { rows: '1', cols: '1' } : {}),
    ...(kind === 'vector' ? { rows, cols: '1' } : {}),
    ...(kind === 'matrix' ? { rows, cols } : {}),
    properties,
  }));
}

/** Names the lexer must read as whole words: declared multi-letter names such as `Wx`. */
export function wholeWordNames(declarations: readonly Declaration[]): string[] {
  return declarations
    .map((d) => d.name)
    .filter((name) => !/^[A-Za-z](?:_[A-Za-z0-9]+|\d*)$/.test(name) && !GREEK.has(name.split('_')[0]!));
}
