// What one operation is, in one place (CortexJS's OperatorDefinition, mathjs's one function
// per file): its spellings read and written, arity, shape rule, flags, the folds its
// constructor may do, its numeric definition and domain, and its code per target. This
// module only states the form; the entries live in src/ops/*.ts. It must not import from
// the expression layer: the tokenizer (grammar/) reads this table before nodes exist.

import type { Matrix } from '../numeric/linalg.js';

/** What an argument must be; the constructor raises a shape error otherwise. */
export type ArgumentRule = 'any' | 'square' | 'vector';

/** The result's shape from the argument's (m×n): `same` m×n, `scalar` 1×1, `transposed`
 *  n×m, `diagonal` m×m from an m-vector, `column` the m-vector of a square matrix's
 *  diagonal, `vec` the (m·n)-vector. */
export type ResultRule = 'same' | 'scalar' | 'transposed' | 'diagonal' | 'column' | 'vec';

/** Assumptions a result keeps from its argument (symmetric stays symmetric, …). */
export type Assumption = 'symmetric' | 'spd' | 'diagonal' | 'orthogonal';

/** What the values under an operation must satisfy; random instances respect it. */
export type Domain =
  | 'positive' // entries > 0 (log, sqrt)
  | 'unit' // entries in (-1, 1) (arcsin, arccos)
  | 'invertible' // a well-conditioned square matrix with det > 0
  | 'full-rank'; // full column or row rank (pinv)

/** Folds a constructor may do on the spot: each removes the operation or replaces it by a
 *  simpler one with nothing to choose, so equal things intern equal. */
export interface Folds {
  /** f of a 1×1 argument: itself, another function of it (`abs`, `log`), or 1/s. */
  readonly scalar?: 'self' | 'reciprocal' | 'one' | { readonly apply: string };
  /** f of a zero argument: a number, or `zero`, the zero of the result's shape. (An
   *  elementwise function folds to f(0) in every entry wherever f(0) is finite.) */
  readonly zero?: number | 'zero';
  /** f of the identity: a number, `self` (I), or `ones` (its diagonal). */
  readonly identity?: number | 'self' | 'ones';
  /** f of a column of ones: `identity` (diag(𝟙) = I). */
  readonly ones?: 'identity';
  /** f(Aᵀ): `invariant` = f(A) (tr, det); `commutes` = f(A)ᵀ, the canonical form keeping the
   *  transpose outside (every elementwise function, adj, pinv). */
  readonly transpose?: 'invariant' | 'commutes';
  /** f(g(A)) = A for these g (diag(diag(v)) = v, pinv(pinv(A)) = A). */
  readonly undoes?: readonly string[];
  /** f of a vector (or a vector's transpose): the vector itself (vec). */
  readonly vector?: 'self';
  /** f is a size of its argument, always: `rows`, the number of its rows (a dimension). */
  readonly size?: 'rows';
}

/** How a target language writes the operation. `call` names a function applied to the
 *  argument; `template` writes the whole expression (`z` is the argument's code,
 *  parenthesized unless it is atomic, so it is safe beside any operator or postfix; `raw`
 *  the same without parentheses, for where it stands as a call's argument).
 *  `helpers` are function definitions the spelling needs, written out beside the generated
 *  code only when used. */
export interface Spelling {
  readonly call?: string;
  readonly template?: (z: string, raw: string) => string;
  readonly helpers?: Readonly<Record<string, Helper>>;
}

export interface Helper {
  readonly source: string;
  /** Other helpers (of the target's runtime or of this table) this one calls. */
  readonly needs?: readonly string[];
}

export type CodeTarget = 'numpy' | 'torch' | 'ts';

export interface Written {
  /** The canonical text name, also how it is written in text: `tr(A)`. */
  readonly text: string;
  /** Unicode, when not `text(…)`: ‖x‖. */
  readonly unicode?: (argument: string) => string;
  /** LaTeX: a command applied with \left( \right) (`\exp`), or the whole form. */
  readonly latex: string | ((argument: string) => string);
  /** How it is written when its argument is not a scalar, where that differs: |x| is the
   *  absolute value of a scalar but reads as the determinant of a matrix. */
  readonly nonScalar?: Omit<Written, 'text' | 'nonScalar'>;
}

interface Common {
  /** The canonical name: what the text printer writes and the rules use. */
  readonly name: string;
  /** Every plain-text spelling that reads as this operation (the name included). */
  readonly read: readonly string[];
  /** LaTeX commands that read as this operation (for the LaTeX reader). */
  readonly latexRead: readonly string[];
  readonly write: Written;
  readonly folds: Folds;
  readonly domain?: Domain;
  readonly code: Readonly<Record<CodeTarget, Spelling>>;
  /** One line for --help and the README's function list. */
  readonly summary: string;
}

/** A function applied entry by entry (node op `apply`, the name in `name`). */
export interface ElementwiseDefinition extends Common {
  readonly family: 'elementwise';
  readonly scalar: (x: number) => number;
}

/** A function of a whole matrix or vector (node op = `op`). */
export interface MatrixFunctionDefinition extends Common {
  readonly family: 'matrix';
  /** The node's op. Distinct from the name where one spelling reads as two operations
   *  (diag of a vector and of a matrix). */
  readonly op: string;
  readonly argument: ArgumentRule;
  readonly result: ResultRule;
  readonly keeps?: readonly Assumption[];
  /** Assumptions every result has (a diagonal matrix is symmetric and diagonal). */
  readonly gives?: readonly Assumption[];
  /** Linear in its argument (tr, sum, vec, diag): isolation passes adjoints through it. */
  readonly linear?: boolean;
  /** Depends on its argument's shape only (numel): constant under differentiation. */
  readonly shapeOnly?: boolean;
  /** The numeric definition; throws DomainError outside the domain. */
  readonly evaluate: (a: Matrix) => Matrix;
}

export type FunctionDefinition = ElementwiseDefinition | MatrixFunctionDefinition;
