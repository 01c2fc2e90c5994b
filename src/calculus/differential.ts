// The differential df of an expression w.r.t. one symbol, by the rules in
// rules/differential.rules. Each distinct node is differentiated once (memo by node), so
// a DAG's differential is a DAG of linear size.

import { MatcalcError } from '../errors.js';
import { isShapeOnly, operationTitle } from '../ops/table.js';
import * as C from '../expr/construct.js';
import { type Expr, warm } from '../expr/node.js';
import type { Step } from '../rewrite/engine.js';
import { conditionsHold } from '../rewrite/engine.js';
import { instantiate } from '../rewrite/instantiate.js';
import { rules } from '../rewrite/library.js';
import { EMPTY_BINDINGS, match, type MatchContext } from '../rewrite/match.js';
import { distributesOverSum, type Rule } from '../rewrite/rule.js';

/** A node depends on x if x occurs in it; K(X) and numel(X) only carry a shape (the table's
 *  shapeOnly flag), so they are constant. */
export function dependence(x: Expr): (e: Expr) => boolean {
  const memo = new Map<number, boolean>();
  const depends = (e: Expr): boolean => {
    if (e === x) return true;
    if (e.args.length === 0 || isShapeOnly(e)) return false;
    const known = memo.get(e.id);
    if (known !== undefined) return known;
    if (memo.size === 0) warm(e, (n) => n !== e && depends(n));
    const result = e.args.some(depends);
    memo.set(e.id, result);
    return result;
  };
  return depends;
}

function ruleKey(e: Expr): string {
  return e.op === 'apply' ? `apply:${e.name}` : e.op;
}

let index: Map<string, Rule[]> | undefined;
function rulesFor(e: Expr): readonly Rule[] {
  if (!index) {
    index = new Map();
    for (const rule of rules('differential')) {
      const key = ruleKey(rule.lhs.args[0]!);
      index.set(key, [...(index.get(key) ?? []), rule]);
    }
  }
  return index.get(ruleKey(e)) ?? [];
}

export interface Differential {
  readonly df: Expr;
  readonly steps: readonly Step[];
}

export function differentiate(f: Expr, x: Expr): Differential {
  const depends = dependence(x);
  const memo = new Map<number, Expr>();
  const steps: Step[] = [];
  const d = (e: Expr): Expr => {
    if (e === x) return C.differential(x);
    if (!depends(e)) return C.zero(e.shape);
    const known = memo.get(e.id);
    if (known) return known;
    let result: Expr | undefined;
    for (const rule of rulesFor(e)) {
      const termwise = e.op === 'add' && e.args.length > 2 ? distributesOverSum(rule) : undefined;
      if (termwise) {
        // d(A + B) = d(A) + d(B) on a k-term sum: every term at once.
        const context: MatchContext = { variables: rule.variables };
        result = C.add(...e.args.map((term) => instantiate(termwise.term, { ...EMPTY_BINDINGS, vars: new Map([[termwise.first, term]]) }, context, d)));
        steps.push({ rule: rule.name, before: e, after: result });
        break;
      }
      const context: MatchContext = { variables: rule.variables, halves: true };
      const bindings = match(rule.lhs.args[0]!, e, EMPTY_BINDINGS, context);
      if (!bindings || !conditionsHold(rule.conditions, bindings)) continue;
      result = instantiate(rule.rhs, bindings, context, d);
      steps.push({ rule: rule.name, before: e, after: result });
      break;
    }
    if (!result) {
      throw new MatcalcError('unsupported', `no differential rule for ${operationTitle(e)}`);
    }
    memo.set(e.id, result);
    return result;
  };
  // Children first, so that the recursion in d stays shallow on deep expressions.
  warm(f, (node) => depends(node) && d(node), depends);
  return { df: d(f), steps };
}
