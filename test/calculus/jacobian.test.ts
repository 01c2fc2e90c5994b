// Jacobians J = ∂vec(F)/∂vec(X)ᵀ and Hessians, as a textbook prints them (issue 4), each
// verified numerically; the vec/Kronecker identities they rest on; a random-expression law.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import katex from 'katex';
import { postOrder } from '../../src/expr/node.js';
import { evaluate, hessian, jacobian, MatcalcError } from '../../src/index.js';
import { render } from '../../src/print/render.js';
import { expression, type Slot, WHERE } from '../support/arbitrary.js';

describe('Jacobians, exactly as a textbook prints them', () => {
  test.each<[string, string, string]>([
    ['A*x', 'x', 'A'],
    ['A*X*B', 'X', "B' ⊗ A"],
    ["X'", 'X', 'K(X)'],
    ['inv(X)', 'X', "-inv(X)' ⊗ inv(X)"],
    ['x .* y', 'x', 'diag(y)'],
    ['sigmoid(x)', 'x', 'diag(sigmoid(x) ∘ (1 - sigmoid(x)))'],
    ['softmax(x)', 'x', "diag(t1) - t1*t1' where t1 = softmax(x)"],
    ['X*X', 'X', "I ⊗ X + X' ⊗ I"],
    ['tanh(W*x)', 'x', 'diag(1 - tanh(W*x).^2)*W'],
  ])('∂vec(%s)/∂vec(%s)ᵀ = %s', (f, wrt, expected) => {
    const result = jacobian(f, wrt);
    expect(result.text).toBe(expected);
    expect(result.verification.status).toBe('verified');
    expect(() => katex.renderToString(result.latex, { throwOnError: true })).not.toThrow();
  });
});

describe('Hessians', () => {
  test.each<[string, string, string]>([
    ["x'Ax", 'x', "A + A'"],
    ['norm(A*x - b)^2', 'x', "2*A'*A"],
    ['logsumexp(x)', 'x', "diag(t1) - t1*t1' where t1 = softmax(x)"],
    ["tr(X'*A*X)", 'X', "I_m ⊗ (A + A') where X: n×m"],
    ['sum(log(1 + exp(X*w)))', 'w', "X'*diag(sigmoid(X*w) ∘ (1 - sigmoid(X*w)))*X"],
    ['logdet(X)', 'X', "-K(X)*(inv(X)' ⊗ inv(X))"],
  ])('∂²%s/∂vec(%s)∂vec(%s)ᵀ', (f, wrt, expected) => {
    const result = hessian(f, wrt);
    expect(result.text).toBe(expected);
    expect(result.verification.status).toBe('verified');
  });
  test('mixed second derivatives with wrt2', () => {
    const result = hessian("x'*A*y", 'x', { wrt2: 'y' });
    expect(result.text).toBe('A');
    expect(result.verification.status).toBe('verified');
  });
});

describe('the vec/Kronecker identities (Matrix Cookbook §10.2)', () => {
  const values = { A: [[1, 2, 0], [0, -1, 3]], X: [[2, 1], [0, 1], [1, -1]], B: [[1, 0, 2, 1], [3, 1, 0, -1]], C: [[1, 2], [3, 4]] };
  test.each<[string, string]>([
    ['vec(A*X*B)', "(B' ⊗ A)*vec(X)"],
    ["K(X)*vec(X)", "vec(X')"],
    ["(A ⊗ C)'", "A' ⊗ C'"],
    ['(A ⊗ C)*(X ⊗ C)', '(A*X) ⊗ (C*C)'],
    ['tr(C ⊗ C)', 'tr(C)*tr(C)'],
  ])('%s = %s', (left, right) => {
    expect(evaluate(`${left} - (${right})`, values)).toEqual(expect.anything());
    const gap = (evaluate(`${left} - (${right})`, values) as number[] | number[][] | number);
    const flat = Array.isArray(gap) ? (gap as unknown[]).flat(2) as number[] : [gap];
    expect(Math.max(...flat.map(Math.abs))).toBeLessThan(1e-12);
  });
});

