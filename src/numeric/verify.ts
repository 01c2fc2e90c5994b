// Verification of a derivative against central finite differences on random instances:
// distinct sizes per dimension symbol, non-symmetric matrices unless declared, several
// random directions on two or more draws. Domain failures and kinks redraw a bounded
// number of times and then say so ("unverifiable"); they never count as verified.

import { findDim, isScalarShape, shapeText } from '../expr/dims.js';
import { isZero } from '../expr/construct.js';
import { DIAGONAL, type Expr, postOrder, SYMMETRIC } from '../expr/node.js';
import { DomainError, evaluateExpr, type Sizes, sizeOf } from './evaluate.js';
import * as L from './linalg.js';
import type { Matrix } from './linalg.js';
import { definitionOf } from '../ops/table.js';
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
  /** The derivative was derived symbolically: if it is zero as an expression, that is a
   *  symbolic fact, and zero differences are its evidence. (Never for a claim being checked:
   *  a claimed 0 needs a point where something changes.) */
  derivedSymbolically?: boolean;
  draws?: number;
  directions?: number;
}

/** Relative agreement required, beyond the rounding noise of the differences. */
export const TOLERANCE = 1e-6;
/** The largest matrix (in entries) verification evaluates densely. */
const MAX_ENTRIES = 1_000_000;
/** Step of the central differences; Richardson extrapolation makes the truncation
 *  error O(h⁴), so a large step keeps rounding noise (≈ ε|f|/h) small. */
const STEP = 1e-3;
const ATTEMPTS = 8;
/** Multiply-adds one evaluation may cost (about 30 evaluations make a verification: a
 *  few seconds at most). Beyond it, "too large to check", not minutes of work. */
export const MAX_EVALUATION_COST = 2e7;

/** Multiply-adds of one dense evaluation of the roots at these sizes (each node of the DAG
 *  once): a product r×k by k×c costs r·k·c, an inverse or determinant n³, the rest their
 *  entries. An estimate for deciding whether to try, not a measurement. */
export function evaluationCost(roots: readonly Expr[], sizes: Sizes): number {
  let total = 0;
  const seen = new Set<number>();
  for (const root of roots) {
    for (const node of postOrder(root)) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      const entries = sizeOf(node.shape.rows, sizes) * sizeOf(node.shape.cols, sizes);
      const domain = definitionOf(node)?.domain;
      if (node.op === 'multiply') {
        const rows = sizeOf(node.args[0]!.shape.rows, sizes);
        let inner = sizeOf(node.args[0]!.shape.cols, sizes);
        for (const factor of node.args.slice(1)) {
          const cols = sizeOf(factor.shape.cols, sizes);
          total += rows * inner * cols;
          inner = cols;
        }
      } else if (node.op === 'inverse' || node.op === 'matrixPower' || domain === 'invertible' || domain === 'full-rank') {
        // A factorisation (inverse, det, logdet, adj, pinv), or products by squaring.
        const n = sizeOf(node.args[0]!.shape.rows, sizes);
        total += n * n * n * (node.op === 'matrixPower' ? 2 * Math.log2(Math.abs(node.value) + 1) : 1);
      } else total += entries;
    }
  }
  return total;
}

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
    // Only a value outside the domain asks for another draw; anything else is a bug and is raised.
    if (error instanceof DomainError || (error instanceof Error && /singular|invertible|determinant is zero/i.test(error.message))) {
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
  if (!(findDim(g.shape.rows) === findDim(x.shape.rows) && findDim(g.shape.cols) === findDim(x.shape.cols)) && !(isScalarShape(g.shape) && isScalarShape(x.shape))) {
    return { status: 'failed', maxRelError: Infinity, sizes: {}, seed: options.seed ?? 1, draws: 0, directions: 0, reason: `the gradient is ${shapeText(g.shape)} but ${x.name} is ${shapeText(x.shape)}` };
  }
  return verifyDirectional(f, x, [g], (values, sizes, v) => [inner(safeEvaluate(g, values, sizes), v)], options);
}

/**
 * Checks a Jacobian J = ∂vec(F)/∂vec(x)ᵀ: for random directions V, the central difference
 * of vec(F) against J·vec(V).
 */
export function verifyJacobian(f: Expr, x: Expr, j: Expr, options: VerifyOptions = {}): Verification {
  return verifyDirectional(f, x, [j], (values, sizes, v) => {
    const value = safeEvaluate(j, values, sizes);
    const direction = L.vec(v);
    if (value[0]!.length !== direction.length) throw new WrongShape(`the Jacobian has ${value[0]!.length} columns but ${x.name} has ${direction.length} entries`);
    return L.multiply(value, direction).map((row) => row[0]!);
  }, options);
}

