// Simplification to the form a textbook prints: the rules of rules/simplify.rules
// bottom-up to a fixpoint, then transposes moved out of sums, expansions and common factors,
// each kept only when the one cost (src/simplify/cost.ts, the printed size) says so.

import * as C from '../expr/construct.js';
import { type Expr, memoize, postOrder } from '../expr/node.js';
import { applyRule, DEFAULT_LIMITS, type Limits, rewriteBottomUp, Run, type Step, type StopReason } from '../rewrite/engine.js';
import type { Rule } from '../rewrite/rule.js';
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
  const rewrite = (e: Expr): Expr => rewriteBottomUp(e, simplifyRules, run).expr;
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
    return best;
  });
  const tried = run.exhausted() ? factored : trial(factored);
  // A small result (the textbook cases) gets a bounded best-first search over single steps
  // of rules/expand.rules, each followed by the simplify rules: one expansion at a time,
  // so that a factor can cancel without every other one expanding too.
  // Its states keep a transpose outside (the rules that push one in are left out there).
  const keepOutside = simplifyRules.filter((r) => !TRANSPOSE_INWARD.has(r.name));
  const searched = run.exhausted() || tried.size > SEARCH_SIZE || !holdsInverseOfProduct(tried)
    ? tried
    : searchExpansions(tried, transposeOut(tried, rewrite), expandRules, (e) => rewriteBottomUp(e, keepOutside, run).expr, run);
  return { expr: searched, steps: run.steps, stop: run.stop };
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

/** The rules that move a transpose inward, (A*B)' = B'*A' and the like: the search's
 *  normalisation leaves them out so that a state with the transpose outside stays so. */
const TRANSPOSE_INWARD = new Set(['transpose-product', 'transpose-hadamard', 'transpose-kron', 'transpose-power', 'transpose-power-of-matrix']);

/** Results up to this tree size get the search; its bounds: depth, beam and states. */
const SEARCH_SIZE = 96;
const SEARCH_DEPTH = 3;
const SEARCH_BEAM = 4;
const SEARCH_STATES = 200;

/** Best-first: from the expression, every single application of an expansion rule at one
 *  node, then the simplify rules to a fixpoint; the cheapest few go on, up to the depth.
 *  The cheapest expression met wins if it costs less than the start. */
function searchExpansions(start: Expr, outside: Expr | undefined, expansions: readonly Rule[], rewrite: (e: Expr) => Expr, run: Run): Expr {
  let best = start;
  let beam = outside ? [start, outside] : [start];
  const seen = new Set<number>(beam.map((e) => e.id));
  // A state reached through the transpose moved out must save two, as in the trial pass.
  const fromOutside = new Set<number>(outside ? [outside.id] : []);
  const better = (e: Expr): boolean => cost(e) <= cost(best) - (fromOutside.has(e.id) && best === start ? 2 : 1);
  for (let depth = 0; depth < SEARCH_DEPTH && beam.length > 0 && seen.size < SEARCH_STATES; depth++) {
    const next: Expr[] = [];
    for (const state of beam) {
      for (const node of postOrder(state)) {
        for (const rule of expansions) {
          if (seen.size >= SEARCH_STATES || run.exhausted()) break;
          const applied = applyRule(rule, node);
          if (!applied) continue;
          const candidate = rewrite(replaceNode(state, node, applied));
          if (seen.has(candidate.id)) continue;
          seen.add(candidate.id);
          if (fromOutside.has(state.id)) fromOutside.add(candidate.id);
          next.push(candidate);
        }
      }
    }
    next.sort((a, b) => cost(a) - cost(b));
    beam = next.slice(0, SEARCH_BEAM);
    for (const state of beam) if (better(state)) best = state;
  }
  if (best === start) return start;
  // Scalars stand outside the transpose: det(A*X*B)*inv(X)', not (det(A*X*B)*inv(X))'.
  const found = best.op === 'transpose' && best.args[0]!.op === 'multiply' && best.args[0]!.args.some(C.isScalar)
    ? C.multiply(...best.args[0]!.args.filter(C.isScalar), C.transpose(C.multiply(...best.args[0]!.args.filter((a) => !C.isScalar(a)))))
    : best;
  run.record('expand-and-cancel', start, found);
  return found;
}

/** root with one node replaced, rebuilt through the constructors. */
function replaceNode(root: Expr, target: Expr, replacement: Expr): Expr {
  const memo = new Map<number, Expr>();
  for (const node of postOrder(root)) {
    memo.set(node.id, node === target ? replacement : node.args.length === 0 ? node : C.rebuild(node, node.args.map((a) => memo.get(a.id)!)));
  }
  return memo.get(root.id)!;
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
