// How NOTATION.md writes a scalar broadcast in a sum (`1 - y`): 𝟙, 𝟙𝟙ᵀ, c·𝟙 and c·𝟙𝟙ᵀ are
// the scalar c spread over the sum's shape. Shared by the text printers and the code emitters.

import { isScalar } from '../expr/construct.js';
import type { Expr } from '../expr/node.js';

/** The scalar factors of a broadcast term (none for a bare 𝟙 or 𝟙𝟙ᵀ), or undefined. */
export function broadcastFactors(term: Expr): Expr[] | undefined {
  const args = term.op === 'multiply' ? term.args : [term];
  const chain = args.filter((a) => !isScalar(a));
  const isOnes = (e: Expr): boolean => e.op === 'ones';
  const isOnesRow = (e: Expr): boolean => e.op === 'transpose' && isOnes(e.args[0]!);
  const broadcast = (chain.length === 1 && isOnes(chain[0]!)) || (chain.length === 2 && isOnes(chain[0]!) && isOnesRow(chain[1]!));
  return broadcast ? args.filter(isScalar) : undefined;
}

/** Whether the broadcast terms of a sum may be written as bare scalars: only beside a term
 *  that has the sum's shape itself (`genuine`). A sum of broadcast terms alone, such as
 *  -(x'𝟙)𝟙 - (𝟙'x)𝟙, written as scalars would read back as a scalar. */
export function broadcastAllowed(sum: Expr, genuine: (term: Expr) => boolean = (term) => broadcastFactors(term) === undefined): boolean {
  return !isScalar(sum) && sum.args.some(genuine);
}
