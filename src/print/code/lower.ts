// Walks a planned expression DAG and asks a dialect how to spell each operation on
// operands of known kinds. What is shared across targets lives here: product chains
// folded pairwise (an inverse next to a factor becomes a solve), sums with their signs
// and broadcast scalars, temporaries referenced by name. Spelling is the dialect's.

import { MatcalcError } from '../../errors.js';
import { type Expr, postOrder, SPD, SYMMETRIC } from '../../expr/node.js';
import { broadcastAllowed, broadcastFactors, type Kind, kindOf, type Plan, productKind } from './plan.js';

/** Generated code for one value, with its kind and how tightly it binds. */
export interface Piece {
  readonly code: string;
  readonly kind: Kind;
  readonly prec: number;
}

/** Binding strengths shared by the emitters (Python's and TypeScript's agree on these). */
export const PREC = { add: 60, multiply: 70, unary: 80, power: 90, atom: 100 } as const;

export type LeafOp = 'identity' | 'ones' | 'zero' | 'commutation';

/** The spelling of a target language. Operands arrive with their kinds; results state theirs. */
export interface Dialect {
  /** Names the generated function must not give to parameters or temporaries. */
  readonly reserved: ReadonlySet<string>;
  number(value: number): Piece;
  variable(name: string, kind: Kind): Piece;
  /** The run-time size of a dimension, from the plan's sources. */
  size(plan: Plan, dim: string): string;
  leaf(op: LeafOp, sizes: readonly string[], kind: Kind): Piece;
  /** A scalar times a value of any kind. */
  scale(coefficient: Piece, value: Piece): Piece;
  negate(value: Piece): Piece;
  /** The matrix product of two non-scalar operands. */
  product(left: Piece, right: Piece, kind: Kind): Piece;
  /** inv(M)*right (inv(M)'*right when transposed), without forming the inverse. */
  solveLeft(matrix: Piece, transposed: boolean, right: Piece): Piece;
  /** inv(M), or inv(M)' when transposed. */
  inverse(matrix: Piece, transposed?: boolean): Piece;
  /** M's LU factors, for several solves with M (absent: the target has no such object). */
  factor?(matrix: Piece): Piece;
  /** inv(M)*right (inv(M)'*right when transposed) with M's factors from factor(). */
  solveFactored?(factors: Piece, transposed: boolean, right: Piece): Piece;
  /** a ± b; one of them may be a scalar broadcast over the other's kind. */
  add(a: Piece, b: Piece, subtract: boolean, kind: Kind): Piece;
  hadamard(a: Piece, b: Piece): Piece;
  kron(a: Piece, b: Piece, kind: Kind): Piece;
  /** base.^exponent, the exponent a scalar expression (x.^θ, a^x). */
  power(base: Piece, exponent: Piece, kind: Kind): Piece;
  /** Every remaining operation of one argument (transpose, inverse, tr, det, exp, …). */
  unary(node: Expr, arg: Piece): Piece;
  // Structure kept in products (no dense diagonal or permutation matrix is formed):
  /** diag(v)*m: the rows of m (a column or a matrix) scaled by v. */
  scaleRows(v: Piece, m: Piece): Piece;
  /** m*diag(v): the columns of m (a row or a matrix) scaled by v. */
  scaleColumns(m: Piece, v: Piece): Piece;
  /** K*m, K = K(rows, cols) (K vec(X) = vec(X') for X rows×cols): m's rows permuted. */
  permuteRows(m: Piece, rows: string, cols: string): Piece;
  /** m*K(rows, cols): m's columns permuted. */
  permuteColumns(m: Piece, rows: string, cols: string): Piece;
  /** m1*m2*…*mk (k ≥ 3 matrices), multiplied in the order their run-time sizes make cheapest. */
  multiDot?(factors: readonly Piece[]): Piece;
  /** The transpose of a value (a matrix's; a vector's kind flips). */
  transpose(p: Piece): Piece;
  /** tr(a*b) = sum(a' ∘ b), given a' and b: the product is never formed. */
  traceOfProduct(aTransposed: Piece, b: Piece): Piece;
  /** The sum of a vector's entries (ones'*v, v'*ones). */
  sumEntries(v: Piece): Piece;
  /** log det(X), spelled as the logdet function's table entry spells it. */
  logdet(m: Piece): Piece;
  /** K*(A ⊗ B) ('left') or (A ⊗ B)*K ('right') when K's sizes make it a transposition of
   *  the Kronecker product's factors: written in one pass, the product never formed. */
  commutedKron?(a: Piece, b: Piece, side: 'left' | 'right', sizes: { a: readonly [string, string]; b: readonly [string, string] }): Piece;
  /** (I_k ⊗ A)*m ('left', identity first), (A ⊗ I_k)*m, m*(I_k ⊗ A), m*(A ⊗ I_k) as
   *  reshapes and one product with A (A rows×cols); absent: the Kronecker product is formed. */
  kronIdentity?(a: Piece, sizes: { k: string; rows: string; cols: string }, identityFirst: boolean, side: 'left' | 'right', m: Piece): Piece;
}

