// Smart constructors: the only way to build nodes. Each states its operator's shape rule
// once and does the trivial simplifications on the spot (Aᵀᵀ = A, 0 + A = A, 1·A = A,
// I·A = A, like terms and numeric coefficients combined) so equal things intern equal.
// It must not do anything that needs a search or a choice: that is src/simplify.

import { MatcalcError } from '../errors.js';
import {
  type Dim, findDim, isScalarShape, isVectorShape, productDim, SCALAR, type Shape, shapeText, unifyDims,
} from './dims.js';
import { DIAGONAL, type Expr, GROUPED, intern, postOrder, type Op, ORTHOGONAL, SPD, SYMMETRIC } from './node.js';
import { addNumbers, canonicalNumber, multiplyNumbers, powerNumber, rationalOf } from './rational.js';
import { type Assumption, definitionOf, type FunctionDefinition, functionsNamed, type ResultRule } from '../ops/table.js';

export const isScalar = (e: Expr): boolean => isScalarShape(e.shape);
export const isVector = (e: Expr): boolean => isVectorShape(e.shape) && !isScalar(e);

const shape = (rows: Dim, cols: Dim): Shape => ({ rows: findDim(rows), cols: findDim(cols) });

/** 0 to a negative power: in the input, a division by zero; in a derivation, a rule that
 *  divides by something identically zero there (src/derive.ts says which). */
export const DIVISION_BY_ZERO = 'division by zero';

export function number(value: number): Expr {
  if (!Number.isFinite(value)) throw new MatcalcError('value', `the constant ${value} is not a finite number`);
  // A rational as its nearest double (exact arithmetic reads it back, src/expr/rational.ts);
  // any other value to 15 significant digits.
  const rounded = canonicalNumber(value);
  return intern('number', [], SCALAR, '', rounded === 0 ? 0 : rounded);
}
export const ZERO = (): Expr => number(0);
export const ONE = (): Expr => number(1);

export function symbol(name: string, symbolShape: Shape, props = 0): Expr {
  const withImplied = props & SPD ? props | SYMMETRIC : props & DIAGONAL ? props | SYMMETRIC : props;
  return intern('symbol', [], shape(symbolShape.rows, symbolShape.cols), name, 0, withImplied);
}

export function identity(n: Dim): Expr {
  return findDim(n) === '1' ? ONE() : intern('identity', [], shape(n, n), '', 0, SYMMETRIC | DIAGONAL | ORTHOGONAL);
}

export function ones(n: Dim): Expr {
  return findDim(n) === '1' ? ONE() : intern('ones', [], shape(n, '1'));
}

/** The all-ones array of a shape: 𝟙, or 𝟙𝟙ᵀ for a matrix (how scalars broadcast). */
export function onesLike(target: Shape): Expr {
  if (isScalarShape(target)) return ONE();
  if (isVectorShape(target)) return ones(target.rows);
  return multiply(ones(target.rows), transpose(ones(target.cols)));
}

export function zero(target: Shape): Expr {
  return isScalarShape(target) ? ZERO() : intern('zero', [], shape(target.rows, target.cols));
}

/** A size as a number: m for the rows of an m×n matrix (its name in `name`). A known size
 *  is that number. Constant under differentiation, like I and 𝟙. */
export function dimension(dim: Dim): Expr {
  const d = findDim(dim);
  return /^\d+$/.test(d) ? number(Number(d)) : intern('dimension', [], SCALAR, d);
}

export const isZero = (e: Expr): boolean => e.op === 'zero' || (e.op === 'number' && e.value === 0);

/** Total order used for the arguments of commutative operators: positive terms first, then
 *  by leading symbol, size and structure, so the order is the same in every run. */
export function compareTerms(a: Expr, b: Expr): number {
  if (a === b) return 0;
  const sa = coefficientOf(a) < 0 ? 1 : 0;
  const sb = coefficientOf(b) < 0 ? 1 : 0;
  if (sa !== sb) return sa - sb;
  if (isConstantTerm(a) !== isConstantTerm(b)) return isConstantTerm(a) ? -1 : 1; // 1 - y, 1 + exp(-z)
  if (a.lead !== b.lead) return a.lead === '' ? 1 : b.lead === '' ? -1 : a.lead < b.lead ? -1 : 1;
  if (a.size !== b.size) return a.size - b.size;
  if (a.hash !== b.hash) return a.hash - b.hash;
  return a.id - b.id;
}

/** A number, or a number broadcast to a shape (c·𝟙, c·𝟙𝟙ᵀ). */
function isConstantTerm(e: Expr): boolean {
  if (e.op === 'number' || e.op === 'ones') return true;
  if (e.op === 'transpose') return e.args[0]!.op === 'ones';
  return e.op === 'multiply' && e.args.every(isConstantTerm);
}

