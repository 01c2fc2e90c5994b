// Random instances: distinct sizes per dimension, assumptions respected, domains kept.
import { describe, expect, test } from '@jest/globals';
import { parseExpression } from '../../src/expr/parse.js';
import * as L from '../../src/numeric/linalg.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random, symbolsOf } from '../../src/numeric/random.js';

function instance(text: string, where?: string, seed = 1) {
  const { expr } = parseExpression(text, { where });
  const sizes = drawSizes(dimsOf(expr));
  const random = new Random(seed);
  const needs = needsOf(expr);
  const values = new Map(symbolsOf(expr).map((s) => [s.name, drawValue(s, sizes, random, needs)]));
  return { sizes, values };
}

describe('random instances', () => {
  test('each dimension symbol gets its own size, 2, 3, 4, …', () => {
    const { sizes, values } = instance('tr(A*X*B)');
    expect([...sizes.values()]).toEqual([2, 3, 4]);
    expect(L.rows(values.get('X')!)).not.toBe(L.cols(values.get('X')!));
  });
  test('matrices are not symmetric unless declared', () => {
    const { values } = instance("x'Ax");
    const a = values.get('A')!;
    expect(L.maxAbs(L.zip(a, L.transpose(a), (p, q) => p - q))).toBeGreaterThan(0.1);
  });
  test('symmetric, spd, diagonal and orthogonal declarations hold', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { values } = instance('S + P + D + Q', 'S: symmetric; P: spd; D: diagonal; Q: orthogonal', seed);
      const [s, p, d, q] = ['S', 'P', 'D', 'Q'].map((n) => values.get(n)!);
      expect(L.maxAbs(L.zip(s!, L.transpose(s!), (a, b) => a - b))).toBe(0);
      expect(L.maxAbs(L.zip(p!, L.transpose(p!), (a, b) => a - b))).toBeLessThan(1e-15);
      // spd: every leading minor positive (Sylvester).
      for (let k = 1; k <= p!.length; k++) expect(L.determinant(p!.slice(0, k).map((r) => r.slice(0, k)))).toBeGreaterThan(0);
      expect(d!.every((row, i) => row.every((v, j) => i === j || v === 0))).toBe(true);
      expect(L.maxAbs(L.zip(L.multiply(L.transpose(q!), q!), L.eye(q!.length), (a, b) => a - b))).toBeLessThan(1e-12);
    }
  });
  test('symbols under log and sqrt are positive; under inv/det/logdet invertible with det > 0', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { values } = instance('sum(log(x)) + sqrt(y) + logdet(X) + tr(inv(Y))', undefined, seed);
      expect(values.get('x')!.flat().every((v) => v > 0)).toBe(true);
      expect(values.get('y')!.flat().every((v) => v > 0)).toBe(true);
      expect(L.determinant(values.get('X')!)).toBeGreaterThan(0);
      expect(L.conditionBound(values.get('Y')!)).toBeLessThan(1e3);
    }
  });
  test('a seed reproduces the draw', () => {
    expect(instance("x'Ax", undefined, 42).values.get('A')).toEqual(instance("x'Ax", undefined, 42).values.get('A'));
  });
});
