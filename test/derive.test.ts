// The one pipeline (src/derive.ts): one record with every stage, notes and stop reasons;
// a Hessian's verification covers its gradient as well as itself.
import { describe, expect, test } from '@jest/globals';
import { derivativeOf, derive, verifyDerivation } from '../src/derive.js';
import * as C from '../src/expr/construct.js';
import { parseExpression } from '../src/expr/parse.js';
import { grad, hessian, jacobian } from '../src/index.js';

describe('a Hessian is verified link by link', () => {
  test('a gradient that is wrong fails, even when H is its exact Jacobian', () => {
    const { expr: f, symbols } = parseExpression("x'*A*x");
    const x = symbols.get('x')!;
    const right = derivativeOf('hessian', f, x);
    // Twice the gradient, and H the Jacobian of that: consistent with each other, not with f.
    const wrongGradient = C.multiply(C.number(2), right.gradient!);
    const wrongHessian = C.multiply(C.number(2), right.result);
    const verdict = verifyDerivation('hessian', f, x, x, { ...right, gradient: wrongGradient, result: wrongHessian }, 'numerator', 1);
    expect(verdict.status).toBe('failed');
    expect(verdict.reason).toMatch(/^the gradient the Hessian is taken of: /);
    expect(verifyDerivation('hessian', f, x, x, right, 'numerator', 1).status).toBe('verified');
  });

  test('hessian() reports verified only when both links agree', () => {
    expect(hessian('sum(exp(A*x))', 'x').verification.status).toBe('verified');
  });
});

describe('the record', () => {
  test('holds each stage and its time, the notes and no stops when every pass finished', () => {
    const d = derive({ kind: 'grad', text: 'tr(A*X)', wrt: 'X', where: 'X: symmetric' });
    expect(d.text).toBe("(A + A')/2");
    expect(d.notes).toEqual(['X is symmetric: this is the gradient for the trace inner product on symmetric matrices, (G + Gᵀ)/2']);
    expect(d.stops).toEqual([]);
    for (const stage of ['parse', 'derive', 'simplify', 'verify', 'print'] as const) expect(d.times[stage]).toBeGreaterThanOrEqual(0);
    expect(d.verification.status).toBe('verified');
    expect(grad('tr(A*X)', 'X', { where: 'X: symmetric' }).notes).toEqual(d.notes);
  });
});

describe('structured variables mean what they say (issue 18, item 5)', () => {
  test('a diagonal variable: the gradient lives on the diagonal, and the note names that convention', () => {
    const result = grad("x'*D*x", 'D', { where: 'D: diagonal' });
    expect(result.text).toBe("(x*x') ∘ I");
    expect(result.notes).toEqual(['D is diagonal: this is the gradient on diagonal matrices, G ∘ I (only the diagonal entries are free)']);
    expect(result.verification.status).toBe('verified');
  });
  test('an orthogonal variable: the Euclidean gradient, said so', () => {
    const result = grad('tr(A*Q)', 'Q', { where: 'Q: orthogonal' });
    expect(result.text).toBe("A'");
    expect(result.notes[0]).toMatch(/^Q is orthogonal: this is the Euclidean gradient, which does not use the constraint/);
  });
  test('no structure, no note', () => {
    expect(grad('tr(A*X)', 'X').notes).toEqual([]);
  });
});

describe('a variable f does not depend on (issue 18, item 4)', () => {
  test('declared with its shape: the zero of that shape, a note, and an honest report', () => {
    const result = grad('tr(A)', 'x', { where: 'x: n' });
    expect(result.text).toBe('0_n');
    expect(result.notes).toEqual(['f does not depend on x: the derivative is zero']);
    expect(result.verification.reason).toMatch(/identically zero/);
    expect(jacobian('X', 'A', { where: 'A: p×q' }).text).toBe('0_{m·n×p·q} where X: n×m');
  });
  test('without a declared shape it is still an error that says what to do', () => {
    expect(() => grad('tr(A)', 'x')).toThrow(/does not occur in the expression \(its symbols: A\); declare its shape/);
  });
});

describe('declared large sizes (issue 18, item 2)', () => {
  test('a result generic in its sizes is checked at small ones, and says so', () => {
    const result = grad('tr(A*B)', 'A', { where: 'A: 999×999; B: 999×999' });
    expect(result.text).toBe("B'");
    expect(result.verification.status).toBe('verified');
    expect(result.verification.sizes).toEqual({ '#999': 2 });
    expect(result.notes.some((n) => n.startsWith('checked at small sizes in place of 999'))).toBe(true);
  });

  test('tall stays tall: X 1000×300 in log det(XᵀX) verifies at small sizes', () => {
    const result = grad("log(det(X'X))", 'X', { where: 'X: 1000×300' });
    expect(result.verification.status).toBe('verified');
    expect(result.notes.join('\n')).toContain('in place of 1000, 300');
  });

  test('a size folded into the result is still the generic result at that size', () => {
    // mean(x) with x: 5000: the 1/5000 in the result is 1/numel(x) of the generic derivation.
    const result = grad('mean(x)*sum(A*x)', 'x', { where: 'A: 5000×5000' });
    expect(result.verification.status).toBe('verified');
    expect(result.notes.some((n) => n.startsWith('checked at small sizes'))).toBe(true);
  });

  test('cheap declared sizes are checked as declared, with no note', () => {
    const result = grad("x'*A*x", 'x', { where: 'A: 20×20' });
    expect([result.verification.status, result.verification.sizes, result.notes]).toEqual(['verified', {}, []]);
  });

  test('the verifier refuses work beyond its bound instead of running for minutes', () => {
    const { expr: f, symbols } = parseExpression('tr(A*B)', { where: 'A: 999×999; B: 999×999' });
    const v = verifyDerivation('grad', f, symbols.get('A')!, symbols.get('A')!, derivativeOf('grad', f, symbols.get('A')!), 'denominator', 1);
    expect(v.status).toBe('unverifiable');
    expect(v.reason).toMatch(/^too large to check: one evaluation at these sizes costs about 1\.0e\+9 multiply-adds/);
  });
});