describe('every Jacobian agrees with finite differences', () => {
  test('random vector- and matrix-valued expressions', () => {
    let verified = 0;
    fc.assert(
      fc.property(fc.constantFrom<Slot>('n', 'm', 'nn', 'nm'), fc.nat(), fc.nat(), (slot, seed, pick) => {
        const f = fc.sample(expression(slot, 3, true), { seed, numRuns: 1 })[0]!;
        const present = ['A', 'B', 'x', 'y', 'alpha'].filter((v) => postOrder(f).some((n) => n.op === 'symbol' && n.name === v));
        fc.pre(present.length > 0 && !postOrder(f).some((n) => n.op === 'zero'));
        const text = render(f, 'text');
        try {
          const result = jacobian(text, present[pick % present.length]!, { where: WHERE });
          expect(['verified', 'unverifiable']).toContain(result.verification.status);
          if (result.verification.status === 'verified') verified++;
        } catch (error) {
          expect(error).toBeInstanceOf(MatcalcError);
          expect([text, (error as MatcalcError).kind]).toEqual([text, 'unsupported']);
        }
      }),
      { seed: 99, numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
    expect(verified).toBeGreaterThan(0);
  });
});

describe('every Hessian agrees with finite differences of the gradient', () => {
  test('random scalar expressions', () => {
    let verified = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (seed, pick) => {
        const f = fc.sample(expression('s', 3, true), { seed, numRuns: 1 })[0]!;
        const present = ['A', 'x', 'y', 'alpha'].filter((v) => postOrder(f).some((n) => n.op === 'symbol' && n.name === v));
        fc.pre(present.length > 0 && !postOrder(f).some((n) => n.op === 'zero'));
        const text = render(f, 'text');
        try {
          const result = hessian(text, present[pick % present.length]!, { where: WHERE });
          expect(['verified', 'unverifiable']).toContain(result.verification.status);
          if (result.verification.status === 'verified') verified++;
        } catch (error) {
          expect(error).toBeInstanceOf(MatcalcError);
          expect([text, (error as MatcalcError).kind]).toEqual([text, 'unsupported']);
        }
      }),
      { seed: 17, numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
    expect(verified).toBeGreaterThan(0);
  });
});

describe('Jacobians through Kronecker products (Magnus & Neudecker, Thm 3.10)', () => {
  test.each<[string, string, string]>([
    ['kron(A, X)', 'X', ''],
    ['kron(X, B)', 'X', ''],
    ['kron(X, X)', 'X', ''],
    ["kron(X', B)", 'X', ''],
    ['kron(A, B*X)', 'X', ''],
    ['kron(A, x)', 'x', ''],
    ['kron(x, A)', 'x', ''],
    ["kron(x', A)", 'x', ''],
    ['kron(A, X)*vec(C)', 'X', 'A: m×n; X: p×q; C: q×n'],
    ['A ⊗ X ⊗ B', 'X', 'A: 2×1; X: 2×3; B: 1×2'],
  ])('∂vec(%s)/∂vec(%s)ᵀ is verified', (f, wrt, where) => {
    const result = jacobian(f, wrt, where ? { where } : {});
    expect(result.verification.status).toBe('verified');
    expect(result.text).not.toMatch(/d\(/);
  });

  test('the textbook form: (I_n ⊗ K_qm ⊗ I_p)(vec A ⊗ I_pq), K carried by a q×m shape', () => {
    // Sizes written where the text alone would leave them open (A: n×m, X: p×q).
    expect(jacobian('kron(A, X)', 'X').text).toBe("(I_m ⊗ K(X'*ones_p*ones_m'*A') ⊗ I_p)*(vec(A) ⊗ I_{p·q})");
    expect(jacobian('kron(X, B)', 'X').text).toBe("(I_m ⊗ K(B'*ones_p*ones_m'*X') ⊗ I_p)*(I_{m·n} ⊗ vec(B))");
    // Through a vector the commutation matrix is the identity: ∂vec(A ⊗ x)/∂x = vec(A) ⊗ I_p.
    expect(jacobian('kron(A, x)', 'x').text).toBe('vec(A) ⊗ I_p where x: p');
    expect(jacobian('kron(x, y)', 'x').text).toBe('I_n ⊗ y where x: n');
  });

  test('too large to evaluate at distinct sizes: unverifiable, and the report says why', () => {
    const result = jacobian('A ⊗ X ⊗ B', 'X');
    expect(result.verification.status).toBe('unverifiable');
    expect(result.verification.reason).toMatch(/entries at distinct sizes: too large to evaluate densely; declare small sizes/);
  });

  test('Hessians through Kronecker products', () => {
    expect(hessian('sum(kron(X, X))', 'X').verification.status).toBe('verified');
    expect(hessian('tr(kron(A, X*X))', 'X').text).toBe('2*tr(A)*K(X)');
  });
});
