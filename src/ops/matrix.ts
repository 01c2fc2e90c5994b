// Functions of a whole matrix or vector: one entry each (diag is two: of a vector and of a
// matrix). Their differentials (and, for the linear ones, isolation and Jacobian rules)
// are in rules/; everything else about them is here.

import * as L from '../numeric/linalg.js';
import { DomainError, type Matrix } from '../numeric/linalg.js';
import type { Helper, MatrixFunctionDefinition } from './definition.js';
import { call, operator, template } from './spelling.js';

const tsHelper = (source: string, needs: string[] = []): Helper => ({ source, needs });
const scalar = (x: number): Matrix => [[x]];
const entries = (a: Matrix): number[] => a.flat();
const column = (a: Matrix): number[] => a.map((row) => row[0]!);

/** adj(A) from cofactors (any square A, singular included) for small sizes; det(A)·inv(A)
 *  beyond, where cofactors cost too much. */
function adjugate(a: Matrix): Matrix {
  const n = a.length;
  if (n === 1) return [[1]];
  if (n > 8) return L.map(L.inverse(a), (x) => x * L.determinant(a));
  const minor = (i: number, j: number): Matrix => a.filter((_, r) => r !== i).map((row) => row.filter((_, c) => c !== j));
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => ((i + j) % 2 === 0 ? 1 : -1) * L.determinant(minor(j, i))));
}

/** The Moore–Penrose pseudo-inverse of a full-rank matrix: (AᵀA)⁻¹Aᵀ or Aᵀ(AAᵀ)⁻¹. */
function pseudoInverse(a: Matrix): Matrix {
  const at = L.transpose(a);
  const tall = a.length >= (a[0]?.length ?? 0);
  const gram = tall ? L.multiply(at, a) : L.multiply(a, at);
  if (L.conditionBound(gram) > 1e12) throw new DomainError('pinv of a matrix that is not of full rank');
  return tall ? L.multiply(L.inverse(gram), at) : L.multiply(at, L.inverse(gram));
}

