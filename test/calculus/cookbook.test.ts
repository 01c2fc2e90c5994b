// The Matrix Cookbook's derivative chapter (Petersen & Pedersen, 2012 edition; equation
// numbers given), and the textbook forms issue 3 asks for. Every gradient is verified
// numerically by grad itself, and compared with the book's closed form on random inputs.
import { describe, expect, test } from '@jest/globals';
import katex from 'katex';
import { grad } from '../../src/index.js';
import { expectSameFunction } from '../support/closeness.js';
import { COOKBOOK, type CookbookCase } from '../support/textbook.js';

type Case = CookbookCase;
const cookbook = COOKBOOK;

describe('Matrix Cookbook, chapter 2', () => {
  // Padded to five entries: jest passes a callback where an entry is missing.
  test.each(cookbook.map((c) => [c[0], c[1], c[2], c[3], c[4]] as Case))('%s: ∂%s/∂%s', (_source, f, wrt, closedForm, where) => {
    const result = grad(f, wrt, { where });
    expect(result.verification.status).toBe('verified');
    expectSameFunction(result.text, closedForm, where);
    // Every LaTeX result renders: the result and each step of its derivation.
    for (const latex of [result.latex, ...result.steps.map((s) => s.latex)]) {
      expect(() => katex.renderToString(latex, { throwOnError: true })).not.toThrow();
    }
  });
});

describe('textbook forms, exactly (issue 3)', () => {
  test.each<[string, string, string, string | undefined]>([
    ["x'Ax", 'x', "(A + A')*x", undefined],
    ["x'Ax", 'x', '2*A*x', 'A: symmetric'],
    ['tr(A*X*B)', 'X', "A'*B'", undefined],
    ['log(det(X))', 'X', "inv(X)'", undefined],
    ['log(det(X))', 'X', 'inv(X)', 'X: spd'],
    ["a'*inv(X)*b", 'X', "-inv(X)'*a*b'*inv(X)'", undefined],
    ["(A*x - b)'*(A*x - b)", 'x', "2*A'*(A*x - b)", undefined],
    ["tr(X'*X)", 'X', '2*X', undefined],
    ['det(X)', 'X', "det(X)*inv(X)'", undefined],
    ['sum(log(1 + exp(-y .* (X*w))))', 'w', "-X'*(sigmoid(-(X*w) ∘ y) ∘ y)", undefined],
  ])('∂%s/∂%s = %s', (f, wrt, expected, where) => {
    const result = grad(f, wrt, { where });
    expect(result.text).toBe(expected);
    expect(result.verification.status).toBe('verified');
  });

  test('orthogonal: tr(QᵀQX) is tr(X)', () => {
    expect(grad("tr(Q'*Q*X)", 'X', { where: 'Q: orthogonal' }).text).toBe('I_n where X: n×n');
  });
  test('never a double transpose, never inv(X′) beside inv(X)′', () => {
    for (const [f, wrt] of [['tr(inv(X)*A*inv(X))', 'X'], ["a'*inv(X')*b", 'X'], ["tr(inv(X)*X')", 'X']]) {
      const text = grad(f!, wrt!).text;
      expect(text).not.toMatch(/''/);
      expect(text).not.toMatch(/inv\([^()]*'\)/);
    }
  });
});

describe('layouts and symmetric variables', () => {
  test('numerator layout is the transpose', () => {
    const result = grad("a'*X*b", 'X', { layout: 'numerator' });
    expectSameFunction(result.text, "b*a'");
    expect(result.verification.status).toBe('verified');
  });
  test('a symmetric variable: the symmetric part, or the entrywise form on request', () => {
    const symmetric = grad('tr(A*X)', 'X', { where: 'X: symmetric' });
    expect(symmetric.convention).toBe('symmetric');
    expectSameFunction(symmetric.text, "(A + A')/2", 'X: symmetric');
    const entries = grad('tr(A*X)', 'X', { where: 'X: symmetric', symmetricConvention: 'entries' });
    expect(entries.convention).toBe('entries');
    expectSameFunction(entries.text, "A + A' - A ∘ I", 'X: symmetric');
    expect(entries.verification.status).toBe('verified');
  });
});

// These results hold I's whose sizes only the derivation knows (text cannot say them),
// so they are checked by verification alone.
describe('Kronecker products that no identity removes, and vec', () => {
  test.each([["x'*(A ⊗ X)*y"], ["x'*(X ⊗ B)*y"], ['tr(C*(X ⊗ X))'], ['sum(exp(X ⊗ B))'], ['norm(X ⊗ B - C)^2'], ["x'*vec(X)"], ['norm(vec(A*X) - b)^2'], ['sum(vec(X*X))']])('∂%s/∂X verifies', (f) => {
    expect(grad(f, 'X').verification.status).toBe('verified');
  });
  test('the rule reads as a textbook would write the partial trace', () => {
    expect(grad("x'*(X ⊗ B)*y", 'X').text).toBe("(I_n ⊗ vec(I_m)')*((x*y'*(I_p ⊗ B')) ⊗ I_m)*(I_p ⊗ vec(I_m)) where x: m·n; X: n×p");
  });
});

describe('what is not supported says so', () => {
  test('a non-scalar expression', () => {
    expect(() => grad('A*x', 'x')).toThrow('grad needs a scalar expression');
  });
  test('a variable that does not occur', () => {
    expect(() => grad("x'x", 'y')).toThrow('the variable y does not occur');
  });
});