/** c·T → [c, T]; numbers → [value, 1]. */
export function splitCoefficient(e: Expr): [number, Expr] {
  if (e.op === 'number') return [e.value, ONE()];
  if (e.op === 'multiply' && e.args[0]!.op === 'number') {
    const rest = e.args.slice(1);
    // The same chain as e's, so the same symmetry (scalar factors do not change it).
    return [e.args[0]!.value, rest.length === 1 ? rest[0]! : intern('multiply', rest, e.shape, '', 0, e.props & SYMMETRIC)];
  }
  return [1, e];
}
/** The numeric coefficient of a term, read without building the rest (a comparator calls it). */
function coefficientOf(e: Expr): number {
  if (e.op === 'number') return e.value;
  return e.op === 'multiply' && e.args[0]!.op === 'number' ? e.args[0]!.value : 1;
}

function describeShapes(what: string, operands: readonly Expr[]): () => string {
  return () => `${what}: shapes ${operands.map((o) => shapeText(o.shape)).join(', ')} do not fit`;
}

export function add(...terms: Expr[]): Expr {
  if (terms.length === 2) {
    // One term more for a sum already built (a where chain t_k = t_{k-1} + …, a sum grown
    // term by term): only the new term is new work, so a chain of N is O(N²) pointer copies
    // instead of N general passes over ever longer sums.
    const [a, b] = terms as [Expr, Expr];
    const grown = a.op === 'add' && b.op !== 'add' ? addOne(a, b) : b.op === 'add' && a.op !== 'add' ? addOne(b, a) : undefined;
    if (grown) return grown;
  }
  const flat: Expr[] = [];
  for (const term of terms) {
    if (term.op === 'add') for (const item of term.args) flat.push(item);
    else flat.push(term);
  }
  const target = flat.find((t) => !isScalar(t))?.shape ?? SCALAR;
  // term: the one term of a group, as given, while nothing was added to it (rebuilding
  // c·T through multiply for every term of a long sum is most of the cost of a sum).
  const groups = new Map<number, { rest: Expr; coefficient: number; term: Expr | undefined }>();
  for (const raw of flat) {
    // Shapes first, even of a zero term: 0*x still fixes the size of the sum.
    if (!isScalar(raw)) {
      unifyDims(raw.shape.rows, target.rows, describeShapes('sum', [raw, flat[0]!]));
      unifyDims(raw.shape.cols, target.cols, describeShapes('sum', [raw, flat[0]!]));
    }
    if (isZero(raw)) continue;
    let term = raw;
    if (isScalar(term) && !isScalarShape(target)) term = multiply(term, onesLike(target)); // broadcast
    const [coefficient, rest] = splitCoefficient(term);
    const group = groups.get(rest.id);
    if (group) {
      group.coefficient = addNumbers(group.coefficient, coefficient);
      group.term = undefined;
    } else groups.set(rest.id, { rest, coefficient, term });
  }
  const kept: Expr[] = [];
  for (const { rest, coefficient, term } of groups.values()) {
    if (term) kept.push(term);
    else if (Math.abs(coefficient) > 1e-300) kept.push(multiply(number(coefficient), rest));
  }
  if (kept.length === 0) return zero(target);
  if (kept.length === 1) return kept[0]!;
  // 2·(A + I) − (A + I) is 1·(A + I): a sum among the terms, spliced in (and its terms
  // combined with the others) so that sums stay flat.
  if (kept.some((t) => t.op === 'add')) return add(...kept);
  if (!isSorted(kept)) kept.sort(compareTerms);
  return intern('add', kept, shape(target.rows, target.cols), '', 0, sumProps(kept));
}

/** sum + term, where sum is canonical (sorted, one term per coefficient-free part): the
 *  term inserted in order; undefined where the general path must decide (the term is like
 *  one already there, or broadcasts a scalar sum). The same node as add() would build. */
function addOne(sum: Expr, raw: Expr): Expr | undefined {
  if (isScalarShape(sum.shape) && !isScalar(raw)) return undefined;
  if (!isScalar(raw)) {
    unifyDims(raw.shape.rows, sum.shape.rows, describeShapes('sum', [sum.args[0]!, raw]));
    unifyDims(raw.shape.cols, sum.shape.cols, describeShapes('sum', [sum.args[0]!, raw]));
  }
  if (isZero(raw)) return sum;
  const term = isScalar(raw) && !isScalarShape(sum.shape) ? multiply(raw, onesLike(sum.shape)) : raw;
  const rest = withoutCoefficient(term);
  for (const existing of sum.args) if (firstFactor(existing) === rest[0] && sameRest(existing, rest)) return undefined;
  let low = 0;
  let high = sum.args.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareTerms(sum.args[middle]!, term) < 0) low = middle + 1;
    else high = middle;
  }
  const args = [...sum.args.slice(0, low), term, ...sum.args.slice(low)];
  return intern('add', args, shape(sum.shape.rows, sum.shape.cols), '', 0, sumProps(args));
}

