// The one cost of an expression (issue 15): what every simplification decision compares.
//
// It is the size of the printed form — symbols, numbers, function names and operators, as a
// reader counts them in the text — because the printed form is what users read and what a
// textbook's form is measured by (test/simplify/compactness.test.ts counts the same way).
// Weights, and why:
//   symbol, I, 𝟙, 0 ............ 1   a symbol read
//   operator (+ − * ∘ ⊗ /) ..... 1   one per junction: k terms or factors cost k − 1
//   transpose ′ ................ 1   a mark to read; A′B′ costs 2 more than (BA)′ costs 1
//   I as a term of a sum ....... 2   factoring through I, (c·I − A)·B, saves a token over
//                                     c·B − A·B but reads worse: it must save two
//   inverse, function call ..... 1   inv(…), tr(…), tanh(…): one name
//   power ^k ................... 2   the caret and the exponent; a fraction exponent 4
//   number ..................... 1   p/q alone 3; as a coefficient with its junction: ±1 nothing
//                                     (a sign replaces a plus), k* and /q 2, p*…/q 4
// A subexpression used twice costs twice: a tree measure, so repetition is paid for, as it
// is when printed inline. (Printing names large shared pieces; those are large results,
// which the simplifier does not search.) Memoized per node; capped like Expr.size.

import { fractionOf } from '../expr/rational.js';
import type { Expr } from '../expr/node.js';

const CAP = 2 ** 30;
const memo = new WeakMap<Expr, number>();

/** A number standing alone: 3, 0.7, or p/q (three tokens). */
function numberCost(value: number): number {
  return fractionOf(Math.abs(value)) ? 3 : 1;
}

/** A product's coefficient with its junction: nothing for ±1 (a sign), 2 for k* or /q
 *  (x/2), 4 for p*…/q. */
function coefficientCost(value: number): number {
  if (value === 1 || value === -1) return 0;
  const fraction = fractionOf(Math.abs(value));
  if (!fraction) return 2;
  return fraction.p === 1 ? 2 : 4;
}

function exponentCost(value: number): number {
  return Number.isInteger(value) ? (value < 0 ? 2 : 1) : 3;
}

/** The printed size of e. */
export function cost(e: Expr): number {
  const known = memo.get(e);
  if (known !== undefined) return known;
  let own: number;
  let children = 0;
  for (const arg of e.args) children += cost(arg);
  switch (e.op) {
    case 'symbol': case 'identity': case 'ones': case 'zero': case 'commutation': case 'dimension':
      own = 1;
      children = 0;
      break;
    case 'number':
      own = numberCost(e.value);
      break;
    case 'add':
      own = e.args.length - 1;
      for (const term of e.args) if (term.op === 'identity' || (term.op === 'multiply' && term.args[term.args.length - 1]!.op === 'identity')) own++;
      break;
    case 'hadamard': case 'kron':
      own = e.args.length - 1;
      break;
    case 'multiply': {
      // A numeric coefficient is counted by its own cost (a sign for −1); a factor with a
      // negative power is a denominator: its '/' is the junction, and its exponent is one less.
      const first = e.args[0]!;
      const coefficient = first.op === 'number' ? 1 : 0;
      own = Math.max(0, e.args.length - 1 - coefficient);
      if (coefficient) children += coefficientCost(first.value) - cost(first);
      for (const arg of e.args) if (arg.op === 'power' && arg.value === -1 && arg.args.length === 1) children -= 2 + exponentCost(-1) - 1;
      break;
    }
    case 'power': case 'matrixPower':
      own = e.args.length === 2 ? 1 : 1 + exponentCost(e.value);
      break;
    default:
      own = 1; // transpose, inverse, differential, a function
  }
  const total = Math.min(own + children, CAP);
  memo.set(e, total);
  return total;
}
