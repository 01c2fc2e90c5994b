// Numbers that stay right near 0 and ∞ (issue 18, item 3), and the deadline inside numeric
// loops (item 6): determinants from LU factors in log space, scaled norms, a singular matrix
// judged by its condition whatever its scale, matrix powers by repeated squaring.
import { describe, expect, test } from '@jest/globals';
import { check, evaluate, grad, MatcalcError } from '../../src/index.js';

const scaledIdentity = (n: number, c: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? c : 0)));
const close = (actual: unknown, expected: number, relative = 1e-12): void => {
  expect(Math.abs((actual as number) - expected) / Math.abs(expected)).toBeLessThan(relative);
};

describe('determinants and log-determinants', () => {
  test('logdet(0.5·I₆₀) = 60·log 0.5, det(0.1·I₁₀₀) = 1e-100', () => {
    close(evaluate('logdet(X)', { X: scaledIdentity(60, 0.5) }), 60 * Math.log(0.5));
    close(evaluate('det(X)', { X: scaledIdentity(100, 0.1) }), 1e-100, 1e-13);
  });
  test('a 400×400 matrix with det ≈ 1e192 has a finite det and logdet', () => {
    const X = scaledIdentity(400, 3.02);
    close(evaluate('det(X)', { X }), 3.02 ** 400, 1e-12);
    close(evaluate('logdet(X)', { X }), 400 * Math.log(3.02));
  });
  test('a det beyond double precision is reported as such, never NaN or a wrong number', () => {
    let caught: unknown;
    try {
      evaluate('det(X)', { X: scaledIdentity(400, 10) });
    } catch (error) {
      caught = error;
    }
    expect((caught as MatcalcError).message).toMatch(/det overflows double precision \(\|det\| = e\^921\.0\); logdet gives it/);
    close(evaluate('logdet(X)', { X: scaledIdentity(400, 10) }), 400 * Math.log(10));
  });
});

describe('scale', () => {
  test('norms of 1e±200 vectors neither overflow nor vanish', () => {
    close(evaluate('norm(x)', { x: [3e200, 4e200] }), 5e200);
    close(evaluate('norm(x)', { x: [3e-200, 4e-200] }), 5e-200);
  });
  test('inv(1e-200·A) is as well-conditioned as inv(A)', () => {
    const inverse = evaluate('inv(A)', { A: [[2e-200, 1e-200], [1e-200, 3e-200]] }) as number[][];
    close(inverse[0]![0], 0.6e200);
  });
  test('the gradient of logdet(0.1·X) at 20×20 verifies, and check calls inv(X)\' correct', () => {
    expect(grad('logdet(0.1*X)', 'X', { where: 'X: 20×20' }).verification.status).toBe('verified');
    expect(check('logdet(0.1*X)', 'X', "inv(X)'", { where: 'X: 20×20' }).correct).toBe(true);
  });
});

describe('limits inside numeric loops', () => {
  test('A^10000000 evaluates by repeated squaring, in well under a second', () => {
    const start = Date.now();
    const value = evaluate('A^10000000', { A: [[1, 1e-8], [0, 1]] }) as number[][];
    expect(Date.now() - start).toBeLessThan(1000);
    close(value[0]![1], 0.1, 1e-6); // 10^7 · 1e-8
  });
  test('a heavy evaluation stops at the time limit', () => {
    const A = Array.from({ length: 300 }, (_, i) => Array.from({ length: 300 }, (_, j) => Math.sin(i * 300 + j)));
    const start = Date.now();
    let caught: unknown;
    try {
      evaluate('A*A*A*A*A*A*A*A*A*A*A*A', { A }, { timeLimit: 0.05 });
    } catch (error) {
      caught = error;
    }
    expect((caught as MatcalcError).kind).toBe('limit');
    expect(Date.now() - start).toBeLessThan(1000);
  });
});

describe('sizes checked against memory before allocating (issue 18, item 6)', () => {
  test('I_{100000} is refused with what it would need; I_{300} is fine', () => {
    let caught: unknown;
    try {
      evaluate('sum(I_{100000})', {});
    } catch (error) {
      caught = error;
    }
    expect((caught as MatcalcError).kind).toBe('limit');
    expect((caught as MatcalcError).message).toBe('the identity of size 100000 would need 80.0 GB to evaluate densely');
    expect(evaluate('sum(I_{300})', {})).toBe(300);
  });
});
