// Dense linear algebra on arrays of rows. mathjs is imported here and nowhere else, created
// with only the factories used (start-up time); the cheap loops are plain TypeScript.

// Named imports, so that the bundle holds only what inv and det need (start-up time).
import { create, detDependencies, type FactoryFunctionMap, invDependencies } from 'mathjs';

/** mathjs is created on the first inverse or determinant: its typed functions take
 *  ~0.2 s to set up, which a command that needs neither should not pay. */
let instance: { inv(a: Matrix): unknown; det(a: Matrix): unknown } | undefined;
function math(): { inv(a: Matrix): unknown; det(a: Matrix): unknown } {
  // The typings mark each dependency map optional; they are always present at run time.
  instance ??= create({ invDependencies, detDependencies } as Record<string, FactoryFunctionMap>) as unknown as {
    inv(a: Matrix): unknown;
    det(a: Matrix): unknown;
  };
  return instance;
}

export type Matrix = number[][];

/** Thrown inside evaluation when a value leaves the domain (singular matrix, log of ≤ 0). */
export class DomainError extends Error {}

export const rows = (a: Matrix): number => a.length;
export const cols = (a: Matrix): number => a[0]?.length ?? 0;

export function zeros(m: number, n: number): Matrix {
  return Array.from({ length: m }, () => new Array<number>(n).fill(0));
}

export function eye(n: number): Matrix {
  const result = zeros(n, n);
  for (let i = 0; i < n; i++) result[i]![i] = 1;
  return result;
}

export function map(a: Matrix, f: (x: number) => number): Matrix {
  return a.map((row) => row.map(f));
}

export function zip(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  if (rows(a) !== rows(b) || cols(a) !== cols(b)) throw new RangeError(`sizes ${rows(a)}×${cols(a)} and ${rows(b)}×${cols(b)} differ`);
  return a.map((row, i) => row.map((x, j) => f(x, b[i]![j]!)));
}

export function transpose(a: Matrix): Matrix {
  const result = zeros(cols(a), rows(a));
  a.forEach((row, i) => row.forEach((x, j) => (result[j]![i] = x)));
  return result;
}

/** The product by plain loops: at the sizes verification uses (2–7) several times faster
 *  than mathjs's generic multiply. */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (cols(a) !== rows(b)) throw new RangeError(`cannot multiply ${rows(a)}×${cols(a)} by ${rows(b)}×${cols(b)}`);
  const [m, k, n] = [rows(a), cols(a), cols(b)];
  const result = zeros(m, n);
  for (let i = 0; i < m; i++) {
    const row = a[i]!;
    const out = result[i]!;
    for (let t = 0; t < k; t++) {
      const factor = row[t]!;
      if (factor === 0) continue; // Kronecker products with I are mostly zeros
      const other = b[t]!;
      for (let j = 0; j < n; j++) out[j]! += factor * other[j]!;
    }
  }
  return result;
}

export function inverse(a: Matrix): Matrix {
  return math().inv(a) as Matrix;
}

export function determinant(a: Matrix): number {
  return math().det(a) as number;
}

export function kron(a: Matrix, b: Matrix): Matrix {
  const [p, q, r, s] = [rows(a), cols(a), rows(b), cols(b)];
  const result = zeros(p * r, q * s);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < q; j++)
      for (let k = 0; k < r; k++) for (let l = 0; l < s; l++) result[i * r + k]![j * s + l] = a[i]![j]! * b[k]![l]!;
  return result;
}

/** Column-major vec, as in vec(AXB) = (Bᵀ⊗A)vec(X). */
export function vec(a: Matrix): Matrix {
  const result: Matrix = [];
  for (let j = 0; j < cols(a); j++) for (let i = 0; i < rows(a); i++) result.push([a[i]![j]!]);
  return result;
}

/** The commutation matrix K with K·vec(X) = vec(Xᵀ) for X of size m×n. */
export function commutation(m: number, n: number): Matrix {
  const result = zeros(m * n, m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) result[j + i * n]![i + j * m] = 1;
  return result;
}

export function frobenius(a: Matrix): number {
  let total = 0;
  for (const row of a) for (const x of row) total += x * x;
  return Math.sqrt(total);
}

export function maxAbs(a: Matrix): number {
  let best = 0;
  for (const row of a) for (const x of row) best = Math.max(best, Math.abs(x));
  return best;
}

export function isFiniteMatrix(a: Matrix): boolean {
  return a.every((row) => row.every(Number.isFinite));
}

/** Orthonormalizes the columns of a square matrix (Gram–Schmidt, twice for accuracy). */
export function orthonormalize(a: Matrix): Matrix {
  const n = rows(a);
  const columns = transpose(a);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      const v = columns[j]!;
      for (let k = 0; k < j; k++) {
        const u = columns[k]!;
        const dot = u.reduce((sum, x, i) => sum + x * v[i]!, 0);
        for (let i = 0; i < n; i++) v[i]! -= dot * u[i]!;
      }
      const length = Math.hypot(...v);
      for (let i = 0; i < n; i++) v[i]! /= length;
    }
  }
  return transpose(columns);
}

/** 2-norm condition number estimate via ‖A‖_F·‖A⁻¹‖_F (an upper bound, cheap and sound). */
export function conditionBound(a: Matrix): number {
  try {
    return frobenius(a) * frobenius(inverse(a));
  } catch {
    return Infinity;
  }
}