/** The code of every temporary, of f and of its derivative, in the order they run. */
export interface Lowered {
  readonly temporaries: readonly { name: string; piece: Piece }[];
  /** How many of the temporaries come before f (the plan's, and those lowering named). */
  readonly valueTemporaries: number;
  readonly value: Piece;
  readonly derivative: Piece;
}

/** A product's factor: an expression, or a value already computed. */
type Item = Expr | { readonly piece: Piece };
const isExpr = (item: Item): item is Expr => !('piece' in item);
const kind = (item: Item): Kind => (isExpr(item) ? kindOf(item) : item.piece.kind);
/** A vector of ones (ones or ones'), whose product with a vector is a sum of entries. */
const isOnesVector = (e: Expr): boolean => (e.op === 'ones' || (e.op === 'transpose' && e.args[0]!.op === 'ones')) && kindOf(e) !== 'matrix';

/** Two passes: the first counts the solves the code would make, the second names each one
 *  made more than once (one solve, and so one factorisation, for all its uses) and gives a
 *  matrix solved with several right-hand sides one factorisation for all of them. */
export function lower(plan: Plan, dialect: Dialect): Lowered {
  const counts = new Map<string, number>();
  const solvedWith = new Map<string, Piece>();
  const systems = new Map<string, Set<string>>();
  let scratch = 0;
  const first = lowerWith(plan, dialect, { counts, repeated: new Set(), inverted: new Set(), factored: new Set(), solvedWith, systems, fresh: () => `\u0000${scratch++}` });
  const repeated = new Set([...counts].filter(([, n]) => n > 1).map(([key]) => key));
  const distinct = (matrix: string): number => systems.get(matrix)?.size ?? 0;
  // A matrix whose inverse the code forms anyway: its solves multiply by that inverse
  // (one factorisation for all of them, not one per solve). A target with no factors
  // object (NumPy without SciPy) forms the inverse from four distinct solves on: inv costs
  // an LU and n solves with it, ~(8/3)n³ against (2/3)n³ for each solve's own LU, and
  // multiplying by it costs what the triangular solves would.
  const code = [...first.temporaries.map((t) => t.piece.code), first.value.code, first.derivative.code].join('\n');
  const inverted = new Set([...solvedWith].filter(([key, matrix]) => code.includes(dialect.inverse(matrix).code) || (!dialect.factor && distinct(key) >= 4)).map(([key]) => key));
  const factored = new Set(dialect.factor ? [...solvedWith.keys()].filter((key) => !inverted.has(key) && distinct(key) >= 2) : []);
  return lowerWith(plan, dialect, { counts: new Map(), repeated, inverted, factored, solvedWith: new Map(), systems: new Map(), fresh: (base) => plan.fresh(base) });
}

interface Pass {
  /** How often each solve was asked for (filled by the counting pass). */
  readonly counts: Map<string, number>;
  /** The matrices solves were asked for with, by their code (filled by the counting pass). */
  readonly solvedWith: Map<string, Piece>;
  /** The distinct solves (orientation and right-hand side) asked for with each matrix. */
  readonly systems: Map<string, Set<string>>;
  /** Matrices whose inverse the code forms anyway: solved by multiplying with it. */
  readonly inverted: ReadonlySet<string>;
  /** Matrices solved with several right-hand sides: factored once (Dialect.factor). */
  readonly factored: ReadonlySet<string>;
  /** The solves to name: asked for more than once. */
  readonly repeated: ReadonlySet<string>;
  readonly fresh: (base: string) => string;
}

