// Every spelling in NOTATION.md gives the identical node; precedence follows its table.
import { describe, expect, test } from '@jest/globals';
import { parseExpression } from '../../src/expr/parse.js';
import { render } from '../../src/print/render.js';

const node = (text: string, where?: string) => parseExpression(text, { where }).expr;
const same = (spellings: string[], where?: string): void => {
  const first = node(spellings[0]!, where);
  for (const spelling of spellings.slice(1)) expect([spelling, render(node(spelling, where))]).toEqual([spelling, render(first)]);
  for (const spelling of spellings.slice(1)) expect(node(spelling, where)).toBe(first);
};

describe('operators: every spelling is the same node', () => {
  test('matrix product', () => same(['A*B', 'A B', 'AB', 'A·B', 'A⋅B']));
  test('transpose', () => same(["A'", 'A^T', 'Aᵀ', 'A^\\top', 'transpose(A)', 'A^{T}', 'A^{\\top}']));
  test('inverse', () => same(['A^-1', 'A^{-1}', 'A⁻¹', 'inv(A)', 'A^(-1)']));
  test('Hadamard product', () => same(['A .* B', 'A ∘ B', 'A ⊙ B', 'hadamard(A, B)', 'B ∘ A']));
  test('elementwise division and power', () => {
    same(['A ./ B', 'A ∘ B.^-1', 'A ∘ B .^ (-1)']);
    same(['A .^ 2', 'A ∘ A']);
  });
  test('Kronecker product', () => same(['A ⊗ B', 'kron(A, B)']));
  test('sum, difference, negation', () => {
    same(['A - B', 'A + -B', '-B + A', 'A − B']);
    same(['-A', '(-1)*A', '-1*A']);
  });
  test('division by a scalar', () => {
    same(['A / 2', '0.5*A', 'A*0.5']);
    same(['x / (x\'x)', "x * (x'x)^-1", "x*inv(x'*x)"]);
  });
  test('integer powers', () => {
    same(['A^2', 'A*A', 'A²']);
    same(['A^3', 'A*A*A', 'A³']);
    same(['alpha^3', 'alpha*alpha*alpha', 'α³']);
    same(["(x'x)^(1/2)", "(x'*x)^0.5"]);
  });
  test('scalar broadcast in sums', () => {
    same(['1 - y', '-y + 1', 'ones - y', '𝟙 - y']);
    same(['x + 1', '1 + x']);
    same(['1 + exp(-z)', 'exp(-z) + 1']);
  });
  test('norms', () => same(['norm(A*x - b)', '‖Ax − b‖', '||A x - b||', 'norm2(Ax - b)']));
});

describe('symbols', () => {
  test('subscripts: W1, W_1, W_{1}, W₁ are one symbol', () => same(['W1', 'W_1', 'W_{1}', 'W₁']));
  test('W_{12} and W12', () => same(['W_{12}', 'W12', 'W_12']));
  test('Greek names and letters are the same scalar', () => {
    same(['sigma*x', 'σ*x', 'σx', 'x*sigma']);
    same(['lambda + mu', 'λ + μ']);
    expect(parseExpression('alpha').expr.shape).toEqual({ rows: '1', cols: '1' });
  });
  test('a Greek name before ( multiplies', () => same(["lambda(x'x)", "lambda*(x'*x)"]));
  test('juxtaposition splits words into one-letter symbols', () => {
    same(["x'Ax", "x'*A*x", 'x^T A x', 'xᵀAx']);
    same(['tr(AB)', 'tr(A*B)', 'trace(A B)']);
    same(['2x', '2*x']);
    same(['(A+B)x', '(A + B)*x']);
  });
  test('declared multi-letter names are whole words', () => {
    const where = 'Wx: m×n';
    expect(render(node('Wx*x', where))).toBe('Wx*x');
    expect(render(node('Wx x', where))).toBe('Wx*x');
  });
  test('I is the identity, ones the vector of ones, K(X) the commutation matrix', () => {
    expect(node('I').op).toBe('identity');
    expect(node('ones').op).toBe('ones');
    expect(node('K(X)').op).toBe('commutation');
    expect(node('A*I')).toBe(node('A'));
  });
  test('numbers', () => {
    for (const [text, value] of [['0', 0], ['2', 2], ['0.5', 0.5], ['1e-3', 0.001], ['.25', 0.25]] as const) {
      const e = node(text);
      expect(e.op).toBe('number');
      expect(e.value).toBe(value);
    }
  });
});

describe('precedence (NOTATION.md, tightest first)', () => {
  test('postfix binds tighter than power', () => same(["A'^2", "(A')^2", "A'*A'"]));
  test("a*b'∘C is (a*b')∘C", () => same(["a*b'∘C", "(a*b')∘C"]));
  test('product level is left to right', () => {
    same(['A*B∘C', '(A*B)∘C']);
    same(['A∘B*C', '(A∘B)*C']);
  });
  test("unary minus is below products: -x'Ax is -(x'Ax)", () => same(["-x'Ax", "-(x'Ax)"]));
  test('power is right-associative', () => same(['alpha^2^3', 'alpha^(2^3)', 'alpha^8']));
  test('sums are loosest', () => same(['A + B*C', 'A + (B*C)']));
  test('functions without parentheses apply to the next factor', () => {
    same(['log det(X)', 'log(det(X))']);
    same(['log det X', 'log(det(X))']);
  });
  test('ReLU(z) and Softmax(r) (capitalised, as in papers) are the functions', () => {
    same(['ReLU(z)', 'relu(z)']);
    same(['Softmax(r)', 'softmax(r)']);
  });
});

describe('where bindings', () => {
  test('bindings expand, in any order', () => {
    same(["2*W2'*t1*x' where t1 = W2*tanh(z) - y, z = W1*x + b1", "2*W2'*(W2*tanh(W1*x + b1) - y)*x'"]);
  });
  test('a binding name may be multi-letter', () => same(['h + h where h = W*x', '2*W*x']));
});
