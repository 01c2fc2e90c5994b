// Exact arithmetic on coefficients (src/expr/rational.ts, issue 15): rationals stay exact
// through the constructors' sums, products and powers, and print as fractions.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import * as C from '../../src/expr/construct.js';
import { parseExpression } from '../../src/expr/parse.js';
import { addNumbers, fractionOf, multiplyNumbers, numericContent, powerNumber, rationalOf } from '../../src/expr/rational.js';
import { render } from '../../src/print/render.js';

/** A small rational as [p, q] and its double. */
const rational = fc.tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 1, max: 60 }));
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
/** The double of p/q computed exactly (BigInt), in lowest terms. */
function exact(p: bigint, q: bigint): number {
  const g = gcd(p, q) || 1n;
  return Number(p / g) / Number(q / g);
}

describe('rationals read from doubles', () => {
  test.each([[0.5, 1, 2], [1 / 3, 1, 3], [-2 / 7, -2, 7], [0.1, 1, 10], [3, 3, 1]])('%f is %i/%i', (value, p, q) => {
    expect(rationalOf(value)).toEqual({ p, q });
  });
  test('a double that is no small fraction is a float', () => {
    expect(rationalOf(Math.PI)).toBeUndefined();
    expect(rationalOf(0.333333333333333)).toBeUndefined(); // 15 threes: not ⅓
  });

  test('sums and products of rationals are exact (against BigInt arithmetic)', () => {
    fc.assert(
      fc.property(rational, rational, ([p1, q1], [p2, q2]) => {
        const [a, b] = [p1 / q1, p2 / q2];
        const [P1, Q1, P2, Q2] = [BigInt(p1), BigInt(q1), BigInt(p2), BigInt(q2)];
        expect(addNumbers(a, b)).toBe(exact(P1 * Q2 + P2 * Q1, Q1 * Q2));
        expect(multiplyNumbers(a, b)).toBe(exact(P1 * P2, Q1 * Q2));
        expect(rationalOf(addNumbers(a, b))).toBeDefined();
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  test('the classic float slips do not happen', () => {
    expect(addNumbers(addNumbers(1 / 3, 1 / 3), 1 / 3)).toBe(1);
    expect(multiplyNumbers(1 / 3, 3)).toBe(1);
    expect(multiplyNumbers(0.1, 3)).toBe(0.3);
    expect(addNumbers(0.1, 0.2)).toBe(0.3);
    expect(powerNumber(2 / 3, -2)).toBe(9 / 4);
    expect(rationalOf(powerNumber(2, 0.5))).toBeUndefined(); // √2: a float
  });

  test('the numeric content of a list of coefficients', () => {
    expect(numericContent([2, -4, 6])).toBe(2);
    expect(numericContent([-0.5, -1.5])).toBe(-0.5);
    expect(numericContent([1 / 2, 1 / 3])).toBe(1 / 6);
    expect(numericContent([2, Math.PI])).toBe(1);
  });

  test('which rationals print as fractions: not the decimal ones', () => {
    expect(fractionOf(0.5)).toEqual({ p: 1, q: 2 });
    expect(fractionOf(2 / 3)).toEqual({ p: 2, q: 3 });
    expect(fractionOf(0.25)).toEqual({ p: 1, q: 4 });
    expect(fractionOf(1.4)).toBeUndefined();
    expect(fractionOf(0.02)).toBeUndefined();
    expect(fractionOf(1 / 15)).toEqual({ p: 1, q: 15 });
  });
});

describe('in expressions', () => {
  const where = 'x, y, s: scalar; v: n';
  const printed = (text: string, style: 'text' | 'unicode' | 'latex' = 'text'): string => render(parseExpression(text, { where }).expr, style);

  test.each([
    ['2*x/(2*s)', 'x/s'],
    ['x/3 + x/3 + x/3', 'x'],
    ['0.5*y', 'y/2'],
    ['1/2', '1/2'],
    ['x^(3/2)*x^(1/2)', 'x^2'],
    ['x^(1/3)*x^(1/3)*x^(1/3)', 'x'],
    ['sqrt(s)*s^(3/2)', 's^2'],
    ['sqrt(s)*s*y', 's^(3/2)*y'],
    ['sqrt(s)*y', 'sqrt(s)*y'],
    ['x^y*x^(y + 1)*x', 'x^(2 + 2*y)'],
    ['v/2 + v/2', 'v'],
    ['(2*v).^3', '8*v.^3'],
  ])('%s is %s', (input, output) => {
    expect(printed(input)).toBe(output);
  });

  test('½ in Unicode, \\frac in LaTeX, and each reads back to the same node', () => {
    for (const [text, unicode, latex] of [['y/2 + 1/3', '⅓ + y/2', '\\frac{1}{3} + \\frac{y}{2}'], ['x^(-2/3)', '1/x^(2/3)', '\\frac{1}{x^{2/3}}']] as const) {
      const e = parseExpression(text, { where }).expr;
      expect(render(e, 'unicode')).toBe(unicode);
      expect(render(e, 'latex')).toBe(latex);
      expect(parseExpression(unicode, { where }).expr).toBe(e);
      expect(parseExpression(latex, { where, syntax: 'latex' }).expr).toBe(e);
    }
  });

  test('a number typed as a decimal is the same number as its fraction', () => {
    expect(C.number(0.5)).toBe(C.divide(C.ONE(), C.number(2)));
    expect(parseExpression('0.25*x', { where }).expr).toBe(parseExpression('x/4', { where }).expr);
  });
});
