// The untyped syntax tree the parser returns: every node keeps its source span. Shapes and
// meaning are given later (src/expr/build.ts); here only the spelling is gone.

import type { Span } from '../src/errors.js';
import type { Declaration } from './declarations.js';

/** Operators of the product level, applied left to right; `juxtaposed` is `*` unwritten. */
export type ProductOperator = '*' | '/' | '.*' | './' | '⊗';
export type PowerOperator = '^' | '.^';

export type Ast =
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'symbol'; readonly name: string; readonly span: Span }
  // A run of letters as read: one declared or bound name, or a product of one-letter
  // symbols; grammar/resolve.ts decides, once the where clause is read. `commutation`: the
  // argument of a K(…) written right after it (`AK(X)`). Only the parser's raw tree has it.
  | { readonly kind: 'word'; readonly text: string; readonly span: Span; readonly commutation?: Ast }
  // `size`: what a subscript states (`ones_n`, `𝟙_{m·n}`); without one it is inferred.
  | { readonly kind: 'ones'; readonly size?: string; readonly span: Span }
  // A zero with its shape, as written: `0_n` (n×1), `0_{n×m}`.
  | { readonly kind: 'zero'; readonly rows: string; readonly cols: string; readonly span: Span }
  // `bare`: applied without parentheses (`log det X`): to the next factor only.
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Ast[]; readonly span: Span; readonly nameSpan: Span; readonly bare?: boolean }
  // Sums and products are flat lists, so a 50,000-term input does not nest 50,000 deep.
  | { readonly kind: 'sum'; readonly terms: readonly SumTerm[]; readonly span: Span }
  | { readonly kind: 'product'; readonly first: Ast; readonly rest: readonly ProductFactor[]; readonly span: Span }
  | { readonly kind: 'power'; readonly operator: PowerOperator; readonly base: Ast; readonly exponent: Ast; readonly span: Span; readonly operatorSpan: Span }
  // `tight`: a sign after an operator or in an exponent (`A*-B`, `x^-2`), which binds to
  // the next factor; otherwise unary minus, looser than products (`-x'Ax` is -(x'Ax)).
  | { readonly kind: 'negate'; readonly operand: Ast; readonly span: Span; readonly tight?: boolean }
  | { readonly kind: 'transpose'; readonly operand: Ast; readonly span: Span; readonly operatorSpan: Span }
  | { readonly kind: 'inverse'; readonly operand: Ast; readonly span: Span; readonly operatorSpan: Span }
  // `declarations`: shapes declared in the clause itself, after `;` (`… where x: n; X: n×m`).
  | { readonly kind: 'where'; readonly body: Ast; readonly bindings: readonly Binding[]; readonly declarations?: readonly Declaration[]; readonly span: Span };

export interface SumTerm {
  readonly sign: 1 | -1;
  readonly term: Ast;
  readonly operatorSpan: Span | undefined;
}

export interface ProductFactor {
  readonly operator: ProductOperator;
  readonly operand: Ast;
  readonly operatorSpan: Span;
}

export interface Binding {
  readonly name: string;
  readonly value: Ast;
  readonly span: Span;
}

export function spanOf(from: Span, to: Span): Span {
  return { start: Math.min(from.start, to.start), end: Math.max(from.end, to.end) };
}
