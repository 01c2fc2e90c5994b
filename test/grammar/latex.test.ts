// The LaTeX reader (issue 14, item 1) on formulas as published documents write them, each
// with its source: the derivative of what was read is verified and equals the closed form
// the source gives (written here in matcalc's text notation). Then the reader's own
// constructs one by one, and its errors.
import { describe, expect, test } from '@jest/globals';
import { derivativeOf } from '../../src/derive.js';
import { MatcalcError } from '../../src/errors.js';
import { parseExpression } from '../../src/expr/parse.js';
import { grad, jacobian, parse } from '../../src/index.js';
import { render } from '../../src/print/render.js';
import { expectSameFunction } from '../support/closeness.js';
import { thrown } from '../support/errors.js';

type Source = [source: string, latex: string, wrt: string, closedForm: string, where?: string];

const COOKBOOK = 'Petersen & Pedersen, The Matrix Cookbook (2012)';
const PRML = 'Bishop, Pattern Recognition and Machine Learning (2006)';
const DL = 'Goodfellow, Bengio & Courville, Deep Learning (2016)';
const CS229 = 'Ng, CS229 lecture notes, part I (linear regression)';
const BOYD = 'Boyd & Vandenberghe, Convex Optimization (2004), appendix A.4';
const WIKI = 'Wikipedia, "Matrix calculus", identities (denominator layout)';
const ESL = 'Hastie, Tibshirani & Friedman, The Elements of Statistical Learning (2009)';

