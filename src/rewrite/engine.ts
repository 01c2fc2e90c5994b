// The rewrite loop: strategies over rules, with explicit limits and a stop reason, and a
// record of every rule applied (so --steps comes for free). Domain-free: the rules carry
// the mathematics; conditions are read from one predicate table.

import { group, isGrouped, isScalar, isVector, rebuild } from '../expr/construct.js';
import { findDim } from '../expr/dims.js';
import { DIAGONAL, type Expr, ORTHOGONAL, postOrder, SPD, SYMMETRIC } from '../expr/node.js';
import { instantiate } from './instantiate.js';
import { type Bindings, combine, type MatchContext, matchPart } from './match.js';
import type { Condition, Rule } from './rule.js';

export interface Step {
  readonly rule: string;
  readonly before: Expr;
  readonly after: Expr;
}

export interface Limits {
  /** Rule applications at most. */
  steps: number;
  /** Wall-clock budget in milliseconds. */
  milliseconds: number;
}

export type StopReason = 'saturated' | 'step-limit' | 'time-limit';

export const DEFAULT_LIMITS: Limits = { steps: 100_000, milliseconds: 10_000 };

const PREDICATES: Record<string, (e: Expr) => boolean> = {
  scalar: isScalar,
  vector: isVector,
  matrix: (e) => !isScalar(e) && !isVector(e),
  square: (e) => findDim(e.shape.rows) === findDim(e.shape.cols),
  symmetric: (e) => (e.props & SYMMETRIC) !== 0,
  spd: (e) => (e.props & SPD) !== 0,
  diagonal: (e) => (e.props & DIAGONAL) !== 0,
  orthogonal: (e) => (e.props & ORTHOGONAL) !== 0,
  number: (e) => e.op === 'number',
  constant: () => true, // outside calculus everything is constant
};

export function conditionsHold(conditions: readonly Condition[], bindings: Bindings): boolean {
  return conditions.every((c) => {
    const value = bindings.vars.get(c.variable);
    return value !== undefined && (PREDICATES[c.predicate]?.(value) ?? false);
  });
}

export function contextOf(rule: Rule): MatchContext {
  return { variables: rule.variables };
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
    tests = rule.conditions.filter((c) => PROPERTIES.has(c.predicate) && alone(c.variable)).map((c) => PREDICATES[c.predicate]!);
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
  const bindings = matchPart(rule.lhs, node, context);
  if (!bindings || !conditionsHold(rule.conditions, bindings)) return undefined;
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

/** Bottom-up to a fixpoint: children first, then rules at the node until none applies. */
export function rewriteBottomUp(root: Expr, ruleList: readonly Rule[], limits: Limits = DEFAULT_LIMITS): RewriteResult {
  const steps: Step[] = [];
  const memo = new Map<number, Expr>();
  const deadline = Date.now() + limits.milliseconds;
  let stop: StopReason = 'saturated';
  let applied = 0;
  const byOp = new Map<string, Rule[]>();
  for (const rule of ruleList) {
    const key = rule.lhs.op;
    byOp.set(key, [...(byOp.get(key) ?? []), rule]);
  }
  const visit = (node: Expr): Expr => {
    const known = memo.get(node.id);
    if (known) return known;
    let current = node.args.length === 0 ? node : rebuild(node, node.args.map(visit));
    for (;;) {
      if (applied >= limits.steps) {
        stop = 'step-limit';
        break;
      }
      if ((applied & 255) === 0 && Date.now() > deadline) {
        stop = 'time-limit';
        break;
      }
      let next: Expr | undefined;
      let used: Rule | undefined;
      for (const rule of byOp.get(current.op) ?? []) {
        next = applyRule(rule, current);
        if (next && next !== current) {
          used = rule;
          break;
        }
        next = undefined;
      }
      if (!next || !used) break;
      applied++;
      steps.push({ rule: used.name, before: current, after: next });
      // The result may have new children to simplify; its own node is tried again.
      const settled: Expr = next.args.length === 0 ? next : rebuild(next, next.args.map(visit));
      current = settled;
    }
    memo.set(node.id, current);
    memo.set(current.id, current);
    return current;
  };
  for (const node of postOrder(root)) visit(node); // children first: shallow recursion
  const expr = visit(root);
  return { expr, steps, stop };
}
