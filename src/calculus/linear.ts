// Which parts of a differential hold d(…): the "linear" parts that isolation and Jacobians
// pass derivatives through; everything else is a constant factor.

import { type Expr, memoize } from '../expr/node.js';

export function linearity(): (e: Expr) => boolean {
  return memoize<boolean>((e, recurse) => e.op === 'differential' || e.args.some(recurse));
}