/** The first factor after a term's coefficient (a cheap test before sameRest). */
function firstFactor(e: Expr): Expr | undefined {
  if (e.op === 'number') return undefined;
  if (e.op !== 'multiply') return e;
  return e.args[e.args[0]!.op === 'number' ? 1 : 0];
}

/** A term's factors after its numeric coefficient, without building a node for them. */
function withoutCoefficient(e: Expr): readonly Expr[] {
  if (e.op === 'number') return [];
  if (e.op !== 'multiply') return [e];
  return e.args[0]!.op === 'number' ? e.args.slice(1) : e.args;
}
/** Whether two terms are alike (add() would combine them): the same factors after the
 *  coefficient. Alike by this test but not for add() (a grouped product against the same
 *  product plain) only sends the sum down the general path. */
function sameRest(existing: Expr, rest: readonly Expr[]): boolean {
  const own = withoutCoefficient(existing);
  if (own.length !== rest.length) return false;
  for (let i = 0; i < own.length; i++) if (own[i] !== rest[i]) return false;
  return true;
}

function isSorted(terms: readonly Expr[]): boolean {
  for (let i = 1; i < terms.length; i++) if (compareTerms(terms[i - 1]!, terms[i]!) > 0) return false;
  return true;
}

export const negate = (e: Expr): Expr => multiply(number(-1), e);
export const subtract = (a: Expr, b: Expr): Expr => add(a, negate(b));

/** Matrix product with scalars as scalar multiplication (a 1×1 factor commutes). */
export function multiply(...factors: Expr[]): Expr {
  let coefficient = 1;
  const scalars: Expr[] = [];
  const chain: Expr[] = [];
  const takeScalar = (factor: Expr): void => {
    if (factor.op === 'number') coefficient = multiplyNumbers(coefficient, factor.value);
    else if (factor.op === 'multiply' && !isGrouped(factor)) {
      // A scalar product: its scalars join ours, its matrix chain stays one unit.
      const inner = factor.args.filter((a) => !isScalar(a));
      for (const a of factor.args) if (isScalar(a)) takeScalar(a);
      if (inner.length > 0) scalars.push(intern('multiply', inner, SCALAR));
    } else scalars.push(factor);
  };
  for (const factor of factors) {
    if (isScalar(factor)) takeScalar(factor);
    else if (factor.op === 'multiply' && !isGrouped(factor)) {
      for (const a of factor.args) (isScalar(a) ? takeScalar(a) : chain.push(a));
    } else chain.push(factor);
  }
  for (let i = 1; i < chain.length; i++) {
    const left = chain[i - 1]!;
    const right = chain[i]!;
    unifyDims(left.shape.cols, right.shape.rows, describeShapes('product', [left, right]));
  }
  const resultShape = chain.length === 0 ? SCALAR : shape(chain[0]!.shape.rows, chain[chain.length - 1]!.shape.cols);
  if (coefficient === 0 || chain.some(isZero) || scalars.some(isZero)) return zero(resultShape);
  // Adjacent equal square factors are one power: A·A = A², A²·A = A³.
  const matrices: Expr[] = [];
  for (const m of chain) {
    if (m.op === 'identity') continue;
    const previous = matrices[matrices.length - 1];
    const [base, k] = m.op === 'matrixPower' && m.args.length === 1 ? [m.args[0]!, m.value] : [m, 1];
    const [previousBase, previousK] = previous?.op === 'matrixPower' && previous.args.length === 1 ? [previous.args[0]!, previous.value] : [previous, 1];
    if (previousBase === base) matrices[matrices.length - 1] = matrixPower(base, previousK + k);
    else matrices.push(m);
  }
  if (matrices.length === 0 && chain.length > 0) matrices.push(chain[0]!);
  // A run of the chain whose product is 1×1 (a row times … times a column, as x'*x in
  // x*x'*x) is a scalar factor: one canonical form for x*x'*x and (x'*x)*x.
  if (matrices.length > 1) {
    for (let i = 0; i < matrices.length; i++) {
      if (findDim(matrices[i]!.shape.rows) !== '1') continue;
      const j = matrices.findIndex((m, k) => k >= i && findDim(m.shape.cols) === '1');
      // The whole chain is left as it is, unless other scalar factors stand beside it:
      // then it is one more scalar factor, and all of them are sorted alike.
      if (j < 0 || (i === 0 && j === matrices.length - 1 && scalars.length === 0)) continue;
      const run = matrices.splice(i, j - i + 1);
      scalars.push(intern('multiply', run, SCALAR));
      return multiply(number(coefficient), ...scalars, ...matrices);
    }
  }
  // Scalar factors with one base combine their exponents: x·x⁻¹ = 1, s·s = s².
  // √u counts as u^½ (and √u^k as u^(k/2)), so √u·u^(3/2) is u²; a factor met once is
  // kept as written.
  // An exponent that is an expression (det(X)^m) adds to the others as one: det(X)·det(X)^(m−1)
  // is det(X)^m.
  const exponents = new Map<string | number, { base: Expr; exponent: number; symbolic: Expr[]; factor: Expr | undefined }>();
  for (const s of scalars) {
    const symbolicExponent = s.op === 'power' && s.args.length === 2 && isScalar(s) ? s.args[1]! : undefined;
    let [base, exponent] = s.op === 'power' && s.args.length === 1 ? [s.args[0]!, s.value] : symbolicExponent ? [s.args[0]!, 0] : [s, 1];
    if (isSqrt(base)) [base, exponent] = [base.args[0]!, multiplyNumbers(exponent, 0.5)];
    const key = baseKey(base);
    const entry = exponents.get(key);
    if (entry) {
      entry.exponent = addNumbers(entry.exponent, exponent);
      if (symbolicExponent) entry.symbolic.push(symbolicExponent);
      entry.factor = undefined;
    } else exponents.set(key, { base, exponent, symbolic: symbolicExponent ? [symbolicExponent] : [], factor: s });
  }
  const scalarFactors: Expr[] = [];
  for (const { base, exponent, symbolic, factor: alone } of exponents.values()) {
    const total = symbolic.length > 0 && !alone ? add(number(exponent), ...symbolic) : undefined;
    const factor = alone ?? (total ? (total.op === 'number' ? power(base, total.value) : symbolicPower(base, total, true)) : exponent === 0.5 ? func('sqrt', base) : exponent === -0.5 ? power(func('sqrt', base), -1) : power(base, exponent));
    if (factor.op === 'number') coefficient = multiplyNumbers(coefficient, factor.value);
    else scalarFactors.push(factor);
  }
  if (coefficient === 0) return zero(resultShape);
  scalarFactors.sort(compareTerms);
  // A number and one scalar product uᵀ…v, nothing else, is one flat product: -3·(xᵀh) is
  // -3·xᵀ·h, the node the flat chain builds (and splitCoefficient takes apart).
  const only = scalarFactors[0];
  if (matrices.length === 0 && scalarFactors.length === 1 && coefficient !== 1 && only!.op === 'multiply' && !isGrouped(only!) && !only!.args.some(isScalar)) {
    return intern('multiply', [number(coefficient), ...only!.args], resultShape);
  }
  const all = [...(coefficient !== 1 ? [number(coefficient)] : []), ...scalarFactors, ...matrices];
  if (all.length === 0) return ONE();
  if (all.length === 1) return all[0]!;
  return intern('multiply', all, resultShape, '', 0, chainProps(matrices, resultShape));
}

