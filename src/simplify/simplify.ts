// Simplification to the form a textbook prints: the rules of rules/simplify.rules
// bottom-up to a fixpoint, then transposes moved out of sums, expansions and common factors,
// each kept only when the one cost (src/simplify/cost.ts, the printed size) says so.

import * as C from '../expr/construct.js';
import { type Expr, memoize, postOrder } from '../expr/node.js';
import { DEFAULT_LIMITS, type Limits, rewriteBottomUp, Run, type Step, type StopReason } from '../rewrite/engine.js';
import { rules } from '../rewrite/library.js';
import { cost } from './cost.js';
import { factorSum } from './factor.js';

export interface Simplified {
  readonly expr: Expr;
  readonly steps: readonly Step[];
  readonly stop: StopReason;
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
    if (cost(candidate) >= cost(rebuilt)) return rebuilt;
    run.record('transpose-sum', rebuilt, candidate);
    return candidate;
  });
  // Within a sum, a ∘ (b + c) and c·(a + b) are tried expanded: σ∘(1 − y) − (1 − σ)∘y
  // becomes σ − y, and like terms meet.
  // Kept only where the sum gets smaller.
  const expand = memoize<Expr>((node, recurse) => {
    if (node.args.length === 0 || run.exhausted()) return node;
    const rebuilt = C.rebuild(node, node.args.map(recurse));
    if (rebuilt.op === 'multiply' && rebuilt.args.length === 2 && rebuilt.args[0]!.op === 'number' && rebuilt.args[1]!.op === 'add') {
      // A number times a sum, c·(a + b), is tried distributed: ½·(2·c·M − N) is c·M − N/2.
      const candidate = factorSum(C.add(...expandTerm(rebuilt)));
      if (cost(candidate) >= cost(rebuilt)) return rebuilt;
      run.record('expand-numeric-factor', rebuilt, candidate);
      return candidate;
    }
    if (rebuilt.op !== 'add') return rebuilt;
    const candidate = C.add(...rebuilt.args.flatMap(expandTerm));
    if (cost(candidate) >= cost(rebuilt)) return rebuilt;
    run.record('expand-hadamard', rebuilt, candidate);
    return candidate;
  });
  const distributed = distribute(first.expr);
  // Factoring can bring terms together under one product (c*X'*a - c*X'*b → c*X'*(a - b));
  // expansion then gets its chance inside, and factoring runs once more.
  const factored = run.exhausted() ? distributed : factorEverySum()(expand(factorEverySum()(distributed)));
  if (factored !== distributed) run.record('collect-common-factors', distributed, factored);
  // Last, on small pieces only (linear in the result's size): a transpose moved out of a
  // sum or a product, (X*B + B*X)' for B'*X' + X'*B', and the identities of
  // rules/expand.rules followed by the simplify rules; each kept only if the cost goes down.
  const expandRules = rules('expand');
  const rewrite = (e: Expr, list = simplifyRules): Expr => rewriteBottomUp(e, list, run).expr;
  const trial = memoize<Expr>((node, recurse) => {
    if (node.args.length === 0 || run.exhausted()) return node;
    const rebuilt = C.rebuild(node, node.args.map(recurse));
    if (rebuilt.size > TRIAL_SIZE || C.isScalar(rebuilt) || C.isGrouped(rebuilt)) return rebuilt;
    let best = rebuilt;
    // margin: what a candidate must save. A transpose moved out must save two, so A'*B'
    // stays as textbooks write it rather than (B*A)'.
    const consider = (name: string, candidate: Expr | undefined, margin = 1): void => {
      if (candidate && cost(candidate) <= cost(best) - margin) {
        run.record(name, best, candidate);
        best = candidate;
      }
    };
    consider('transpose-out', transposeOut(rebuilt, rewrite), 2);
    if (holdsInverseOfProduct(best)) consider('expand-and-cancel', rewrite(rewrite(best, expandRules)));
    return best;
  });
  const tried = run.exhausted() ? factored : trial(factored);
  return { expr: tried, steps: run.steps, stop: run.stop };
}

/** Pieces up to this tree size get the trial pass: each trial costs about its size. */
const TRIAL_SIZE = 64;

/** Σ tᵢ → (Σ tᵢᵀ)ᵀ and c·P → c·(Pᵀ)ᵀ with the inner transposes pushed in by the rules:
 *  the candidate with the transpose outside. Undefined for a node that is neither, or when
 *  nothing inside is transposed. */
function transposeOut(node: Expr, rewrite: (e: Expr) => Expr): Expr | undefined {
  const transposed = (e: Expr): boolean => e.op === 'transpose' || (e.op === 'multiply' && e.args.some((f) => f.op === 'transpose'));
  if (node.op === 'add') {
    if (!node.args.some(transposed)) return undefined;
    return C.transpose(C.add(...node.args.map((t) => rewrite(C.transpose(t)))));
  }
  if (node.op !== 'multiply' || !node.args.some((f) => f.op === 'transpose')) return undefined;
  const [coefficient, rest] = C.splitCoefficient(node);
  return C.multiply(C.number(coefficient), C.transpose(rewrite(C.transpose(rest))));
}

function holdsInverseOfProduct(e: Expr): boolean {
  return postOrder(e).some((n) => n.op === 'inverse' && n.args[0]!.op === 'multiply');
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
