// Walks a planned expression DAG and asks a dialect how to spell each operation on
// operands of known kinds. What is shared across targets lives here: product chains
// folded pairwise (an inverse next to a factor becomes a solve), sums with their signs
// and broadcast scalars, temporaries referenced by name. Spelling is the dialect's.

import { MatcalcError } from '../../errors.js';
import { type Expr, postOrder } from '../../expr/node.js';
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
  /** left*inv(M) (left*inv(M)' when transposed), without forming the inverse. */
  solveRight(left: Piece, matrix: Piece, transposed: boolean): Piece;
  /** inv(M), or inv(M)' when transposed. */
  inverse(matrix: Piece, transposed?: boolean): Piece;
  /** a ± b; one of them may be a scalar broadcast over the other's kind. */
  add(a: Piece, b: Piece, subtract: boolean, kind: Kind): Piece;
  hadamard(a: Piece, b: Piece): Piece;
  kron(a: Piece, b: Piece, kind: Kind): Piece;
  /** base.^exponent, the exponent a scalar expression (x.^θ, a^x). */
  power(base: Piece, exponent: Piece, kind: Kind): Piece;
  /** Every remaining operation of one argument (transpose, inverse, tr, det, exp, …). */
  unary(node: Expr, arg: Piece): Piece;
}

/** The code of every temporary, of f and of its derivative, in the order they run. */
export interface Lowered {
  readonly temporaries: readonly { name: string; piece: Piece }[];
  readonly value: Piece;
  readonly derivative: Piece;
}

export function lower(plan: Plan, dialect: Dialect): Lowered {
  const memo = new Map<Expr, Piece>();
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

  /** A product of factors; `flip` negates it (a sum's subtracted term is spelled positive). */
  const spellFactors = (factors: readonly Expr[], flip: boolean): Piece => {
    let coefficient: Piece | undefined;
    let negative = flip;
    const chain: Expr[] = [];
    for (const factor of factors) {
      if (kindOf(factor) !== 'scalar') chain.push(factor);
      else if (factor.op === 'number' && factor.value < 0) {
        negative = !negative;
        if (factor.value !== -1) coefficient = times(coefficient, dialect.number(-factor.value));
      } else coefficient = times(coefficient, use(factor));
    }
    let result = chain.length > 0 ? foldChain(chain) : undefined;
    if (coefficient) result = result ? dialect.scale(coefficient, result) : coefficient;
    result ??= dialect.number(1);
    return negative ? dialect.negate(result) : result;
  };
  const times = (a: Piece | undefined, b: Piece): Piece => (a ? dialect.scale(a, b) : b);
  /** An inverse (or its transpose) without a name of its own is solved against its
   *  neighbour: which matrix, and whether transposed. */
  const inlineInverse = (e: Expr): { matrix: Expr; transposed: boolean } | undefined => {
    if (plan.names.has(e)) return undefined;
    if (e.op === 'inverse') return { matrix: e.args[0]!, transposed: false };
    if (e.op === 'transpose' && e.args[0]!.op === 'inverse' && !plan.names.has(e.args[0]!)) return { matrix: e.args[0]!.args[0]!, transposed: true };
    return undefined;
  };

  const foldChain = (chain: readonly Expr[]): Piece => {
    // Right to left when the chain ends in a column (A*B*x: matrix-vector products only),
    // left to right when it starts with a row and does not (x'*A*B).
    const leftToRight = kindOf(chain[0]!) === 'row' && kindOf(chain[chain.length - 1]!) !== 'column';
    let acc: Piece | undefined;
    let pending: { matrix: Piece; transposed: boolean } | undefined; // an inverse waiting for a neighbour
    for (const factor of leftToRight ? chain : [...chain].reverse()) {
      const inverted = inlineInverse(factor);
      if (inverted) {
        const matrix = use(inverted.matrix);
        if (pending) (acc = dialect.inverse(pending.matrix, pending.transposed)), (pending = undefined);
        if (acc) acc = leftToRight ? dialect.solveRight(acc, matrix, inverted.transposed) : dialect.solveLeft(matrix, inverted.transposed, acc);
        else pending = { matrix, transposed: inverted.transposed };
        continue;
      }
      const piece = use(factor);
      if (pending) acc = leftToRight ? dialect.solveLeft(pending.matrix, pending.transposed, piece) : dialect.solveRight(piece, pending.matrix, pending.transposed);
      else if (!acc) acc = piece;
      else acc = leftToRight ? dialect.product(acc, piece, productKind(acc.kind, piece.kind)) : dialect.product(piece, acc, productKind(piece.kind, acc.kind));
      pending = undefined;
    }
    return pending ? dialect.inverse(pending.matrix, pending.transposed) : acc!;
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
      case 'multiply': return spellFactors(node.args, false);
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
      case 'differential': throw new MatcalcError('unsupported', 'a differential cannot be turned into code');
      case 'power':
        if (node.args.length === 2) return dialect.power(use(node.args[0]!), use(node.args[1]!), kindOf(node));
        return dialect.unary(node, use(node.args[0]!));
      default:
        if (node.args.length !== 1) throw new MatcalcError('unsupported', `no code for the operation ${node.op}`);
        return dialect.unary(node, use(node.args[0]!));
    }
  };

  // Children first, so that spelling a deep expression never recurses deeply.
  const warm = (root: Expr): void => {
    for (const node of postOrder(root, (n) => n === root || !plan.names.has(n))) if (!plan.names.has(node) || node === root) compute(node);
  };
  const temporaries = plan.temporaries.map((node) => {
    warm(node);
    return { name: plan.names.get(node)!, piece: compute(node) };
  });
  warm(plan.spec.value);
  const value = compute(plan.spec.value);
  warm(plan.spec.derivative);
  const derivative = compute(plan.spec.derivative);
  return { temporaries, value, derivative };
}

/** The kind of a Kronecker product: rows multiply, columns multiply. */
function kronKind(a: Kind, b: Kind): Kind {
  const rowsOne = (k: Kind): boolean => k === 'scalar' || k === 'row';
  const colsOne = (k: Kind): boolean => k === 'scalar' || k === 'column';
  const r = rowsOne(a) && rowsOne(b);
  const c = colsOne(a) && colsOne(b);
  return r && c ? 'scalar' : c ? 'column' : r ? 'row' : 'matrix';
}
