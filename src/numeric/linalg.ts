// Dense linear algebra on arrays of rows, in plain loops. Determinants, log-determinants
// and inverses come from one LU factorisation with partial pivoting: the determinant is
// kept as a sign and a log of its magnitude (0.1·I₁₀₀ has det 1e-100, not a rounding
// error; a 400×400 matrix with det 1e192 is fine; one beyond double precision is reported
// as such), and a matrix is singular when its condition says so, whatever its scale.
// Heavy loops check the session's deadline.

import { checkDeadlineNow } from '../limits.js';

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

/** The product by plain loops (a generic library's multiply was several times slower at the
 *  sizes verification uses, 2–7). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (cols(a) !== rows(b)) throw new RangeError(`cannot multiply ${rows(a)}×${cols(a)} by ${rows(b)}×${cols(b)}`);
  const [m, k, n] = [rows(a), cols(a), cols(b)];
  const result = zeros(m, n);
  const heavy = k * n > 10_000;
  for (let i = 0; i < m; i++) {
    if (heavy) checkDeadlineNow();
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

interface Factors {
  /** L (unit lower, below the diagonal) and U (on and above it), packed. */
  readonly lu: Matrix;
  /** Row i of the factors is row order[i] of the matrix. */
  readonly order: number[];
  /** The determinant's sign (0: an exact zero pivot). */
  readonly sign: number;
  /** |det| = mantissa · 2^exponent, the pivots' product rescaled by exact powers of two. */
  readonly mantissa: number;
  readonly exponent: number;
}

function factor(a: Matrix): Factors {
  const n = rows(a);
  if (cols(a) !== n) throw new RangeError(`LU of a ${n}×${cols(a)} matrix`);
  const m = a.map((row) => [...row]);
  const order = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let mantissa = 1;
  let exponent = 0;
  for (let k = 0; k < n; k++) {
    if (n > 60) checkDeadlineNow();
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    const pivot = m[p]![k]!;
    if (pivot === 0 || !Number.isFinite(pivot)) return { lu: m, order, sign: 0, mantissa: 0, exponent: 0 };
    if (p !== k) {
      [m[p], m[k]] = [m[k]!, m[p]!];
      [order[p], order[k]] = [order[k]!, order[p]!];
      sign = -sign;
    }
    if (pivot < 0) sign = -sign;
    mantissa *= Math.abs(pivot);
    if (mantissa > 1e150 || mantissa < 1e-150) {
      const shift = Math.floor(Math.log2(mantissa));
      mantissa /= 2 ** shift; // exact: a power of two
      exponent += shift;
    }
    const rowK = m[k]!;
    for (let i = k + 1; i < n; i++) {
      const rowI = m[i]!;
      const f = (rowI[k]! /= pivot);
      if (f !== 0) for (let j = k + 1; j < n; j++) rowI[j]! -= f * rowK[j]!;
    }
  }
  return { lu: m, order, sign, mantissa, exponent };
}

/** log|det| from the rescaled product: no overflow, no underflow. */
const logMagnitude = (f: Factors): number => (f.sign === 0 ? -Infinity : Math.log(f.mantissa) + f.exponent * Math.LN2);

/** The determinant as a sign (−1, 0, 1) and log|det|: no overflow, no underflow. */
export function logAbsDeterminant(a: Matrix): { sign: number; logAbs: number } {
  const factors = factor(a);
  return { sign: factors.sign, logAbs: logMagnitude(factors) };
}

/** The largest and smallest |det| a double holds (e^709.78, e^−744.44). */
const LOG_MAX = Math.log(Number.MAX_VALUE);
const LOG_MIN = Math.log(Number.MIN_VALUE);

export function determinant(a: Matrix): number {
  const factors = factor(a);
  const { sign, mantissa, exponent } = factors;
  if (sign === 0) return 0;
  const logAbs = logMagnitude(factors);
  if (logAbs > LOG_MAX) throw new DomainError(`det overflows double precision (|det| = e^${logAbs.toFixed(1)}); logdet gives it`);
  if (logAbs < LOG_MIN) throw new DomainError(`det underflows double precision (|det| = e^${logAbs.toFixed(1)}); logdet gives it`);
  // In two halves, so that no intermediate power of two leaves the range.
  const half = Math.trunc(exponent / 2);
  return sign * mantissa * 2 ** half * 2 ** (exponent - half);
}

/** inv(a) from its LU factors; an exactly singular a throws (a nearly singular one is
 *  judged by conditionBound). */
export function inverse(a: Matrix): Matrix {
  const n = rows(a);
  const { lu, order, sign } = factor(a);
  if (sign === 0) throw new DomainError('singular matrix');
  const result = zeros(n, n);
  for (let c = 0; c < n; c++) {
    // Solve L U x = P e_c.
    const x = order.map((i) => (i === c ? 1 : 0));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) x[i]! -= lu[i]![j]! * x[j]!;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = i + 1; j < n; j++) x[i]! -= lu[i]![j]! * x[j]!;
      x[i]! /= lu[i]![i]!;
    }
    for (let i = 0; i < n; i++) result[i]![c] = x[i]!;
  }
  return result;
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

/** The Frobenius norm, scaled by the largest entry so that neither 1e200 nor 1e-200 entries
 *  overflow or underflow on the way. */
export function frobenius(a: Matrix): number {
  const scale = maxAbs(a);
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let total = 0;
  for (const row of a) for (const x of row) total += (x / scale) ** 2;
  return scale * Math.sqrt(total);
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

/** 2-norm condition number estimate via ‖A‖_F·‖A⁻¹‖_F (an upper bound, cheap and sound;
 *  independent of A's scale: inv(1e-200·A) is as well-conditioned as inv(A)). */
export function conditionBound(a: Matrix): number {
  try {
    const product = frobenius(a) * frobenius(inverse(a));
    return Number.isFinite(product) ? product : Infinity;
  } catch (error) {
    if (error instanceof DomainError) return Infinity;
    throw error;
  }
}

/** A square matrix to an integer power k ≥ 1 by repeated squaring: log₂ k products. */
export function power(a: Matrix, k: number): Matrix {
  let result: Matrix | undefined;
  let base = a;
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    checkDeadlineNow();
    if (e % 2 === 1) result = result ? multiply(result, base) : base;
    if (e > 1) base = multiply(base, base);
  }
  return result ?? eye(rows(a));
}
