// Verification of a derivative against central finite differences on random instances:
// distinct sizes per dimension symbol, non-symmetric matrices unless declared, several
// random directions on two or more draws. Domain failures and kinks redraw a bounded
// number of times and then say so ("unverifiable"); they never count as verified.

import { findDim, isScalarShape, shapeText } from '../expr/dims.js';
import { DIAGONAL, type Expr, SYMMETRIC } from '../expr/node.js';
import { DomainError, evaluateExpr, type Sizes } from './evaluate.js';
import * as L from './linalg.js';
import type { Matrix } from './linalg.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random, symbolsOf } from './random.js';

export type VerificationStatus = 'verified' | 'failed' | 'unverifiable' | 'skipped';

export interface Verification {
  readonly status: VerificationStatus;
  /** Largest relative error between the derivative and finite differences. */
  readonly maxRelError: number;
  /** Sizes of the first draw, e.g. { n: 2, m: 3 }. */
  readonly sizes: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly draws: number;
  readonly directions: number;
  readonly reason?: string;
}

export interface VerifyOptions {
  seed?: number;
  draws?: number;
  directions?: number;
}

/** Relative agreement required, beyond the rounding noise of the differences. */
export const TOLERANCE = 1e-6;
/** Step of the central differences; Richardson extrapolation makes the truncation
 *  error O(h⁴), so a large step keeps rounding noise (≈ ε|f|/h) small. */
const STEP = 1e-3;
const ATTEMPTS = 8;

export const SKIPPED: Verification = { status: 'skipped', maxRelError: 0, sizes: {}, seed: 0, draws: 0, directions: 0 };

class Redraw extends Error {}

function inner(a: Matrix, b: Matrix): number {
  let total = 0;
  a.forEach((row, i) => row.forEach((x, j) => (total += x * b[i]![j]!)));
  return total;
}

function safeEvaluate(e: Expr, values: Map<string, Matrix>, sizes: Sizes): Matrix {
  let result: Matrix;
  try {
    result = evaluateExpr(e, values, sizes);
  } catch (error) {
    if (error instanceof DomainError || error instanceof RangeError || error instanceof TypeError || (error instanceof Error && /singular|invertible/i.test(error.message))) {
      throw new Redraw(error.message);
    }
    throw error;
  }
  if (!L.isFiniteMatrix(result)) throw new Redraw('a value is not finite at this point');
  return result;
}

/**
 * Checks a gradient G of scalar f w.r.t. x: for random directions V, the central
 * difference (f(x + hV) − f(x − hV)) / 2h against ⟨G, V⟩.
 */
