// Evaluates an expression on concrete values. Sizes of dimension symbols come from the
// values given (or from a random instance); every node is evaluated once per call.

import { MatcalcError } from '../errors.js';
import { isScalar } from '../expr/construct.js';
import type { Dim } from '../expr/dims.js';
import { type Expr, postOrder } from '../expr/node.js';
import { ELEMENTWISE } from './functions.js';
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

/** Thrown inside evaluation when a value leaves the domain (singular matrix, log of ≤ 0). */
export class DomainError extends Error {}

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
      case 'identity': return L.eye(sizeOf(e.shape.rows, sizes));
      case 'ones': return L.zeros(sizeOf(e.shape.rows, sizes), 1).map(() => [1]);
      case 'zero': return L.zeros(sizeOf(e.shape.rows, sizes), sizeOf(e.shape.cols, sizes));
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
      case 'kron': return e.args.map(evaluate).reduce(L.kron);
      case 'transpose': return L.transpose(arg());
      case 'inverse': {
        const a = arg();
        if (L.conditionBound(a) > 1e12) throw new DomainError('singular matrix');
        return L.inverse(a);
      }
      case 'power': {
        const p = e.value;
        return L.map(arg(), (x) => {
          if (x < 0 && !Number.isInteger(p)) throw new DomainError(`negative base to the power ${p}`);
          if (x === 0 && p < 0) throw new DomainError('division by zero');
          return Math.pow(x, p);
        });
      }
      case 'matrixPower': {
        const a = arg();
        let result = a;
        for (let k = 1; k < e.value; k++) result = L.multiply(result, a);
        return result;
      }
      case 'apply': {
        const f = ELEMENTWISE[e.name];
        if (!f) throw new MatcalcError('unsupported', `no numeric definition for ${e.name}`);
        return L.map(arg(), (x) => {
          const y = f(x);
          if (Number.isNaN(y)) throw new DomainError(`${e.name}(${x}) is undefined`);
          return y;
        });
      }
      case 'trace': return [[arg().reduce((sum, row, i) => sum + row[i]!, 0)]];
      case 'det': return [[L.determinant(arg())]];
      case 'logdet': {
        const d = L.determinant(arg());
        if (!(d > 0)) throw new DomainError('logdet of a matrix whose determinant is not positive');
        return [[Math.log(d)]];
      }
      case 'sum': return [[arg().flat().reduce((a, b) => a + b, 0)]];
      case 'norm': return [[L.frobenius(arg())]];
      case 'norm1': return [[arg().flat().reduce((a, b) => a + Math.abs(b), 0)]];
      case 'diagMatrix': {
        const v = arg();
        const result = L.zeros(v.length, v.length);
        v.forEach((row, i) => (result[i]![i] = row[0]!));
        return result;
      }
      case 'diagVector': return arg().map((row, i) => [row[i]!]);
      case 'vec': return L.vec(arg());
      case 'softmax': {
        const v = arg().map((row) => row[0]!);
        const top = Math.max(...v);
        const exps = v.map((x) => Math.exp(x - top));
        const total = exps.reduce((a, b) => a + b, 0);
        return exps.map((x) => [x / total]);
      }
      case 'logsumexp': {
        const v = arg().map((row) => row[0]!);
        const top = Math.max(...v);
        return [[top + Math.log(v.reduce((a, x) => a + Math.exp(x - top), 0))]];
      }
      case 'differential': {
        const value = values.get(`d(${e.args[0]!.op === 'symbol' ? e.args[0]!.name : e.args[0]!.id})`);
        if (!value) throw new MatcalcError('value', 'a differential has no value; give a direction for it');
        return value;
      }
    }
  };
  for (const node of postOrder(root)) evaluate(node); // children first: shallow recursion
  return evaluate(root);
}
