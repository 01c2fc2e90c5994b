// Jacobians J = ∂vec(F)/∂vec(X)ᵀ (|F| × |X|, column-major vec): df by the differential
// rules, then d vec(F) = J d vec(X) built from d(X) outwards by rules/jacobian.rules.

import { beforeDifferentiation } from './prepare.js';
import { MatcalcError } from '../errors.js';
import { operationTitle } from '../ops/table.js';
import * as C from '../expr/construct.js';
import { type Expr, postOrder } from '../expr/node.js';
import { instantiate } from '../rewrite/instantiate.js';
import { prepared, rules } from '../rewrite/library.js';
import { combine, type MatchContext } from '../rewrite/match.js';
import { contextFor, RuleSet, search } from '../rewrite/ruleset.js';
import { DEFAULT_LIMITS, type Limits, Run, type RunReport, type Step } from '../rewrite/run.js';
import type { Rule } from '../rewrite/rule.js';
import { differentiate } from './differential.js';
import { linearity, linearPart } from './linear.js';

interface Forward {
  readonly rule: Rule;
  readonly pattern: Expr;
  readonly outputs: readonly { child: string; template: Expr }[];
}

const isDifferentialFactor = (f: Expr): boolean => f.op === 'differential' || (f.op === 'vec' && f.args[0]!.op === 'differential');

function prepare(rule: Rule): Forward {
  const pattern = rule.lhs.op === 'vec' ? rule.lhs.args[0]! : rule.lhs;
  const terms = rule.rhs.op === 'add' ? rule.rhs.args : [rule.rhs];
  const outputs = terms.map((term) => {
    const factors = term.op === 'multiply' ? term.args : [term];
    const at = factors.findIndex(isDifferentialFactor);
    if (at < 0) throw new MatcalcError('syntax', `${rule.origin}: each term on the right must be M * vec(d(L))`);
    const d = factors[at]!.op === 'vec' ? factors[at]!.args[0]! : factors[at]!;
    return { child: d.args[0]!.name, template: combine('multiply', factors.filter((_, i) => i !== at)) };
  });
  return { rule, pattern, outputs };
}

/** The Jacobian rules, indexed by the head of the node whose Jacobian they compose. */
const forwardRules = prepared(() => new RuleSet(rules('jacobian').map(prepare)));

export interface Jacobian {
  readonly f: Expr;
  readonly x: Expr;
  readonly df: Expr;
  readonly jacobian: Expr;
  readonly steps: { readonly differential: readonly Step[]; readonly isolation: readonly Step[] };
  readonly reports: readonly RunReport[];
}

export function jacobian(f: Expr, x: Expr, limits: Limits = DEFAULT_LIMITS): Jacobian {
  const prepared = beforeDifferentiation(f, limits);
  const { df, steps: differentialSteps, report } = differentiate(prepared.expr, x, limits);
  const run = new Run('the Jacobian', limits);
  const isLinear = linearity();
  const marked = linearPart(isLinear);
  const size = (e: Expr): string => (C.isScalar(e) ? '1' : C.vec(e).shape.rows);
  const memo = new Map<number, Expr>();
  const J = (node: Expr): Expr => {
    const known = memo.get(node.id);
    if (known) return known;
    run.require();
    let result: Expr | undefined;
    if (node.op === 'differential') {
      result = node.args[0] === x ? C.identity(size(x)) : C.zero({ rows: size(node), cols: size(x) });
    } else if (!isLinear(node)) {
      result = C.zero({ rows: size(node), cols: size(x) });
    } else if (node.op === 'multiply' && node.args.some((a) => C.isScalar(a) && !isLinear(a)) && node.args.some((a) => !C.isScalar(a) || isLinear(a))) {
      // Constant scalar factors commute out of the product: J(s·M) = s·J(M).
      const constant = node.args.filter((a) => C.isScalar(a) && !isLinear(a));
      const rest = node.args.filter((a) => !(C.isScalar(a) && !isLinear(a)));
      result = C.multiply(...constant, J(combine('multiply', rest)));
    } else if (node.op === 'vec') {
      // vec(vec(L)) is vec(L): no rule can say it (the constructor already reduces it).
      result = J(node.args[0]!);
    } else {
      for (const forward of forwardRules().at(node)) {
        const context: MatchContext = contextFor(forward.rule, { marked });
        const bindings = search(forward, node, context);
        if (!bindings) continue;
        result = C.add(...forward.outputs.map(({ child, template }) => C.multiply(shapeOnly(instantiate(template, bindings, context), x), J(bindings.vars.get(child)!))));
        run.record(forward.rule, node, result);
        break;
      }
      if (!result) throw new MatcalcError('unsupported', `no Jacobian rule for ${operationTitle(node)} (not supported yet)`);
    }
    memo.set(node.id, result);
    return result;
  };
  for (const node of postOrder(df, isLinear)) if (isLinear(node)) J(node);
  const result = J(df);
  return { f, x, df, jacobian: result, steps: { differential: [...prepared.steps, ...differentialSteps], isolation: run.steps }, reports: [...(prepared.report ? [prepared.report] : []), report, run.report()] };
}

/** K(d(X)) carries only a shape: it is K(X). The differential must not stay inside, and a
 *  carrier of the variable's shape is written as the variable. */
function shapeOnly(e: Expr, x: Expr): Expr {
  const carrier = (n: Expr): Expr => (n.shape.rows === x.shape.rows && n.shape.cols === x.shape.cols ? x : C.withoutDifferentials(n));
  const visit = (n: Expr): Expr => (n.op === 'commutation' ? C.commutation(carrier(n.args[0]!)) : n.args.length === 0 ? n : C.rebuild(n, n.args.map(visit)));
  return postOrder(e).some((n) => n.op === 'commutation') ? visit(e) : e;
}
