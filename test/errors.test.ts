// Errors say whose fault they are: the input's (syntax, shape, …), the caller's
// ('argument'), or matcalc's ('internal', with its own CLI exit code 5).
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { check, evaluate, formatError, grad, guard, hessian, jacobian, MatcalcError, parse } from '../src/index.js';

const kindOf = (run: () => unknown): string => {
  try {
    run();
    return 'no error';
  } catch (error) {
    return error instanceof MatcalcError ? error.kind : `not a MatcalcError: ${String(error)}`;
  }
};
const messageOf = (run: () => unknown): string => {
  try {
    run();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe("the library called wrongly is the caller's fault: kind 'argument', naming the argument", () => {
  test.each([
    ['grad(123, "x")', () => grad(123 as unknown as string, 'x'), /grad: the expression must be a string, got number/],
    ['grad("x\'x")', () => grad("x'x", undefined as unknown as string), /grad: the variable must be a string, got undefined/],
    ['jacobian with a numeric where', () => jacobian('A*x', 'x', { where: 3 as unknown as string }), /options\.where must be a string/],
    ['hessian with a bad layout', () => hessian("x'x", 'x', { layout: 'sideways' as never }), /options\.layout must be 'denominator' or 'numerator', got "sideways"/],
    ['a fractional seed', () => grad("x'x", 'x', { seed: 1.5 }), /options\.seed must be an integer/],
    ['parse(null)', () => parse(null as unknown as string), /parse: the expression must be a string, got null/],
    ['evaluate without values', () => evaluate("x'x", 'x' as unknown as Record<string, unknown>), /evaluate: the values must be an object/],
    ['check with a missing claim', () => check("x'x", 'x', undefined as unknown as string), /check: the claim must be a string/],
    ['an unknown code target', () => grad("x'Ax", 'x').code('julia' as never), /code: the target must be 'numpy', 'torch', 'ts', got "julia"/],
  ])('%s', (_, run, message) => {
    expect(kindOf(run)).toBe('argument');
    expect(messageOf(run)).toMatch(message);
  });
});

describe("a bug of ours is kind 'internal', never bad input", () => {
  test('anything that is not a MatcalcError becomes internal, keeping its cause', () => {
    const bug = new TypeError('x is undefined');
    let caught: unknown;
    try {
      guard("x'x", () => {
        throw bug;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MatcalcError);
    expect((caught as MatcalcError).kind).toBe('internal');
    expect((caught as MatcalcError).message).toMatch(/this is a bug in matcalc \(TypeError: x is undefined\)/);
    expect((caught as MatcalcError).cause).toBe(bug);
  });

  test('bad input stays bad input', () => {
    expect(kindOf(() => grad('tr(AB))', 'A'))).toBe('syntax');
    expect(kindOf(() => grad("x'A", 'x', { where: 'A: m×n; x: n' }))).toBe('shape');
    expect(kindOf(() => grad("x'x", 'y'))).toBe('value');
  });

  test('the CLI says so, shows the command that reproduces it, and exits 5', () => {
    const result = spawnSync(process.execPath, ['bin/matcalc.js', 'grad', "x'Ax", 'x'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', MATCALC_FAULT: 'internal' } });
    expect(result.status).toBe(5);
    expect(result.stderr).toContain('internal error — this is a bug in matcalc: TypeError: a fault injected by MATCALC_FAULT=internal');
    expect(result.stderr).toContain("to reproduce: matcalc grad 'x'\\''Ax' x");
    expect(result.stdout).toBe('');
  });
});

describe('input validation with positions (issue 18, item 8)', () => {
  const messageOf2 = (run: () => unknown): [string, string] => {
    try {
      run();
    } catch (error) {
      return [(error as MatcalcError).kind, (error as MatcalcError).message];
    }
    return ['no error', ''];
  };
  test.each([
    ['a sparse array', () => evaluate("x'x", { x: [1, 2, , 4] }), 'value', 'the value of x has no entry at position 3 (a hole in the array)'],
    ['a non-finite number', () => evaluate("x'x", { x: [1, Infinity] }), 'value', 'the value of x contains Infinity, not a finite number'],
    ['empty rows', () => evaluate('sum(A)', { A: [[], []] }), 'value', 'the value of A has an empty row'],
    ['a size 0', () => grad("x'x", 'x', { where: 'x: 0' }), 'declaration', 'a size must be at least 1, but x was given 0'],
    ['two different declarations of one name', () => parse('A', { where: 'A: 3×3; A: 4×4' }), 'declaration', 'A is declared twice, differently: 3×3 and 4×4'],
    // A size past 2³¹ − 1 would not even be held exactly (1e20 reads as 100000000000000000000).
    ['a size too large to mean anything', () => evaluate('I_{99999999999999999999}', {}), 'syntax', 'the size 99999999999999999999 is too large (at most 2,147,483,647)'],
    ['a declared size too large', () => parse('x', { where: 'x: 99999999999' }), 'declaration', 'the size 99999999999 is too large (at most 2,147,483,647), in the declaration of x'],
    ['a sized zero of size 0', () => parse('x + 0_0'), 'syntax', 'a size must be at least 1'],
  ])('%s', (_, run, kind, message) => {
    expect(messageOf2(run)).toEqual([kind, message]);
  });
  test('a sum longer than one call takes is a limit error at the first term past it', () => {
    let caught: MatcalcError | undefined;
    try {
      parse(`${'x + '.repeat(260_000)}x`);
    } catch (error) {
      caught = error as MatcalcError;
    }
    expect([caught!.kind, caught!.message, caught!.span]).toEqual(['limit', 'a sum of 260,001 terms: at most 100,000 in one sum', { start: 400_000, end: 400_001 }]);
  });
  test('a where chain of 10,000 sums is one sum of 10,000 terms (spliced, not 10,000 sums)', () => {
    const bindings = Array.from({ length: 10_000 }, (_, k) => `t${k + 1} = ${k === 0 ? '' : `t${k} + `}A${k + 1}*x`).reverse();
    const { expr } = parse(`x'*t10000 where ${bindings.join(', ')}`);
    expect([expr.op, expr.args[1]!.op, expr.args[1]!.args.length]).toEqual(['multiply', 'add', 10_000]);
  });
  test('the same declaration twice is fine (a result repeats the caller\'s)', () => {
    expect(parse('x', { where: 'x: n; x: n' }).shape).toBe('n×1');
  });
  test('a control character in the input is named in the message and shown as its picture under the caret', () => {
    let caught: MatcalcError | undefined;
    try {
      parse('x\u001b[31m)');
    } catch (error) {
      caught = error as MatcalcError;
    }
    expect(caught!.message).toBe("unexpected character '\\u001b' at column 2");
    expect(formatError(caught!).split('\n')[1]).toBe('  x␛[31m)');
  });
  test('an expression that looks like an option (-x) is read as an expression by the CLI', () => {
    const result = spawnSync(process.execPath, ['bin/matcalc.js', 'parse', '-x'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('text:    -x');
  });
});

describe('a derivative that divides by zero', () => {
  test('is unsupported, said as such — not an infinite constant, not a wrong answer', () => {
    // f is identically 0, but the norm rule divides by ‖M‖ with M cancelling to 0
    // (found by npm run fuzz at 20,000 cases).
    const f = 'norm((A^2 ∘ (A + I - (A + I)))*B)';
    expect(kindOf(() => grad(f, 'A'))).toBe('unsupported');
    expect(messageOf(() => grad(f, 'A'))).toMatch(/^the derivative divides by zero/);
    // A norm that does not cancel is differentiated as before.
    expect(kindOf(() => grad('norm((A^2 ∘ (A + I))*B)', 'A'))).toBe('no error');
  });
});
