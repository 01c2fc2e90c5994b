// Which pieces of a large result to print once, under a name (`… where t1 = …`): a node
// that two or more places use and that is big enough to be worth a name. Without this a
// printed DAG repeats its shared pieces and can grow much faster than the DAG itself.

import { isGrouped } from '../expr/construct.js';
import { definitionOf } from '../ops/table.js';
import { type Expr, postOrder } from '../expr/node.js';

/** Tree size from which a shared piece gets a name. */
export const SHARE_SIZE = 12;

/** A function (src/ops) other than the linear rearrangements (vec, diag), or an inverse. */
function isFunction(e: Expr): boolean {
  if (e.op === 'inverse') return true;
  const definition = definitionOf(e);
  if (!definition) return false;
  return definition.family === 'elementwise' || !(definition.linear === true && definition.result !== 'scalar');
}

/** Names for the shared pieces, in the order a reader wants them (users first). */
export function sharedNames(root: Expr): Map<Expr, string> {
  const order = postOrder(root);
  const uses = new Map<number, number>();
  const taken = new Set<string>();
  for (const node of order) {
    if (node.op === 'symbol') taken.add(node.name);
    for (const arg of node.args) uses.set(arg.id, (uses.get(arg.id) ?? 0) + 1);
  }
  const names = new Map<Expr, string>();
  let counter = 0;
  // Reverse post-order: a piece comes before the pieces it uses, as in
  // "t1 = W2*tanh(z) - y, z = W1*x + b1".
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    // A grouped product is a piece of the derivation's own (an adjoint, a half of a long
    // product): named even when used once, or a chain of them nests parentheses deeply.
    const grouped = isGrouped(node);
    const used = uses.get(node.id) ?? 0;
    // A function of something used three times or more is named however small, as a
    // textbook names s = softmax(x) in diag(s) - s*s'.
    const recurring = used >= 3 && isFunction(node);
    if (node === root || node.args.length === 0 || (!recurring && (node.size < SHARE_SIZE || (used < 2 && !grouped)))) continue;
    let name: string;
    do name = `t${++counter}`;
    while (taken.has(name));
    names.set(node, name);
  }
  return names;
}