export const MATRIX_FUNCTIONS: readonly MatrixFunctionDefinition[] = [
  {
    family: 'matrix', name: 'tr', op: 'trace', read: ['tr', 'trace'], latexRead: ['\\operatorname{tr}', '\\mathrm{tr}', '\\operatorname{Tr}', '\\mathrm{Tr}', '\\text{tr}', '\\text{Tr}', '\\tr', '\\Tr', '\\trace'],
    write: { text: 'tr', latex: operator('tr') }, argument: 'square', result: 'scalar', linear: true,
    folds: { scalar: 'self', zero: 0, transpose: 'invariant' },
    evaluate: (a) => scalar(a.reduce((s, row, i) => s + row[i]!, 0)),
    code: { numpy: call('np.trace'), torch: call('torch.trace'), ts: call('trace', { trace: tsHelper('function trace(a: Matrix): number {\n  return a.reduce((s, row, i) => s + row[i]!, 0);\n}') }) },
    summary: 'trace',
  },
  {
    family: 'matrix', name: 'det', op: 'det', read: ['det'], latexRead: ['\\det'],
    write: { text: 'det', latex: (z) => `\\det\\left(${z}\\right)` }, argument: 'square', result: 'scalar', domain: 'invertible',
    folds: { scalar: 'self', zero: 0, identity: 1, transpose: 'invariant' },
    evaluate: (a) => scalar(L.determinant(a)),
    code: { numpy: call('np.linalg.det'), torch: call('torch.linalg.det'), ts: call('det') },
    summary: 'determinant',
  },
  {
    family: 'matrix', name: 'logdet', op: 'logdet', read: ['logdet'], latexRead: [],
    write: { text: 'logdet', latex: (z) => `\\log\\det\\left(${z}\\right)` }, argument: 'square', result: 'scalar', domain: 'invertible',
    folds: { scalar: { apply: 'log' }, identity: 0, transpose: 'invariant' },
    // From the LU factors' log-magnitude: right where det itself would overflow or underflow.
    evaluate: (a) => {
      const { sign, logAbs } = L.logAbsDeterminant(a);
      if (sign <= 0) throw new DomainError('logdet of a matrix whose determinant is not positive');
      return scalar(logAbs);
    },
    // log det through slogdet: no overflow of det itself.
    code: {
      numpy: template((_, z) => `np.linalg.slogdet(${z})[1]`),
      torch: template((_, z) => `torch.linalg.slogdet(${z})[1]`),
      ts: call('logdet', {
        logdet: tsHelper([
          '/** log(det(a)) from the LU factors: no overflow of det itself; NaN when det ≤ 0. */',
          'function logdet(a: Matrix): number {',
          '  const { lu: m, sign } = lu(a);',
          '  let s = sign;',
          '  let total = 0;',
          '  m.forEach((row, i) => {',
          '    s *= Math.sign(row[i]!);',
          '    total += Math.log(Math.abs(row[i]!));',
          '  });',
          '  return s > 0 ? total : NaN;',
          '}',
        ].join('\n'), ['lu']),
      }),
    },
    summary: 'log of the determinant (log det X reads as the same)',
  },
  {
    family: 'matrix', name: 'sum', op: 'sum', read: ['sum'], latexRead: ['\\operatorname{sum}'],
    write: { text: 'sum', latex: operator('sum') }, argument: 'any', result: 'scalar', linear: true,
    folds: { scalar: 'self', zero: 0, transpose: 'invariant' },
    evaluate: (a) => scalar(entries(a).reduce((s, x) => s + x, 0)),
    code: { numpy: call('np.sum'), torch: call('torch.sum'), ts: call('total', { total: tsHelper('function total(a: Vector | Matrix): number {\n  return (a as (number | number[])[]).flat().reduce((s, v) => s + v, 0);\n}') }) },
    summary: 'sum of the entries',
  },
  {
    family: 'matrix', name: 'mean', op: 'mean', read: ['mean'], latexRead: ['\\operatorname{mean}'],
    write: { text: 'mean', latex: operator('mean') }, argument: 'any', result: 'scalar', linear: true,
    folds: { scalar: 'self', zero: 0, transpose: 'invariant' },
    evaluate: (a) => scalar(entries(a).reduce((s, x) => s + x, 0) / entries(a).length),
    code: {
      numpy: call('np.mean'), torch: call('torch.mean'),
      ts: call('mean', { mean: tsHelper('function mean(a: Vector | Matrix): number {\n  const flat = (a as (number | number[])[]).flat();\n  return flat.reduce((s, v) => s + v, 0) / flat.length;\n}') }),
    },
    summary: 'mean of the entries: sum(X)/numel(X)',
  },
  {
    family: 'matrix', name: 'numel', op: 'numel', read: ['numel'], latexRead: ['\\operatorname{numel}'],
    write: { text: 'numel', latex: operator('numel') }, argument: 'any', result: 'scalar', shapeOnly: true,
    folds: { scalar: 'one', transpose: 'invariant' },
    evaluate: (a) => scalar(entries(a).length),
    code: {
      numpy: template((z) => `${z}.size`), torch: template((z) => `${z}.numel()`),
      ts: call('numel', { numel: tsHelper('function numel(a: Vector | Matrix): number {\n  return (a as (number | number[])[]).flat().length;\n}') }),
    },
    summary: 'the number of entries of X (a size: constant under differentiation)',
  },
  {
    family: 'matrix', name: 'rows', op: 'rows', read: ['rows'], latexRead: [],
    write: { text: 'rows', latex: operator('rows') }, argument: 'any', result: 'scalar', shapeOnly: true,
    // Always the dimension itself (m for an m×n X), which prints as its name.
    folds: { size: 'rows', transpose: 'invariant' },
    evaluate: (a) => scalar(a.length),
    code: {
      numpy: template((z) => `${z}.shape[0]`), torch: template((z) => `${z}.shape[0]`),
      ts: template((z) => `${z}.length`),
    },
    summary: 'the number of rows of X: a size, written as its name (m for X: m×n)',
  },
  {
    family: 'matrix', name: 'norm', op: 'norm', read: ['norm', 'norm2'], latexRead: [],
    write: { text: 'norm', unicode: (z) => (z.includes('‖') ? `norm(${z})` : `‖${z}‖`), latex: (z) => `\\left\\| ${z} \\right\\|` }, argument: 'any', result: 'scalar',
    folds: { scalar: { apply: 'abs' }, zero: 0, transpose: 'invariant' },
    evaluate: (a) => scalar(L.frobenius(a)),
    code: {
      numpy: call('np.linalg.norm'), torch: call('torch.linalg.norm'),
      ts: call('norm', { norm: tsHelper('function norm(a: Vector | Matrix): number {\n  return Math.sqrt((a as (number | number[])[]).flat().reduce((s, v) => s + v * v, 0));\n}') }),
    },
    summary: '2-norm of a vector, Frobenius norm of a matrix (‖x‖ and ||x|| read as it)',
  },
  {
    family: 'matrix', name: 'norm1', op: 'norm1', read: ['norm1'], latexRead: [],
    write: { text: 'norm1', latex: (z) => `\\left\\| ${z} \\right\\|_{1}` }, argument: 'any', result: 'scalar',
    folds: { scalar: { apply: 'abs' }, zero: 0, transpose: 'invariant' },
    evaluate: (a) => scalar(entries(a).reduce((s, x) => s + Math.abs(x), 0)),
    code: {
      numpy: template((_, z) => `np.sum(np.abs(${z}))`), torch: template((_, z) => `torch.sum(torch.abs(${z}))`),
      ts: call('norm1', { norm1: tsHelper('function norm1(a: Vector | Matrix): number {\n  return (a as (number | number[])[]).flat().reduce((s, v) => s + Math.abs(v), 0);\n}') }),
    },
    summary: 'sum of absolute values of the entries',
  },
  {
    family: 'matrix', name: 'diag', op: 'diagMatrix', read: ['diag'], latexRead: ['\\operatorname{diag}', '\\mathrm{diag}'],
    write: { text: 'diag', latex: operator('diag') }, argument: 'vector', result: 'diagonal', linear: true, gives: ['symmetric', 'diagonal'],
    folds: { scalar: 'self', zero: 'zero', ones: 'identity' },
    evaluate: (v) => {
      const result = L.zeros(v.length, v.length);
      v.forEach((row, i) => (result[i]![i] = row[0]!));
      return result;
    },
    code: {
      numpy: call('np.diag'), torch: call('torch.diag'),
      ts: call('diagMatrix', { diagMatrix: tsHelper('function diagMatrix(v: Vector): Matrix {\n  return v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));\n}') }),
    },
    summary: 'a vector → the diagonal matrix with it on the diagonal; a square matrix → its diagonal as a vector',
  },
  {
    family: 'matrix', name: 'diag', op: 'diagVector', read: ['diag'], latexRead: ['\\operatorname{diag}', '\\mathrm{diag}'],
    write: { text: 'diag', latex: operator('diag') }, argument: 'square', result: 'column', linear: true,
    folds: { scalar: 'self', zero: 'zero', identity: 'ones', transpose: 'invariant', undoes: ['diagMatrix'] },
    evaluate: (a) => a.map((row, i) => [row[i]!]),
    code: {
      numpy: call('np.diag'), torch: call('torch.diagonal'),
      ts: call('diagVector', { diagVector: tsHelper('function diagVector(a: Matrix): Vector {\n  return a.map((row, i) => row[i]!);\n}') }),
    },
    summary: '(diag of a square matrix)',
  },
  {
    family: 'matrix', name: 'vec', op: 'vec', read: ['vec'], latexRead: ['\\operatorname{vec}', '\\mathrm{vec}'],
    write: { text: 'vec', latex: operator('vec') }, argument: 'any', result: 'vec', linear: true,
    folds: { vector: 'self', zero: 'zero' },
    evaluate: (a) => L.vec(a),
    code: {
      numpy: template((z) => `${z}.T.reshape(-1)`), torch: template((z) => `${z}.T.reshape(-1)`),
      ts: call('vec', { vec: tsHelper('/** The columns of a stacked into one vector. */\nfunction vec(a: Matrix): Vector {\n  return transpose(a).flat();\n}', ['transpose']) }),
    },
    summary: 'the columns stacked into one vector',
  },
  {
    family: 'matrix', name: 'softmax', op: 'softmax', read: ['softmax'], latexRead: ['\\operatorname{softmax}'],
    // Of a matrix: column by column (each column a vector of scores), as torch.softmax(·, 0).
    write: { text: 'softmax', latex: operator('softmax') }, argument: 'any', result: 'same',
    folds: {},
    evaluate: (a) => {
      const out = a.map((row) => row.map(() => 0));
      for (let j = 0; j < (a[0]?.length ?? 0); j++) {
        const v = a.map((row) => row[j]!);
        const top = Math.max(...v);
        const exps = v.map((x) => Math.exp(x - top));
        const total = exps.reduce((t, x) => t + x, 0);
        exps.forEach((x, i) => (out[i]![j] = x / total));
      }
      return out;
    },
    code: {
      numpy: call('_softmax', { _softmax: { source: 'def _softmax(z):\n    e = np.exp(z - np.max(z, axis=0))\n    return e / np.sum(e, axis=0)' } }),
      torch: template((_, z) => `torch.softmax(${z}, 0)`),
      ts: call('softmax', { softmax: tsHelper('function softmax<T extends Vector | Matrix>(z: T): T {\n  const column = (v: Vector): Vector => {\n    const top = Math.max(...v);\n    const e = v.map((x) => Math.exp(x - top));\n    const s = e.reduce((a, b) => a + b, 0);\n    return e.map((x) => x / s);\n  };\n  if (typeof z[0] === "number") return column(z as Vector) as T;\n  const m = z as Matrix;\n  const columns = m[0]!.map((_, j) => column(m.map((row) => row[j]!)));\n  return m.map((row, i) => row.map((_, j) => columns[j]![i]!)) as T;\n}') }),
    },
    summary: 'exp(x)/sum(exp(x)) of a vector; of a matrix, of each column',
  },
  {
    family: 'matrix', name: 'logsumexp', op: 'logsumexp', read: ['logsumexp'], latexRead: ['\\operatorname{logsumexp}', '\\operatorname{LSE}'],
    write: { text: 'logsumexp', latex: operator('logsumexp') }, argument: 'vector', result: 'scalar',
    folds: {},
    evaluate: (a) => {
      const v = column(a);
      const top = Math.max(...v);
      return scalar(top + Math.log(v.reduce((s, x) => s + Math.exp(x - top), 0)));
    },
    code: {
      numpy: template((_, z) => `np.logaddexp.reduce(${z})`),
      torch: template((_, z) => `torch.logsumexp(${z}, 0)`),
      ts: call('logsumexp', { logsumexp: tsHelper('function logsumexp(z: Vector): number {\n  const top = Math.max(...z);\n  return top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));\n}') }),
    },
    summary: 'log(sum(exp(x))) of a vector, computed stably',
  },
  {
    family: 'matrix', name: 'adj', op: 'adj', read: ['adj', 'adjugate'], latexRead: ['\\operatorname{adj}', '\\mathrm{adj}'],
    write: { text: 'adj', latex: operator('adj') }, argument: 'square', result: 'same', keeps: ['symmetric', 'spd', 'diagonal'], domain: 'invertible',
    folds: { scalar: 'one', identity: 'self', transpose: 'commutes' },
    evaluate: adjugate,
    code: {
      numpy: call('_adj', { _adj: { source: 'def _adj(A):\n    # adj(A) = det(A) inv(A), for invertible A\n    return np.linalg.det(A) * np.linalg.inv(A)' } }),
      torch: call('_adj', { _adj: { source: 'def _adj(A):\n    # adj(A) = det(A) inv(A), for invertible A\n    return torch.linalg.det(A) * torch.linalg.inv(A)' } }),
      ts: call('adj', { adj: tsHelper('/** adj(a) = det(a)·inv(a), for invertible a. */\nfunction adj(a: Matrix): Matrix {\n  const d = det(a);\n  return inv(a).map((row) => row.map((v) => d * v));\n}', ['det', 'inv']) }),
    },
    summary: 'the adjugate det(X)·inv(X) (the transposed cofactor matrix)',
  },
  {
    family: 'matrix', name: 'pinv', op: 'pinv', read: ['pinv'], latexRead: [],
    write: { text: 'pinv', latex: operator('pinv') }, argument: 'any', result: 'transposed', keeps: ['symmetric'], domain: 'full-rank',
    folds: { scalar: 'reciprocal', zero: 'zero', identity: 'self', transpose: 'commutes', undoes: ['pinv'] },
    evaluate: pseudoInverse,
    code: {
      numpy: call('np.linalg.pinv'), torch: call('torch.linalg.pinv'),
      ts: call('pinv', {
        pinv: tsHelper([
          '/** The pseudo-inverse of a full-rank matrix: (aᵀa)⁻¹aᵀ or aᵀ(aaᵀ)⁻¹. */',
          'function pinv(a: Matrix): Matrix {',
          '  const t = transpose(a);',
          '  return a.length >= cols(a) ? matmul(inv(matmul(t, a)), t) : matmul(t, inv(matmul(a, t)));',
          '}',
        ].join('\n'), ['transpose', 'matmul', 'inv', 'cols']),
      }),
    },
    summary: 'the Moore–Penrose pseudo-inverse (its derivative holds for full-rank X)',
  },
];
