// The Matrix Cookbook's derivative chapter (Petersen & Pedersen, 2012 edition; equation
// numbers given), and the textbook forms issue 3 asks for. Every gradient is verified
// numerically by grad itself, and compared with the book's closed form on random inputs.
import { describe, expect, test } from '@jest/globals';
import katex from 'katex';
import { grad } from '../../src/index.js';
import { expectSameFunction } from '../support/closeness.js';

type Case = [source: string, f: string, wrt: string, closedForm: string, where?: string];

const cookbook: Case[] = [
  ['(49) determinant', 'det(X)', 'X', "det(X)*inv(X)'"],
  ['(51) det(AXB)', 'det(A*X*B)', 'X', "det(A*X*B)*inv(X)'", 'A, B, X: n×n'],
  ['(57) log det', 'logdet(X)', 'X', "inv(X)'"],
  ['(57) log det, spelled log(det(X))', 'log(det(X))', 'X', "inv(X)'"],
  ['(55) log det(XᵀX), X tall', "logdet(X'*X)", 'X', "2*X*inv(X'*X)", 'X: 5×3'],
  ['(61) aᵀX⁻¹b', "a'*inv(X)*b", 'X', "-inv(X)'*a*b'*inv(X)'"],
  ['(63) tr(AX⁻¹B)', 'tr(A*inv(X)*B)', 'X', "-(inv(X)*B*A*inv(X))'"],
  ['(69) aᵀXb', "a'*X*b", 'X', "a*b'"],
  ['(70) aᵀXᵀb', "a'*X'*b", 'X', "b*a'"],
  ['(72) aᵀXa', "a'*X*a", 'X', "a*a'"],
  ['(78) bᵀXᵀXc', "b'*X'*X*c", 'X', "X*(b*c' + c*b')"],
  ['(81) xᵀBx', "x'*B*x", 'x', "(B + B')*x"],
  ['(84) bᵀXᵀDXc', "b'*X'*D*X*c", 'X', "D'*X*b*c' + D*X*c*b'"],
  ['(86) (Xb + c)ᵀD(Xb + c)', "(X*b + c)'*D*(X*b + c)", 'X', "(D + D')*(X*b + c)*b'"],
  ['(88) (Ax + b)ᵀC(Dx + e)', "(A*x + b)'*C*(D*x + e)", 'x', "A'*C*(D*x + e) + D'*C'*(A*x + b)"],
  ['(100) tr(X)', 'tr(X)', 'X', 'I'],
  ['(101) tr(XA)', 'tr(X*A)', 'X', "A'"],
  ['(102) tr(AXB)', 'tr(A*X*B)', 'X', "A'*B'"],
  ['(103) tr(AXᵀB)', "tr(A*X'*B)", 'X', 'B*A'],
  ['(104) tr(XᵀA)', "tr(X'*A)", 'X', 'A'],
  ['(107) tr(X²)', 'tr(X^2)', 'X', "2*X'"],
  ['(108) tr(X²B)', 'tr(X^2*B)', 'X', "(X*B + B*X)'"],
  ['(110) tr(XᵀBX)', "tr(X'*B*X)", 'X', "B*X + B'*X"],
  ['(113) tr(XXᵀ)', "tr(X*X')", 'X', '2*X'],
  ['(116) tr(AXBX)', 'tr(A*X*B*X)', 'X', "A'*X'*B' + B'*X'*A'"],
  ['(117) tr(XᵀX)', "tr(X'*X)", 'X', '2*X'],
  ['(118) tr(BᵀXᵀCXB)', "tr(B'*X'*C*X*B)", 'X', "C'*X*B*B' + C*X*B*B'"],
  ['(121) tr(X³)', 'tr(X^3)', 'X', "3*(X^2)'"],
  ['(129) ‖x − a‖₂', 'norm(x - a)', 'x', '(x - a)/norm(x - a)'],
  ['(131) ‖X‖_F²', 'norm(X)^2', 'X', '2*X'],
  ['(124) tr of the inverse of a product', 'tr(inv(A*X))', 'X', "-(inv(A*X)*inv(X))'"],
  ['(§10.2.1) tr(A ⊗ X) = tr(A)tr(X)', 'tr(A ⊗ X)', 'X', 'tr(A)*I'],
  ['(§10.2.1) mixed product, tr((A ⊗ B)(X ⊗ C))', 'tr((A ⊗ B)*(X ⊗ C))', 'X', "tr(B*C)*A'"],
  ['‖A ⊗ X‖²', 'norm(kron(A, X))^2', 'X', '2*norm(A)^2*X'],
  ['scalar variable: tr(αA)', 'tr(alpha*A)', 'alpha', 'tr(A)'],
  ['Hadamard: sum(A ∘ X)', 'sum(A .* X)', 'X', 'A'],
  ['elementwise: sum(exp(X))', 'sum(exp(X))', 'X', 'exp(X)'],
  ['softmax: yᵀ log softmax(x)', "y'*log(softmax(x))", 'x', "y - ones'*y*softmax(x)"],
  ['logsumexp', 'logsumexp(x)', 'x', 'softmax(x)'],
  ['diag: sum(diag(X))', 'sum(diag(X))', 'X', 'I'],
  ['diag of a vector: tr(A diag(x))', 'tr(A*diag(x))', 'x', 'diag(A)'],
  ['division: xᵀx / (xᵀAx)', "x'*x/(x'*A*x)", 'x', "2*x/(x'*A*x) - (x'*x)*(A + A')*x/(x'*A*x)^2"],
  ['power: (xᵀx)^(1/2)', "(x'x)^(1/2)", 'x', 'x/norm(x)'],
  ['norm1', 'norm1(x)', 'x', 'sign(x)'],
  // Exponents that are expressions: ∂(x.^θ)/∂θ = log(x) ∘ x.^θ; ∂aˣ/∂x = log(a)·aˣ.
  ['power wrt its exponent: sum(x.^θ)', 'sum(x.^θ)', 'θ', 'sum(log(x) .* x.^θ)'],
  ['a^x wrt x', 'a^x', 'x', 'log(a)*a^x'],
  ['a^x wrt a', 'a^x', 'a', 'x*a^(x - 1)'],
  ['x.^θ wrt x, θ symbolic', "sum(x.^θ)", 'x', 'θ*x.^(θ - 1)'],
];