function lowerWith(plan: Plan, dialect: Dialect, pass: Pass): Lowered {
  const memo = new Map<Expr, Piece>();
  /** Temporaries lowering adds (a distributed sum's neighbour), in the order they run. */
  const added: { name: string; piece: Piece }[] = [];
  const statements: { name: string; piece: Piece }[] = [];
  /** A node as its operands see it: by name when it has one. */
  const use = (node: Expr): Piece => {
    const name = plan.names.get(node);
    return name !== undefined ? dialect.variable(name, kindOf(node)) : compute(node);
  };
  const compute = (node: Expr): Piece => {
    const known = memo.get(node);
    if (known) return known;
    const piece = spell(node);
    memo.set(node, piece);
    return piece;
  };
  const sizes = (node: Expr): string[] => {
    if (node.op === 'commutation') {
      const carrier = node.args[0]!;
      return [dialect.size(plan, carrier.shape.rows), dialect.size(plan, carrier.shape.cols)];
    }
    const kind = kindOf(node);
    return kind === 'matrix' ? [dialect.size(plan, node.shape.rows), dialect.size(plan, node.shape.cols)] : kind === 'row' ? [dialect.size(plan, node.shape.cols)] : kind === 'column' ? [dialect.size(plan, node.shape.rows)] : [];
  };

  /** A product of factors; `flip` negates it (a sum's subtracted term is spelled positive).
   *  A factor is an expression, or a value already computed (a distributed sum's neighbour). */
  const spellFactors = (factors: readonly Item[], flip: boolean): Piece => {
    let coefficient: Piece | undefined;
    let negative = flip;
    let numeric = 1; // the numbers among the factors, multiplied (0.5*2 is 1, written once)
    const chain: Item[] = [];
    for (const factor of factors) {
      if (!isExpr(factor) || kindOf(factor) !== 'scalar') chain.push(factor);
      else if (factor.op === 'number') {
        if (factor.value < 0) negative = !negative;
        numeric *= Math.abs(factor.value);
      } else coefficient = times(coefficient, use(factor));
    }
    if (numeric !== 1) coefficient = coefficient ? dialect.scale(dialect.number(numeric), coefficient) : dialect.number(numeric);
    const algebra = kronAlgebra(chain, factors.filter((f): f is Expr => isExpr(f) && kindOf(f) === 'scalar'));
    if (algebra) return algebra;
    // K*(A ⊗ B) and (A ⊗ B)*K in one pass; the scalars, if any, scale A.
    for (let i = 0; i + 1 < chain.length; i++) {
      const fused = commutedKron(chain[i]!, chain[i + 1]!, chain.length === 2 ? { coefficient, negative } : undefined);
      if (!fused) continue;
      chain.splice(i, 2, { piece: fused.piece });
      if (fused.scaled) (coefficient = undefined), (negative = false);
    }
    // A Kronecker product alone: the scalars scale its first operand, not the product.
    if ((coefficient || negative) && chain.length === 1 && isKronOfTwo(chain[0]!)) {
      const e = chain[0] as Expr;
      const a = scaleBy(use(e.args[0]!), coefficient, negative);
      const b = use(e.args[1]!);
      chain[0] = { piece: dialect.kron(a, b, kronKind(a.kind, b.kind)) };
      coefficient = undefined;
      negative = false;
    }
    // A matrix that is an outer product (u*v', A*u*v'): the scalars scale a vector operand,
    // not the matrix (2*u*x' as np.outer(2 * u, x)).
    const vector = chain.findIndex((item) => kind(item) === 'column' || kind(item) === 'row');
    const matrixResult = chain.length >= 2 && (kind(chain[0]!) === 'matrix' || kind(chain[0]!) === 'column') && (kind(chain[chain.length - 1]!) === 'matrix' || kind(chain[chain.length - 1]!) === 'row');
    if ((coefficient || negative) && matrixResult && vector >= 0) {
      const item = chain[vector]!;
      chain[vector] = { piece: scaleBy(isExpr(item) ? use(item) : item.piece, coefficient, negative) };
      coefficient = undefined;
      negative = false;
    }
    let result = chain.length > 0 ? foldChain(chain) : undefined;
    if (coefficient) result = result ? dialect.scale(coefficient, result) : coefficient;
    result ??= dialect.number(1);
    return negative ? dialect.negate(result) : result;
  };
  const times = (a: Piece | undefined, b: Piece): Piece => (a ? dialect.scale(a, b) : b);
  const scaleBy = (p: Piece, coefficient: Piece | undefined, negative: boolean): Piece => {
    const scaled = coefficient ? dialect.scale(coefficient, p) : p;
    return negative ? dialect.negate(scaled) : scaled;
  };
  const isKronOfTwo = (item: Item): item is Expr => isExpr(item) && item.op === 'kron' && item.args.length === 2 && !plan.names.has(item) && item.args.every((a) => kindOf(a) === 'matrix');
  /** K*(A ⊗ B) with K = K(rows(B), rows(A)), or (A ⊗ B)*K with K = K(cols(A), cols(B)). */
  const commutedKron = (left: Item, right: Item, scalars?: { coefficient: Piece | undefined; negative: boolean }): { piece: Piece; scaled: boolean } | undefined => {
    if (!dialect.commutedKron) return undefined;
    const isK = (item: Item): item is Expr => isExpr(item) && item.op === 'commutation' && !plan.names.has(item);
    const side = isK(left) && isKronOfTwo(right) ? 'left' : isKronOfTwo(left) && isK(right) ? 'right' : undefined;
    if (!side) return undefined;
    const [k, kron] = (side === 'left' ? [left, right] : [right, left]) as [Expr, Expr];
    const [m, n] = sizes(k) as [string, string];
    const dims = (e: Expr): [string, string] => [dialect.size(plan, e.shape.rows), dialect.size(plan, e.shape.cols)];
    const [a, b] = [dims(kron.args[0]!), dims(kron.args[1]!)];
    const fits = side === 'left' ? m === b[0] && n === a[0] : m === a[1] && n === b[1];
    if (!fits) return undefined;
    const scaled = scalars !== undefined && (scalars.coefficient !== undefined || scalars.negative);
    const first = scaled ? scaleBy(use(kron.args[0]!), scalars.coefficient, scalars.negative) : use(kron.args[0]!);
    return { piece: dialect.commutedKron(first, use(kron.args[1]!), side, { a, b }), scaled };
  };

  /** Kronecker products combined before anything is formed. (A ⊗ B)*K*(C ⊗ D) is
   *  K'*((B*C) ⊗ (A*D)), one broadcast product, since (A ⊗ B)*K(Y) = K(A*Y*B')*(B ⊗ A) for Y
   *  cols(A)×cols(B); (A ⊗ B)*(C ⊗ D) is (A*C) ⊗ (B*D); K*Σ(A ⊗ B) and Σ(A ⊗ B)*K are sums
   *  of broadcast products. A left factor that is a sum of (scalar multiples of) Kronecker
   *  products goes term by term, so the right factor is never formed and never multiplied:
   *  two n²×n² broadcasts are n⁴ work where applying I ⊗ A to the formed product is n⁵ (the
   *  tr(inv X) and Gaussian Hessians). Undefined unless the sizes fit factor by factor.
   *  `scalars` are the product's scalar factors, applied to each term's smallest operand. */
  const kronAlgebra = (chain: readonly Item[], scalars: readonly Expr[]): Piece | undefined => {
    if (chain.length < 2 || chain.length > 3 || !chain.every(isExpr)) return undefined;
    const factors = chain as Expr[];
    const isK = (e: Expr): boolean => e.op === 'commutation' && !plan.names.has(e) && dialect.commutedKron !== undefined;
    const dims = (e: Expr): [string, string] => [dialect.size(plan, e.shape.rows), dialect.size(plan, e.shape.cols)];
    const sumOfKrons = (e: Expr) => {
      const terms = (e.op === 'add' && !plan.names.has(e) ? e.args : [e]).map(kronTerm);
      return terms.every((t) => t !== undefined) ? terms : undefined;
    };
    type Term = NonNullable<ReturnType<typeof kronTerm>>;
    /** One pair of terms' piece, spelled positive. */
    let each: ((left: Term, right: Term, subtract: boolean) => Piece | undefined) | undefined;
    let pairs: [Term, Term][] | undefined;
    /** Every term of one factor with every term of the other (at most four pairs). */
    const pairsOf = (l: Expr, r: Expr): [Term, Term][] | undefined => {
      const [ls, rs] = [sumOfKrons(l), sumOfKrons(r)];
      return ls && rs && ls.length * rs.length <= 4 ? ls.flatMap((x) => rs.map((y): [Term, Term] => [x, y])) : undefined;
    };
    const [first, second, third] = factors;
    if (factors.length === 3 ? isK(second!) : first!.op !== 'commutation' && second!.op !== 'commutation') {
      // (A ⊗ B)*K*(C ⊗ D) and (A ⊗ B)*(C ⊗ D)
      const k = factors.length === 3 ? second! : undefined;
      pairs = pairsOf(first!, (third ?? second)!);
      /** x*y with the scalars, an identity factor dropped. */
      const product = (extra: readonly Expr[], x: Expr, y: Expr, flip: boolean): Piece =>
        spellFactors([...extra, ...(x.op === 'identity' ? [] : [x]), ...(y.op === 'identity' && x.op !== 'identity' ? [] : [y])], flip);
      each = ({ scalars: own, a, b }, { scalars: theirs, a: c, b: d }, subtract) => {
        const [da, db, dc, dd] = [dims(a), dims(b), dims(c), dims(d)];
        const extra = [...scalars, ...own, ...theirs];
        if (k) {
          const kSizes = sizes(k);
          if (kSizes[0] !== da[1] || kSizes[1] !== db[1] || db[1] !== dc[0] || da[1] !== dd[0]) return undefined;
          return dialect.commutedKron!(product(extra, b, c, subtract), product([], a, d, false), 'left', { a: [db[0], dc[1]], b: [da[0], dd[1]] });
        }
        if (da[1] !== dc[0] || db[1] !== dd[0]) return undefined;
        const ac = product(extra, a, c, subtract);
        const bd = product([], b, d, false);
        return dialect.kron(ac, bd, kronKind(ac.kind, bd.kind));
      };
    } else if (factors.length === 2 && (isK(first!) || isK(second!)) && (isK(first!) ? second! : first!).op === 'add') {
      // K*Σ(A ⊗ B), Σ(A ⊗ B)*K: each term with K is one broadcast product.
      const kFirst = isK(first!);
      const terms = sumOfKrons(kFirst ? second! : first!);
      const k = kFirst ? first! : second!;
      pairs = terms?.map((t): [Term, Term] => [t, t]);
      each = ({ scalars: own, kron }, _, subtract) => {
        const fused = commutedKron(kFirst ? k : kron, kFirst ? kron : k, undefined);
        return fused ? spellFactors([...scalars, ...own, { piece: fused.piece }], subtract) : undefined;
      };
    }
    if (!each || !pairs) return undefined;
    const negatives = (list: readonly Expr[]): number => list.filter((f) => f.op === 'number' && f.value < 0).length;
    let result: Piece | undefined;
    for (const [l, r] of pairs) {
      const subtract = (negatives(scalars) + negatives(l.scalars) + (l === r ? 0 : negatives(r.scalars))) % 2 === 1;
      const piece = each(l, r, subtract);
      if (!piece) return undefined;
      result = result ? dialect.add(result, piece, subtract, 'matrix') : subtract ? dialect.negate(piece) : piece;
    }
    return result;
  };
  /** A term c*(A ⊗ B): its scalar factors and the product's two matrices. */
  const kronTerm = (term: Expr): { scalars: readonly Expr[]; kron: Expr; a: Expr; b: Expr } | undefined => {
    // A named product is read through its factors here (its own value, if nothing else
    // reads it, is dropped).
    const pair = (e: Expr): boolean => e.op === 'kron' && e.args.length === 2 && e.args.every((a) => kindOf(a) === 'matrix');
    if (term.op === 'kron') return pair(term) ? { scalars: [], kron: term, a: term.args[0]!, b: term.args[1]! } : undefined;
    if (term.op !== 'multiply' || plan.names.has(term)) return undefined;
    const scalars = term.args.filter((f) => kindOf(f) === 'scalar');
    const rest = term.args.filter((f) => kindOf(f) !== 'scalar');
    const kron: Expr | undefined = rest.length === 1 ? rest[0] : undefined;
    return kron && pair(kron) ? { scalars, kron, a: kron.args[0]!, b: kron.args[1]! } : undefined;
  };

  /** A factor of a product that is applied to its neighbour, never formed: an inverse
   *  (solved against it), diag(v) (a scaling), a commutation matrix (a permutation), a sum
   *  of diag(v)s and outer products, with at most one other term (distributed over the
   *  neighbour). */
  interface Operator {
    /** factor * m */
    left(m: Piece): Piece;
    /** m * factor */
    right(m: Piece): Piece;
    /** Its value, when there is nothing to apply it to. */
    alone(): Piece;
    /** diag(v): applying it is a scaling, cheaper than any other operator's application. */
    readonly scaling?: boolean;
    /** A sum applied term by term: times another operator (this*other when `side` is
     *  'left'), each term applies that operator to its own factors, so neither is formed
     *  ((a*b' + c*d')*inv(X) is a*(b'*inv(X)) + c*(d'*inv(X)): two solves with vectors). */
    distributes?(other: Expr, side: 'left' | 'right'): Piece;
  }
  const operatorOf = (e: Expr): Operator | undefined => {
    if (plan.names.has(e)) return undefined;
    if (e.op === 'inverse' || (e.op === 'transpose' && e.args[0]!.op === 'inverse' && !plan.names.has(e.args[0]!))) {
      const transposed = e.op === 'transpose';
      const matrix = use(matrixOf(e));
      // A symmetric M: inv(M)' = inv(M), so no transposed system is ever solved.
      const symmetric = (matrixOf(e).props & (SYMMETRIC | SPD)) !== 0;
      const left = symmetric ? false : transposed;
      // m*inv(M) = (inv(M)'*m')': one kind of solve, so equal solves are recognised as such.
      const right = symmetric ? true : transposed;
      return { left: (m) => solve(matrix, left, m), right: (m) => dialect.transpose(solve(matrix, !right, dialect.transpose(m))), alone: () => inverseOf(matrix, transposed) };
    }
    if (e.op === 'diagMatrix' && kindOf(e.args[0]!) === 'column') {
      const v = use(e.args[0]!);
      return { left: (m) => dialect.scaleRows(v, m), right: (m) => dialect.scaleColumns(m, v), alone: () => compute(e), scaling: true };
    }
    if (e.op === 'commutation') {
      const [rows, cols] = sizes(e) as [string, string];
      return { left: (m) => dialect.permuteRows(m, rows, cols), right: (m) => dialect.permuteColumns(m, rows, cols), alone: () => compute(e) };
    }
    if (e.op === 'kron' && e.args.length === 2 && dialect.kronIdentity) {
      const identityFirst = e.args[0]!.op === 'identity';
      const [identity, a] = identityFirst ? [e.args[0]!, e.args[1]!] : [e.args[1]!, e.args[0]!];
      if (identity.op !== 'identity' || kindOf(a) !== 'matrix') return undefined;
      const size = { k: sizes(identity)[0]!, rows: dialect.size(plan, a.shape.rows), cols: dialect.size(plan, a.shape.cols) };
      const spelled = use(a);
      const apply = dialect.kronIdentity.bind(dialect);
      return { left: (m) => apply(spelled, size, identityFirst, 'left', m), right: (m) => apply(spelled, size, identityFirst, 'right', m), alone: () => compute(e) };
    }
    if (e.op === 'add' && e.args.filter((t) => !appliedTerm(t)).length <= 1) {
      // (diag(s) - s*s')*m = diag(s)*m - s*(s'*m): each term applied to m (named once).
      // One term that is not cheap to apply may be among them: (A + diag(s))*m as A*m + s ∘ m
      // is one product with m, as forming the sum would be, and no diagonal is formed.
      const distribute = (m: Piece | Expr, side: 'left' | 'right'): Piece => {
        // A computed neighbour is named once for all the terms; an operator is applied by each.
        const shared: Item = !('code' in m) ? m : { piece: m.prec === PREC.atom && /^[A-Za-z_]\w*$/.test(m.code) ? m : name(m) };
        let result: Piece | undefined;
        for (const term of e.args) {
          const negative = term.op === 'multiply' && term.args[0]!.op === 'number' && term.args[0]!.value < 0;
          const factors: Item[] = term.op === 'multiply' ? [...term.args] : [term];
          const piece = spellFactors(side === 'left' ? [...factors, shared] : [shared, ...factors], negative);
          result = result ? dialect.add(result, piece, negative, piece.kind) : negative ? dialect.negate(piece) : piece;
        }
        return result!;
      };
      return { left: (m) => distribute(m, 'left'), right: (m) => distribute(m, 'right'), alone: () => compute(e), distributes: (other, side) => distribute(other, side) };
    }
    return undefined;
  };
  /** A term cheap to apply: an operator factor (diag(v), I ⊗ A, …), a product of them,
   *  or an outer product u*v' (times scalars). */
  const appliedTerm = (term: Expr): boolean => {
    if (plan.names.has(term)) return false;
    if (term.op !== 'multiply') return term.op !== 'add' && operatorOf(term) !== undefined;
    const chain = term.args.filter((f) => kindOf(f) !== 'scalar');
    if (chain.length === 2 && kindOf(chain[0]!) === 'column' && kindOf(chain[1]!) === 'row') return true;
    return chain.length > 0 && chain.every((f) => f.op !== 'add' && operatorOf(f) !== undefined);
  };
  /** A computed value given a name of its own (a temporary lowering adds). */
  const name = (m: Piece, base = 'u'): Piece => {
    const variable = pass.fresh(base);
    added.push({ name: variable, piece: m });
    return dialect.variable(variable, m.kind);
  };
  const matrixOf = (inverse: Expr): Expr => (inverse.op === 'transpose' ? inverse.args[0]!.args[0]! : inverse.args[0]!);
  /** inv(M)*m (inv(M)'*m when transposed) as a solve; one asked for twice is named once. */
  const solved = new Map<string, Piece>();
  /** inv(M) (or its transpose): named once when its solves multiply by it. */
  const inverses = new Map<string, Piece>();
  const inverseOf = (matrix: Piece, transposed = false): Piece => {
    if (!pass.inverted.has(matrix.code)) return dialect.inverse(matrix, transposed);
    let inverse = inverses.get(matrix.code);
    if (!inverse) inverses.set(matrix.code, (inverse = name(dialect.inverse(matrix), 'inverse')));
    return transposed ? dialect.transpose(inverse) : inverse;
  };
  /** M's factors, named once for all its solves. */
  const factors = new Map<string, Piece>();
  const factorsOf = (matrix: Piece): Piece => {
    let known = factors.get(matrix.code);
    if (!known) factors.set(matrix.code, (known = name(dialect.factor!(matrix), 'factors')));
    return known;
  };
  const solve = (matrix: Piece, transposed: boolean, right: Piece): Piece => {
    pass.solvedWith.set(matrix.code, matrix);
    const key = `${matrix.code}\u0000${transposed}\u0000${right.code}`;
    pass.counts.set(key, (pass.counts.get(key) ?? 0) + 1);
    if (!pass.systems.has(matrix.code)) pass.systems.set(matrix.code, new Set());
    pass.systems.get(matrix.code)!.add(key);
    const known = solved.get(key);
    if (known) return known;
    const inverse = pass.inverted.has(matrix.code) ? inverseOf(matrix, transposed) : undefined;
    const piece = inverse
      ? dialect.product(inverse, right, productKind(inverse.kind, right.kind))
      : pass.factored.has(matrix.code)
        ? dialect.solveFactored!(factorsOf(matrix), transposed, right)
        : dialect.solveLeft(matrix, transposed, right);
    if (!pass.repeated.has(key)) return piece;
    const named = name(piece);
    solved.set(key, named);
    return named;
  };

  const foldChain = (chain: readonly Item[]): Piece => {
    // Three or more matrices and nothing applied among them: the order of the products by
    // their sizes, known only when the code runs (np.linalg.multi_dot's dynamic programme).
    // With a vector at an end the fold below starts from it, which is the cheapest order.
    const plain = (f: Item): boolean => kind(f) === 'matrix' && !(isExpr(f) && (isOnesVector(f) || operatorOf(f)));
    if (chain.length >= 3 && dialect.multiDot && chain.every(plain)) return dialect.multiDot(chain.map((f) => (isExpr(f) ? use(f) : f.piece)));
    // An outer product inside the chain: A*x*y'*B as (A*x)*(y'*B), two matrix-vector
    // products, not a product with the n×n matrix x*y'.
    const split = chain.findIndex((f, i) => i + 1 < chain.length && kind(f) === 'column' && kind(chain[i + 1]!) === 'row');
    if (split >= 0 && chain.length > 2) {
      const [left, right] = [foldChain(chain.slice(0, split + 1)), foldChain(chain.slice(split + 1))];
      return dialect.product(left, right, productKind(left.kind, right.kind));
    }
    // Right to left when the chain ends in a column (A*B*x: matrix-vector products only),
    // left to right when it starts with a row and does not (x'*A*B).
    const leftToRight = kind(chain[0]!) === 'row' && kind(chain[chain.length - 1]!) !== 'column';
    let acc: Piece | undefined;
    let accIsOnes = false;
    let pending: Operator | undefined; // an operator at the chain's end, waiting for a neighbour
    let pendingFactor: Expr | undefined;
    for (const factor of leftToRight ? chain : [...chain].reverse()) {
      const operator = isExpr(factor) ? operatorOf(factor) : undefined;
      if (operator && isExpr(factor)) {
        // Two operators meet and one is a sum applied term by term: it takes the other in
        // each term. (Going left to right the pending operator stands on the left.)
        if (pending && pendingFactor && (pending.distributes || operator.distributes)) {
          const [left, right, leftFactor, rightFactor] = leftToRight ? [pending, operator, pendingFactor, factor] : [operator, pending, factor, pendingFactor];
          acc = left.distributes ? left.distributes(rightFactor, 'left') : right.distributes!(leftFactor, 'right');
          pending = pendingFactor = undefined;
          accIsOnes = false;
          continue;
        }
        // Two operators meet with nothing to apply them to: one is formed. A scaling
        // (diag(v)) is applied to the other, formed (its rows or columns scaled), rather than
        // formed itself as a dense n×n matrix.
        if (pending?.scaling && !operator.scaling) {
          acc = leftToRight ? pending.left(operator.alone()) : pending.right(operator.alone());
          pending = undefined;
          accIsOnes = false;
          continue;
        }
        if (pending) (acc = pending.alone()), (pending = undefined);
        if (acc) acc = leftToRight ? operator.right(acc) : operator.left(acc);
        else (pending = operator), (pendingFactor = factor);
        accIsOnes = false;
        continue;
      }
      const piece = isExpr(factor) ? use(factor) : factor.piece;
      const ones = isExpr(factor) && isOnesVector(factor);
      const inner = acc !== undefined && (leftToRight ? isInner(acc, piece) : isInner(piece, acc));
      if (pending) acc = leftToRight ? pending.left(piece) : pending.right(piece);
      else if (!acc) acc = piece;
      // ones'*v and v'*ones: a sum of entries, not a product with a vector of ones.
      else if (ones && inner) acc = dialect.sumEntries(acc);
      else if (accIsOnes && inner) acc = dialect.sumEntries(piece);
      else acc = leftToRight ? dialect.product(acc, piece, productKind(acc.kind, piece.kind)) : dialect.product(piece, acc, productKind(piece.kind, acc.kind));
      accIsOnes = ones && !pending && acc === piece;
      pending = undefined;
    }
    return pending ? pending.alone() : acc!;
  };
  const isInner = (left: Piece, right: Piece): boolean => left.kind === 'row' && right.kind === 'column';

  /** tr(F1*F2*…): sum(F1' ∘ (F2*…)), the product never formed (F1' read as X for F1 = X'). */
  const spellTrace = (node: Expr): Piece | undefined => {
    const product = node.args[0]!;
    if (plan.names.has(product) || product.op !== 'multiply') return undefined;
    const scalars = product.args.filter((f) => kindOf(f) === 'scalar');
    const chain = product.args.filter((f) => kindOf(f) !== 'scalar');
    if (chain.length < 2 || kindOf(chain[0]!) !== 'matrix' || operatorOf(chain[0]!)) return undefined;
    const first = chain[0]!;
    const firstTransposed = first.op === 'transpose' && !plan.names.has(first) ? use(first.args[0]!) : dialect.transpose(use(first));
    const rest = spellFactors(chain.slice(1), false);
    const trace = dialect.traceOfProduct(firstTransposed, rest);
    return scalars.length > 0 ? spellFactors([...scalars, { piece: trace }], false) : trace;
  };

  const spellSum = (node: Expr): Piece => {
    const kind = kindOf(node);
    let result: Piece | undefined;
    const allowed = broadcastAllowed(node, (term) => plan.names.has(term) || broadcastFactors(term) === undefined);
    for (const term of node.args) {
      const named = plan.names.has(term);
      const subtract = !named && term.op === 'multiply' && term.args[0]!.op === 'number' && term.args[0]!.value < 0;
      const broadcast = named || !allowed ? undefined : broadcastFactors(term);
      const piece = named ? use(term) : broadcast ? spellFactors(broadcast, subtract) : term.op === 'multiply' ? spellFactors(term.args, subtract) : use(term);
      result = result ? dialect.add(result, piece, subtract, kind) : subtract ? dialect.negate(piece) : piece;
    }
    return result!;
  };

  const spell = (node: Expr): Piece => {
    switch (node.op) {
      case 'symbol': return use(node);
      case 'number': return dialect.number(node.value);
      case 'identity': case 'ones': case 'zero': case 'commutation': return dialect.leaf(node.op, sizes(node), kindOf(node));
      case 'dimension': {
        const code = dialect.size(plan, node.name);
        return { code, kind: 'scalar', prec: /^[\w.[\]]+$/.test(code) ? PREC.atom : PREC.multiply };
      }
      case 'multiply': return spellFactors(node.args, false);
      case 'trace': return spellTrace(node) ?? dialect.unary(node, use(node.args[0]!));
      case 'add': return spellSum(node);
      case 'hadamard': return node.args.map(use).reduce((a, b) => dialect.hadamard(a, b));
      case 'kron': {
        let acc = use(node.args[0]!);
        for (const arg of node.args.slice(1)) {
          const next = use(arg);
          acc = dialect.kron(acc, next, kronKind(acc.kind, next.kind));
        }
        return acc;
      }
      case 'inverse': return kindOf(node) === 'matrix' ? inverseOf(use(node.args[0]!)) : dialect.unary(node, use(node.args[0]!));
      case 'differential': throw new MatcalcError('unsupported', 'a differential cannot be turned into code');
      case 'power':
        if (node.args.length === 2) return dialect.power(use(node.args[0]!), use(node.args[1]!), kindOf(node));
        return dialect.unary(node, use(node.args[0]!));
      default:
        if (node.args.length !== 1) throw new MatcalcError('unsupported', `no code for the operation ${node.op}`);
        // log(det(X)) as logdet(X): one factorisation, and no overflow of det itself.
        if (node.op === 'apply' && node.name === 'log' && node.args[0]!.op === 'det' && !plan.names.has(node.args[0]!)) return dialect.logdet(use(node.args[0]!.args[0]!));
        return dialect.unary(node, use(node.args[0]!));
    }
  };

  // Children first, so that spelling a deep expression never recurses deeply.
  const warm = (root: Expr): void => {
    for (const node of postOrder(root, (n) => n === root || !plan.names.has(n))) if (!plan.names.has(node) || node === root) compute(node);
  };
  // Each statement after the temporaries lowering added while computing it.
  const statement = (name: string, piece: Piece): void => {
    statements.push(...added.splice(0), { name, piece });
  };
  const valueNodes = plan.temporaries.slice(0, plan.valueTemporaries);
  const after = plan.temporaries.slice(plan.valueTemporaries);
  for (const node of valueNodes) {
    warm(node);
    statement(plan.names.get(node)!, compute(node));
  }
  warm(plan.spec.value);
  const value = compute(plan.spec.value);
  statements.push(...added.splice(0));
  const valueTemporaries = statements.length;
  for (const node of after) {
    warm(node);
    statement(plan.names.get(node)!, compute(node));
  }
  warm(plan.spec.derivative);
  const derivative = compute(plan.spec.derivative);
  statements.push(...added.splice(0));
  return dropUnread({ temporaries: statements, valueTemporaries, value, derivative });
}