const documents: Source[] = [
  [`${COOKBOOK}, eq. (57)`, '\\ln|\\det(\\mathbf{X})|', 'X', "inv(X)'"],
  [`${COOKBOOK}, eq. (49)`, '\\det(\\mathbf{X})', 'X', "det(X)*inv(X)'"],
  [`${COOKBOOK}, eq. (51)`, '\\det(\\mathbf{A}\\mathbf{X}\\mathbf{B})', 'X', "det(A*X*B)*inv(X)'", 'A, B, X: n×n'],
  [`${COOKBOOK}, eq. (61)`, '\\mathbf{a}^T\\mathbf{X}^{-1}\\mathbf{b}', 'X', "-inv(X)'*a*b'*inv(X)'"],
  [`${COOKBOOK}, eq. (69)`, '\\mathbf{a}^T\\mathbf{X}\\mathbf{b}', 'X', "a*b'"],
  [`${COOKBOOK}, eq. (70)`, '\\mathbf{a}^T\\mathbf{X}^T\\mathbf{b}', 'X', "b*a'"],
  [`${COOKBOOK}, eq. (81)`, '\\mathbf{x}^T\\mathbf{B}\\mathbf{x}', 'x', "(B + B')*x"],
  [`${COOKBOOK}, eq. (88)`, '(\\mathbf{A}\\mathbf{x}+\\mathbf{b})^T\\mathbf{C}(\\mathbf{D}\\mathbf{x}+\\mathbf{e})', 'x', "A'*C*(D*x + e) + D'*C'*(A*x + b)"],
  [`${COOKBOOK}, eq. (100)`, '\\text{Tr}(\\mathbf{X})', 'X', 'I'],
  [`${COOKBOOK}, eq. (101)`, '\\text{Tr}(\\mathbf{X}\\mathbf{A})', 'X', "A'"],
  [`${COOKBOOK}, eq. (102)`, '\\text{Tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})', 'X', "A'*B'"],
  [`${COOKBOOK}, eq. (103)`, '\\text{Tr}(\\mathbf{A}\\mathbf{X}^T\\mathbf{B})', 'X', 'B*A'],
  [`${COOKBOOK}, eq. (110)`, '\\text{Tr}(\\mathbf{X}^T\\mathbf{B}\\mathbf{X})', 'X', "B*X + B'*X"],
  [`${COOKBOOK}, eq. (113)`, '\\text{Tr}(\\mathbf{X}\\mathbf{X}^T)', 'X', '2*X'],
  [`${COOKBOOK}, eq. (116)`, '\\text{Tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B}\\mathbf{X})', 'X', "A'*X'*B' + B'*X'*A'"],
  [`${COOKBOOK}, eq. (129)`, '\\|\\mathbf{x}-\\mathbf{a}\\|_2', 'x', '(x - a)/norm(x - a)'],
  [`${COOKBOOK}, eq. (131)`, '\\|\\mathbf{X}\\|_F^2', 'X', '2*X'],
  [`${PRML}, eq. (3.12) in matrix form`, '\\frac{1}{2}(\\mathbf{t}-\\boldsymbol{\\Phi}\\mathbf{w})^{\\mathrm{T}}(\\mathbf{t}-\\boldsymbol{\\Phi}\\mathbf{w})', 'w', "Phi'*(Phi*w - t)"],
  [`${PRML}, eq. (3.27) in matrix form`, '\\frac{1}{2}(\\mathbf{t}-\\boldsymbol{\\Phi}\\mathbf{w})^{\\mathrm{T}}(\\mathbf{t}-\\boldsymbol{\\Phi}\\mathbf{w}) + \\frac{\\lambda}{2}\\mathbf{w}^{\\mathrm{T}}\\mathbf{w}', 'w', "Phi'*(Phi*w - t) + lambda*w"],
  [`${PRML}, eq. (2.43), the Gaussian's log-density w.r.t. μ`, '-\\frac{1}{2}\\ln|\\boldsymbol{\\Sigma}| - \\frac{1}{2}(\\mathbf{x}-\\boldsymbol{\\mu})^{\\mathrm{T}}\\boldsymbol{\\Sigma}^{-1}(\\mathbf{x}-\\boldsymbol{\\mu})', 'mu', 'inv(Sigma)*(x - mu)', 'Sigma: spd'],
  [`${PRML}, eq. (2.43), w.r.t. Σ`, '-\\frac{1}{2}\\ln|\\boldsymbol{\\Sigma}| - \\frac{1}{2}(\\mathbf{x}-\\boldsymbol{\\mu})^{\\mathrm{T}}\\boldsymbol{\\Sigma}^{-1}(\\mathbf{x}-\\boldsymbol{\\mu})', 'Sigma', "-inv(Sigma)/2 + inv(Sigma)*(x - mu)*(x - mu)'*inv(Sigma)/2", 'Sigma: spd'],
  [`${DL}, §4.5, eq. (4.21)`, 'f(\\boldsymbol{x}) = \\frac{1}{2}\\|\\boldsymbol{A}\\boldsymbol{x}-\\boldsymbol{b}\\|_2^2'.split(' = ')[1]!, 'x', "A'*(A*x - b)"],
  [`${DL}, §5.1.4, eq. (5.4)`, '\\frac{1}{m}\\|\\boldsymbol{X}^{(\\text{train})}\\boldsymbol{w}-\\boldsymbol{y}^{(\\text{train})}\\|_2^2', 'w', "2*X_train'*(X_train*w - y_train)/m", 'm: scalar'],
  [`${DL}, §2.10, eq. (2.49): the Frobenius norm`, '\\sqrt{\\mathrm{Tr}(\\boldsymbol{A}\\boldsymbol{A}^\\top)}', 'A', 'A/norm(A)'],
  [`${WIKI}: a'x`, '\\mathbf{a}^\\top\\mathbf{x}', 'x', 'a'],
  [`${WIKI}: x'Ax`, '\\mathbf{x}^\\top\\mathbf{A}\\mathbf{x}', 'x', "(A + A')*x"],
  [`${WIKI}: tr(AXB), bold group`, '\\operatorname{tr}(\\mathbf{AXB})', 'X', "A'*B'"],
  [`${WIKI}: log|X|`, '\\log|\\mathbf{X}|', 'X', "inv(X)'"],
  [`${CS229}, §2.1, ∇_A tr AB = Bᵀ`, '\\operatorname{tr}AB', 'A', "B'"],
  [`${CS229}, §2.1, ∇_A tr ABAᵀC = CAB + CᵀABᵀ`, '\\operatorname{tr}ABA^TC', 'A', "C*A*B + C'*A*B'"],
  [`${CS229}, §2.1, ∇_A |A| = |A|(A⁻¹)ᵀ`, '|A|', 'A', "det(A)*inv(A)'"],
  [`${BOYD}, log det X on the positive definite matrices`, '\\log\\det X', 'X', 'inv(X)', 'X: spd'],
  [`${BOYD}, the quadratic ½xᵀPx + qᵀx + r`, '(1/2)x^TPx + q^Tx + r', 'x', 'P*x + q', 'P: symmetric; r: scalar'],
  [`${BOYD}, least squares ‖Ax − b‖²₂`, '\\|Ax-b\\|_2^2', 'x', "2*A'*(A*x - b)"],
  [`${COOKBOOK}, eq. (53), X tall`, '\\det(\\mathbf{X}^T\\mathbf{A}\\mathbf{X})', 'X', "det(X'*A*X)*(A*X*inv(X'*A*X) + A'*X*inv(X'*A'*X))", 'X: 4×3; A: 4×4'],
  [`${COOKBOOK}, eq. (55), X tall`, '\\ln\\det(\\mathbf{X}^T\\mathbf{X})', 'X', "2*X*inv(X'*X)", 'X: 4×3'],
  [`${COOKBOOK}, eq. (59) with k = 3`, '\\det(\\mathbf{X}^3)', 'X', "3*det(X^3)*inv(X)'"],
  [`${COOKBOOK}, eq. (72)`, '\\mathbf{a}^T\\mathbf{X}\\mathbf{a}', 'X', "a*a'"],
  [`${COOKBOOK}, eq. (78)`, '\\mathbf{b}^T\\mathbf{X}^T\\mathbf{X}\\mathbf{c}', 'X', "X*(b*c' + c*b')"],
  [`${COOKBOOK}, eq. (79)`, '(\\mathbf{B}\\mathbf{x}+\\mathbf{b})^T\\mathbf{C}(\\mathbf{D}\\mathbf{x}+\\mathbf{d})', 'x', "B'*C*(D*x + d) + D'*C'*(B*x + b)"],
  [`${COOKBOOK}, eq. (84)`, '\\mathbf{b}^T\\mathbf{X}^T\\mathbf{D}\\mathbf{X}\\mathbf{c}', 'X', "D'*X*b*c' + D*X*c*b'"],
  [`${COOKBOOK}, eq. (86)`, '(\\mathbf{X}\\mathbf{b}+\\mathbf{c})^T\\mathbf{D}(\\mathbf{X}\\mathbf{b}+\\mathbf{c})', 'X', "(D + D')*(X*b + c)*b'"],
  [`${COOKBOOK}, eq. (104)`, '\\text{Tr}(\\mathbf{X}^T\\mathbf{A})', 'X', 'A'],
  [`${COOKBOOK}, eq. (107)`, '\\text{Tr}(\\mathbf{X}^2)', 'X', "2*X'"],
  [`${COOKBOOK}, eq. (108)`, '\\text{Tr}(\\mathbf{X}^2\\mathbf{B})', 'X', "(X*B + B*X)'"],
  [`${COOKBOOK}, eq. (117)`, '\\text{Tr}(\\mathbf{X}^T\\mathbf{X})', 'X', '2*X'],
  [`${COOKBOOK}, eq. (118)`, '\\text{Tr}(\\mathbf{B}^T\\mathbf{X}^T\\mathbf{C}\\mathbf{X}\\mathbf{B})', 'X', "C'*X*B*B' + C*X*B*B'"],
  [`${COOKBOOK}, eq. (121) with k = 3`, '\\text{Tr}(\\mathbf{X}^3)', 'X', "3*(X^2)'"],
  [`${COOKBOOK}, eq. (124)`, '\\text{Tr}(\\mathbf{A}\\mathbf{X}^{-1}\\mathbf{B})', 'X', "-(inv(X)*B*A*inv(X))'"],
  [`${PRML}, appendix C, eq. (C.19)`, '\\mathbf{x}^{\\mathrm{T}}\\mathbf{a}', 'x', 'a'],
  [`${PRML}, appendix C, eq. (C.24)`, '\\mathrm{Tr}(\\mathbf{AB})', 'A', "B'"],
  [`${PRML}, appendix C, eq. (C.25)`, '\\mathrm{Tr}(\\mathbf{A}^{\\mathrm{T}}\\mathbf{B})', 'A', 'B'],
  [`${PRML}, appendix C, eq. (C.26)`, '\\mathrm{Tr}(\\mathbf{A})', 'A', 'I'],
  [`${PRML}, appendix C, eq. (C.27)`, '\\mathrm{Tr}(\\mathbf{ABA}^{\\mathrm{T}})', 'A', "A*(B + B')"],
  [`${PRML}, appendix C, eq. (C.28)`, '\\ln|\\mathbf{A}|', 'A', "inv(A)'"],
  [`${PRML}, the Mahalanobis form in (2.43)`, '\\mathbf{x}^{\\mathrm{T}}\\boldsymbol{\\Sigma}^{-1}\\mathbf{x}', 'x', '2*inv(Sigma)*x', 'Sigma: spd'],
  [`${DL}, §7.1, the L² penalty`, '\\frac{\\alpha}{2}\\boldsymbol{w}^\\top\\boldsymbol{w}', 'w', 'alpha*w'],
  [`${DL}, §5.1.4, the MSE`, '\\frac{1}{m}\\|\\hat{\\boldsymbol{y}}-\\boldsymbol{y}\\|_2^2', 'y_hat', '2*(y_hat - y)/m', 'm: scalar'],
  [`${CS229}, §2.2, J(θ) in matrix form (θ a vector by its use)`, '\\frac{1}{2}(X\\theta-\\vec{y})^T(X\\theta-\\vec{y})', 'theta', "X'*X*theta - X'*y"],
  [`${ESL}, eq. (3.3), the residual sum of squares (β a vector by its use)`, '(\\mathbf{y}-\\mathbf{X}\\beta)^T(\\mathbf{y}-\\mathbf{X}\\beta)', 'beta', "-2*X'*(y - X*beta)"],
  [`${WIKI}: |X|`, '|\\mathbf{X}|', 'X', "det(X)*inv(X)'"],
  [`${WIKI}: x'x`, '\\mathbf{x}^\\top\\mathbf{x}', 'x', '2*x'],
  [`${ESL}, eq. (3.43), ridge regression in matrix form`, '(\\mathbf{y}-\\mathbf{X}\\beta)^T(\\mathbf{y}-\\mathbf{X}\\beta)+\\lambda\\beta^T\\beta', 'beta', "2*X'*(X*beta - y) + 2*lambda*beta", 'beta: vector'],
];

