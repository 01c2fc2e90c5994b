// Paper notation in plain text (issue 14, items 2–5): what people write outside LaTeX, the
// kinds a use needs, a note for every guess, and declarations that refuse misspellings.
import { describe, expect, test } from '@jest/globals';
import { MatcalcError } from '../../src/errors.js';
import { parseExpression } from '../../src/expr/parse.js';
import { evaluate, grad, jacobian, parse } from '../../src/index.js';
import { expectSameFunction } from '../support/closeness.js';
import { render } from '../../src/print/render.js';

const text = (input: string, where?: string): string => render(parseExpression(input, where === undefined ? {} : { where }).expr, 'text');

describe('the constructs of papers, in plain text', () => {
  test.each([
    ['Σ + Θ*Λ', 'Sigma + Theta*Lambda'],
    ['Sigma*x', 'Sigma*x'],
    ['‖X - U*V\'‖_F^2', "norm(X - U*V')^2"],
    ['‖x‖_1 + ‖x‖₁', '2*norm1(x)'],
    ['‖A*x - b‖_2^2', 'norm(A*x - b)^2'],
    ['‖x‖₂²', 'norm(x)^2'],
    ['log|X|', 'log(det(X))'],
    ['½*x\'x', "0.5*x'*x"],
    ['A^-T + A^{-T} + A⁻ᵀ', "3*inv(A)'"],
    ['x.T @ A @ x', "x'*A*x"],
    ['A.T', "A'"],
    ["1'x", "ones'*x"],
    ['1ᵀx', "ones'*x"],
    ['σ(W*x) + sigma(W*x)', '2*sigmoid(W*x)'],
    ['x·y', "x'*y"],
    ['x⋅y', "x'*y"],
    ['A·x', 'A*x'],
  ])('%s', (input, expected) => {
    expect(text(input)).toBe(text(expected));
  });

  test('Φ alone is a matrix, Phi(…) the normal CDF', () => {
    expect(parse("Φ'Φ").symbols).toEqual({ Phi: 'n×m' });
    expect(parse('Phi(x)').text).toBe('normcdf(x)');
  });
});

describe('kinds from use (item 3)', () => {
  test('a Greek letter a use needs as a vector is one, and a note says so', () => {
    const result = grad('||x - mu||^2', 'mu');
    expect(result.text).toBe('-2*(x - mu)');
    expect(result.notes).toContain('μ read as a vector, as its use needs (declare it to say otherwise)');
    expect(grad("theta'x", 'theta').text).toBe('x');
    const regression = grad('1/2*||X*beta - y||^2', 'beta');
    expect([regression.text, regression.verification.status]).toEqual(["X'*(X*beta - y)", 'verified']);
  });
  test('the Gaussian log-density in plain text, as issue 14 asks', () => {
    const result = grad("-1/2 log det(Σ) - 1/2 (x-μ)' inv(Σ) (x-μ)", 'μ', { where: 'Σ: spd' });
    expect(result.text).toBe('inv(Sigma)*(x - mu)');
    expect(result.verification.status).toBe('verified');
  });
  test('declarations win, and the convention stands where the use allows only it', () => {
    expect(parse('x - mu', { where: 'mu: scalar' }).symbols).toEqual({ x: 'n×1', mu: '1×1' });
    expect(parse('alpha*x').symbols).toEqual({ alpha: '1×1', x: 'n×1' });
    expect(parse('alpha*x + alpha').notes).toEqual([]);
  });
});