class WrongShape extends Error {}

const norm2 = (a: readonly number[]): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

/** The common core: vec(f) along random directions, Richardson-extrapolated central
 *  differences on a ladder of steps, against what `analytic` says for the direction. */
function verifyDirectional(f: Expr, x: Expr, derived: readonly Expr[], analyticAt: (values: Map<string, Matrix>, sizes: Sizes, v: Matrix) => number[], options: VerifyOptions): Verification {
  const seed = options.seed ?? 1;
  const drawCount = options.draws ?? 2;
  const directionCount = options.directions ?? 3;
  const needs = needsOf(f);
  for (const d of derived) {
    const more = needsOf(d);
    more.positive.forEach((n) => needs.positive.add(n));
    more.invertible.forEach((n) => needs.invertible.add(n));
    more.small.forEach((n) => needs.small.add(n));
  }
  const dims = [...dimsOf(f), ...derived.flatMap(dimsOf)];
  // The variable always gets a value, even when f no longer holds it (a constant gradient).
  const symbols = [...new Map([x, ...symbolsOf(f), ...derived.flatMap(symbolsOf)].map((s) => [s.name, s])).values()];
  dims.push(x.shape.rows, x.shape.cols);
  const vecOf = (m: Matrix): number[] => L.vec(m).map((row) => row[0]!);
  let maxRelError = 0;
  let firstSizes: Record<string, number> = {};
  let lastReason = '';
  // A derivative that is zero as an expression has no informative point to find: zero
  // differences at rounding level are then its evidence, and the report says so.
  const identicallyZero = options.derivedSymbolically === true && derived.every(isZero);
  for (let draw = 0; draw < drawCount; draw++) {
    let done = false;
    // Sizes in order of appearance, then the other way round if no point was usable (an
    // expression may be meaningful only for tall X, or only for wide), then larger ones (a
    // centred 2-vector has one direction only: x - mean(x) normalised is locally constant).
    for (const [offset, descending] of [[draw, false], [draw, true], [draw + 2, false]] as const) {
      if (done) break;
      const sizes = drawSizes(dims, offset, descending);
      if (draw === 0) firstSizes = Object.fromEntries(sizes);
      // Dense evaluation of, say, I ⊗ K ⊗ I at distinct sizes can need gigabytes: say so
      // rather than try.
      const largest = Math.max(...[f, ...derived].flatMap((root) => postOrder(root).map((node) => sizeOf(node.shape.rows, sizes) * sizeOf(node.shape.cols, sizes))));
      if (largest > MAX_ENTRIES) {
        return { status: 'unverifiable', maxRelError, sizes: firstSizes, seed, draws: draw, directions: 0, reason: `a part of it has ${largest.toLocaleString('en-US')} entries at distinct sizes: too large to evaluate densely; declare small sizes with --where to check it` };
      }
      const cost = evaluationCost([f, ...derived], sizes);
      if (cost > MAX_EVALUATION_COST) {
        return { status: 'unverifiable', maxRelError, sizes: firstSizes, seed, draws: draw, directions: 0, reason: `too large to check: one evaluation at these sizes costs about ${cost.toExponential(1)} multiply-adds (verification needs about 30); declare symbolic sizes (n×n) to check it at small ones` };
      }
      for (let attempt = 0; attempt < ATTEMPTS && !done; attempt++) {
        const random = new Random(seed + 7919 * draw + 104729 * attempt);
        try {
          const values = new Map(symbols.map((s) => [s.name, drawValue(s, sizes, random, needs)]));
          const f0 = vecOf(safeEvaluate(f, values, sizes));
          const x0 = values.get(x.name)!;
          const at = (step: number, v: Matrix): number[] => {
            const moved = new Map(values);
            moved.set(x.name, L.zip(x0, v, (a, b) => a + step * b));
            return vecOf(safeEvaluate(f, moved, sizes));
          };
          let informative = 0;
          for (let k = 0; k < directionCount; k++) {
            let v: Matrix = x0.map((row) => row.map(() => random.normal()));
            if (x.props & SYMMETRIC) v = v.map((row, i) => row.map((a, j) => (a + v[j]![i]!) / 2));
            if (x.props & DIAGONAL) v = v.map((row, i) => row.map((a, j) => (i === j ? a : 0)));
            const analytic = analyticAt(values, sizes, v);
            if (analytic.length !== f0.length) throw new WrongShape(`the derivative gives ${analytic.length} entries for a direction, but f has ${f0.length}`);
            let largest = Math.max(...f0.map(Math.abs));
            const difference = (h: number): number[] => {
              const [plus, minus] = [at(h, v), at(-h, v)];
              largest = Math.max(largest, ...plus.map(Math.abs), ...minus.map(Math.abs));
              return plus.map((p, i) => (p - minus[i]!) / (2 * h));
            };
            const richardson = (h: number): number[] => {
              const [half, full] = [difference(h / 2), difference(h)];
              return half.map((a, i) => (4 * a - full[i]!) / 3);
            };
            // What rounding alone can put into the differences: ~10³ ulps of f over h (f may be a
            // long composition, a determinant, …).
            const relative = (estimate: number[], step: number): number => {
              const gap = norm2(estimate.map((e, i) => e - analytic[i]!));
              const noise = (1024 * Number.EPSILON * largest * Math.sqrt(estimate.length)) / step;
              return gap === 0 ? 0 : gap / Math.max(norm2(estimate), norm2(analytic), noise / TOLERANCE);
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
            const noise = (1024 * Number.EPSILON * largest * Math.sqrt(numeric.length)) / STEP;
            // (A derivative that is zero as an expression is exempt: a constant f — 0 itself, as
            // the gradient a zero Hessian is taken of — changing only at rounding level is its
            // evidence.)
            if (!identicallyZero && Math.max(largest, norm2(numeric), norm2(analytic)) < 1e-10) {
              // Values this small are rounding residue (1 − tanh² of a large argument): the
              // point says nothing about the derivative.
              throw new Redraw('the values are too small to measure at the drawn points');
            }
            if (error > TOLERANCE) {
              // Do the differences settle here? Two steps apart should agree; where they do
              // not — a kink of relu/abs within the step, or rounding that swamps a tiny
              // derivative (1 − tanh² of a large argument) — redraw instead of blaming the
              // derivative, and say "unverifiable" if no point settles.
              const [coarse, fine] = [richardson(STEP / 4), richardson(STEP / 16)];
              const change = norm2(fine.map((a, i) => a - coarse[i]!));
              if (change > TOLERANCE * Math.max(norm2(coarse), norm2(fine)) + noise * 16) throw new Redraw('the finite differences do not settle at the drawn points (a kink, or rounding larger than the derivative)');
            }
            // Evidence only where something changes: both the derivative and the differences at
            // rounding level (every relu unit inactive, say) agree whatever the derivative is.
            if (Math.max(norm2(numeric), norm2(analytic)) > Math.max(noise, 1e-12 * Math.max(1, largest))) informative++;
            maxRelError = Math.max(maxRelError, error);
          }
          if (informative === 0 && !identicallyZero) throw new Redraw('the derivative and the finite differences are zero along every direction at the drawn points (every relu unit inactive, say), which says nothing about the derivative');
          done = true;
        } catch (error) {
          if (error instanceof WrongShape) return { status: 'failed', maxRelError: Infinity, sizes: firstSizes, seed, draws: draw, directions: directionCount, reason: error.message };
          if (!(error instanceof Redraw)) throw error;
          lastReason = error.message;
        }
      }
    }
    if (!done) {
      return { status: 'unverifiable', maxRelError, sizes: firstSizes, seed, draws: draw, directions: directionCount, reason: `no usable point after ${ATTEMPTS} draws at each assignment of sizes: ${lastReason}` };
    }
  }
  const status: VerificationStatus = maxRelError <= TOLERANCE ? 'verified' : 'failed';
  const zero = identicallyZero && status === 'verified' ? { reason: 'the derivative is identically zero; f does not change along the drawn directions (finite differences at rounding level)' } : {};
  return { status, maxRelError, sizes: firstSizes, seed, draws: drawCount, directions: directionCount, ...zero };
}

export function describeVerification(v: Verification): string {
  // A declared number checked at a small size stands as 999→4.
  const sizes = Object.entries(v.sizes).map(([d, s]) => (d.startsWith('#') ? `${d.slice(1)}→${s}` : `${d}=${s}`)).join(', ');
  const where = `${sizes ? ` at ${sizes}` : ''}, seed ${v.seed}`;
  switch (v.status) {
    case 'verified':
      if (v.reason) return `verified: ${v.reason}${where}`;
      return `verified: finite differences agree (max rel. error ${v.maxRelError.toExponential(1)}${where}; ${v.draws} draws × ${v.directions} directions)`;
    case 'failed':
      return v.reason ? `FAILED: ${v.reason}` : `FAILED: finite differences disagree (max rel. error ${v.maxRelError.toExponential(1)}${where})`;
    case 'unverifiable':
      return `unverifiable: ${v.reason ?? 'no usable point'}${where}`;
    case 'skipped':
      return 'not verified (--no-verify)';
  }
}