export const isGrouped = (e: Expr): boolean => (e.props & GROUPED) !== 0;

const isSqrt = (e: Expr): boolean => e.op === 'apply' && e.name === 'sqrt' && isScalar(e);

/** The key under which a scalar factor's exponents combine: uᵀv and vᵀu are one base (a
 *  scalar is its own transpose), so (yᵀs)·(sᵀy)⁻¹ cancels. Only the key is shared: each
 *  product keeps the order it was written in. */
function baseKey(base: Expr): string | number {
  if (base.op !== 'multiply' || base.args.length !== 2) return base.id;
  const [left, right] = base.args as [Expr, Expr];
  if (left.op !== 'transpose' || !isVector(left.args[0]!) || !isVector(right)) return base.id;
  const [a, b] = [left.args[0]!.id, right.id];
  return a < b ? `${a}·${b}` : `${b}·${a}`;
}

// Symmetry is seen where a node is built, from its arguments alone, so Mᵀ = M folds in
// transpose() for every M the analysis knows (issue 15): XᵀX, XXᵀ, XᵀAX with A symmetric,
// A + Aᵀ, sums, products by scalars, inverses and powers of symmetric matrices, I, diag(v).
// It is a fact about the node, not a choice, so it cannot make forms depend on build order.

/** Whether a is bᵀ, read without building bᵀ. */
function isTransposeOf(a: Expr, b: Expr): boolean {
  if (b.op === 'transpose') return b.args[0] === a;
  if (a.op === 'transpose') return a.args[0] === b;
  return a === b && (a.props & SYMMETRIC) !== 0;
}

/** A matrix chain M₁⋯M_k is symmetric when M_i = M_{k+1−i}ᵀ for every i (XᵀX, XᵀAX, x·xᵀ).
 *  Never for a 1×1 result: scalars carry no flags, so every path builds them alike. */
function chainProps(chain: readonly Expr[], result: Shape): number {
  if (isScalarShape(result) || chain.length === 0) return 0;
  for (let i = 0, j = chain.length - 1; i <= j; i++, j--) if (!isTransposeOf(chain[i]!, chain[j]!)) return 0;
  return SYMMETRIC;
}

