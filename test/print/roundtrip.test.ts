// Every printed form parses back to the same node (NOTATION.md: one canonical text form).
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { Expr } from '../../src/expr/node.js';
import { postOrder } from '../../src/expr/node.js';
import { type DerivativeResult, grad, hessian, jacobian, MatcalcError } from '../../src/index.js';
import { parseExpression } from '../../src/expr/parse.js';
import { render } from '../../src/print/render.js';
import { anySlot, expression, WHERE } from '../support/arbitrary.js';

const reparse = (text: string, syntax: 'text' | 'latex' = 'text') => parseExpression(text, { where: WHERE, syntax }).expr;

/** I, 𝟙 and 0 whose size nothing pins (e.g. (2𝟙𝟙ᵀ)² after simplification) cannot carry
 *  it in text: such an expression reads back equal up to that size — or, for a zero vector
 *  under softmax, as a scalar 0. README states this limit of the notation. */
function unpinned(e: Expr): boolean {
  return e.op === 'ones' || e.op === 'identity' || e.op === 'zero' || e.args.some(unpinned);
}
function expectRoundTrip(e: Expr, text: string, syntax: 'text' | 'latex' = 'text'): void {
  const back = reparse(text, syntax);
  if (back !== e && unpinned(e)) {
    if (!/softmax\}?(?:\(|\\left\()0/.test(text)) expect(render(back, 'text')).toBe(render(e, 'text'));
  } else expect([text, back.id]).toEqual([text, e.id]);
}

describe('print → parse is the identity', () => {
  test('canonical text, over random well-typed expressions of every operation', () => {
    fc.assert(
      fc.property(anySlot.chain((slot) => expression(slot, 3)), (e) => {
        expectRoundTrip(e, render(e, 'text'));
      }),
      { seed: 20261122, numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });

  test('the LaTeX form reads back too, through the LaTeX reader (issue 14, item 6)', () => {
    fc.assert(
      fc.property(anySlot.chain((slot) => expression(slot, 3)), (e) => {
        expectRoundTrip(e, render(e, 'latex'), 'latex');
      }),
      { seed: 14, numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });

  test("a derivative's LaTeX reads back as its text does, over random gradients, Jacobians and Hessians", () => {
    let compared = 0;
    let withK = 0;
    fc.assert(
      fc.property(fc.constantFrom('grad', 'jacobian', 'hessian'), expression('s', 3, true), expression('n', 2, true), fc.constantFrom('x', 'A', 'B', 'alpha'), (kind, scalar, vector, variable) => {
        const f = kind === 'jacobian' ? vector : scalar;
        fc.pre(postOrder(f).some((n) => n.op === 'symbol' && n.name === variable));
        let result: DerivativeResult;
        try {
          result = (kind === 'grad' ? grad : kind === 'jacobian' ? jacobian : hessian)(render(f, 'text'), variable, { where: WHERE, verify: false });
        } catch (error) {
          expect(error).toBeInstanceOf(MatcalcError);
          return;
        }
        const fromText = parseExpression(result.text, { where: WHERE }).expr;
        const fromLatex = parseExpression(result.latex, { where: WHERE, syntax: 'latex' }).expr;
        // (K is written K_{m,n} only where one symbol of the text has that shape, else K(X).)
        if (postOrder(fromText).some((n) => n.op === 'commutation')) withK++;
        if (fromLatex !== fromText) expect({ latex: result.latex, read: render(fromLatex, 'text') }).toEqual({ latex: result.latex, read: render(fromText, 'text') });
        compared++;
      }),
      { seed: 614, numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
    expect(compared).toBeGreaterThan(50);
    expect(withK).toBeGreaterThan(0); // Kronecker results are among them
  });

  test('the Unicode form reads back too', () => {
    fc.assert(
      fc.property(anySlot.chain((slot) => expression(slot, 3)), (e) => {
        expectRoundTrip(e, render(e, 'unicode'));
      }),
      { seed: 7, numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });

  test.each([
    ["x'*A*x", "x'*A*x"],
    ["(A*x - b)'*(A*x - b)", "(A*x - b)'*(A*x - b)"],
    ['A^-1 + B', 'inv(A) + B'],
    ['x/(x\'x)', "x/(x'*x)"],
    ['1 - y', '1 - y'],
    ['A ./ B', 'A ./ B'],
    ['-2*x + y', 'y - 2*x'],
    ['alpha^-2', '1/alpha^2'],
  ])('%s prints as %s', (input, printed) => {
    const e = parseExpression(input).expr;
    expect(render(e, 'text')).toBe(printed);
    expect(parseExpression(printed).expr).toBe(e);
  });
});

describe('shared pieces printed once, under names', () => {
  test('the shared form parses back to the same expression', () => {
    fc.assert(
      fc.property(anySlot.chain((slot) => expression(slot, 4)), (e) => {
        const text = render(e, 'text', { share: true });
        if (!unpinned(e)) expect([text, reparse(text).id]).toEqual([text, e.id]);
      }),
      { seed: 5, numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  test('a deep network: its gradient prints with bindings, and the printed size grows linearly', async () => {
    const { grad, evaluate } = await import('../../src/index.js');
    const network = (n: number) => `sum(h${n}) where ${Array.from({ length: n }, (_, i) => `h${i + 1} = tanh(W${i + 1}*${i === 0 ? 'x' : `h${i}`})`).reverse().join(', ')}`;
    const small = grad(network(20), 'W1', { verify: false }).text;
    const large = grad(network(40), 'W1', { verify: false }).text;
    expect(large).toContain(' where t1 = ');
    expect(large.length / small.length).toBeLessThan(2.5);
    // The text with its bindings is what evaluate accepts.
    const values: Record<string, unknown> = { x: [0.1, -0.2] };
    for (let i = 1; i <= 20; i++) values[`W${i}`] = [[0.5, -0.1], [0.2, 0.3]];
    expect(Array.isArray(evaluate(small, values))).toBe(true);
  });
});

test('nested norms read back in every style (‖2‖B‖B‖ would read as ‖2‖·B·‖B‖)', () => {
  const e = reparse('norm(2*norm(B)*B) + norm(x - norm(x)*x)');
  for (const style of ['text', 'unicode', 'latex'] as const) expect(reparse(render(e, style), style === 'latex' ? 'latex' : 'text')).toBe(e);
});
