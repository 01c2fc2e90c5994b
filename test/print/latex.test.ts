// Every LaTeX output renders with KaTeX: random expressions of every operation and the
// notation's examples. A KaTeX parse error fails the test.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import katex from 'katex';
import { parse } from '../../src/index.js';
import { render } from '../../src/print/render.js';
import { anySlot, expression } from '../support/arbitrary.js';

const renders = (latex: string): void => {
  expect(() => katex.renderToString(latex, { throwOnError: true })).not.toThrow();
};

describe('LaTeX renders with KaTeX', () => {
  test.each([
    ["x'Ax", 'x^{\\top} A x'],
    ['(A + A\')*x', '\\left(A + A^{\\top}\\right) x'],
    ['inv(X)\'', '\\left(X^{-1}\\right)^{\\top}'],
    ['tr(A*X*B)', '\\operatorname{tr}\\left(A X B\\right)'],
    ['log det(X)', '\\log\\left(\\det\\left(X\\right)\\right)'],
    ['‖Ax − b‖²', '\\left\\| A x - b \\right\\|^{2}'],
    ['A ∘ B ⊗ C', '\\left(A \\odot B\\right) \\otimes C'],
    ['x/(x\'x)', '\\frac{x}{x^{\\top} x}'],
    ['W_{12} + sigma*W1', 'W_{12} + \\sigma W_{1}'],
    ['K(X)*vec(X)', 'K_{n,m} \\operatorname{vec}\\left(X\\right)'],
  ])('%s → %s', (text, latex) => {
    const printed = parse(text).latex;
    expect(printed).toBe(latex);
    renders(printed);
  });

  test('random expressions over every operation', () => {
    fc.assert(
      fc.property(anySlot.chain((slot) => expression(slot, 3)), (e) => renders(render(e, 'latex'))),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('the derivation in LaTeX (align*) renders', () => {
  test.each([["x'Ax", 'x'], ['log det(X)', 'X'], ['sum(log(1 + exp(-y .* (X*w))))', 'w']])('%s', async (f, wrt) => {
    const { grad } = await import('../../src/index.js');
    const { stepsLatex } = await import('../../src/print/steps.js');
    const result = grad(f, wrt);
    const latex = stepsLatex(result.steps, result.wrt);
    expect(latex.startsWith('\\begin{align*}')).toBe(true);
    expect(() => katex.renderToString(latex, { throwOnError: true, displayMode: true })).not.toThrow();
  });

  test('the head names the variable as the lines do (W1 is W_{1})', async () => {
    const { grad } = await import('../../src/index.js');
    const { stepsLatex } = await import('../../src/print/steps.js');
    const latex = stepsLatex(grad("x'*W1*x", 'W1').steps, 'W1');
    expect(latex).toContain('\\frac{\\partial f}{\\partial W_{1}}');
    expect(latex).toContain('\\mathrm{d}W_{1}');
  });
});
