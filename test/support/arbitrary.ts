// Random well-typed expressions over every operation, for property tests. Symbols have
// fixed declared shapes (WHERE), so printed text can be parsed back with the same meaning.
import fc from 'fast-check';
import * as C from '../../src/expr/construct.js';
import type { Expr } from '../../src/expr/node.js';

export const WHERE = 'A: n×n; B: n×m; D: m×n; x: n; y: m; alpha, beta: scalar';
export type Slot = 'nn' | 'nm' | 'mn' | 'n' | 'm' | 's';

const dims = { nn: ['n', 'n'], nm: ['n', 'm'], mn: ['m', 'n'], n: ['n', '1'], m: ['m', '1'], s: ['1', '1'] } as const;
const sym = (name: string, slot: Slot): Expr => C.symbol(name, { rows: dims[slot][0], cols: dims[slot][1] });

export const leaves: Record<Slot, () => Expr[]> = {
  // I and 𝟙 appear only where a sum pins their size: alone, text cannot say their size.
  nn: () => [sym('A', 'nn'), C.add(sym('A', 'nn'), C.identity('n'))],
  nm: () => [sym('B', 'nm')],
  mn: () => [sym('D', 'mn')],
  n: () => [sym('x', 'n'), C.add(sym('x', 'n'), C.ones('n'))],
  m: () => [sym('y', 'm')],
  s: () => [sym('alpha', 's'), sym('beta', 's'), C.number(2), C.number(0.5), C.number(-3)],
};

const ELEMENTWISE = ['exp', 'sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'tan', 'relu', 'abs', 'sinh', 'arctan', 'erf', 'gelu', 'normcdf'] as const;
const transposeOf: Record<Slot, Slot | undefined> = { nn: 'nn', nm: 'mn', mn: 'nm', n: undefined, m: undefined, s: 's' };

type Builder = (depth: number) => fc.Arbitrary<Expr>;

/** Expressions of one shape slot; `smooth` leaves out relu/abs (kinks) for derivative tests. */
export function expression(slot: Slot, maxDepth = 3, smooth = false): fc.Arbitrary<Expr> {
  const functions = smooth ? ELEMENTWISE.filter((f) => f !== 'relu' && f !== 'abs' && f !== 'tan') : ELEMENTWISE;
  const memo = new Map<string, fc.Arbitrary<Expr>>();
  const of = (s: Slot, depth: number): fc.Arbitrary<Expr> => {
    const key = `${s}:${depth}`;
    const known = memo.get(key);
    if (known) return known;
    const leaf = fc.constantFrom(...leaves[s]());
    if (depth <= 0) return leaf;
    const d = depth - 1;
    const options: fc.Arbitrary<Expr>[] = [leaf];
    const add = (arb: fc.Arbitrary<Expr>): void => void options.push(arb);
    add(fc.tuple(of(s, d), of(s, d)).map(([a, b]) => C.add(a, b)));
    add(fc.tuple(of(s, d), of(s, d)).map(([a, b]) => C.subtract(a, b)));
    add(fc.tuple(of('s', d), of(s, d)).map(([a, b]) => C.multiply(a, b)));
    add(fc.tuple(fc.constantFrom(...functions), of(s, d)).map(([f, a]) => C.apply(f, a)));
    if (s !== 's') add(fc.tuple(of(s, d), of(s, d)).map(([a, b]) => C.hadamard(a, b)));
    const t = transposeOf[s];
    if (t && s !== 's') add(of(t, d).map(C.transpose));
    const [r, c] = [s === 'nn' || s === 'nm' || s === 'n' ? 'n' : 'm', s === 'nn' || s === 'mn' ? 'n' : s === 'nm' ? 'm' : '1'];
    // Products through an inner dimension of either size.
    const slotOf = (rows: string, cols: string): Slot | undefined =>
      (({ 'n,n': 'nn', 'n,m': 'nm', 'm,n': 'mn', 'n,1': 'n', 'm,1': 'm', '1,1': 's' }) as Record<string, Slot>)[`${rows},${cols}`];
    if (s !== 's') {
      for (const inner of ['n', 'm']) {
        const left = slotOf(r, inner);
        const right = slotOf(inner, c);
        if (left && right) add(fc.tuple(of(left, d), of(right, d)).map(([a, b]) => C.multiply(a, b)));
      }
    }
    if (s === 'nn') {
      add(of('nn', d).map((a) => C.inverse(C.add(C.multiply(C.number(4), C.identity('n')), C.hadamard(a, C.multiply(C.number(0.1), C.ones('n'), C.transpose(C.ones('n'))))))));
      add(of('nn', d).map((a) => C.matrixPower(a, 2)));
      add(of('n', d).map((v) => C.diag(v)));
      add(fc.tuple(of('n', d), of('n', d)).map(([a, b]) => C.multiply(a, C.transpose(b))));
    }
    if (s === 'n') {
      add(of('nn', d).map((a) => C.diag(a)));
      add(of('n', d).map((v) => C.func('softmax', v)));
    }
    if (s === 's') {
      add(of('nn', d).map(C.trace));
      add(of('nm', d).map((a) => C.func('mean', a)));
      add(of('nn', d).map((a) => C.func('sum', a)));
      add(of('nm', d).map((a) => C.func('norm', a)));
      add(of('n', d).map((v) => C.func('logsumexp', v)));
      add(fc.tuple(of('n', d), of('n', d)).map(([a, b]) => C.multiply(C.transpose(a), b)));
      add(of('s', d).map((a) => C.power(a, 2)));
      add(of('s', d).map((a) => C.apply('log', C.add(C.number(2), C.apply('sigmoid', a)))));
      add(of('nn', d).map((a) => C.func('det', C.add(C.multiply(C.number(3), C.identity('n')), C.apply('tanh', a)))));
    }
    const result = fc.oneof({ depthSize: 'small' }, ...options);
    memo.set(key, result);
    return result;
  };
  return of(slot, maxDepth);
}

export const anySlot = fc.constantFrom<Slot>('nn', 'nm', 'mn', 'n', 'm', 's');