/** Lowering spells some pieces it then does not use (a product a trace reads otherwise, a
 *  Kronecker product read through its factors): a temporary no later statement reads is
 *  dropped. */
function dropUnread(lowered: Lowered): Lowered {
  const kept: { name: string; piece: Piece }[] = [];
  let valueTemporaries = lowered.valueTemporaries;
  let later = `${lowered.value.code}\n${lowered.derivative.code}`;
  for (let i = lowered.temporaries.length - 1; i >= 0; i--) {
    const statement = lowered.temporaries[i]!;
    // Not \b: the counting pass's scratch names start with \u0000, no word character.
    if (!new RegExp(`(?<!\\w)${statement.name.replace(/[^\w]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}(?!\\w)`).test(later)) {
      if (i < lowered.valueTemporaries) valueTemporaries--;
      continue;
    }
    kept.unshift(statement);
    later += `\n${statement.piece.code}`;
  }
  return { ...lowered, temporaries: kept, valueTemporaries };
}

/** The kind of a Kronecker product: rows multiply, columns multiply. */
function kronKind(a: Kind, b: Kind): Kind {
  const rowsOne = (k: Kind): boolean => k === 'scalar' || k === 'row';
  const colsOne = (k: Kind): boolean => k === 'scalar' || k === 'column';
  const r = rowsOne(a) && rowsOne(b);
  const c = colsOne(a) && colsOne(b);
  return r && c ? 'scalar' : c ? 'column' : r ? 'row' : 'matrix';
}
