// Builds a rule's right side from bindings, through the smart constructors (so shapes
// are checked and trivial simplifications done). A `d(…)` in the template is handed to
// the caller: the differential engine recurses there.

import * as C from '../expr/construct.js';
import { type Dim, productDim } from '../expr/dims.js';
import type { Expr } from '../expr/node.js';
import type { Bindings, MatchContext } from './match.js';
import { isVariable } from './match.js';

export function instantiate(template: Expr, bindings: Bindings, context: MatchContext, onDifferential?: (argument: Expr) => Expr): Expr {
  const memo = new Map<number, Expr>();
  const dim = (d: Dim): Dim => {
    if (d === '1' || /^\d+$/.test(d)) return d;
    if (d.includes('·')) return productDim(d.split('·').map(dim));
    // Unbound sizes belong to variables that matched scalars (see bindShape): size 1.
    return bindings.dims.get(d) ?? '1';
  };
  const build = (node: Expr): Expr => {
    const known = memo.get(node.id);
    if (known) return known;
    let result: Expr;
    if (isVariable(node, context)) {
      const bound = bindings.vars.get(node.name);
      if (!bound) throw new Error(`rule template: ${node.name} is not bound`);
      result = bound;
    } else if (node.op === 'differential' && onDifferential) {
      result = onDifferential(build(node.args[0]!));
    } else if (node.op === 'identity') result = C.identity(dim(node.shape.rows));
    else if (node.op === 'ones') result = C.ones(dim(node.shape.rows));
    else if (node.op === 'zero') result = C.zero({ rows: dim(node.shape.rows), cols: dim(node.shape.cols) });
    else if (node.args.length === 0) result = node;
    else result = C.rebuild(node, node.args.map(build));
    memo.set(node.id, result);
    return result;
  };
  return build(template);
}
