// The gradient of a scalar expression w.r.t. a symbol: df, isolated as tr(Gᵀ dX); the
// layout and the convention for symmetric variables applied here. Simplification is the
// next stage (src/simplify), run by the caller.

import { MatcalcError } from '../errors.js';
import * as C from '../expr/construct.js';
import { shapeText } from '../expr/dims.js';
import { type Expr, postOrder, SYMMETRIC } from '../expr/node.js';
import { rewriteBottomUp, type Step } from '../rewrite/engine.js';
import { rules } from '../rewrite/library.js';
import { differentiate } from './differential.js';
import { isolate } from './isolate.js';

export type Layout = 'denominator' | 'numerator';
export type SymmetricConvention = 'symmetric' | 'entries';

export interface GradientOptions {
  layout?: Layout;
  symmetricConvention?: SymmetricConvention;
}

export interface Gradient {
  readonly f: Expr;
  readonly x: Expr;
  readonly df: Expr;
  /** G as isolation gives it, in denominator layout, for the unconstrained variable. */
  readonly raw: Expr;
  /** The requested gradient (layout, symmetric convention), not yet simplified. */
  readonly gradient: Expr;
  /** Set when x is declared symmetric: which gradient the result is. */
  readonly convention?: SymmetricConvention;
  readonly steps: { readonly differential: readonly Step[]; readonly isolation: readonly Step[] };
}

export function gradient(f: Expr, x: Expr, options: GradientOptions = {}): Gradient {
  if (!C.isScalar(f)) {
    throw new MatcalcError('shape', `grad needs a scalar expression, but this one is ${shapeText(f.shape)}; for vector or matrix expressions use jacobian`);
  }
  // Scalar functions of A ⊗ B reduce to functions of A and B first (rules/kron.rules).
  const prepared = hasKron(f) ? rewriteBottomUp(f, rules('kron')) : undefined;
  const { df, steps: differentialSteps } = differentiate(prepared?.expr ?? f, x);
  const { gradient: raw, steps: isolationSteps } = isolate(df, x);
  let g = raw;
  let convention: SymmetricConvention | undefined;
  if (x.props & SYMMETRIC && !C.isScalar(x)) {
    // On symmetric matrices the gradient for the trace inner product is the symmetric
    // part; the Matrix Cookbook's entrywise form is G + Gᵀ − G∘I.
    convention = options.symmetricConvention ?? 'symmetric';
    g = convention === 'symmetric'
      ? C.multiply(C.number(0.5), C.add(g, C.transpose(g)))
      : C.subtract(C.add(g, C.transpose(g)), C.hadamard(g, C.identity(x.shape.rows)));
  }
  if (options.layout === 'numerator') g = C.transpose(g);
  return {
    f,
    x,
    df,
    raw,
    gradient: g,
    ...(convention ? { convention } : {}),
    steps: { differential: [...(prepared?.steps ?? []), ...differentialSteps], isolation: isolationSteps },
  };
}

function hasKron(e: Expr): boolean {
  return postOrder(e).some((n) => n.op === 'kron');
}
