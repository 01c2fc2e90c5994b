// The benchmark's expression families (issue 6), each as matcalc text and as SymPy code.
// `variant` renames the symbols (A1 → B1, X → Y, …): each repeat of a measurement then
// derives an expression none of whose nodes is interned yet, as a first derivation would.

export interface Family {
  readonly name: string;
  /** The variable of differentiation in a variant. */
  variable(variant: number): string;
  /** matcalc notation for size N. */
  text(n: number, variant: number): string;
  /** Python statements that build `f` and the variable `v` with SymPy (matrix symbols, or
   *  explicit matrices of scalar symbols where SymPy's matrix calculus gets it wrong). */
  sympy(n: number): string;
  /** Where SymPy's answer was found wrong or failing and why (said in the table). */
  readonly sympyNote?: string;
}

const MATRICES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'L'];
const VARIABLES = ['X', 'Y', 'Z', 'U', 'V', 'W', 'S', 'T', 'R', 'Q'];
const VECTORS = ['x', 'y', 'z', 'u', 'v', 'w', 's', 't', 'r', 'q'];
/** Variants 0–9 use letters of their own; variant 10 and up (the warm-up's) add the
 *  subscript w, which no measured variant has: X_w, A_{w3}. */
const pick = (letters: readonly string[], variant: number): string => letters[variant % letters.length]! + (variant >= letters.length ? '_w' : '');
const numbered = (letters: readonly string[], variant: number, i: number): string =>
  variant >= letters.length ? `${letters[variant % letters.length]}_{w${i}}` : `${letters[variant]}${i}`;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
/** A deep network written with bindings, layer by layer, as a paper would:
 *  sum(h3) where h3 = tanh(W3*h2), h2 = tanh(W2*h1), h1 = tanh(W1*x). */
export function network(n: number, variant: number): string {
  const x = pick(VECTORS, variant);
  const layers = range(n).map((i) => `h${i} = tanh(${numbered(MATRICES, variant, i)}*${i === 1 ? x : `h${i - 1}`})`).reverse();
  return `sum(h${n}) where ${layers.join(', ')}`;
}

/** The same network written inline, as a paper writes it: sum(tanh(W3*tanh(W2*tanh(W1*x)))). */
export function inlineNetwork(n: number, variant: number): string {
  let h = pick(VECTORS, variant);
  for (const i of range(n)) h = `tanh(${numbered(MATRICES, variant, i)}*${h})`;
  return `sum(${h})`;
}

/** A where chain of sums, one binding per term, as a long derivation is written:
 *  x'*t3 where t3 = t2 + A3*x, t2 = t1 + A2*x, t1 = A1*x. */
function sumChain(n: number, variant: number): string {
  const x = pick(VECTORS, variant);
  const bindings = range(n).map((i) => `t${i} = ${i === 1 ? '' : `t${i - 1} + `}${numbered(MATRICES, variant, i)}*${x}`).reverse();
  return `${x}'*t${n} where ${bindings.join(', ')}`;
}

/** A residual network, as a where-chain: each layer uses the one before twice (the skip and
 *  the branch), so a derivation that inlined bindings would grow as 2^N:
 *  sum(h3) where h3 = h2 + tanh(W3*h2), h2 = h1 + tanh(W2*h1), h1 = x + tanh(W1*x). */
function residual(n: number, variant: number): string {
  const x = pick(VECTORS, variant);
  const layers = range(n).map((i) => {
    const previous = i === 1 ? x : `h${i - 1}`;
    return `h${i} = ${previous} + tanh(${numbered(MATRICES, variant, i)}*${previous})`;
  }).reverse();
  return `sum(h${n}) where ${layers.join(', ')}`;
}

const SYMPY_HEADER = 'from sympy import MatrixSymbol, Trace, Inverse, Identity\nk = 3\n';
// SymPy's matrix calculus gets a network wrong: f.diff(W[0]) of (ones(1, k)*h)[0, 0] (or of
// (u.T*h)[0, 0]) is a ZeroMatrix at every depth, and Trace(u.T*h) or OneMatrix(1, k)*h raise
// (SymPy 1.14). What it differentiates correctly is the network on explicit 3×3 matrices of
// scalar symbols (the bench checks the answer numerically at N = 3): entry by entry, without
// shared subexpressions, so its time grows exponentially with depth.
const SYMPY_EXPLICIT_NETWORK = (n: number, residual: boolean, wrt: 'W' | 'x'): string =>
  ['from sympy import Matrix, symbols, tanh', 'k = 3', "x = Matrix(symbols('x0:3'))",
    `W = [Matrix(k, k, symbols(f'W{i}_0:9')) for i in range(${n})]`, 'h = x',
    `for i in range(${n}): h = ${residual ? 'h + ' : ''}(W[i]*h).applyfunc(tanh)`, 'f = sum(h)', `v = ${wrt === 'W' ? 'W[0]' : 'x'}`, ''].join('\n');

