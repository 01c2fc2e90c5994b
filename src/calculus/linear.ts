// Which parts of a differential hold d(…): the "linear" parts that isolation and Jacobians
// pass derivatives through; everything else is a constant factor.

import { type Expr, memoize } from '../expr/node.js';
import type { MarkedClass } from '../rewrite/match.js';

export function linearity(): (e: Expr) => boolean {
  return memoize<boolean>((e, recurse) => e.op === 'differential' || e.args.some(recurse));
}

/** The class d(L) of isolation and Jacobian rules: a part that holds the differential. In
 *  a Kronecker product it takes the whole run after the constant factors (no rule names a
 *  factor in the middle of one). */
export function linearPart(isLinear: (e: Expr) => boolean): MarkedClass {
  return { wrapper: 'differential', accepts: isLinear, takesRest: KRON };
}
const KRON: ReadonlySet<string> = new Set(['kron']);
