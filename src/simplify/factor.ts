// Collecting common factors of a sum: A*x + A'*x → (A + A')*x, A*x + A*y → A*(x + y),
// A*x + x → (A + I)*x. Greedy by the factor most terms share; kept only if it costs less
// (src/simplify/cost.ts).

import * as C from '../expr/construct.js';
import type { Expr } from '../expr/node.js';
import { numericContent } from '../expr/rational.js';
import { cost } from './cost.js';

interface Term {
  readonly scalars: Expr[]; // coefficient and scalar factors
  readonly chain: Expr[]; // the matrix factors, in order
}

function split(term: Expr): Term {
  const factors = term.op === 'multiply' ? term.args : [term];
  return { scalars: factors.filter(C.isScalar), chain: factors.filter((f) => !C.isScalar(f)) };
}

/** Factors one sum (its terms already simplified); returns the sum itself if nothing is shared. */
export function factorSum(sum: Expr): Expr {
  if (sum.op !== 'add') return sum;
  const content = sumContent(sum);
  if (content !== undefined) return content;
  if (C.isScalar(sum)) return factorScalarSum(sum);
  const terms = sum.args.map(split);
  let best: { side: 'left' | 'right'; factor: Expr; members: number[] } | undefined;
  for (const side of ['right', 'left'] as const) {
    const counts = new Map<number, { factor: Expr; members: number[] }>();
    terms.forEach((t, i) => {
      const factor = side === 'right' ? t.chain[t.chain.length - 1] : t.chain[0];
      if (!factor || factor.op === 'identity') return; // I is a unit: nothing to collect
      const entry = counts.get(factor.id) ?? { factor, members: [] };
      entry.members.push(i);
      counts.set(factor.id, entry);
    });
    // Members whose remainder is not empty come first: A*x + A'*x → (A + A')*x rather
    // than pulling a lone x in as (… + I)*x.
    for (const entry of counts.values()) {
      const full = entry.members.filter((i) => terms[i]!.chain.length > 1);
      const members = full.length >= 2 ? full : entry.members;
      if (members.length >= 2 && (!best || members.length > best.members.length)) best = { side, factor: entry.factor, members };
    }
  }
  if (!best) return commonScalars(sum);
  const { side, factor, members } = best;
  const restOf = (i: number): Expr[] => (side === 'right' ? terms[i]!.chain.slice(0, -1) : terms[i]!.chain.slice(1));
  // When every part left is a scalar, the unit is 1: s - c*s is (1 - c)*s, not (I - c*I)*s.
  const scalarRests = members.every((i) => restOf(i).length === 0);
  const inner = members.map((i) => {
    const t = terms[i]!;
    const rest = restOf(i);
    const unit = scalarRests ? C.ONE() : C.identity(side === 'right' ? factor.shape.rows : factor.shape.cols);
    return C.multiply(...t.scalars, ...(rest.length > 0 ? rest : [unit]));
  });
  const innerSum = C.add(...inner);
  if (innerSum === sum) return sum; // no progress
  const grouped = factorSum(innerSum);
  const collected = side === 'right' ? C.multiply(grouped, factor) : C.multiply(factor, grouped);
  const others = sum.args.filter((_, i) => !members.includes(i));
  const result = others.length === 0 ? collected : factorSum(C.add(collected, ...others));
  return cost(result) < cost(sum) ? result : sum;
}

/** The numeric content of the coefficients comes out, and the sum left is factored:
 *  A*x/2 + A'*x/2 → (A + A')*x/2, 2*a - 2*b → 2*(a - b). Undefined when the content is 1,
 *  or when the factored form is not smaller. */
function sumContent(sum: Expr): Expr | undefined {
  const coefficients = sum.args.map((t) => C.splitCoefficient(t)[0]);
  const content = numericContent(coefficients);
  if (content === 1 || content === -1) return undefined;
  const inner = C.add(...sum.args.map((t) => C.multiply(C.number(1 / content), t)));
  const result = C.multiply(C.number(content), factorSum(inner));
  return cost(result) <= cost(sum) ? result : undefined;
}

/** A scalar factor every term shares comes out: -c*A - c*B → -c*(A + B). */
function commonScalars(sum: Expr): Expr {
  const terms = sum.args.map(split);
  const shared = terms[0]!.scalars.filter((f) => f.op !== 'number' && terms.every((t) => t.scalars.includes(f)));
  const negative = terms.every((t) => t.scalars.some((f) => f.op === 'number' && f.value < 0));
  if (shared.length === 0 && !negative) return sum;
  const inner = terms.map((t) => {
    const scalars = t.scalars.filter((f) => !shared.includes(f));
    return C.multiply(...(negative ? [C.number(-1)] : []), ...scalars, ...t.chain);
  });
  const result = C.multiply(...(negative ? [C.number(-1)] : []), ...shared, C.add(...inner));
  return cost(result) <= cost(sum) ? result : sum;
}

/** Scalar sums: a common scalar factor, e.g. a*x'y + a*z → a*(x'y + z). */
function factorScalarSum(sum: Expr): Expr {
  const counts = new Map<number, { factor: Expr; members: number[] }>();
  sum.args.forEach((term, i) => {
    const factors = term.op === 'multiply' ? term.args : [term];
    for (const factor of new Set(factors)) {
      if (factor.op === 'number') continue;
      const entry = counts.get(factor.id) ?? { factor, members: [] };
      entry.members.push(i);
      counts.set(factor.id, entry);
    }
  });
  let best: { factor: Expr; members: number[] } | undefined;
  for (const entry of counts.values()) if (entry.members.length >= 2 && (!best || entry.members.length > best.members.length)) best = entry;
  if (!best) return sum;
  const factor = best.factor;
  const inner = best.members.map((i) => {
    const term = sum.args[i]!;
    const factors = term.op === 'multiply' ? [...term.args] : [term];
    factors.splice(factors.indexOf(factor), 1);
    return C.multiply(...factors);
  });
  const others = sum.args.filter((_, i) => !best!.members.includes(i));
  const result = C.add(C.multiply(factor, factorScalarSum(C.add(...inner))), ...others);
  return cost(result) < cost(sum) ? result : sum;
}