const allSymmetric = (args: readonly Expr[]): number => (args.every((a) => (a.props & SYMMETRIC) !== 0) ? SYMMETRIC : 0);

/** A sum is symmetric when its terms are, or pair up as c·M + c·Mᵀ (A + Aᵀ). */
function sumProps(terms: readonly Expr[]): number {
  if (terms.length === 0 || isScalar(terms[0]!)) return 0;
  let transposed: Map<number, number> | undefined;
  for (const term of terms) {
    if (term.props & SYMMETRIC) continue;
    const [c, rest] = splitCoefficientView(term);
    if (rest.props & SYMMETRIC) continue;
    if (!transposed) {
      transposed = new Map();
      for (const t of terms) {
        const [tc, tr] = splitCoefficientView(t);
        if (tr.op === 'transpose') transposed.set(tr.args[0]!.id, tc);
      }
    }
    const partner = rest.op === 'transpose' ? rest.args[0]! : rest;
    // rest = Yᵀ needs a term c·Y; rest = Y needs a term c·Yᵀ.
    if (rest.op === 'transpose') {
      if (!terms.some((t) => splitCoefficientView(t)[1] === partner && splitCoefficientView(t)[0] === c)) return 0;
    } else if (transposed.get(rest.id) !== c) return 0;
  }
  return SYMMETRIC;
}

/** A term's coefficient and the rest, without building a node (the rest of a product with
 *  more than one other factor is the product itself: its symmetry is the product's). */
function splitCoefficientView(e: Expr): [number, Expr] {
  if (e.op === 'multiply' && e.args[0]!.op === 'number') return [e.args[0]!.value, e.args.length === 2 ? e.args[1]! : e];
  return [1, e];
}

/** The product kept as one factor (see GROUPED): its matrix chain, when it has two or
 *  more factors, with the scalar factors left outside so coefficients stay visible. */
export function group(e: Expr): Expr {
  if (e.op !== 'multiply' || isGrouped(e) || isScalar(e)) return e;
  const chain = e.args.filter((a) => !isScalar(a));
  if (chain.length < 2) return e;
  const grouped = intern('multiply', chain, e.shape, '', 0, GROUPED | chainProps(chain, e.shape));
  return chain.length === e.args.length ? grouped : multiply(...e.args.filter(isScalar), grouped);
}

/** The same expression with every grouped product spliced back into its users. */
export function ungroup(root: Expr): Expr {
  const memo = new Map<number, Expr>();
  for (const node of postOrder(root)) {
    const args = node.args.map((a) => memo.get(a.id)!);
    const rebuilt = node.op === 'multiply' ? multiply(...args) : rebuild(node, args);
    memo.set(node.id, rebuilt);
  }
  return memo.get(root.id)!;
}

export function divide(a: Expr, b: Expr): Expr {
  if (!isScalar(b)) throw new MatcalcError('shape', `division by a ${shapeText(b.shape)} matrix: divide by scalars only, or use inv(…) or ./`);
  return multiply(a, power(b, -1));
}

export function transpose(a: Expr): Expr {
  if (isScalar(a)) return a;
  if (a.op === 'transpose') return a.args[0]!;
  if (a.props & SYMMETRIC) return a; // symmetric, spd and diagonal nodes (diag(v) among them: its table entry gives them)
  if (a.op === 'zero') return zero(shape(a.shape.cols, a.shape.rows));
  // (Σ tᵢᵀ)ᵀ = Σ tᵢ, like Aᵀᵀ = A: it removes every transpose, so there is nothing to choose.
  // (Isolation builds it: the adjoint of d(x)ᵀ summed over many terms, then transposed.)
  if (a.op === 'add' && a.args.every((t) => t.op === 'transpose')) return add(...a.args.map((t) => t.args[0]!));
  return intern('transpose', [a], shape(a.shape.cols, a.shape.rows));
}

function requireSquare(what: string, a: Expr): void {
  unifyDims(a.shape.rows, a.shape.cols, () => `${what} needs a square matrix, got ${shapeText(a.shape)}`);
}

export function inverse(a: Expr): Expr {
  if (isScalar(a)) return power(a, -1);
  requireSquare('inverse', a);
  if (a.op === 'inverse') return a.args[0]!;
  if (a.op === 'identity') return a;
  return intern('inverse', [a], a.shape, '', 0, a.props & (SYMMETRIC | SPD | DIAGONAL | ORTHOGONAL));
}