describe('Matrix Cookbook, chapter 2', () => {
  // Padded to five entries: jest passes a callback where an entry is missing.
  test.each(cookbook.map((c) => [c[0], c[1], c[2], c[3], c[4]] as Case))('%s: ∂%s/∂%s', (_source, f, wrt, closedForm, where) => {
    const result = grad(f, wrt, { where });
    expect(result.verification.status).toBe('verified');
    expectSameFunction(result.text, closedForm, where);
    // Every LaTeX result renders: the result and each step of its derivation.
    for (const latex of [result.latex, ...result.steps.map((s) => s.latex)]) {
      expect(() => katex.renderToString(latex, { throwOnError: true })).not.toThrow();
    }
  });
});

describe('textbook forms, exactly (issue 3)', () => {
  test.each<[string, string, string, string | undefined]>([
    ["x'Ax", 'x', "(A + A')*x", undefined],
    ["x'Ax", 'x', '2*A*x', 'A: symmetric'],
    ['tr(A*X*B)', 'X', "A'*B'", undefined],
    ['log(det(X))', 'X', "inv(X)'", undefined],
    ['log(det(X))', 'X', 'inv(X)', 'X: spd'],
    ["a'*inv(X)*b", 'X', "-inv(X)'*a*b'*inv(X)'", undefined],
    ["(A*x - b)'*(A*x - b)", 'x', "2*A'*(A*x - b)", undefined],
    ["tr(X'*X)", 'X', '2*X', undefined],
    ['det(X)', 'X', "det(X)*inv(X)'", undefined],
    ['sum(log(1 + exp(-y .* (X*w))))', 'w', "-X'*(sigmoid(-(X*w) ∘ y) ∘ y)", undefined],
  ])('∂%s/∂%s = %s', (f, wrt, expected, where) => {
    const result = grad(f, wrt, { where });
    expect(result.text).toBe(expected);
    expect(result.verification.status).toBe('verified');
  });

  test('orthogonal: tr(QᵀQX) is tr(X)', () => {
    expect(grad("tr(Q'*Q*X)", 'X', { where: 'Q: orthogonal' }).text).toBe('I_n where X: n×n');
  });
  test('never a double transpose, never inv(X′) beside inv(X)′', () => {
    for (const [f, wrt] of [['tr(inv(X)*A*inv(X))', 'X'], ["a'*inv(X')*b", 'X'], ["tr(inv(X)*X')", 'X']]) {
      const text = grad(f!, wrt!).text;
      expect(text).not.toMatch(/''/);
      expect(text).not.toMatch(/inv\([^()]*'\)/);
    }
  });
});

describe('layouts and symmetric variables', () => {
  test('numerator layout is the transpose', () => {
    const result = grad("a'*X*b", 'X', { layout: 'numerator' });
    expectSameFunction(result.text, "b*a'");
    expect(result.verification.status).toBe('verified');
  });
  test('a symmetric variable: the symmetric part, or the entrywise form on request', () => {
    const symmetric = grad('tr(A*X)', 'X', { where: 'X: symmetric' });
    expect(symmetric.convention).toBe('symmetric');
    expectSameFunction(symmetric.text, "(A + A')/2", 'X: symmetric');
    const entries = grad('tr(A*X)', 'X', { where: 'X: symmetric', symmetricConvention: 'entries' });
    expect(entries.convention).toBe('entries');
    expectSameFunction(entries.text, "A + A' - A ∘ I", 'X: symmetric');
    expect(entries.verification.status).toBe('verified');
  });
});

// These results hold I's whose sizes only the derivation knows (text cannot say them),
// so they are checked by verification alone.
describe('Kronecker products that no identity removes, and vec', () => {
  test.each([["x'*(A ⊗ X)*y"], ["x'*(X ⊗ B)*y"], ['tr(C*(X ⊗ X))'], ['sum(exp(X ⊗ B))'], ['norm(X ⊗ B - C)^2'], ["x'*vec(X)"], ['norm(vec(A*X) - b)^2'], ['sum(vec(X*X))']])('∂%s/∂X verifies', (f) => {
    expect(grad(f, 'X').verification.status).toBe('verified');
  });
  test('the rule reads as a textbook would write the partial trace', () => {
    expect(grad("x'*(X ⊗ B)*y", 'X').text).toBe("(I_n ⊗ vec(I_m)')*((x*y'*(I_p ⊗ B')) ⊗ I_m)*(I_p ⊗ vec(I_m)) where x: m·n; X: n×p");
  });
});

describe('what is not supported says so', () => {
  test('a non-scalar expression', () => {
    expect(() => grad('A*x', 'x')).toThrow('grad needs a scalar expression');
  });
  test('a variable that does not occur', () => {
    expect(() => grad("x'x", 'y')).toThrow('the variable y does not occur');
  });
});
