// Evidence, not absence of evidence (issue 18, item 1): a point where the derivative and the
// differences are both zero says nothing; "verified" and "correct" need informative points,
// and a counterexample is a point where claim and truth differ.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { derivativeOf } from '../../src/derive.js';
import * as C from '../../src/expr/construct.js';
import { type Expr, postOrder } from '../../src/expr/node.js';
import { check, grad, MatcalcError } from '../../src/index.js';
import { verifyGradient } from '../../src/numeric/verify.js';
import { render } from '../../src/print/render.js';
import { expression } from '../support/arbitrary.js';

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

describe('a fuzz property over kinks (relu, abs, norm1)', () => {
  // For random f with kinks, a wrong claim — zero, or twice the truth — is never "verified":
  // on uninformative draws (every unit off) the verifier must say unverifiable, not agree.
  test('wrong claims are never verified, whatever the draws', () => {
    let verifiedTruths = 0;
    const vector = expression('n', 2);
    const wrapped = fc.oneof(
      expression('s', 3),
      vector.map((v) => C.func('sum', C.apply('relu', v))),
      vector.map((v) => C.func('norm1', v)),
      vector.map((v) => C.func('sum', C.apply('abs', v))),
      fc.tuple(vector, expression('s', 1)).map(([v, s]) => C.multiply(s, C.func('sum', C.apply('relu', C.subtract(v, C.ones('n')))))),
    );
    fc.assert(
      fc.property(wrapped, fc.constantFrom('x', 'A', 'B', 'alpha'), fc.integer({ min: 1, max: 1000 }), (f, name, seed) => {
        const x = postOrder(f).find((n) => n.op === 'symbol' && n.name === name);
        fc.pre(x !== undefined);
        let truth: Expr;
        try {
          truth = derivativeOf('grad', f, x!).result;
        } catch (error) {
          expect(error).toBeInstanceOf(MatcalcError);
          return;
        }
        if (verifyGradient(f, x!, truth, { seed, derivedSymbolically: true }).status === 'verified') verifiedTruths++;
        if (C.isZero(truth)) return;
        for (const wrong of [C.zero(x!.shape), C.multiply(C.number(2), truth)]) {
          const status = verifyGradient(f, x!, wrong, { seed }).status;
          expect({ f: render(f, 'text'), x: name, wrong: render(wrong, 'text'), status }).not.toMatchObject({ status: 'verified' });
        }
      }),
      { seed: 18, numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
    // The property is not vacuous: most true gradients do verify.
    expect(verifiedTruths).toBeGreaterThan(20);
  });
});
