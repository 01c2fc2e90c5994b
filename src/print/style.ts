// How the algebra's operators are written in each output style; a function is written as
// its definition in src/ops says. grammar/tokens.ts holds the operators' spellings for reading.

import { greekLetter } from '../../grammar/names.js';
import type { Written } from '../ops/table.js';

export type StyleName = 'text' | 'unicode' | 'latex';

/** Binding strength of a printed form; a child weaker than its slot gets parentheses. */
export const PREC = { sum: 1, negation: 2, product: 3, power: 4, postfix: 5, atom: 6 } as const;

export interface Style {
  readonly name: StyleName;
  open: string;
  close: string;
  times: string; // between matrix factors
  hadamard: string;
  hadamardDivide: string;
  kron: string;
  plus: string;
  minus: string;
  transpose(base: string): string;
  inverse(base: string): string;
  /** A number exponent, or an expression's printed form (wrapped as the style needs). */
  power(base: string, exponent: number | string, elementwise: boolean): string;
  /** A function applied to its printed argument, as its definition writes it. */
  call(written: Written, argument: string): string;
  symbol(name: string): string;
  identity: string;
  ones: string;
  /** A constant with its size written: I_n, 𝟙_{m·n} (the size as a dimension, m·n). */
  sized(constant: string, size: string): string;
  /** A zero with its shape written: 0_n, 0_{n×m}. */
  sizedZero(rows: string, cols: string): string;
  /** The declaration of a symbol's shape after `where`: x: n, X: n×m symmetric. */
  declaration(symbol: string, rows: string, cols: string, properties: readonly string[]): string;
  /** `named`: whether the size alone names the matrix (the one symbol of that shape in
   *  the text); where it does not, K is written of the matrix itself. */
  commutation(argument: string, rows: string, cols: string, named: boolean): string;
  differential(argument: string, atomic: boolean): string;
  fraction(numerator: string, denominator: string): string | undefined;
  /** A rational p/q (q > 1, p ≥ 1) standing alone: 1/2, ½, \frac{1}{2}. */
  rational(p: number, q: number): string;
  /** A rational exponent: x^(3/2), x^{3/2}. */
  rationalExponent(p: number, q: number): string;
}

const VULGAR: Record<string, string> = { '1/2': '½', '1/3': '⅓', '2/3': '⅔', '1/4': '¼', '3/4': '¾', '1/5': '⅕', '1/8': '⅛' };

const SUPERSCRIPTS: Record<string, string> = { '2': '²', '3': '³' };
const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';

function splitName(name: string): [string, string] {
  const match = /^([A-Za-z]+?)(?:_(.+)|(\d+))?$/.exec(name);
  if (!match) return [name, ''];
  const head = match[1]!;
  // A Greek name with a digit subscript ("alpha_1") or a Latin letter with one ("W12").
  return [head, match[2] ?? match[3] ?? ''];
}

export const TEXT: Style = {
  name: 'text',
  open: '(',
  close: ')',
  times: '*',
  hadamard: ' ∘ ',
  hadamardDivide: ' ./ ',
  kron: ' ⊗ ',
  plus: ' + ',
  minus: ' - ',
  transpose: (base) => `${base}'`,
  inverse: (base) => `inv(${base})`,
  power: (base, exponent, elementwise) => `${base}${elementwise ? '.^' : '^'}${typeof exponent === 'number' && exponent < 0 ? `(${exponent})` : exponent}`,
  call: (written, argument) => `${written.text}(${argument})`,
  symbol: (name) => name,
  identity: 'I',
  ones: 'ones',
  sized: (constant, size) => `${constant}_${/^(?:[A-Za-z]|\d+)$/.test(size) ? size : `{${size}}`}`,
  sizedZero: (rows, cols) => (cols === '1' ? TEXT.sized('0', rows) : `0_{${rows}×${cols}}`),
  declaration: (symbol, rows, cols, properties) => `${symbol}: ${cols === '1' ? rows : `${rows}×${cols}`}${properties.map((p) => ` ${p}`).join('')}`,
  commutation: (argument) => `K(${argument})`,
  differential: (argument) => `d(${argument})`,
  fraction: () => undefined,
  rational: (p, q) => `${p}/${q}`,
  rationalExponent: (p, q) => `(${p < 0 ? `-${-p}` : p}/${q})`,
};

export const UNICODE: Style = {
  ...TEXT,
  name: 'unicode',
  times: '',
  hadamardDivide: ' ./ ',
  transpose: (base) => `${base}ᵀ`,
  inverse: (base) => `${base}⁻¹`,
  power: (base, exponent, elementwise) =>
    !elementwise && SUPERSCRIPTS[String(exponent)] ? base + SUPERSCRIPTS[String(exponent)] : TEXT.power(base, exponent, elementwise),
  call: (written, argument) => written.unicode?.(argument) ?? `${written.text}(${argument})`,
  symbol: (name) => {
    const [head, sub] = splitName(name);
    const letter = greekLetter(head) ?? head;
    if (sub === '') return letter;
    return /^\d+$/.test(sub) ? letter + [...sub].map((d) => SUBSCRIPT_DIGITS[Number(d)]).join('') : `${letter}_${sub}`;
  },
  ones: '𝟙',
  differential: (argument, atomic) => (atomic ? `d${argument}` : `d(${argument})`),
  rational: (p, q) => VULGAR[`${p}/${q}`] ?? `${p}/${q}`,
};

export const LATEX: Style = {
  name: 'latex',
  open: '\\left(',
  close: '\\right)',
  times: ' ',
  hadamard: ' \\odot ',
  hadamardDivide: ' \\oslash ',
  kron: ' \\otimes ',
  plus: ' + ',
  minus: ' - ',
  transpose: (base) => `${base}^{\\top}`,
  inverse: (base) => `${base}^{-1}`,
  power: (base, exponent, elementwise) => `${base}^{${elementwise ? '\\circ ' : ''}${exponent}}`,
  call: (written, argument) => (typeof written.latex === 'string' ? `${written.latex}\\left(${argument}\\right)` : written.latex(argument)),
  symbol: (name) => {
    const [head, sub] = splitName(name);
    const base = greekLetter(head) !== undefined ? `\\${head}` : head.length > 1 ? `\\mathit{${head}}` : head;
    return sub === '' ? base : `${base}_{${sub}}`;
  },
  identity: 'I',
  ones: '\\mathbf{1}',
  sized: (constant, size) => `${constant}_{${size.split('·').join('')}}`,
  sizedZero: (rows, cols) => `\\mathbf{0}_{${rows.split('·').join('')}${cols === '1' ? '' : ` \\times ${cols.split('·').join('')}`}}`,
  declaration: (symbol, rows, cols, properties) => {
    const size = (d: string): string => d.split('·').join('');
    const space = cols === '1' ? size(rows) : `${size(rows)} \\times ${size(cols)}`;
    return `${symbol} \\in \\mathbb{R}^{${space}}${properties.map((p) => ` \\text{ ${p}}`).join('')}`;
  },
  commutation: (argument, rows, cols, named) => (named ? `K_{${rows},${cols}}` : `K\\left(${argument}\\right)`),
  differential: (argument, atomic) => (atomic ? `\\mathrm{d}${argument}` : `\\mathrm{d}\\left(${argument}\\right)`),
  fraction: (numerator, denominator) => `\\frac{${numerator}}{${denominator}}`,
  rational: (p, q) => `\\frac{${p}}{${q}}`,
  rationalExponent: (p, q) => `${p}/${q}`,
};

export const STYLES: Record<StyleName, Style> = { text: TEXT, unicode: UNICODE, latex: LATEX };
