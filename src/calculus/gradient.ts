// The gradient of a scalar expression w.r.t. a symbol: df, isolated as tr(Gᵀ dX); the
// layout and the convention for symmetric variables applied here. Simplification is the
// next stage (src/simplify), run by the caller.

import { MatcalcError } from '../errors.js';
import * as C from '../expr/construct.js';
import { shapeText } from '../expr/dims.js';
import { DIAGONAL, type Expr, ORTHOGONAL, postOrder, SYMMETRIC } from '../expr/node.js';
import { DEFAULT_LIMITS, type Limits, type RunReport, type Step } from '../rewrite/run.js';
import { dependence, differentiate } from './differential.js';
import { isolate } from './isolate.js';
import { beforeDifferentiation } from './prepare.js';

export type Layout = 'denominator' | 'numerator';
export type SymmetricConvention = 'symmetric' | 'entries';
export type Structure = 'diagonal' | 'orthogonal';

export interface GradientOptions {
  layout?: Layout;
  symmetricConvention?: SymmetricConvention;
  /** Limits of each pass (preparation pass, differentiation, isolation). */
  limits?: Limits;
}

export interface Gradient {
  readonly f: Expr;
  readonly x: Expr;
  readonly df: Expr;
  /** G as isolation gives it, in denominator layout, for the unconstrained variable. */
  readonly raw: Expr;
  /** The requested gradient (layout, symmetric convention), not yet simplified. */
  readonly gradient: Expr;
  /** Set when x is declared diagonal (the gradient is G ∘ I) or orthogonal (it is the
   *  Euclidean gradient, the constraint unused). */
  readonly structure?: Structure;
  /** Set when x is declared symmetric: which gradient the result is. */
  readonly convention?: SymmetricConvention;
  readonly steps: { readonly differential: readonly Step[]; readonly isolation: readonly Step[] };
  /** What each pass did and why it stopped. */
  readonly reports: readonly RunReport[];
}

export function gradient(f: Expr, x: Expr, options: GradientOptions = {}): Gradient {
  if (!C.isScalar(f)) {
    throw new MatcalcError('shape', `grad needs a scalar expression, but this one is ${shapeText(f.shape)}; for vector or matrix expressions use jacobian`);
  }
  // Scalar functions of A ⊗ B, det(X^k), diag(v)·w first become simpler ones (rules/prepare.rules).
  const limits = options.limits ?? DEFAULT_LIMITS;
  const prepared = beforeDifferentiation(f, limits);
  // A large result keeps its shared products grouped (linear in f); a small one is
  // derived flat, the form the simplifier turns into the textbook's.
  // (An expression smaller than GROUPED_INPUT has a gradient small enough to derive flat.)
  const input = prepared.expr;
  const large = input.size >= GROUPED_INPUT ? derive(input, x, true, limits) : undefined;
  // A grouped derivation that grouped nothing is the flat one: no need to derive twice.
  const keep = large && (large.raw.size >= GROUPED_FROM || (!holdsGroups(large.df) && !holdsGroups(large.raw)));
  const { df, raw, differentialSteps, isolationSteps, reports } = keep ? large : derive(input, x, false, limits);
  let g = raw;
  let convention: SymmetricConvention | undefined;
  let structure: Structure | undefined;
  if (x.props & DIAGONAL && !C.isScalar(x)) {
    // Only the diagonal of a diagonal matrix is free: the gradient lives there, G ∘ I.
    structure = 'diagonal';
    g = C.hadamard(g, C.identity(x.shape.rows));
  } else if (x.props & SYMMETRIC && !C.isScalar(x)) {
    // On symmetric matrices the gradient for the trace inner product is the symmetric
    // part; the Matrix Cookbook's entrywise form is G + Gᵀ − G∘I.
    convention = options.symmetricConvention ?? 'symmetric';
    g = convention === 'symmetric'
      ? C.multiply(C.number(0.5), C.add(g, C.transpose(g)))
      : C.subtract(C.add(g, C.transpose(g)), C.hadamard(g, C.identity(x.shape.rows)));
  }
  else if (x.props & ORTHOGONAL && !C.isScalar(x)) structure = 'orthogonal'; // Euclidean: said in a note
  if (options.layout === 'numerator') g = C.transpose(g);
  return {
    ...(structure ? { structure } : {}),
    f,
    x,
    df,
    raw,
    gradient: g,
    ...(convention ? { convention } : {}),
    steps: { differential: [...prepared.steps, ...differentialSteps], isolation: isolationSteps },
    reports: [...(prepared.report ? [prepared.report] : []), ...reports],
  };
}

/** Tree size of the raw gradient from which a derivation keeps its products grouped: up
 *  to it, the result printed in full is still a formula a reader takes in. */
export const GROUPED_FROM = 2_000;
/** Tree size of f below which the gradient is derived flat without trying: its flat
 *  gradient is at most quadratic in it, a few thousand nodes. */
const GROUPED_INPUT = 48;

interface Derivation {
  readonly df: Expr;
  readonly raw: Expr;
  readonly differentialSteps: readonly Step[];
  readonly isolationSteps: readonly Step[];
  readonly reports: readonly RunReport[];
}

function derive(f: Expr, x: Expr, grouped: boolean, limits: Limits): Derivation {
  const { df, steps: differentialSteps, report } = differentiate(grouped ? balanceProducts(f, x) : f, x, limits);
  const { gradient: raw, steps: isolationSteps, report: isolation } = isolate(df, x, { grouped, limits });
  return { df, raw, differentialSteps, isolationSteps, reports: [report, isolation] };
}

/** Long products that hold x become balanced trees of grouped halves, so that the product
 *  rule meets two factors at every level and each half is built once: d(F1⋯Fk) then costs
 *  O(k), not O(k log k) copies of sub-chains. */
export function balanceProducts(f: Expr, x: Expr): Expr {
  const depends = dependence(x);
  const tree = (chain: readonly Expr[]): Expr => {
    if (chain.length === 1) return chain[0]!;
    const half = Math.floor(chain.length / 2);
    return C.group(C.multiply(tree(chain.slice(0, half)), tree(chain.slice(half))));
  };
  const memo = new Map<number, Expr>();
  for (const node of postOrder(f)) {
    const args = node.args.map((a) => memo.get(a.id)!);
    let rebuilt = C.rebuild(node, args);
    if (rebuilt.op === 'multiply' && depends(node)) {
      const chain = rebuilt.args.filter((a) => !C.isScalar(a));
      if (chain.length >= BALANCE_FROM) rebuilt = C.multiply(...rebuilt.args.filter(C.isScalar), tree(chain));
    }
    memo.set(node.id, rebuilt);
  }
  return memo.get(f.id)!;
}

/** Products of fewer factors are differentiated as they stand. */
const BALANCE_FROM = 4;

function holdsGroups(e: Expr): boolean {
  return postOrder(e).some(C.isGrouped);
}