describe('formulas from published documents', () => {
  test.each(documents.map((d) => [d[0], d[1], d[2], d[3], d[4]] as Source))('%s: %s', (_source, latex, wrt, closedForm, where) => {
    const result = grad(latex, wrt, where === undefined ? {} : { where });
    expect(result.verification.status).toBe('verified');
    expectSameFunction(result.text, closedForm, where);
  });

  test('the softmax Jacobian, as Deep Learning (§6.2.2.3) writes softmax', () => {
    const result = jacobian('\\mathrm{softmax}(\\boldsymbol{z})', 'z');
    expect(result.verification.status).toBe('verified');
    expectSameFunction(result.text, "diag(softmax(z)) - softmax(z)*softmax(z)'");
  });
});

const same = (latex: string, text: string, where?: string): void => {
  const options = where === undefined ? {} : { where };
  expect(render(parseExpression(latex, { ...options, syntax: 'latex' }).expr, 'text')).toBe(render(parseExpression(text, options).expr, 'text'));
};

describe('what the reader reads', () => {
  const constructs: [latex: string, text: string, where?: string][] = [
    // styling: the identity of a symbol; bold letters side by side are a product
    ['\\mathbf{A}\\boldsymbol{x}', 'A*x'],
    ['\\bm{A}\\vec{x}', 'A*x'],
    ['\\mathbf{AXB}', 'A*X*B'],
    ['\\mathrm{loss} + \\text{loss} + \\operatorname{loss}', '3*loss', 'loss: scalar'],
    // transposes, inverses, the pseudo-inverse
    ['A^T + A^{T} + A^\\top + A^{\\top} + A^\\intercal + A^{\\mathsf{T}} + A^{\\prime} + A\'', "8*A'"],
    ['A^{-1}', 'inv(A)'],
    ['A^{-T} + A^{-\\top}', "2*inv(A)'"],
    ['A^{+} + A^\\dagger', '2*pinv(A)'],
    ['W^{(l)} x', 'W_l*x'],
    // functions from the operator table
    ['\\operatorname{tr}(A) + \\mathrm{tr}(A) + \\mathrm{Tr}(A) + \\operatorname{Tr}(A) + \\text{tr}(A)', '5*tr(A)'],
    ['\\log\\det X', 'log(det(X))'],
    ['\\ln x_1 + \\exp(x_1) + \\tanh x_1', 'log(x1) + exp(x1) + tanh(x1)'],
    ['\\operatorname{diag}(\\mathbf{x})\\mathbf{y}', 'diag(x)*y'],
    ['\\operatorname{vec}(X)^\\top \\operatorname{vec}(X)', "vec(X)'*vec(X)"],
    ['\\mathrm{softmax}(\\mathbf{z}) + \\operatorname{logsumexp}(\\mathbf{z})', 'softmax(z) + logsumexp(z)'],
    ['\\sigma(\\mathbf{W}\\mathbf{x})', 'sigmoid(W*x)'],
    // fractions, brackets, norms, operators
    ['\\frac{1}{2}x^\\top x + \\tfrac{1}{2}x^\\top x + \\dfrac{1}{2}x^\\top x', "3*x'x/2"],
    ['\\left( A + B \\right) x + \\big( A + B \\big) x + \\Big[ A + B \\Big] x', '3*(A + B)*x'],
    ['\\|x\\| + \\lVert x \\rVert + \\left\\| x \\right\\| + \\|x\\|_2 + ||x||', '5*norm(x)'],
    ['\\|X\\|_F^2 + \\|x\\|_1', 'norm(X)^2 + norm1(x)'],
    // \left\| opens and \right\| closes: nested norms pair as written.
    ['\\left\\| 2 \\left\\| X \\right\\| X \\right\\|', 'norm(2*norm(X)*X)'],
    ['A \\odot B + A \\circ B', '2*(A .* B)'],
    ['A \\otimes B', 'kron(A, B)'],
    ['A \\oslash B', 'A ./ B'],
    ['A \\cdot x', 'A*x'],
    // constants
    ['\\mathbf{1}^\\top x', "ones'*x"],
    ['\\mathbb{1}^\\top x', "ones'*x"],
    ['\\mathbf{1}_n^\\top \\mathbf{x}', "ones_n'*x"],
    ['I_n + A', 'I_n + A'],
    ['\\mathbf{I} + A', 'I + A'],
    // Greek letters of both cases; spacing; alignment marks; labels
    ['\\Sigma + \\Lambda \\Theta', 'Sigma + Lambda*Theta'],
    ['\\alpha \\, x + \\beta \\; x + \\gamma \\! x \\quad', 'alpha*x + beta*x + gamma*x'],
    ['& \\mathbf{x}^\\top \\mathbf{x} \\label{eq:norm} \\nonumber', "x'x"],
    ['\\hat{x} - \\bar{x}', 'x_hat - x_bar'],
    ['\\theta_0 + \\theta_{1} + x_{i}^\\top y', "theta_0 + theta_1 + x_i'*y"],
  ];
  // Padded to three entries: jest passes a callback where an entry is missing.
  test.each(constructs.map(([latex, text, where]) => [latex, text, where ?? '']))('%s', (latex, text, where) => same(latex, text, where === '' ? undefined : where));

  test('|X| is the determinant of a matrix, the absolute value of a scalar', () => {
    same('|X| + |\\alpha|', 'det(X) + abs(alpha)');
  });

  test('bold states a kind: a bold Greek letter is a vector, a bold capital a matrix; declarations win', () => {
    expect(parse('\\boldsymbol{\\theta}^\\top \\boldsymbol{x}').symbols).toEqual({ theta: 'n×1', x: 'n×1' });
    expect(parse('\\boldsymbol{\\Sigma}\\mathbf{x}').symbols).toEqual({ Sigma: 'n×m', x: 'm×1' });
    expect(parse('\\mathbf{x}\\mathbf{y}^\\top', { where: 'x: 3' }).symbols).toEqual({ x: '3×1', y: 'n×1' });
  });

  test('readings that could mean something else come with a note', () => {
    expect(parse('\\sigma(\\mathbf{W}\\mathbf{x})').notes).toEqual(['σ(…) read as the logistic function sigmoid']);
    expect(parse('\\operatorname{tr}AB').notes).toEqual(['\\operatorname{tr} without parentheses read as applied to the whole product after it']);
    expect(parse('A \\otimes B').notes).toEqual(['⊗ read as the Kronecker product']);
    expect(parse('\\mathbf{x}^\\top\\mathbf{x}').notes).toEqual([]);
  });

  test('a derivative prints in LaTeX that reads back to it, its where clause included', () => {
    for (const [text, wrt] of [['sum(x)^2', 'x'], ["||W2*tanh(W1*x + b1) + b2 - y||^2", 'W1'], ["y'*(x - sum(x)/n*ones)/norm(x - sum(x)/n*ones)", 'x']] as const) {
      const options = { where: 'n: scalar' };
      const { expr, symbols } = parseExpression(text, options);
      const result = grad(text, wrt, { ...options, verify: false });
      expect(render(parseExpression(result.latex, { ...options, syntax: 'latex' }).expr, 'text')).toBe(render(parseExpression(result.text, options).expr, 'text'));
      expect(derivativeOf('grad', expr, symbols.get(wrt)!).result).toBeDefined();
    }
  });

  test('every step of a derivation prints in LaTeX that reads back as its text does', () => {
    const cases = [['tr(A*X*B)', 'X'], ["x'*A*x", 'x'], ['log(det(X))', 'X'], ['sum(tanh(W*x))', 'W'], ["||W2*tanh(W1*x + b1) + b2 - y||^2", 'W1'], ['logsumexp(x)', 'x']] as const;
    let compared = 0;
    for (const [f, wrt] of cases) {
      for (const step of grad(f, wrt, { verify: false }).steps) {
        const fromText = render(parseExpression(step.text, { differentials: true }).expr, 'text');
        const fromLatex = render(parseExpression(step.latex, { differentials: true, syntax: 'latex' }).expr, 'text');
        expect({ step: step.latex, read: fromLatex }).toEqual({ step: step.latex, read: fromText });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(15);
  });

  test('the variable may be written in LaTeX too', () => {
    expect(grad('\\boldsymbol{\\theta}^\\top\\mathbf{x}', '\\boldsymbol{\\theta}').text).toBe('x');
    expect(() => grad('x^\\top x', '\\mathbf{x} + 1')).toThrow('is not a variable');
  });

  test('detected by its backslash commands; syntax: text keeps the text notation', () => {
    expect(parse('\\mathbf{x}^\\top\\mathbf{x}').text).toBe("x'*x");
    expect(() => parse('x^\\top x', { syntax: 'text' } as never)).not.toThrow();
  });
});

describe('errors name the command and its place', () => {
  const errorOf = (latex: string): MatcalcError => thrown(() => parseExpression(latex, { syntax: 'latex' }), latex);
  test.each([
    ['x + \\foo{y}', 'unknown LaTeX command \\foo at column 5', { start: 4, end: 8 }],
    ['\\frac{1}{2 x', 'the group opened at column 9 is not closed', { start: 8, end: 9 }],
    ['\\|x - y', 'the norm opened at column 1 is not closed', { start: 0, end: 2 }],
    ['\\|x\\|_\\infty', 'the norm ‖·‖_\\infty is not one matcalc knows', { start: 6, end: 12 }],
    ['\\sum_i x_i', '\\sum at column 1 is not part of an expression matcalc reads', { start: 0, end: 4 }],
    ['(A + B', "'(' at column 1 is not closed", { start: 0, end: 1 }],
  ])('%s', (latex, message, span) => {
    const error = errorOf(latex);
    expect([error.kind, error.message, error.span]).toEqual(['syntax', message, span]);
  });
});
