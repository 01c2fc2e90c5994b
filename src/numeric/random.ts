// Random instances that respect shapes and assumptions: each dimension symbol gets its own
// size (2, 3, 4, … so a transposition error cannot hide), matrices are non-symmetric
// unless declared, and values are kept inside the domains the expression needs.

import type { Dim } from '../expr/dims.js';
import { DIAGONAL, type Expr, ORTHOGONAL, postOrder, SPD, SYMMETRIC } from '../expr/node.js';
import type { Sizes } from './evaluate.js';
import { sizeOf } from './evaluate.js';
import { definitionOf, type Domain } from '../ops/table.js';
import * as L from './linalg.js';
import type { Matrix } from './linalg.js';

/** A small, fast, seedable generator (mulberry32), so every report can be reproduced. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** |x| in [0.3, 1] with a random sign: away from 0, so kinks at 0 are not straddled, and
   *  moderate, so tanh, exp and sigmoid of sums and products do not saturate (where finite
   *  differences say nothing). */
  awayFromZero(): number {
    return (this.next() < 0.5 ? -1 : 1) * this.uniform(0.3, 1);
  }
}

/** Distinct sizes 2, 3, 4, … for the symbolic dimensions, in order of appearance. */
export function drawSizes(dims: Iterable<Dim>, offset = 0, descending = false): Map<Dim, number> {
  const order: Dim[] = [];
  for (const dim of dims) {
    for (const part of dim.split('·')) if (!/^\d+$/.test(part) && !order.includes(part)) order.push(part);
  }
  // Descending: the first dimension met gets the largest size (X tall instead of wide, so
  // that XᵀX is invertible where ascending sizes make it singular).
  return new Map(order.map((dim, i) => [dim, 2 + offset + (descending ? order.length - 1 - i : i)]));
}

/** Dimension symbols of an expression, in order of first appearance. */
export function dimsOf(root: Expr): Dim[] {
  // Symbols first, in reading order, so sizes are handed out as the reader meets them.
  const order = postOrder(root);
  return [...order.filter((e) => e.op === 'symbol'), ...order].flatMap((e) => (e.op === 'dimension' ? [e.name] : [e.shape.rows, e.shape.cols]));
}

export interface Needs {
  /** Symbols inside log, sqrt or a fractional power: drawn positive. */
  positive: Set<string>;
  /** Symbols inside an inverse, det or logdet: drawn well-conditioned with det > 0. */
  invertible: Set<string>;
  /** Symbols inside arcsin or arccos: drawn with entries well inside (−1, 1). */
  small: Set<string>;
}

/** Which symbols need positive or invertible values, read off the expression. */
export function needsOf(root: Expr): Needs {
  const needs: Needs = { positive: new Set(), invertible: new Set(), small: new Set() };
  const seen = new Set<string>();
  const stack: [Expr, Domain | undefined, boolean][] = [[root, undefined, false]];
  while (stack.length > 0) {
    const [e, entries, invertible] = stack.pop()!;
    const key = `${e.id}:${entries}:${invertible}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (e.op === 'symbol') {
      if (entries === 'positive') needs.positive.add(e.name);
      if (entries === 'unit') needs.small.add(e.name);
      if (invertible) needs.invertible.add(e.name);
      continue;
    }
    // The operation's domain (src/ops), and the core operators' own: a fractional power
    // needs positive entries, an inverse an invertible matrix.
    const domain = definitionOf(e)?.domain ?? (e.op === 'power' && !Number.isInteger(e.value) ? 'positive' : e.op === 'inverse' || (e.op === 'power' && e.value < 0) ? 'invertible' : undefined);
    const childEntries = entries ?? (domain === 'positive' || domain === 'unit' ? domain : undefined);
    const childInvertible = invertible || domain === 'invertible';
    for (const arg of e.args) stack.push([arg, childEntries, childInvertible && arg.shape.rows === arg.shape.cols]);
  }
  return needs;
}

export function drawValue(symbol: Expr, sizes: Sizes, random: Random, needs: Needs): Matrix {
  const m = sizeOf(symbol.shape.rows, sizes);
  const n = sizeOf(symbol.shape.cols, sizes);
  const positive = needs.positive.has(symbol.name);
  const small = needs.small.has(symbol.name);
  // Inside (−1, 1) wins over positive: positive is asked for by a function of it (√(1 − x²)).
  const entry = (): number => (small ? (positive ? random.uniform(0.2, 0.6) : random.awayFromZero() * 0.6) : positive ? random.uniform(0.5, 2) : random.awayFromZero());
  const props = symbol.props;
  if (props & ORTHOGONAL) return L.orthonormalize(Array.from({ length: m }, () => Array.from({ length: n }, () => random.normal())));
  if (props & DIAGONAL) {
    const d = L.zeros(m, m);
    for (let i = 0; i < m; i++) d[i]![i] = props & SPD || positive ? random.uniform(0.5, 2) : entry();
    return d;
  }
  if (props & SPD) {
    const r = Array.from({ length: m }, () => Array.from({ length: m }, () => random.normal()));
    const product = L.multiply(r, L.transpose(r));
    return product.map((row, i) => row.map((x, j) => x / m + (i === j ? 1 : 0)));
  }
  let value = Array.from({ length: m }, () => Array.from({ length: n }, entry));
  if (props & SYMMETRIC) value = value.map((row, i) => row.map((x, j) => (x + value[j]![i]!) / 2));
  if (needs.invertible.has(symbol.name) && m === n) {
    // Strictly diagonally dominant with a positive diagonal: invertible, det > 0, and
    // still not symmetric, so transposition errors show.
    value = value.map((row, i) => row.map((x, j) => (i === j ? row.reduce((s, y, k) => s + (k === i ? 0 : Math.abs(y)), 0) + random.uniform(0.5, 1.5) : x)));
    // Scaled to entries of order one: still dominant (invertible, det > 0), but without
    // driving tanh, exp or sigmoid of products of it into saturation.
    const largest = Math.max(...value.flat().map(Math.abs));
    value = value.map((row) => row.map((x) => (1.5 * x) / largest));
  }
  return value;
}

/** The symbols of an expression (one node per name). */
export function symbolsOf(root: Expr): Expr[] {
  const found = new Map<string, Expr>();
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    if (e.op === 'symbol') found.set(e.name, e);
    for (const item of e.args) stack.push(item);
  }
  return [...found.values()];
}
