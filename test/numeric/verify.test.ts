// Verification is honest: right gradients verify; wrong ones (transposed, a factor off,
// a sign, a missing term) fail; points outside the domain are reported, not verified.
import { describe, expect, test } from '@jest/globals';
import { parseAst, parseDeclarations } from '../../grammar/parser.js';
import { buildExpressions } from '../../src/expr/build.js';
import { verifyGradient } from '../../src/numeric/verify.js';

/** f and the claimed gradient g read in one context, so their symbols and sizes agree. */
function check(f: string, variable: string, g: string, where?: string) {
  const declarations = where ? parseDeclarations(where) : [];
  const { exprs, symbols } = buildExpressions([parseAst(f), parseAst(g)], `${f} ; ${g}`, declarations);
  return verifyGradient(exprs[0]!, symbols.get(variable)!, exprs[1]!);
}

describe('verifyGradient', () => {
  test('a right gradient verifies, with distinct sizes reported', () => {
    const report = check('tr(A*X*B)', 'X', "A'*B'");
    expect(report.status).toBe('verified');
    expect(report.maxRelError).toBeLessThan(1e-6);
    expect(Object.values(report.sizes)).toEqual([2, 3, 4]);
    expect(report.draws).toBe(2);
  });
  test.each([
    ['the transpose (numerator layout)', 'tr(A*X*B)', 'X', 'B*A'],
    ['a factor off', "x'*A*x", 'x', "A*x + A'*x + x"],
    ['a missing 2', "x'*x", 'x', 'x'],
    ['a sign', "a'*inv(X)*b", 'X', "inv(X)'*a*b'*inv(X)'"],
    ['right only for symmetric A', "x'*A*x", 'x', '2*A*x'],
    ['a missing term', "x'*A*x + b'*x", 'x', "(A + A')*x"],
  ])('%s fails', (_what, f, variable, g) => {
    expect(check(f, variable, g).status).toBe('failed');
  });
  test('right only under declared symmetry: verified when A is declared symmetric', () => {
    expect(check("x'*A*x", 'x', '2*A*x', 'A: symmetric').status).toBe('verified');
  });
  test('no point in the domain: unverifiable with a reason, never verified', () => {
    const report = check('sum(log(-exp(x)))', 'x', 'ones + 0*x');
    expect(report.status).toBe('unverifiable');
    expect(report.reason).toMatch(/no usable point/);
  });
  test('relu away from its kink verifies', () => {
    expect(check('sum(relu(W*x))', 'x', "W'*step(W*x)").status).toBe('verified');
  });
});
