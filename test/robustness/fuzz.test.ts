// Whatever a user types: a result or a MatcalcError with a position — never another
// exception, a stack trace or a hang. FUZZ_RUNS raises the counts (npm run fuzz).
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { grad, MatcalcError, parse } from '../../src/index.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const ALPHABET = [..."xyAXBW12 .*'+-/^()‖|,=∘⊗ᵀ⁻¹²σαtrdetlogsumexpinvnormwhere_{}T\\top"];
const VALID = ["x'Ax", 'tr(A*X*B)', 'log det(X)', '‖Ax − b‖²', "sum(log(1 + exp(-y .* (X*w))))", 'A ⊗ B + kron(A, B)', "2*W2'*t1*x' where t1 = W2*tanh(z) - y, z = W1*x + b1", 'softmax(x)', 'inv(X)^2'];

function outcome(text: string): 'ok' | 'error' {
  try {
    parse(text);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(MatcalcError);
    const e = error as MatcalcError;
    expect({ text, kind: e.kind, message: e.message }).not.toMatchObject({ kind: 'internal' });
    expect(e.message.length).toBeGreaterThan(0);
    if (e.kind === 'syntax' || e.kind === 'unknown-function') {
      expect(e.span).toBeDefined();
      expect(e.span!.start).toBeGreaterThanOrEqual(0);
      expect(e.span!.start).toBeLessThanOrEqual(text.length);
    }
    return 'error';
  }
}

describe('fuzzing the parser', () => {
  test('random strings over the notation alphabet', () => {
    const counts = { ok: 0, error: 0 };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }), (chars) => {
        counts[outcome(chars.join(''))]++;
      }),
      { seed: 7, numRuns: RUNS },
    );
    expect(counts.error).toBeGreaterThan(0);
  });

  test('mutations of valid inputs (delete, insert, replace a character)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.nat(), fc.constantFrom(...ALPHABET), fc.constantFrom('delete', 'insert', 'replace'), (text, at, c, how) => {
        const i = at % (text.length + 1);
        const mutated = how === 'delete' ? text.slice(0, i) + text.slice(i + 1) : how === 'insert' ? text.slice(0, i) + c + text.slice(i) : text.slice(0, i) + c + text.slice(i + 1);
        outcome(mutated);
      }),
      { seed: 11, numRuns: RUNS },
    );
  });

  test('derivatives of mutated inputs: a verified result or a MatcalcError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID.slice(0, 5)), fc.nat(), fc.constantFrom(...ALPHABET), (text, at, c) => {
        const i = at % (text.length + 1);
        const mutated = text.slice(0, i) + c + text.slice(i + 1);
        for (const variable of ['x', 'X']) {
          try {
            expect(['verified', 'unverifiable']).toContain(grad(mutated, variable).verification.status);
          } catch (error) {
            expect(error).toBeInstanceOf(MatcalcError);
            // A bad mutation is the input's fault; never a failed verification or a bug of ours.
            expect({ mutated, kind: (error as MatcalcError).kind }).not.toMatchObject({ kind: expect.stringMatching(/^(verification|internal)$/) });
          }
        }
      }),
      { seed: 13, numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe('fuzzing the LaTeX reader (issue 14)', () => {
  const LATEX = ['\\mathbf{x}', '\\mathbf{A}', '\\boldsymbol{\\theta}', '^\\top', '^{-1}', '^{T}', '_2', '_{F}', '\\|', '\\frac{', '}{', '}', '{', '(', ')', '\\left(', '\\right)', '|', '+', '-', '\\cdot', '\\odot', '\\otimes', '\\log', '\\det', '\\operatorname{tr}', '\\sigma', '\\Sigma', '\\mu', 'x', 'A', '2', '\\sqrt{', '\\text{where }', '=', '\\in', '\\mathbb{R}^{n}', ',', '&', '\\\\', '\\foo', '\\mathrm{d}', '\\hat{', '^{(l)}', '\\mathbf{1}_n', 'I_n', 'K_{m,n}', '%'];
  const LATEX_VALID = ['\\frac{1}{2}\\|\\mathbf{A}\\mathbf{x}-\\mathbf{b}\\|_2^2', '\\log\\det\\boldsymbol{\\Sigma}', '\\operatorname{tr}(\\mathbf{A}\\mathbf{X}^{-1}\\mathbf{B})', '\\sigma(\\mathbf{W}\\mathbf{x})', '(\\mathbf{x}-\\boldsymbol{\\mu})^\\top\\boldsymbol{\\Sigma}^{-1}(\\mathbf{x}-\\boldsymbol{\\mu})'];
  test('random token soups: a result or a MatcalcError, never a bug', () => {
    const counts = { ok: 0, error: 0 };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LATEX), { maxLength: 24 }), (pieces) => {
        counts[outcome(`\\, ${pieces.join('')}`)]++;
      }),
      { seed: 14, numRuns: RUNS },
    );
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.error).toBeGreaterThan(0);
  });
  test('mutations of real formulas', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LATEX_VALID), fc.nat(), fc.constantFrom(...ALPHABET, '{', '}', '\\'), fc.constantFrom('delete', 'insert', 'replace'), (text, at, c, how) => {
        const i = at % (text.length + 1);
        const mutated = how === 'delete' ? text.slice(0, i) + text.slice(i + 1) : how === 'insert' ? text.slice(0, i) + c + text.slice(i) : text.slice(0, i) + c + text.slice(i + 1);
        outcome(mutated);
      }),
      { seed: 15, numRuns: RUNS },
    );
  });
});

describe('limits: a result or a clear error', () => {
  test('10,000 nested parentheses', () => {
    expect(parse('('.repeat(10_000) + 'x' + ')'.repeat(10_000)).text).toBe('x');
  });
  test('a 100,000-character expression', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `a${i % 9}`).join(' + ');
    expect(text.length).toBeGreaterThan(99_000);
    expect(parse(text).shape).toBe('n×1');
  });
  test('a 1,000-term sum, and the gradient of a 200-term one', () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `x'*A${i + 1}*x`).join(' + ');
    expect(parse(terms(1000)).shape).toBe('1×1');
    expect(grad(terms(200), 'x').verification.status).toBe('verified');
  });
  test('a 1,000-layer network: deep, but no stack overflow', () => {
    const layers = Array.from({ length: 1000 }, (_, i) => `h${i + 1} = tanh(W${i + 1}*${i === 0 ? 'x' : `h${i}`})`).reverse();
    expect(parse(`sum(h1000) where ${layers.join(', ')}`).shape).toBe('1×1');
  });
});