export const FAMILIES: readonly Family[] = [
  {
    name: '(a) tr(A1 X A2 X … AN X), ∂/∂X',
    variable: (v) => pick(VARIABLES, v),
    text: (n, v) => `tr(${range(n).map((i) => `${numbered(MATRICES, v, i)}*${pick(VARIABLES, v)}`).join('*')})`,
    sympy: (n) => `${SYMPY_HEADER}X = MatrixSymbol('X', k, k)\nA = [MatrixSymbol(f'A{i}', k, k) for i in range(${n})]\nM = A[0]*X\nfor i in range(1, ${n}): M = M*A[i]*X\nf = Trace(M)\nv = X\n`,
  },
  {
    name: '(b) sum(tanh(WN tanh(… tanh(W1 x)))), ∂/∂W1',
    variable: (v) => numbered(MATRICES, v, 1),
    text: network,
    sympy: (n) => SYMPY_EXPLICIT_NETWORK(n, false, 'W'),
  },
  {
    name: '(b″) the same network written inline (no where), ∂/∂W1',
    variable: (v) => numbered(MATRICES, v, 1),
    text: inlineNetwork,
    sympy: (n) => SYMPY_EXPLICIT_NETWORK(n, false, 'W'),
  },
  {
    name: '(b′) the same network, ∂/∂x',
    variable: (v) => pick(VECTORS, v),
    text: network,
    sympy: (n) => SYMPY_EXPLICIT_NETWORK(n, false, 'x'),
  },
  {
    name: "(c) Σ x'Ai x, ∂/∂x",
    variable: (v) => pick(VECTORS, v),
    text: (n, v) => range(n).map((i) => `${pick(VECTORS, v)}'*${numbered(MATRICES, v, i)}*${pick(VECTORS, v)}`).join(' + '),
    sympy: (n) => `${SYMPY_HEADER}x = MatrixSymbol('x', k, 1)\nA = [MatrixSymbol(f'A{i}', k, k) for i in range(${n})]\nf = sum((x.T*A[i]*x for i in range(${n})), start=(x.T*A[0]*x)*0)\nv = x\n`,
  },
  {
    name: '(d) tr(inv(A1 + X inv(A2 + X …))), ∂/∂X',
    variable: (v) => pick(VARIABLES, v),
    // Written with bindings, level by level (deep nesting would hit the parser's limit).
    text: (n, v) => {
      const x = pick(VARIABLES, v);
      return `tr(M1) where ${range(n).map((i) => (i === n ? `M${i} = inv(${numbered(MATRICES, v, i)} + ${x})` : `M${i} = inv(${numbered(MATRICES, v, i)} + ${x}*M${i + 1})`)).join(', ')}`;
    },
    sympy: (n) => `${SYMPY_HEADER}X = MatrixSymbol('X', k, k)\nA = [MatrixSymbol(f'A{i}', k, k) for i in range(${n})]\nM = Inverse(A[${n} - 1] + X)\nfor i in range(${n} - 2, -1, -1): M = Inverse(A[i] + X*M)\nf = Trace(M)\nv = X\n`,
  },
  {
    name: "(f) a where chain of sums, t_i = t_{i−1} + A_i x, f = x't_N, ∂/∂x",
    variable: (v) => pick(VECTORS, v),
    text: sumChain,
    sympy: (n) => `${SYMPY_HEADER}x = MatrixSymbol('x', k, 1)\nA = [MatrixSymbol(f'A{i}', k, k) for i in range(${n})]\nt = A[0]*x\nfor i in range(1, ${n}): t = t + A[i]*x\nf = x.T*t\nv = x\n`,
  },
  {
    name: '(g) a residual where-chain, h_i = h_{i−1} + tanh(W_i h_{i−1}), ∂/∂W1',
    variable: (v) => numbered(MATRICES, v, 1),
    text: residual,
    sympy: (n) => SYMPY_EXPLICIT_NETWORK(n, true, 'W'),
  },
  {
    name: "(e) x'A1 … AN x, ∂/∂x",
    variable: (v) => pick(VECTORS, v),
    text: (n, v) => `${pick(VECTORS, v)}'*${range(n).map((i) => numbered(MATRICES, v, i)).join('*')}*${pick(VECTORS, v)}`,
    sympy: (n) => `${SYMPY_HEADER}x = MatrixSymbol('x', k, 1)\nA = [MatrixSymbol(f'A{i}', k, k) for i in range(${n})]\nM = x.T\nfor i in range(${n}): M = M*A[i]\nf = M*x\nv = x\n`,
  },
];
