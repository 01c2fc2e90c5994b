// The algebra's own operators — sums, products, transposes, inverses, powers, constants.
// Their constructors (src/expr/construct.ts) hold the canonical forms that need a search of
// the arguments (like terms, coefficient runs, A·A = A²); what is a plain fact is here:
// the flags the matcher reads, the function spellings the reader accepts, and their names.

export interface CoreDefinition {
  readonly family: 'core';
  readonly op: string;
  /** How error messages and --steps name it. */
  readonly title: string;
  /** Function spellings that read as this operator (`inv(A)`, `kron(A, B)`). */
  readonly read?: readonly string[];
  readonly arity?: number;
  readonly associative?: boolean;
  readonly commutative?: boolean;
  /** Depends on its argument's shape only (K(X) carries X's shape). */
  readonly shapeOnly?: boolean;
  /** LaTeX commands written between operands that read as this operator (the LaTeX reader). */
  readonly latexInfix?: readonly string[];
}

export const CORE: readonly CoreDefinition[] = [
  { family: 'core', op: 'symbol', title: 'a symbol' },
  { family: 'core', op: 'number', title: 'a number' },
  { family: 'core', op: 'identity', title: 'the identity' },
  { family: 'core', op: 'zero', title: 'a zero matrix' },
  { family: 'core', op: 'ones', title: 'a vector of ones' },
  { family: 'core', op: 'dimension', title: 'a size (m, the number of rows of an m×n matrix)' },
  { family: 'core', op: 'commutation', title: 'the commutation matrix K(…)', shapeOnly: true },
  { family: 'core', op: 'add', title: 'a sum', associative: true, commutative: true },
  { family: 'core', op: 'multiply', title: 'a product', associative: true, latexInfix: ['\\cdot', '\\times', '\\ast'] },
  { family: 'core', op: 'hadamard', title: 'an elementwise product', read: ['hadamard'], arity: 2, associative: true, commutative: true, latexInfix: ['\\odot', '\\circ'] },
  { family: 'core', op: 'kron', title: 'a Kronecker product', read: ['kron'], arity: 2, associative: true, latexInfix: ['\\otimes'] },
  { family: 'core', op: 'transpose', title: 'a transpose', read: ['transpose'], arity: 1 },
  { family: 'core', op: 'inverse', title: 'an inverse', read: ['inv'], arity: 1 },
  { family: 'core', op: 'power', title: 'an elementwise power' },
  { family: 'core', op: 'matrixPower', title: 'a matrix power' },
  { family: 'core', op: 'differential', title: 'a differential d(…)' },
];