export function verifyGradient(f: Expr, x: Expr, g: Expr, options: VerifyOptions = {}): Verification {
  const seed = options.seed ?? 1;
  const drawCount = options.draws ?? 2;
  const directionCount = options.directions ?? 3;
  if (!(findDim(g.shape.rows) === findDim(x.shape.rows) && findDim(g.shape.cols) === findDim(x.shape.cols)) && !(isScalarShape(g.shape) && isScalarShape(x.shape))) {
    return { status: 'failed', maxRelError: Infinity, sizes: {}, seed, draws: 0, directions: 0, reason: `the gradient is ${shapeText(g.shape)} but ${x.name} is ${shapeText(x.shape)}` };
  }
  const needs = needsOf(f);
  const gNeeds = needsOf(g);
  gNeeds.positive.forEach((n) => needs.positive.add(n));
  gNeeds.invertible.forEach((n) => needs.invertible.add(n));
  const dims = [...dimsOf(f), ...dimsOf(g)];
  const symbols = [...new Map([...symbolsOf(f), ...symbolsOf(g)].map((s) => [s.name, s])).values()];
  let maxRelError = 0;
  let firstSizes: Record<string, number> = {};
  let lastReason = '';
  for (let draw = 0; draw < drawCount; draw++) {
    const sizes = drawSizes(dims, draw);
    if (draw === 0) firstSizes = Object.fromEntries(sizes);
    let done = false;
    for (let attempt = 0; attempt < ATTEMPTS && !done; attempt++) {
      const random = new Random(seed + 7919 * draw + 104729 * attempt);
      try {
        const values = new Map(symbols.map((s) => [s.name, drawValue(s, sizes, random, needs)]));
        const f0 = safeEvaluate(f, values, sizes)[0]![0]!;
        const gValue = safeEvaluate(g, values, sizes);
        const x0 = values.get(x.name)!;
        const at = (step: number, v: Matrix): number => {
          const moved = new Map(values);
          moved.set(x.name, L.zip(x0, v, (a, b) => a + step * b));
          return safeEvaluate(f, moved, sizes)[0]![0]!;
        };
        for (let k = 0; k < directionCount; k++) {
          let v: Matrix = x0.map((row) => row.map(() => random.normal()));
          if (x.props & SYMMETRIC) v = v.map((row, i) => row.map((a, j) => (a + v[j]![i]!) / 2));
          if (x.props & DIAGONAL) v = v.map((row, i) => row.map((a, j) => (i === j ? a : 0)));
          const analytic = inner(gValue, v);
          let largest = Math.abs(f0);
          const difference = (h: number): number => {
            const [plus, minus] = [at(h, v), at(-h, v)];
            largest = Math.max(largest, Math.abs(plus), Math.abs(minus));
            return (plus - minus) / (2 * h);
          };
          const richardson = (h: number): number => (4 * difference(h / 2) - difference(h)) / 3;
          // What rounding alone can put into the differences: ~10³ ulps of f over h (f may be a
          // long composition, a determinant, …).
          const relative = (estimate: number, step: number): number => {
            const gap = Math.abs(estimate - analytic);
            const noise = (1024 * Number.EPSILON * largest) / step;
            return gap === 0 ? 0 : gap / Math.max(Math.abs(estimate), Math.abs(analytic), noise / TOLERANCE);
          };
          let numeric = richardson(STEP);
          let error = relative(numeric, STEP);
          // A steep f: each quarter step cuts the truncation error 256-fold (and raises the
          // rounding bound 4-fold). Each is a legitimate estimate; the best one stands, and
          // a wrong derivative is off from all of them by far more.
          for (const step of [STEP / 4, STEP / 16, STEP / 64, STEP / 256]) {
            if (error <= TOLERANCE) break;
            const closer = richardson(step);
            const closerError = relative(closer, step);
            if (closerError < error) [numeric, error] = [closer, closerError];
          }
          const noise = (1024 * Number.EPSILON * largest) / STEP;
          if (error > TOLERANCE) {
            // Not smooth here (a kink of relu/abs within the step)? Then the estimate
            // changes with the step; redraw instead of blaming the derivative.
            const finer = richardson(STEP / 16);
            if (Math.abs(finer - numeric) > TOLERANCE * Math.max(Math.abs(numeric), Math.abs(finer)) + noise * 16) throw new Redraw('f is not smooth at the drawn point');
          }
          maxRelError = Math.max(maxRelError, error);
        }
        done = true;
      } catch (error) {
        if (!(error instanceof Redraw)) throw error;
        lastReason = error.message;
      }
    }
    if (!done) {
      return { status: 'unverifiable', maxRelError, sizes: firstSizes, seed, draws: draw, directions: directionCount, reason: `no usable point after ${ATTEMPTS} draws: ${lastReason}` };
    }
  }
  const status: VerificationStatus = maxRelError <= TOLERANCE ? 'verified' : 'failed';
  return { status, maxRelError, sizes: firstSizes, seed, draws: drawCount, directions: directionCount };
}

export function describeVerification(v: Verification): string {
  const sizes = Object.entries(v.sizes).map(([d, s]) => `${d}=${s}`).join(', ');
  const where = `${sizes ? ` at ${sizes}` : ''}, seed ${v.seed}`;
  switch (v.status) {
    case 'verified':
      return `verified: finite differences agree (max rel. error ${v.maxRelError.toExponential(1)}${where}; ${v.draws} draws × ${v.directions} directions)`;
    case 'failed':
      return v.reason ? `FAILED: ${v.reason}` : `FAILED: finite differences disagree (max rel. error ${v.maxRelError.toExponential(1)}${where})`;
    case 'unverifiable':
      return `unverifiable: ${v.reason ?? 'no usable point'}${where}`;
    case 'skipped':
      return 'not verified (--no-verify)';
  }
}