/** Elementwise power by a number; for a scalar the ordinary power. */
export function power(base: Expr, exponent: number): Expr {
  if (exponent === 1) return base;
  if (exponent === 0) return onesLike(base.shape);
  if (base.op === 'number' && base.value === 0 && exponent < 0) throw new MatcalcError('value', DIVISION_BY_ZERO);
  if (base.op === 'number') return number(powerNumber(base.value, exponent));
  // (a·b)^k = a^k·b^k for scalar factors and an integer k: one node for 1/(a·b) however
  // it was built (the printer writes both as /(a*b)).
  if (Number.isInteger(exponent) && isScalar(base) && base.op === 'multiply' && !isGrouped(base) && base.args.every(isScalar)) {
    return multiply(...base.args.map((a) => power(a, exponent)));
  }
  // (c·A)^k = c^k·A^k: the number leaves, so 2·x/(2·s) meets its ½ and cancels. For a
  // negative c only integer k, where it holds for every A.
  if (base.op === 'multiply' && base.args[0]!.op === 'number' && (Number.isInteger(exponent) || base.args[0]!.value > 0)) {
    const [c, rest] = splitCoefficient(base);
    return multiply(number(powerNumber(c, exponent)), power(rest, exponent));
  }
  if (base.op === 'zero' && exponent > 0) return base;
  if (base.op === 'power' && base.args.length === 1 && Number.isInteger(exponent)) return power(base.args[0]!, base.value * exponent);
  return intern('power', [base], base.shape, '', exponent, base.props & SYMMETRIC);
}

/** A power whose exponent is an expression (rule patterns only: `A.^p`, `A^k`). Once the
 *  exponent is a number (after matching), rebuild turns it into an ordinary power. */
export function symbolicPower(base: Expr, exponent: Expr, elementwise: boolean): Expr {
  if (exponent.op === 'number') return elementwise ? power(base, exponent.value) : matrixPower(base, exponent.value);
  if (!elementwise && !isScalar(base)) requireSquare('matrix power', base);
  return intern(elementwise ? 'power' : 'matrixPower', [base, exponent], base.shape, '', NaN);
}

export function matrixPower(a: Expr, k: number): Expr {
  if (isScalar(a)) return power(a, k);
  if (!Number.isInteger(k)) {
    const r = rationalOf(k);
    throw new MatcalcError('unsupported', `matrix power ${r ? `${r.p}/${r.q}` : k}: only integer powers of square matrices are defined (.^ is the elementwise power)`);
  }
  requireSquare('matrix power', a);
  if (k === 0) return identity(a.shape.rows);
  if (k === 1) return a;
  if (k < 0) return matrixPower(inverse(a), -k);
  if (a.op === 'identity' || a.op === 'zero') return a;
  if (a.op === 'matrixPower' && a.args.length === 1) return matrixPower(a.args[0]!, a.value * k);
  return intern('matrixPower', [a], a.shape, '', k, a.props & (SYMMETRIC | SPD | DIAGONAL));
}

export function hadamard(...factors: Expr[]): Expr {
  const flat: Expr[] = [];
  const scalars: Expr[] = [];
  const take = (f: Expr): void => {
    if (f.op === 'hadamard') for (const item of f.args) flat.push(item);
    else if (isScalar(f)) scalars.push(f);
    else if (f.op === 'multiply' && f.args.some(isScalar)) {
      // c·A ∘ B = c·(A ∘ B): keep scalars outside so coefficients stay visible.
      for (const item of f.args.filter(isScalar)) scalars.push(item);
      take(multiply(...f.args.filter((a) => !isScalar(a))));
    } else flat.push(f);
  };
  factors.forEach(take);
  if (flat.length === 0) return multiply(...scalars);
  const target = flat[0]!.shape;
  for (const f of flat) {
    unifyDims(f.shape.rows, target.rows, describeShapes('elementwise product', [flat[0]!, f]));
    unifyDims(f.shape.cols, target.cols, describeShapes('elementwise product', [flat[0]!, f]));
  }
  if (flat.some(isZero)) return zero(target);
  const all1 = onesLike(target);
  const exponents = new Map<number, { base: Expr; exponent: number }>();
  for (const f of flat) {
    if (f === all1) continue;
    const [base, exponent] = f.op === 'power' && f.args.length === 1 ? [f.args[0]!, f.value] : [f, 1];
    const entry = exponents.get(base.id);
    if (entry) entry.exponent = addNumbers(entry.exponent, exponent);
    else exponents.set(base.id, { base, exponent });
  }
  const kept = [...exponents.values()].map(({ base, exponent }) => power(base, exponent)).filter((f) => f !== all1);
  kept.sort(compareTerms);
  const core = kept.length === 0 ? all1 : kept.length === 1 ? kept[0]! : intern('hadamard', kept, shape(target.rows, target.cols), '', 0, allSymmetric(kept));
  return multiply(...scalars, core);
}