describe('a note for every guess (item 4)', () => {
  test.each([
    ['1/2n*x\'x', "1/2n read as (1/2)·n; write 1/(2n) for the other reading"],
    ['σ(x)', 'σ(…) read as the logistic function sigmoid'],
    ["1'x", "1' read as the ones vector 𝟙ᵀ"],
    ['‖X‖_2', '‖M‖₂ of a matrix read as the Frobenius norm (not the spectral norm)'],
    ['x·y', '· between vectors read as the inner product xᵀy'],
    ['\\mathbf{x}\\cdot\\mathbf{y}', '\\cdot between vectors read as the inner product xᵀy'],
  ])('%s', (input, note) => {
    expect(parse(input).notes).toContain(note);
  });
  test('a word read as letters is said, in a note or in the error it causes', () => {
    expect(parse('loss*x', { where: 'l, o, s: scalar' }).notes).toEqual(['loss read as l·o·s·s, one-letter symbols side by side (declare loss to keep it one name)']);
    const error = (() => { try { parse('loss'); } catch (e) { return e as MatcalcError; } return undefined; })();
    expect([error?.kind, error?.expected]).toEqual(['shape', 'loss read as l·o·s·s, one-letter symbols side by side (declare loss to keep it one name)']);
    expect(parse('loss', { where: 'loss: scalar' }).notes).toEqual([]);
    expect(parse("x'Ax + tr(ABC)").notes).toEqual([]);
  });
  test("the variable's kind by the letter convention is said where the other kind would also fit", () => {
    expect(grad('norm(theta)^2', 'theta').notes).toEqual(['θ read as a scalar by the letter convention; a vector would also fit (declare theta: vector for that reading)']);
    expect(grad("alpha*x'x", 'alpha').notes).toEqual([]); // a vector α would make f a vector
    expect(grad('norm(theta)^2', 'theta', { where: 'theta: scalar' }).notes).toEqual([]);
    // Any Greek letter of f, not only the variable: θ's kind changes f's value.
    expect(grad('norm(theta)^2 + lambda*norm(w)^2', 'w').notes).toEqual(['θ read as a scalar by the letter convention; a vector would also fit (declare theta: vector for that reading)']);
  });
  test('no note where nothing was guessed', () => {
    expect(parse("x'*A*x").notes).toEqual([]);
    expect(parse('‖x‖_2').notes).toEqual([]);
  });
});

describe('declarations refuse misspellings (item 5)', () => {
  test.each([
    ['A: psd', "unknown word 'psd' in the declaration of A — did you mean spd?"],
    ['A: symetric', "unknown word 'symetric' in the declaration of A — did you mean symmetric?"],
    ['x: vectr', "unknown word 'vectr' in the declaration of x — did you mean vector?"],
  ])('%s', (where, message) => {
    const error = (() => { try { parse('A', { where }); } catch (e) { return e as MatcalcError; } return undefined; })();
    expect([error?.kind, error?.message]).toEqual(['declaration', message]);
  });
  test('a size name is still a size where one is expected', () => {
    expect(parse('x', { where: 'x: rows' }).symbols).toEqual({ x: 'rows×1' });
  });
});

describe('softmax of a matrix, column by column (item 2)', () => {
  test('each column of softmax(Z) is the softmax of that column', () => {
    const value = evaluate('softmax(Z)', { Z: [[1, 0], [2, 0], [3, 5]] }) as number[][];
    const column = (v: number[]): number[] => { const e = v.map(Math.exp); const s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); };
    const [c0, c1] = [column([1, 2, 3]), column([0, 0, 5])];
    value.forEach((row, i) => { expect(row[0]).toBeCloseTo(c0[i]!, 14); expect(row[1]).toBeCloseTo(c1[i]!, 14); });
  });
  test('the cross-entropy of a batch of columns: gradient and Jacobian verified', () => {
    const result = grad('sum(Y .* log(softmax(Z)))', 'Z');
    expect(result.verification.status).toBe('verified');
    expectSameFunction(result.text, "Y - softmax(Z) .* (ones*ones'*Y)");
    expect(jacobian('softmax(X)', 'X').verification.status).toBe('verified');
    // A vector keeps the vector rule's form, s ∘ y − s·(sᵀy), with no 𝟙𝟙ᵀ in it.
    expect(grad("softmax(z)'*y", 'z').text).not.toContain('ones');
  });
});
