// Every bad input gives a MatcalcError with a kind, a span at the right place and what
// was expected; never another exception.
import { describe, expect, test } from '@jest/globals';
import { formatError, MatcalcError } from '../../src/errors.js';
import { parse } from '../../src/index.js';
import { thrown } from '../support/errors.js';

const errorOf = (text: string, where?: string): MatcalcError => thrown(() => parse(text, { where }), text);

describe('syntax errors name the position and what was expected', () => {
  test.each([
    // input, kind, column (1-based) of the caret, words in the message, words in "expected"
    ['tr(AB))', 'syntax', 7, "unexpected ')' at column 7", 'an operator or the end'],
    ["x'A+", 'syntax', 5, 'unexpected end of input', 'an operand'],
    ['A ** B', 'syntax', 4, "unexpected '*'", 'an operand'],
    ['inv()', 'syntax', 1, 'inv takes 1 argument, got 0', 'inv(X)'],
    ['‖x', 'syntax', 3, 'unexpected end of input', "closing '‖'"],
    ["'", 'syntax', 1, "unexpected '''", 'an operand'],
    ['(A + B', 'syntax', 7, 'unexpected end of input', "')'"],
    ['A # B', 'syntax', 3, "unexpected character '#'", 'a symbol'],
    ['kron(A)', 'syntax', 6, 'kron takes 2 arguments, got 1', 'kron(A, B)'],
    // After a function's '(' the error is at what follows it, not at the parenthesis.
    ['tr(', 'syntax', 4, 'unexpected end of input at column 4', 'an operand'],
    ['exp(.* y)', 'syntax', 5, "unexpected '.*' at column 5", 'an operand'],
    ['x + -', 'syntax', 6, 'unexpected end of input', 'an operand'],
    ['x where t1 = ', 'syntax', 14, 'unexpected end of input', 'an operand'],
    ['x where t1 + 2', 'declaration', 9, "declaration 't1' has no ':'", "'name: kind'"],
    // A division by zero is said as one, at its operator (not as an infinite constant).
    ["x'x/0", 'value', 4, 'division by zero: 0 is 0', 'a divisor that is not zero'],
    ["x'x*(1/(2 - 2))", 'value', 7, 'division by zero: (2 - 2) is 0', 'a divisor that is not zero'],
    ["0^-1*x'x", 'value', 2, 'division by zero: 0 is 0', 'a divisor that is not zero'],
  ])('%s', (text, kind, column, message, expected) => {
    const error = errorOf(text);
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(message);
    expect(error.expected).toContain(expected);
    expect(error.span!.start + 1).toBe(column);
    expect(error.source).toBe(text);
  });

  test('empty input', () => {
    for (const text of ['', '   ']) {
      const error = errorOf(text);
      expect(error.kind).toBe('syntax');
      expect(error.message).toBe('empty expression');
    }
  });

  test('unknown functions are errors with the nearest name, not products', () => {
    const error = errorOf('foo(x)');
    expect(error.kind).toBe('unknown-function');
    expect(error.message).toBe("unknown function 'foo'");
    expect(error.span).toEqual({ start: 0, end: 3 });
    expect(errorOf('sigmod(x)').expected).toBe("did you mean 'sigmoid'?");
    expect(errorOf('tanhh(x)').expected).toBe("did you mean 'tanh'?");
  });

  test('the caret sits under the offending token', () => {
    const text = formatError(errorOf('tr(AB))'));
    expect(text).toBe(["error: unexpected ')' at column 7", '  tr(AB))', '        ^', 'expected an operator or the end of the expression'].join('\n'));
  });

  test('deep nesting is read (grammar/nesting.ts); what cannot be named is refused with a clear error, not a stack overflow', () => {
    expect(parse('('.repeat(10_000) + 'x' + ')'.repeat(10_000)).text).toBe('x');
    const error = errorOf('kron(A, '.repeat(300) + 'x' + ')'.repeat(300));
    expect(error.kind).toBe('limit');
  });
});

describe('shape errors name the operator, both operands and their shapes', () => {
  test("x'A with A: m×n and x: n", () => {
    const error = errorOf("x'A", 'A: m×n; x: n');
    expect(error.kind).toBe('shape');
    expect(error.message).toBe("shape mismatch in product: x' is 1×n, A is m×n");
    expect(error.span!.start).toBe(2); // points at A, the right operand of the juxtaposition
  });
  test('an explicit operator is pointed at', () => {
    const error = errorOf('A*x + b', 'A: m×n; x: p');
    expect(error.message).toBe('shape mismatch in product: A is m×n, x is p×1');
    expect(error.span).toEqual({ start: 1, end: 2 });
  });
  test('sums', () => {
    const error = errorOf('A + x', 'A: m×n');
    expect(error.message).toBe('shape mismatch in sum: A is m×n, x is m×1');
    expect(error.span).toEqual({ start: 2, end: 3 });
  });
  test('vectors do not silently become scalars: x x is an error', () => {
    expect(errorOf('x x').kind).toBe('shape');
  });
  test('powers and functions of the wrong shape', () => {
    expect(errorOf('x^2').message).toContain('power');
    expect(errorOf('x^2').expected).toContain('x.^2');
    expect(errorOf('logsumexp(A)', 'A: m×n').message).toContain('logsumexp');
    expect(errorOf('det(A)', 'A: m×n').message).toContain('det');
    expect(errorOf('A/B').message).toContain('division');
  });
  test('an exponent that is an expression is a scalar; a matrix power needs an integer', () => {
    expect(errorOf('A^k').kind).toBe('unsupported');
    expect(errorOf('A^k').message).toBe('A^k: a matrix power needs an integer exponent');
    expect(errorOf('x.^A').message).toBe('the exponent A is a matrix, but an exponent is a scalar; declare A: scalar if it is one');
  });
});

describe('declaration errors point into the declaration', () => {
  test.each([
    ['A: m×n frobnicated', "unknown word 'frobnicated'"],
    ['A m×n', "has no ':'"],
    ['x: 3 symmetric', 'applies to matrices'],
    ['A: m×n symmetric', 'square'],
    ['a: scalar m', 'scalar has no size'],
  ])('%s', (where, message) => {
    const error = errorOf('A', where);
    expect(error.kind).toBe('declaration');
    expect(error.message).toContain(message);
    expect(error.source).toBe(where);
    expect(error.span).toBeDefined();
  });
});
