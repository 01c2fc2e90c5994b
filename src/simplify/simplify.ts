// Simplification to the form a textbook prints: the rules of rules/simplify.rules
// bottom-up to a fixpoint, then common factors collected, each kept only when the cost
// model (tree size) says the result is smaller or equal.

import * as C from '../expr/construct.js';
import { type Expr, memoize } from '../expr/node.js';
import { DEFAULT_LIMITS, type Limits, rewriteBottomUp, Run, type Step, type StopReason } from '../rewrite/engine.js';
import { rules } from '../rewrite/library.js';
import { factorSum } from './factor.js';

export interface Simplified {
  readonly expr: Expr;
  readonly steps: readonly Step[];
  readonly stop: StopReason;
}

/** Transposes in a DAG (distinct nodes): the cost that decides where a transpose goes. */
function transposeCount(root: Expr): number {
  const seen = new Set<number>();
  let count = 0;
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    if (e.op === 'transpose') count++;
    for (const item of e.args) stack.push(item);
  }
  return count;
}

/** One run for the whole pass: every rewrite shares its limits, and the steps of the
 *  passes written as code (transpose-sum, expand-hadamard, collect-common-factors) are
 *  recorded in it like a rule's. */
export function simplify(expr: Expr, limits: Limits = DEFAULT_LIMITS): Simplified {
  const run = new Run('simplification', limits);
  const simplifyRules = rules('simplify');
  const first = rewriteBottomUp(expr, simplifyRules, run);
  // (Σ tᵢ)ᵀ = Σ tᵢᵀ when that leaves fewer transposes: (x'/s - c*x'*A'/s²)' becomes
  // x/s - c*A*x/s², but (A*x - b)' stays as it is.
  const distribute = memoize<Expr>((node, recurse) => {
    if (node.args.length === 0 || run.exhausted()) return node;
    const rebuilt = C.rebuild(node, node.args.map(recurse));
    if (rebuilt.op !== 'transpose' || rebuilt.args[0]!.op !== 'add') return rebuilt;
    const candidate = rewriteBottomUp(C.add(...rebuilt.args[0]!.args.map(C.transpose)), simplifyRules, run).expr;
    if (transposeCount(candidate) >= transposeCount(rebuilt)) return rebuilt;
    run.record('transpose-sum', rebuilt, candidate);
    return candidate;
  });
  // Within a sum, a ∘ (b + c) and c·(a + b) are tried expanded: σ∘(1 − y) − (1 − σ)∘y
  // becomes σ − y, and like terms meet.
  // Kept only where the sum gets smaller.
  const expand = memoize<Expr>((node, recurse) => {
    if (node.args.length === 0 || run.exhausted()) return node;
    const rebuilt = C.rebuild(node, node.args.map(recurse));
    if (rebuilt.op !== 'add') return rebuilt;
    const candidate = C.add(...rebuilt.args.flatMap(expandTerm));
    if (candidate.size >= rebuilt.size) return rebuilt;
    run.record('expand-hadamard', rebuilt, candidate);
    return candidate;
  });
  const distributed = distribute(first.expr);
  // Factoring can bring terms together under one product (c*X'*a - c*X'*b → c*X'*(a - b));
  // expansion then gets its chance inside, and factoring runs once more.
  const factored = run.exhausted() ? distributed : factorEverySum()(expand(factorEverySum()(distributed)));
  if (factored !== distributed) run.record('collect-common-factors', distributed, factored);
  return { expr: factored, steps: run.steps, stop: run.stop };
}

/** c·(a ∘ (b + d)) → [c·(a ∘ b), c·(a ∘ d)]; c·(a + b) → [c·a, c·b], so like terms of the
 *  outer sum meet (2*(a - p) - 2*(a - n) → 2*n - 2*p); other terms as they are. */
function expandTerm(term: Expr): Expr[] {
  const [coefficient, rest] = C.splitCoefficient(term);
  if (rest.op === 'add' && coefficient !== 1) return rest.args.map((summand) => C.multiply(C.number(coefficient), summand));
  if (rest.op !== 'hadamard') return [term];
  const at = rest.args.findIndex((a) => a.op === 'add');
  if (at < 0) return [term];
  const others = rest.args.filter((_, i) => i !== at);
  return rest.args[at]!.args.map((summand) => C.multiply(C.number(coefficient), C.hadamard(summand, ...others)));
}

/** A fresh memoized pass that collects common factors in every sum, bottom-up. */
function factorEverySum(): (e: Expr) => Expr {
  return memoize<Expr>((node, recurse) => {
    if (node.args.length === 0) return node;
    const rebuilt = C.rebuild(node, node.args.map(recurse));
    return rebuilt.op === 'add' ? factorSum(rebuilt) : rebuilt;
  });
}
