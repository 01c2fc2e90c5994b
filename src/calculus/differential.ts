// The differential df of an expression w.r.t. one symbol, by the rules in
// rules/differential.rules. Each distinct node is differentiated once (memo by node), so
// a DAG's differential is a DAG of linear size.

import { MatcalcError } from '../errors.js';
import { isShapeOnly, operationTitle } from '../ops/table.js';
import * as C from '../expr/construct.js';
import { type Expr, warm } from '../expr/node.js';
import { instantiate } from '../rewrite/instantiate.js';
import { prepared, rules } from '../rewrite/library.js';
import { EMPTY_BINDINGS, type MatchContext } from '../rewrite/match.js';
import { distributesOverSum } from '../rewrite/rule.js';
import { contextFor, RuleSet, search, type Searcher } from '../rewrite/ruleset.js';
import { DEFAULT_LIMITS, type Limits, Run, type RunReport, type Step } from '../rewrite/run.js';

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

/** A differential rule is searched for inside its d(…): `d(A * B) = …` matches A * B. */
const differentialRules = prepared(() => new RuleSet<Searcher>(rules('differential').map((rule) => ({ rule, pattern: rule.lhs.args[0]! }))));

export interface Differential {
  readonly df: Expr;
  readonly steps: readonly Step[];
  readonly report: RunReport;
}

export function differentiate(f: Expr, x: Expr, limits: Limits = DEFAULT_LIMITS): Differential {
  const depends = dependence(x);
  const memo = new Map<number, Expr>();
  const run = new Run('differentiation', limits);
  const d = (e: Expr): Expr => {
    if (e === x) return C.differential(x);
    if (!depends(e)) return C.zero(e.shape);
    const known = memo.get(e.id);
    if (known) return known;
    run.require();
    let result: Expr | undefined;
    for (const searcher of differentialRules().at(e)) {
      const { rule } = searcher;
      const termwise = e.op === 'add' && e.args.length > 2 ? distributesOverSum(rule) : undefined;
      if (termwise) {
        // d(A + B) = d(A) + d(B) on a k-term sum: every term at once.
        const context: MatchContext = contextFor(rule);
        result = C.add(...e.args.map((term) => instantiate(termwise.term, { ...EMPTY_BINDINGS, vars: new Map([[termwise.first, term]]) }, context, d)));
        run.record(rule, e, result);
        break;
      }
      const context: MatchContext = contextFor(rule, { halves: true });
      const bindings = search(searcher, e, context);
      if (!bindings) continue;
      result = instantiate(rule.rhs, bindings, context, d);
      run.record(rule, e, result);
      break;
    }
    if (!result) throw new MatcalcError('unsupported', `no differential rule for ${operationTitle(e)}`);
    memo.set(e.id, result);
    return result;
  };
  // Children first, so that the recursion in d stays shallow on deep expressions.
  warm(f, (node) => depends(node) && d(node), depends);
  const df = d(f);
  return { df, steps: run.steps, report: run.report() };
}
