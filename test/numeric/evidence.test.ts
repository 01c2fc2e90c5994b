// Evidence, not absence of evidence (issue 18, item 1): a point where the derivative and the
// differences are both zero says nothing; "verified" and "correct" need informative points,
// and a counterexample is a point where claim and truth differ.
import { describe, expect, test } from '@jest/globals';
import { check, grad } from '../../src/index.js';

const deadUnits = '||y - W3*relu(W2*relu(W1*x))||^2';

describe('informative points only', () => {
  test('a claimed zero gradient of a relu network is not "correct" on points where every unit is off', () => {
    const result = check(deadUnits, 'W1', '0*W1');
    expect(result.correct).toBe(false);
    expect(result.counterexample!.deviation).toBeGreaterThan(1e-6);
  });
  test('the network\'s own gradient verifies on points where something changes', () => {
    expect(grad(deadUnits, 'W1').verification.status).toBe('verified');
  });
  test('a derivative zero at every drawable point, though not zero as an expression, is unverifiable, and says why', () => {
    const result = grad('sum(relu(-1 - x.^2)) + 3', 'x');
    expect(result.verification.status).toBe('unverifiable');
    expect(result.verification.reason).toMatch(/zero along every direction at the drawn points/);
  });
  test('a derivative that is zero as an expression is reported as identically zero', () => {
    const result = grad('sum(arcsin(x)) + sum(arccos(x))', 'x');
    expect(result.verification.status).toBe('verified');
    expect(result.verification.reason).toMatch(/identically zero/);
  });
});

describe('counterexamples show a difference', () => {
  test('sum(relu(x)) with the claim 𝟙: the point printed is one where step(x) ≠ 𝟙', () => {
    const example = check('sum(relu(x))', 'x', 'ones').counterexample!;
    expect(example.deviation).toBeGreaterThan(0.5);
    const [claim, truth] = [example.claim as number[], example.truth as number[]];
    expect(claim.some((c, i) => c !== truth[i])).toBe(true);
  });
});

describe('sizes that make the expression meaningful (issue 18, item 2)', () => {
  test.each(["log(det(X'X))", "tr(inv(X'*C*X)*A)", "det(X'*A*X)"])('%s verifies with X tall, and says at which sizes', (f) => {
    const result = grad(f, 'X');
    expect(result.verification.status).toBe('verified');
    expect(result.verification.sizes).toEqual({ n: 3, m: 2 });
  });
});