export function kron(...factors: Expr[]): Expr {
  const flat: Expr[] = [];
  const scalars: Expr[] = [];
  for (const f of factors) {
    if (f.op === 'kron') for (const item of f.args) flat.push(item);
    else if (isScalar(f)) scalars.push(f);
    else flat.push(f);
  }
  if (flat.length === 0) return multiply(...scalars);
  if (flat.some(isZero)) {
    return zero(shape(productDim(flat.map((f) => f.shape.rows)), productDim(flat.map((f) => f.shape.cols))));
  }
  let core: Expr;
  if (flat.length === 1) core = flat[0]!;
  else if (flat.every((f) => f.op === 'identity')) core = identity(productDim(flat.map((f) => f.shape.rows)));
  else core = intern('kron', flat, shape(productDim(flat.map((f) => f.shape.rows)), productDim(flat.map((f) => f.shape.cols))), '', 0, allSymmetric(flat));
  return multiply(...scalars, core);
}

/** An elementwise function by name (exp, log, …): a node `apply` carrying the name. */
export function apply(name: string, a: Expr): Expr {
  return func(name, a);
}

/** A function by its canonical name (src/ops): the constructor every function shares. Where
 *  one name stands for two operations (diag of a vector, of a matrix), the argument decides. */
export function func(name: string, a: Expr): Expr {
  const definitions = functionsNamed(name);
  if (definitions.length === 0) throw new MatcalcError('unsupported', `no operation named ${name}`);
  const fitting = definitions.find((d) => d.family === 'elementwise' || d.argument !== 'vector' || isVector(a) || isScalar(a)) ?? definitions[0]!;
  return applyDefinition(fitting, a);
}

const ASSUMPTION_FLAGS: Readonly<Record<Assumption, number>> = { symmetric: SYMMETRIC, spd: SPD, diagonal: DIAGONAL, orthogonal: ORTHOGONAL };
const flagsOf = (assumptions: readonly Assumption[] | undefined): number => (assumptions ?? []).reduce((flags, a) => flags | ASSUMPTION_FLAGS[a], 0);

/** The result shape a definition's rule gives for an argument of shape m×n. */
function resultShape(rule: ResultRule, a: Expr): Shape {
  switch (rule) {
    case 'same': return a.shape;
    case 'scalar': return SCALAR;
    case 'transposed': return shape(a.shape.cols, a.shape.rows);
    case 'diagonal': return shape(a.shape.rows, a.shape.rows);
    case 'column': return shape(a.shape.rows, '1');
    case 'vec': return shape(productDim([a.shape.rows, a.shape.cols]), '1');
  }
}

/** Builds f(a) for a definition: its argument rule checked, its folds applied (each one
 *  removes f or replaces it by something simpler, with nothing to choose). */
export function applyDefinition(definition: FunctionDefinition, a: Expr): Expr {
  const folds = definition.folds;
  if (definition.family === 'elementwise') {
    // f of zero is f(0) in every entry, when that is a number (exp(0) = 1, softplus(0) = log 2).
    const atZero = isZero(a) ? definition.scalar(0) : NaN;
    if (Number.isFinite(atZero)) return atZero === 0 ? zero(a.shape) : multiply(number(atZero), onesLike(a.shape));
    // The transpose stays outside: f(A') = f(A)', so sin(A)' and sin(A') are one node.
    if (a.op === 'transpose' && folds.transpose === 'commutes') return transpose(applyDefinition(definition, a.args[0]!));
    return intern('apply', [a], a.shape, definition.name, 0, a.props & SYMMETRIC);
  }
  if (isScalar(a) && folds.scalar !== undefined) {
    if (folds.scalar === 'self') return a;
    if (folds.scalar === 'one') return ONE();
    if (folds.scalar === 'reciprocal') return power(a, -1);
    return func(folds.scalar.apply, a);
  }
  if (definition.argument === 'square') requireSquare(definition.name, a);
  if (definition.argument === 'vector' && !isVectorShape(a.shape)) throw new MatcalcError('shape', `${definition.name} needs a vector, got ${shapeText(a.shape)}`);
  if (folds.vector === 'self') {
    if (isVectorShape(a.shape)) return a;
    if (a.op === 'transpose' && isVectorShape(a.args[0]!.shape)) return a.args[0]!;
  }
  const result = resultShape(definition.result, a);
  if (isZero(a) && folds.zero !== undefined) return folds.zero === 'zero' ? zero(result) : number(folds.zero);
  if (a.op === 'identity' && folds.identity !== undefined) return folds.identity === 'self' ? a : folds.identity === 'ones' ? ones(a.shape.rows) : number(folds.identity);
  if (a.op === 'ones' && folds.ones === 'identity') return identity(a.shape.rows);
  if (folds.size === 'rows') return dimension(a.shape.rows);
  if (a.op === 'transpose' && folds.transpose === 'invariant') return applyDefinition(definition, a.args[0]!);
  if (a.op === 'transpose' && folds.transpose === 'commutes') return transpose(applyDefinition(definition, a.args[0]!));
  if (folds.undoes?.includes(a.op)) return a.args[0]!;
  if (definition.shapeOnly) {
    // A known size is a number; a size does not change under differentiation: numel(d(X)) is numel(X).
    const [rows, cols] = [findDim(a.shape.rows), findDim(a.shape.cols)];
    if (/^\d+$/.test(rows) && /^\d+$/.test(cols)) return number(Number(rows) * Number(cols));
  }
  const argument = definition.shapeOnly ? shapeCarrier(a) : a;
  const props = (a.props & flagsOf(definition.keeps)) | flagsOf(definition.gives);
  return intern(definition.op, [argument], result, '', 0, props);
}

