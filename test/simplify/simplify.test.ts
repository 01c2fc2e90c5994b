// Simplification (src/simplify): the textbook forms it reaches, that it never changes the
// value, and that a pass stopped at a limit says so instead of looking finished.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseExpression } from '../../src/expr/parse.js';
import { grad } from '../../src/index.js';
import { render } from '../../src/print/render.js';
import { simplify } from '../../src/simplify/simplify.js';
import { expression } from '../support/arbitrary.js';
import { expectSameFunction } from '../support/closeness.js';

const simplified = (text: string, where?: string): string => render(simplify(parseExpression(text, { where }).expr).expr, 'text');

describe('the forms a textbook prints', () => {
  test.each([
    ["A*x + A'*x", "(A + A')*x", undefined],
    ['A*x + A*y', 'A*(x + y)', undefined],
    ['inv(X)*X*y', 'y', undefined],
    ["(A*B)'", "B'*A'", undefined],
    ["inv(X')*y", "inv(X)'*y", undefined],
    ['exp(x) ./ (1 + exp(x))', 'sigmoid(x)', undefined],
    ["Q'*Q*y", 'y', 'Q: orthogonal'],
    ["(x'/s - c*x'*A'/s^2)'", 'x/s - c*A*x/s^2', 's, c: scalar'],
    ["sin(A)' + sin(A')", "2*sin(A)'", undefined],
    // A vector times a vector of ones is the sum of its entries (issue 15).
    ["y'*ones*z", 'sum(y)*z', undefined],
    ["ones'*(x + y)", 'sum(x + y)', undefined],
  ])('%s → %s', (input: string, output: string, where: string | undefined) => {
    expect(simplified(input, where)).toBe(output);
  });
});

test.each([
  ['sum(abs(exp(x)))', 'exp(x)'],
  ['norm(x)*abs(norm(x))', '2*x'],
  ['sum(sign(x) .* abs(x))', 'ones_n where x: n'],
])('signs the domain fixes cancel before differentiation: ∂%s/∂x = %s', (f, g) => {
  const result = grad(f, 'x');
  expect(result.text).toBe(g);
  expect(result.verification.status).toBe('verified');
});

test('softmax cross-entropy: its gradient prints sum(y), not y\'*ones', async () => {
  const { grad } = await import('../../src/index.js');
  expect(grad("-y'*log(softmax(z))", 'z').text).toBe('sum(y)*softmax(z) - y');
});

test('simplification never changes the value (random expressions of every operation)', () => {
  fc.assert(
    fc.property(expression('s', 3), (e) => {
      // Sized constants (I_n): a text whose I has no size reads back with a size of its own.
      const text = render(e, 'text', { sizes: true });
      expectSameFunction(render(simplify(e).expr, 'text', { sizes: true }), text, 'A: n×n; B: n×m; D: m×n; x: n; y: m; alpha, beta: scalar', 2);
    }),
    { numRuns: 60, seed: 11 },
  );
});

describe('a simplification stopped at a limit is visible', () => {
  test('stop reason in the result, the JSON stops, and a note', () => {
    const expr = parseExpression("(A*B*C*D)' + (A*B*C*D)'").expr;
    expect(simplify(expr, { steps: 1, nodes: 1e9, milliseconds: 1e9 }).stop).toBe('step-limit');
    const result = grad("x'*(A*B)'*(C*D)'*x", 'x', { limits: { simplification: { steps: 2 } } });
    expect(result.stops).toContainEqual({ pass: 'simplification', reason: 'step-limit' });
    expect(result.notes).toContain('simplification stopped at its step limit; the result is correct but may not be in simplest form');
    expect(result.verification.status).toBe('verified');
  });
  test('a derivation that cannot finish within its limits is a limit error, not a wrong answer', () => {
    expect(() => grad("x'*A*x", 'x', { limits: { steps: 1 } })).toThrow(/differentiation stopped at its limit of 1 rule applications/);
  });
});
