// Shapes: defaults, every declaration spelling, unification across the expression.
import { describe, expect, test } from '@jest/globals';
import { parse } from '../../src/index.js';

const symbols = (text: string, where?: string) => parse(text, { where }).symbols;

describe('default kinds', () => {
  test('uppercase matrix, lowercase vector, Greek scalar', () => {
    expect(symbols('A*x + alpha*b')).toEqual({ A: 'n×m', x: 'm×1', alpha: '1×1', b: 'n×1' });
  });
  test("x'Ax makes A square with the size of x", () => {
    expect(symbols("x'Ax")).toEqual({ x: 'n×1', A: 'n×n' });
    expect(parse("x'Ax").shape).toBe('1×1');
  });
  test('tr(A*X*B) chains the sizes around the trace', () => {
    expect(symbols('tr(A*X*B)')).toEqual({ A: 'n×m', X: 'm×p', B: 'p×n' });
  });
  test('vec and Kronecker products multiply sizes', () => {
    expect(parse('vec(X)').shape).toBe('m·n×1');
    expect(parse('A ⊗ B').shape).toBe('n·p×m·q');
    expect(parse('K(X)', { where: 'X: 3×4' }).shape).toBe('12×12');
  });
});

describe('declarations: every spelling', () => {
  test.each([
    ['X: m×n'], ['X: mxn'], ['X: m x n'], ['X: m*n'], ['X:m×n'],
  ])('%s', (where) => expect(symbols('X', where)).toEqual({ X: 'm×n' }));
  test('numeric sizes', () => expect(symbols('X*y', 'X: 3×4')).toEqual({ X: '3×4', y: '4×1' }));
  test('vector length and scalars', () => {
    expect(symbols('a*y + c*y', 'a, c: scalar; y: m')).toEqual({ a: '1×1', y: 'm×1', c: '1×1' });
  });
  test('properties make a matrix square and are kept on the symbol', () => {
    const parsed = parse('A', { where: 'A: symmetric' });
    expect(parsed.symbols).toEqual({ A: 'n×n' });
    expect(parsed.expr.props & 1).toBe(1);
    for (const property of ['symmetric', 'spd', 'diagonal', 'orthogonal']) {
      expect(parse('S', { where: `S: ${property}` }).symbols.S).toBe('n×n');
    }
  });
  test('a symmetric symbol is its own transpose', () => {
    expect(parse("A' + A", { where: 'A: n×n symmetric' }).text).toBe('2*A');
    expect(parse("A' + A").text).toBe("A + A'");
  });
  test('several entries in one declaration, multi-letter and Greek names', () => {
    expect(symbols('Wx*x + sigma*b', 'Wx: m×n; σ: scalar; b: m')).toEqual({ Wx: 'm×n', x: 'n×1', sigma: '1×1', b: 'm×1' });
  });
  test('declared names may be lowercase matrices or uppercase vectors', () => {
    expect(symbols('w*X', 'w: m×n; X: n')).toEqual({ w: 'm×n', X: 'n×1' });
  });
  test('free sizes avoid declared names', () => {
    expect(symbols('A*B', 'A: n×m')).toEqual({ A: 'n×m', B: 'm×p' });
  });
});
