// One grammar, several entry points (grammar/parser.ts): expressions with where clauses
// (bindings and declarations), --where declarations, rule-file lines and batch-file lines;
// and how words are read once every name is known (grammar/resolve.ts).
import { describe, expect, test } from '@jest/globals';
import { parseBatchLine, parseDeclarations, parseRuleLine } from '../../grammar/parser.js';
import { parseBatch } from '../../src/check/batch.js';
import { MatcalcError } from '../../src/errors.js';
import { parseExpression } from '../../src/expr/parse.js';
import { loadRules } from '../../src/rewrite/rule.js';
import { render } from '../../src/print/render.js';
import { thrown } from '../support/errors.js';

const text = (input: string, where?: string): string => render(parseExpression(input, { where }).expr, 'text');
const errorOf = thrown;

describe('words: one name, or one-letter symbols side by side', () => {
  test.each([
    ["x'Ax", "x'*A*x"],
    ["xy'", "x*y'"],
    ['ab^2', 'a*b^2'],
    ['tr AB', 'tr(A)*B'],
    ['log det X', 'log(det(X))'],
    ['A/Bx', 'A*x/B'],
    ["(Ax)'", "(A*x)'"],
    ['W_{12}x', 'W12*x'],
  ])('%s reads as %s', (input, output) => {
    expect(text(input, 'B, a, b, c: scalar')).toBe(output);
  });
  test('an exponent takes the letter next to it: c^ab is c^a times b', () => {
    expect(parseExpression('c^ab', { where: 'a, b, c: scalar' }).expr).toBe(parseExpression('(c^a)*b', { where: 'a, b, c: scalar' }).expr);
  });
  test('a name declared or bound anywhere is one symbol, even when the clause comes after it', () => {
    expect(text('Wx*x', 'Wx: m×n')).toBe('Wx*x');
    expect(text('sum(hidden) where hidden = tanh(W*x)')).toBe('sum(tanh(W*x))');
    expect(parseExpression("Wx'x where Wx: n×n").symbols.has('Wx')).toBe(true);
  });
  test('K(X) after other letters is still the commutation matrix', () => {
    expect(text('AK(X)*vec(X)', 'A: p×(n·m)'.replace('(n·m)', 'n·m'))).toBe('A*K(X)*vec(X)');
  });
});

describe('where clauses: bindings and declarations are entries of the grammar', () => {
  test('in any order, separated by commas or semicolons', () => {
    const parsed = parseExpression('h + g where h = W*x; x: 3, g = tr(A); W: 2×3');
    expect(render(parsed.expr, 'text')).toBe('tr(A) + W*x');
    expect(parsed.symbols.get('x')!.shape).toEqual({ rows: '3', cols: '1' });
    expect(parsed.symbols.get('W')!.shape).toEqual({ rows: '2', cols: '3' });
  });
  test('a bad declaration in the text points into the text', () => {
    const error = errorOf(() => parseExpression("x'x where x: 3 frob"));
    expect(error.kind).toBe('declaration');
    expect(error.message).toBe("unknown word 'frob' in the declaration of x");
    expect(error.span).toEqual({ start: 15, end: 19 });
    expect(error.source).toBe("x'x where x: 3 frob");
  });
});

describe('--where declarations', () => {
  test.each([
    ['a, c: scalar; X: m×n; y: m', [['a', 'scalar', '1', '1'], ['c', 'scalar', '1', '1'], ['X', 'matrix', 'm', 'n'], ['y', 'vector', 'm', '1']]],
    ['A: n x n symmetric, S: spd', [['A', 'matrix', 'n', 'n'], ['S', 'matrix', undefined, undefined]]],
    ['X: 3x4\nV: mxn', [['X', 'matrix', '3', '4'], ['V', 'matrix', 'm', 'n']]],
    ['v: m·n; P: positive-definite', [['v', 'vector', 'm·n', '1'], ['P', 'matrix', undefined, undefined]]],
    ['X: m*n', [['X', 'matrix', 'm', 'n']]],
  ])('%s', (where, expected) => {
    expect(parseDeclarations(where).map((d) => [d.name, d.kind, d.rows, d.cols])).toEqual(expected);
  });
  test('a missing colon is named, with the entry', () => {
    const error = errorOf(() => parseDeclarations('A m×n'));
    expect(error.message).toBe("declaration 'A m×n' has no ':'");
    expect(error.kind).toBe('declaration');
  });
});

describe('rule-file lines', () => {
  test('a rule: name, two sides, conditions; a where line; a comment', () => {
    const line = parseRuleLine("orthogonal-left:  Q' * Q = I if orthogonal(Q)   # a comment", []);
    expect(line && !Array.isArray(line) && [line.name, line.conditions.map((c) => `${c.predicate}(${c.variable})`)]).toEqual(['orthogonal-left', ['orthogonal(Q)']]);
    expect(parseRuleLine('where g, s: scalar; a: vector', [])).toHaveLength(3);
    expect(parseRuleLine('   # only a comment', [])).toBeUndefined();
  });
  test('a rule name may hold words that are keywords in expressions (ones, if)', () => {
    for (const name of ['sum-from-ones-left', 'if-ones']) {
      const line = parseRuleLine(`${name}: ones' * a = sum(a)`, []);
      expect(line && !Array.isArray(line) && line.name).toBe(name);
    }
  });
  test('a bad rule names rules/FILE:LINE and says what is wrong', () => {
    expect(() => loadRules('ok: (A*B)\' = B\'*A\'\nbroken: A * = B', 'test.rules')).toThrow(/^rules\/test\.rules:2: unexpected '='/);
  });
});

describe('batch-file lines', () => {
  test('derivations and declarations, with Markdown around them; prose is skipped', () => {
    const entries = parseBatch([
      '# Exercises',
      'Some prose: the gradient of a quadratic form.',
      '- where: A: n×n; x: n',
      "1. `grad x'*A*x wrt x = (A + A')*x`",
      "> jacobian A*x wrt x = A",
      "grad tr(W*X) wrt X = W' where W: m×n",
    ].join('\n'));
    expect(entries.map((e) => [e.line, e.kind, e.expression, e.wrt, e.claim, e.where])).toEqual([
      [4, 'grad', "x'*A*x", 'x', "(A + A')*x", 'A: n×n; x: n'],
      [5, 'jacobian', 'A*x', 'x', 'A', 'A: n×n; x: n'],
      [6, 'grad', 'tr(W*X)', 'X', "W' where W: m×n", 'A: n×n; x: n'],
    ]);
    expect(parseBatchLine('prose that mentions grad and wrt')).toBeUndefined();
  });
});