export function trace(a: Expr): Expr {
  return func('tr', a);
}

/** diag: a vector becomes a diagonal matrix, a square matrix gives its diagonal. */
export function diag(a: Expr): Expr {
  return func('diag', a);
}

export function vec(a: Expr): Expr {
  return func('vec', a);
}

/** What numel(a) keeps of a: only its shape matters, so the first symbol of that shape in
 *  it (numel(x ∘ tanh(x)) is numel(x)), or a itself without its differentials. */
function shapeCarrier(a: Expr): Expr {
  const same = (e: Expr): boolean => findDim(e.shape.rows) === findDim(a.shape.rows) && findDim(e.shape.cols) === findDim(a.shape.cols);
  return postOrder(a).find((e) => e.op === 'symbol' && same(e)) ?? withoutDifferentials(a);
}

/** The same expression with every d(Y) replaced by Y: a carrier of shape only. */
export function withoutDifferentials(e: Expr): Expr {
  if (e.op === 'differential') return e.args[0]!;
  if (e.args.length === 0) return e;
  return rebuild(e, e.args.map(withoutDifferentials));
}

/** K(X): the mn×mn matrix with K·vec(X) = vec(Xᵀ). */
export function commutation(x: Expr): Expr {
  const n = productDim([x.shape.rows, x.shape.cols]);
  // A vector (or row) is its own transpose under vec: K of its shape is the identity.
  if (findDim(x.shape.rows) === '1' || findDim(x.shape.cols) === '1') return identity(n);
  return intern('commutation', [x], shape(n, n));
}

export function differential(x: Expr): Expr {
  return intern('differential', [x], x.shape);
}

/** Rebuilds a node of the same op from new arguments, through the smart constructors. */
/** The DAG with every size renamed (n → 999, or 999 → a name): symbols by `symbol` (a
 *  symbol of the renamed shape by default), constants by their new sizes. */
export function withDims(root: Expr, rename: (dim: Dim) => Dim, symbolFor?: (node: Expr) => Expr): Expr {
  const memo = new Map<number, Expr>();
  for (const node of postOrder(root)) {
    const shape = { rows: rename(node.shape.rows), cols: rename(node.shape.cols) };
    let renamed: Expr;
    switch (node.op) {
      case 'symbol': renamed = symbolFor ? symbolFor(node) : symbol(node.name, shape, node.props); break;
      case 'identity': renamed = identity(shape.rows); break;
      case 'ones': renamed = ones(shape.rows); break;
      case 'zero': renamed = zero(shape); break;
      case 'dimension': renamed = dimension(rename(node.name)); break;
      default: renamed = rebuild(node, node.args.map((a) => memo.get(a.id)!));
    }
    memo.set(node.id, renamed);
  }
  return memo.get(root.id)!;
}

export function rebuild(node: Expr, args: readonly Expr[]): Expr {
  // The same arguments give the same node (constructors are canonical): no work, which
  // keeps a pass over a DAG with long products linear in what changes.
  if (args.length > 0 && args.length === node.args.length && args.every((arg, i) => arg === node.args[i])) return node;
  const [a, b] = [args[0]!, args[1]!];
  switch (node.op) {
    case 'symbol': case 'number': case 'ones': return node;
    case 'dimension': return dimension(node.name);
    case 'identity': return identity(node.shape.rows);
    case 'zero': return zero(node.shape);
    case 'commutation': return commutation(a);
    case 'add': return add(...args);
    case 'multiply': return isGrouped(node) ? group(multiply(...args)) : multiply(...args);
    case 'hadamard': return hadamard(...args);
    case 'kron': return kron(...args);
    case 'transpose': return transpose(a);
    case 'inverse': return inverse(a);
    case 'power': return args.length === 2 ? symbolicPower(a, b, true) : power(a, node.value);
    case 'matrixPower': return args.length === 2 ? symbolicPower(a, b, false) : matrixPower(a, node.value);
    case 'differential': return differential(a);
  }
  const definition = definitionOf(node);
  if (!definition) throw new Error(`rebuild: no definition for the operation ${node.op}`);
  return applyDefinition(definition, a);
}

/** The core operators that have function spellings (src/ops/core.ts), by op. */
export const CORE_CONSTRUCTORS: Readonly<Record<string, (...args: Expr[]) => Expr>> = {
  inverse, transpose, hadamard, kron, commutation: (x: Expr) => commutation(x), differential,
};

export type { Expr, Op };
