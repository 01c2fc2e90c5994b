// Evaluates an expression on concrete values. Sizes of dimension symbols come from the
// values given (or from a random instance); every node is evaluated once per call.

import { MatcalcError } from '../errors.js';
import { checkDeadline } from '../limits.js';
import { isScalar } from '../expr/construct.js';
import type { Dim } from '../expr/dims.js';
import { type Expr, postOrder } from '../expr/node.js';
import { elementwise, matrixFunction } from '../ops/table.js';
import * as L from './linalg.js';
import type { Matrix } from './linalg.js';

export type Sizes = ReadonlyMap<Dim, number>;
export type Values = ReadonlyMap<string, Matrix>;

export function sizeOf(dim: Dim, sizes: Sizes): number {
  let total = 1;
  for (const part of dim.split('·')) {
    if (/^\d+$/.test(part)) total *= Number(part);
    else {
      const size = sizes.get(part);
      if (size === undefined) throw new MatcalcError('value', `the size ${part} is not known: give a value for a symbol that has it`);
      total *= size;
    }
  }
  return total;
}

export { DomainError } from './linalg.js';
import { DomainError } from './linalg.js';

/** Entries evaluation holds densely at most (8 bytes each: 512 MB). */
const MAX_DENSE_ENTRIES = 2 ** 26;

/** The rows of a node to allocate, after checking it fits in memory at all. */
function affordable(e: Expr, sizes: Sizes, what: string): number {
  const [rows, cols] = [sizeOf(e.shape.rows, sizes), sizeOf(e.shape.cols, sizes)];
  if (rows * cols > MAX_DENSE_ENTRIES) {
    const bytes = rows * cols * 8;
    const amount = bytes >= 1e12 ? `${(bytes / 1e12).toPrecision(3)} TB` : `${(bytes / 1e9).toPrecision(3)} GB`;
    throw new MatcalcError('limit', `${what} of size ${rows === cols ? rows : `${rows}×${cols}`} would need ${amount} to evaluate densely`, { expected: 'evaluate at smaller sizes' });
  }
  return rows;
}

export function evaluateExpr(root: Expr, values: Values, sizes: Sizes): Matrix {
  const memo = new Map<number, Matrix>();
  const scalar = (m: Matrix): number => m[0]![0]!;
  const evaluate = (e: Expr): Matrix => {
    const known = memo.get(e.id);
    if (known) return known;
    const result = compute(e);
    memo.set(e.id, result);
    return result;
  };
  const compute = (e: Expr): Matrix => {
    const arg = (): Matrix => evaluate(e.args[0]!);
    switch (e.op) {
      case 'symbol': {
        const value = values.get(e.name);
        if (!value) throw new MatcalcError('value', `no value given for ${e.name}`);
        return value;
      }
      case 'number': return [[e.value]];
      case 'dimension': return [[sizeOf(e.name, sizes)]];
      case 'identity': return L.eye(affordable(e, sizes, 'the identity'));
      case 'ones': return L.zeros(affordable(e, sizes, 'the vector of ones'), 1).map(() => [1]);
      case 'zero': return L.zeros(affordable(e, sizes, 'the zero matrix'), sizeOf(e.shape.cols, sizes));
      case 'commutation': {
        const x = e.args[0]!;
        return L.commutation(sizeOf(x.shape.rows, sizes), sizeOf(x.shape.cols, sizes));
      }
      case 'add': return e.args.map(evaluate).reduce((a, b) => L.zip(a, b, (x, y) => x + y));
      case 'multiply': {
        let factor = 1;
        let chain: Matrix | undefined;
        for (const a of e.args) {
          const value = evaluate(a);
          if (isScalar(a)) factor *= scalar(value);
          else chain = chain ? L.multiply(chain, value) : value;
        }
        return chain ? (factor === 1 ? chain : L.map(chain, (x) => x * factor)) : [[factor]];
      }
      case 'hadamard': return e.args.map(evaluate).reduce((a, b) => L.zip(a, b, (x, y) => x * y));
      case 'kron':
        affordable(e, sizes, 'the Kronecker product');
        return e.args.map(evaluate).reduce(L.kron);
      case 'transpose': return L.transpose(arg());
      case 'inverse': {
        const a = arg();
        if (L.conditionBound(a) > 1e12) throw new DomainError('singular matrix');
        return L.inverse(a);
      }
      case 'power': {
        const p = e.args.length === 2 ? scalar(evaluate(e.args[1]!)) : e.value;
        return L.map(arg(), (x) => {
          if (x < 0 && !Number.isInteger(p)) throw new DomainError(`negative base to the power ${p}`);
          if (x === 0 && p < 0) throw new DomainError('division by zero');
          return Math.pow(x, p);
        });
      }
      case 'matrixPower': return L.power(arg(), e.value);
      case 'apply': {
        const f = elementwise(e.name);
        if (!f) throw new Error(`no numeric definition for the function ${e.name}`);
        return L.map(arg(), (x) => {
          const y = f.scalar(x);
          if (Number.isNaN(y)) throw new DomainError(`${e.name}(${x}) is undefined`);
          return y;
        });
      }
      case 'differential': {
        const value = values.get(`d(${e.args[0]!.op === 'symbol' ? e.args[0]!.name : e.args[0]!.id})`);
        if (!value) throw new MatcalcError('value', 'a differential has no value; give a direction for it');
        return value;
      }
      default: {
        const f = matrixFunction(e.op);
        if (!f) throw new Error(`no numeric definition for the operation ${e.op}`);
        return f.evaluate(arg());
      }
    }
  };
  for (const node of postOrder(root)) {
    checkDeadline();
    evaluate(node); // children first: shallow recursion
  }
  return evaluate(root);
}
