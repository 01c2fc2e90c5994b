// Every word the notation knows: functions (their spellings come from the operator table,
// src/ops), Greek letters. The lexer and the printers both read these tables.

import { FUNCTION_SPELLINGS, readFunction } from '../src/ops/table.js';

/** Function spellings → canonical function name (the operator table, src/ops, holds them). */
export const FUNCTION_ALIASES: ReadonlyMap<string, string> = new Map(FUNCTION_SPELLINGS.map((spelling) => [spelling, readFunction(spelling)!.name]));

/** Canonical function name → how many arguments it takes. */
export const FUNCTION_ARITY: ReadonlyMap<string, number> = new Map(FUNCTION_SPELLINGS.map((spelling) => [readFunction(spelling)!.name, readFunction(spelling)!.arity]));

export { FUNCTION_NAMES } from '../src/ops/table.js';

/** Greek scalar names, ASCII spelling → letter. The ASCII name is the symbol's identity. */
export const GREEK: ReadonlyMap<string, string> = new Map([
  ['alpha', 'α'], ['beta', 'β'], ['gamma', 'γ'], ['delta', 'δ'], ['epsilon', 'ε'], ['zeta', 'ζ'],
  ['eta', 'η'], ['theta', 'θ'], ['iota', 'ι'], ['kappa', 'κ'], ['lambda', 'λ'], ['mu', 'μ'],
  ['nu', 'ν'], ['xi', 'ξ'], ['pi', 'π'], ['rho', 'ρ'], ['sigma', 'σ'], ['tau', 'τ'],
  ['upsilon', 'υ'], ['phi', 'φ'], ['chi', 'χ'], ['psi', 'ψ'], ['omega', 'ω'],
]);

/** Capital Greek letters that are not Latin ones (Α is A): matrices by convention, as
 *  Σ, Λ, Θ are in papers. `Phi` before `(` is the normal CDF (the operator table). */
export const GREEK_CAPITALS: ReadonlyMap<string, string> = new Map([
  ['Gamma', 'Γ'], ['Delta', 'Δ'], ['Theta', 'Θ'], ['Lambda', 'Λ'], ['Xi', 'Ξ'], ['Pi', 'Π'],
  ['Sigma', 'Σ'], ['Upsilon', 'Υ'], ['Phi', 'Φ'], ['Psi', 'Ψ'], ['Omega', 'Ω'],
]);

/** The letter of a Greek name of either case (sigma → σ, Sigma → Σ), if it is one. */
export const greekLetter = (name: string): string | undefined => GREEK.get(name) ?? GREEK_CAPITALS.get(name);

/** Greek letter (and its variant forms) → ASCII name. */
export const GREEK_BY_LETTER: ReadonlyMap<string, string> = new Map([
  ...[...GREEK].map(([name, letter]) => [letter, name] as [string, string]),
  ...[...GREEK_CAPITALS].map(([name, letter]) => [letter, name] as [string, string]),
  ['ϵ', 'epsilon'], ['ϑ', 'theta'], ['ϕ', 'phi'], ['ς', 'sigma'],
]);

const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';

/** `W_{12}`, `W_12`, `W12`, `W₁₂` → `W12`; `x_{ab}` → `x_ab`: one identity per symbol. */
export function canonicalSymbolName(text: string): string {
  const unicode = text.replace(/[₀-₉]/g, (c) => String(SUBSCRIPT_DIGITS.indexOf(c)));
  const match = /^([A-Za-z]+|[^\x00-\x7f])_?\{?([^}]*)\}?$/u.exec(unicode);
  if (!match) return unicode;
  const [, head, sub] = match as unknown as [string, string, string];
  const base = GREEK_BY_LETTER.get(head) ?? head;
  if (sub === '') return base;
  return /^\d+$/.test(sub) && !GREEK.has(base) ? base + sub : `${base}_${sub}`;
}

/** The size a subscript states on `I` or `ones` (`I_n`, `I_3`, `𝟙_{m·n}`, `I_{m*n}`), as a
 *  dimension: names and numbers joined by `·`. Undefined when there is no subscript;
 *  throws a message (a string) when the subscript is not a size. */
/** The largest size a dimension may have: far beyond what fits in memory, and well inside
 *  the integers a double holds exactly (1e20 would silently be 100000000000000000000). */
export const MAX_SIZE = 2 ** 31 - 1;

/** A size number written in the text, checked: at least 1, at most MAX_SIZE. */
export function checkedSizeNumber(written: string): string | undefined {
  if (!/^\d+$/.test(written)) return undefined;
  if (/^0+$/.test(written)) return 'a size must be at least 1';
  if (written.replace(/^0+/, '').length > 10 || Number(written) > MAX_SIZE) return `the size ${written} is too large (at most ${MAX_SIZE.toLocaleString('en-US')})`;
  return undefined;
}

export function subscriptSize(text: string): string | undefined {
  const unicode = text.replace(/[₀-₉]/g, (c) => String(SUBSCRIPT_DIGITS.indexOf(c)));
  const match = /^(?:I|ones|𝟙)_?\{?([^}]*)\}?$/u.exec(unicode);
  const sub = match?.[1] ?? '';
  if (sub === '') return undefined;
  const parts = sub.split(/\s*[·*⋅]\s*/);
  if (!parts.every((p) => /^(?:\d+|[A-Za-z][A-Za-z0-9_]*)$/.test(p))) throw `'${sub}' is not a size: write a number, a size name or a product such as m·n`;
  for (const p of parts) {
    const problem = checkedSizeNumber(p);
    if (problem) throw problem;
  }
  return parts.join('·');
}

/** Edit distance with adjacent transpositions (psd → spd is one edit), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

export function nearestName(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const distance = editDistance(word.toLowerCase(), name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** The shape a sized zero states: `0_n` is n×1, `0_{n×m}` n×m, `0_{m·n}` (m·n)×1. Throws a
 *  message (a string) when it is not a shape. */
export function zeroShape(image: string): { rows: string; cols: string } {
  const inner = image.slice(2).replace(/^\{|\}$/g, '');
  const parts = inner.split(/\s*×\s*/);
  if (parts.length > 2) throw `'${inner}' is not a shape: write 0_n or 0_{n×m}`;
  const dims = parts.map((p) => subscriptSize(`I_{${p}}`));
  if (dims.some((d) => d === undefined)) throw `'${inner}' is not a shape: write 0_n or 0_{n×m}`;
  return { rows: dims[0]!, cols: dims[1] ?? '1' };
}
