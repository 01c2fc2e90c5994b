// Every identity in rules/*.rules holds numerically: each rule's two sides, instantiated at
// random sizes (distinct per dimension) and random values within its conditions, agree.
// A differential rule d(F) = R is checked as a directional derivative: each d(E) on the
// right is the central difference of E along the drawn directions, and so is d(F) itself.
// A failure names the rule by rules/FILE:LINE.
import { describe, expect, test } from '@jest/globals';
import * as C from '../../src/expr/construct.js';
import type { Expr } from '../../src/expr/node.js';
import { ORTHOGONAL, postOrder, SYMMETRIC } from '../../src/expr/node.js';
import { DomainError, evaluateExpr, type Sizes } from '../../src/numeric/evaluate.js';
import * as L from '../../src/numeric/linalg.js';
import type { Matrix } from '../../src/numeric/linalg.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random } from '../../src/numeric/random.js';
import { rules, type RuleFile } from '../../src/rewrite/library.js';
import type { Rule } from '../../src/rewrite/rule.js';

const FILES: RuleFile[] = ['differential', 'isolation', 'jacobian', 'simplify', 'prepare', 'expand'];
const DRAWS = 3;

/** The rule with its exponent variables (A .^ p, A^k) bound to numbers. */
function withExponents(rule: Rule): [Expr, Expr] {
  const exponents = new Map<string, Expr>();
  for (const node of [...postOrder(rule.lhs), ...postOrder(rule.rhs)]) {
    if ((node.op === 'power' || node.op === 'matrixPower') && node.args.length === 2 && node.args[1]!.op === 'symbol') {
      exponents.set(node.args[1]!.name, C.number(3));
    }
  }
  const bind = (root: Expr): Expr => {
    const memo = new Map<number, Expr>();
    for (const node of postOrder(root)) {
      if (node.op === 'symbol' && exponents.has(node.name)) memo.set(node.id, exponents.get(node.name)!);
      else memo.set(node.id, node.args.length === 0 ? node : C.rebuild(node, node.args.map((a) => memo.get(a.id)!)));
    }
    return memo.get(root.id)!;
  };
  return [bind(rule.lhs), bind(rule.rhs)];
}

const PROPERTY_OF: Record<string, number> = { orthogonal: ORTHOGONAL, symmetric: SYMMETRIC };

function symbolsOf(...roots: Expr[]): Expr[] {
  const found = new Map<string, Expr>();
  for (const root of roots) for (const node of postOrder(root)) if (node.op === 'symbol') found.set(node.name, node);
  return [...found.values()];
}

/** The value of e with every symbol moved along its direction by t. */
function at(e: Expr, values: Map<string, Matrix>, directions: Map<string, Matrix>, t: number, sizes: Sizes): Matrix {
  const moved = new Map([...values].map(([name, v]) => [name, directions.has(name) ? L.zip(v, directions.get(name)!, (x, y) => x + t * y) : v]));
  return evaluateExpr(e, moved, sizes);
}

function centralDifference(e: Expr, values: Map<string, Matrix>, directions: Map<string, Matrix>, sizes: Sizes): Matrix {
  const h = 1e-5;
  const plus = at(e, values, directions, h, sizes);
  const minus = at(e, values, directions, -h, sizes);
  return L.zip(plus, minus, (a, b) => (a - b) / (2 * h));
}

/** Relative gap between the two sides at one random point, or undefined outside the domain. */
function gapAt(rule: Rule, lhs: Expr, rhs: Expr, draw: number): number | undefined {
  const random = new Random(7919 * draw + 17);
  const sizes = drawSizes([...dimsOf(lhs), ...dimsOf(rhs)], draw);
  // A property (orthogonal, symmetric) is one of square matrices: its two sizes agree.
  for (const c of rule.conditions) {
    const symbol = symbolsOf(lhs, rhs).find((s) => s.name === c.variable);
    if (symbol && PROPERTY_OF[c.predicate] && sizes.has(symbol.shape.cols)) sizes.set(symbol.shape.cols, sizes.get(symbol.shape.rows) ?? sizes.get(symbol.shape.cols)!);
  }
  const needs = needsOf(lhs);
  for (const name of needsOf(rhs).invertible) needs.invertible.add(name);
  for (const name of needsOf(rhs).positive) needs.positive.add(name);
  for (const name of needsOf(rhs).small) needs.small.add(name);
  const values = new Map<string, Matrix>();
  const directions = new Map<string, Matrix>();
  for (const symbol of symbolsOf(lhs, rhs)) {
    const props = rule.conditions.filter((c) => c.variable === symbol.name).reduce((flags, c) => flags | (PROPERTY_OF[c.predicate] ?? 0), 0);
    const drawn = props === 0 ? symbol : C.symbol(symbol.name, symbol.shape, props);
    values.set(symbol.name, drawValue(drawn, sizes, random, needs));
    directions.set(symbol.name, drawValue(C.symbol(symbol.name, symbol.shape), sizes, random, { positive: new Set(), invertible: new Set(), small: new Set() }));
  }
  // A d(E) anywhere is the directional derivative of E (for a symbol, its direction).
  for (const node of [...postOrder(lhs), ...postOrder(rhs)]) {
    if (node.op !== 'differential') continue;
    const inner = node.args[0]!;
    const key = `d(${inner.op === 'symbol' ? inner.name : inner.id})`;
    if (values.has(key)) continue;
    const value = inner.op === 'symbol' ? directions.get(inner.name)! : safe(() => centralDifference(inner, values, directions, sizes));
    if (!value) return undefined;
    values.set(key, value);
  }
  const left = safe(() => evaluateExpr(lhs, values, sizes));
  const right = safe(() => evaluateExpr(rhs, values, sizes));
  if (!left || !right) return undefined;
  const scale = Math.max(1, L.frobenius(left), L.frobenius(right));
  return L.frobenius(L.zip(left, right, (a, b) => a - b)) / scale;
}

function safe(compute: () => Matrix): Matrix | undefined {
  try {
    const value = compute();
    return L.isFiniteMatrix(value) ? value : undefined;
  } catch (error) {
    if (error instanceof DomainError || (error instanceof Error && /singular|determinant is zero/i.test(error.message))) return undefined;
    throw error;
  }
}

describe.each(FILES)('rules/%s.rules', (file) => {
  const list = rules(file);
  test('has rules', () => expect(list.length).toBeGreaterThan(0));
  test.each(list.map((rule) => [`${rule.origin} ${rule.name}`, rule] as const))('%s holds numerically', (_, rule) => {
    const [lhs, rhs] = withExponents(rule);
    const gaps: number[] = [];
    for (let draw = 0; draw < DRAWS + 5 && gaps.length < DRAWS; draw++) {
      const gap = gapAt(rule, lhs, rhs, draw);
      if (gap !== undefined) gaps.push(gap);
    }
    // Finite differences of order h² with h = 1e-5: agreement to about 1e-8.
    const tolerance = file === 'differential' ? 1e-6 : 1e-9;
    expect({ rule: rule.origin, checked: gaps.length, worst: Math.max(...gaps) < tolerance ? 'agrees' : Math.max(...gaps) }).toEqual({ rule: rule.origin, checked: DRAWS, worst: 'agrees' });
  });
});
