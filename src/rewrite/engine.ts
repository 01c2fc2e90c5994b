// The rewrite loop: strategies over rules, with explicit limits and a stop reason, and a
// record of every rule applied (so --steps comes for free). Domain-free: the rules carry
// the mathematics; conditions are read from one predicate table.

import { group, isGrouped, rebuild } from '../expr/construct.js';
import { type Expr, postOrder } from '../expr/node.js';
import { instantiate } from './instantiate.js';
import { combine, type MatchContext } from './match.js';
import type { Rule } from './rule.js';
import { DEFAULT_LIMITS, type Limits, Run, type Step, type StopReason } from './run.js';
import { contextFor, predicate, RuleSet, search } from './ruleset.js';

export { DEFAULT_LIMITS, type Limits, Run, type RunReport, type Step, type StopReason } from './run.js';
export { conditionsHold } from './ruleset.js';

export function contextOf(rule: Rule): MatchContext {
  return contextFor(rule);
}

/** The operations a node's arguments must include for a rule on part of it to match:
 *  a cheap test that spares the matcher most windows of long products and sums. */
const requiredOps = new WeakMap<Rule, readonly string[]>();
function required(rule: Rule): readonly string[] {
  let ops = requiredOps.get(rule);
  if (!ops) {
    ops = rule.lhs.args.filter((a) => !(a.op === 'symbol' && rule.variables.has(a.name))).map((a) => a.op);
    requiredOps.set(rule, ops);
  }
  return ops;
}

/** Conditions such as orthogonal(Q) on a variable that stands alone (or transposed) among
 *  the rule's arguments: some argument of the node must then have that property. Products
 *  carry no such property, so a variable that takes a run can never satisfy one. */
const PROPERTIES = new Set(['symmetric', 'spd', 'diagonal', 'orthogonal']);
const requiredProperties = new WeakMap<Rule, readonly ((e: Expr) => boolean)[]>();
function properties(rule: Rule): readonly ((e: Expr) => boolean)[] {
  let tests = requiredProperties.get(rule);
  if (!tests) {
    const alone = (name: string): boolean =>
      rule.lhs.args.some((a) => (a.op === 'symbol' && a.name === name) || (a.op === 'transpose' && a.args[0]!.op === 'symbol' && a.args[0]!.name === name));
    tests = rule.conditions.filter((c) => PROPERTIES.has(c.predicate) && alone(c.variable)).map((c) => predicate(c.predicate)!);
    requiredProperties.set(rule, tests);
  }
  return tests;
}

function mayMatch(rule: Rule, node: Expr): boolean {
  if (rule.lhs.op !== node.op) return false;
  if (node.op !== 'multiply' && node.op !== 'add' && node.op !== 'hadamard' && node.op !== 'kron') return true;
  if (!required(rule).every((op) => node.args.some((a) => a.op === op))) return false;
  return properties(rule).every((holds) => node.args.some((a) => holds(a) || (a.op === 'transpose' && holds(a.args[0]!))));
}

/** One rule at one node (possibly on part of a product or sum), or undefined. */
export function applyRule(rule: Rule, node: Expr): Expr | undefined {
  if (!mayMatch(rule, node)) return undefined;
  const context = contextOf(rule);
  const bindings = search({ rule, pattern: rule.lhs }, node, context, { part: true });
  if (!bindings) return undefined;
  const replaced = instantiate(rule.rhs, bindings, context);
  if (!bindings.before && !bindings.after) return replaced;
  const combined = combine(node.op, [...(bindings.before ?? []), replaced, ...(bindings.after ?? [])]);
  return isGrouped(node) ? group(combined) : combined;
}

export interface RewriteResult {
  readonly expr: Expr;
  readonly steps: readonly Step[];
  readonly stop: StopReason;
}

/** Bottom-up to a fixpoint: children first, then rules at the node until none applies. A
 *  pass gives its Run (several calls may share one, and its limits); by default a new one. */
export function rewriteBottomUp(root: Expr, ruleList: readonly Rule[], limits: Limits | Run = DEFAULT_LIMITS): RewriteResult {
  const run = limits instanceof Run ? limits : new Run('rewriting', limits);
  const memo = new Map<number, Expr>();
  const ruleSet = new RuleSet(ruleList.map((rule) => ({ rule, pattern: rule.lhs })));
  const visit = (node: Expr): Expr => {
    const known = memo.get(node.id);
    if (known) return known;
    let current = node.args.length === 0 ? node : rebuild(node, node.args.map(visit));
    while (!run.exhausted()) {
      let next: Expr | undefined;
      let used: Rule | undefined;
      for (const { rule } of ruleSet.at(current)) {
        next = applyRule(rule, current);
        if (next && next !== current) {
          used = rule;
          break;
        }
        next = undefined;
      }
      if (!next || !used) break;
      run.record(used, current, next);
      // The result may have new children to simplify; its own node is tried again.
      current = next.args.length === 0 ? next : rebuild(next, next.args.map(visit));
    }
    memo.set(node.id, current);
    memo.set(current.id, current);
    return current;
  };
  const before = run.steps.length;
  for (const node of postOrder(root)) visit(node); // children first: shallow recursion
  const expr = visit(root);
  return { expr, steps: run.steps.slice(before), stop: run.stop };
}
