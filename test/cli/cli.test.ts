// The command line as a user runs it: the built bundle, real arguments, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';

const run = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['bin/matcalc.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

const dir = mkdtempSync(join(tmpdir(), 'matcalc-'));
const values = join(dir, 'v.json');
writeFileSync(values, JSON.stringify({ x: [1, 2], A: [[1, 2], [3, 4]] }));

describe('matcalc parse', () => {
  test('prints canonical text, Unicode, LaTeX and every symbol shape', () => {
    const { code, out } = run('parse', "x'Ax");
    expect(code).toBe(0);
    expect(out).toBe(["text:    x'*A*x", 'unicode: xᵀAx', 'latex:   x^{\\top} A x', 'shape:   1×1', 'symbols: x: n×1, A: n×n', ''].join('\n'));
  });
  test('--format latex and json, --where', () => {
    expect(run('parse', 'tr(AB)', '--format', 'latex').out.trim()).toBe('\\operatorname{tr}\\left(A B\\right)');
    const json = JSON.parse(run('parse', 'X*y', '--where', 'X: 3×4', '--format', 'json').out);
    expect(json.symbols).toEqual({ X: '3×4', y: '4×1' });
    expect(json.text).toBe('X*y');
  });
  test('an expression that starts with a minus sign', () => {
    expect(run('parse', "-x'x", '--format', 'text').out).toContain("text:    -x'*x");
    expect(run('parse', '--', "-x'x").out).toContain("text:    -x'*x");
  });
});

describe('matcalc eval', () => {
  test("x'Ax at values.json", () => {
    const { code, out } = run('eval', "x'Ax", '--at', values);
    expect(code).toBe(0);
    expect(out.trim()).toBe('27');
  });
  test('vectors and matrices print in the input convention; json too', () => {
    expect(run('eval', 'A*x', '--at', values).out.trim()).toBe('[5, 11]');
    expect(run('eval', "A'", '--at', values).out).toBe('[\n  [1, 3],\n  [2, 4]\n]\n');
    expect(JSON.parse(run('eval', 'A*x', '--at', values, '--format', 'json').out)).toEqual({ input: 'A*x', value: [5, 11] });
  });
});

describe('errors: a message with a caret, exit 1, never a stack trace', () => {
  test.each([
    [['parse', 'tr(AB))'], "error: unexpected ')' at column 7\n  tr(AB))\n        ^\nexpected an operator or the end of the expression\n"],
    [['parse', "x'A", '--where', 'A: m×n; x: n'], "error: shape mismatch in product: x' is 1×n, A is m×n\n  x'A\n    ^\n"],
    [['parse', 'foo(x)'], "error: unknown function 'foo'\n  foo(x)\n  ^^^\n"],
    [['parse', ''], 'error: empty expression\n'],
    [['parse', 'A', '--where', 'A: m×n frob'], "error: unknown word 'frob' in the declaration of A\n  A: m×n frob\n         ^^^^\n"],
    [['eval', "x'Ax", '--at', '/nonexistent.json'], 'error: cannot read the values file /nonexistent.json\n'],
    [['eval', "x'Ax", '--at', values, '--where', 'x: 3'], 'error: x (2×1) must have size 3, got 2'],
    [['nonsense'], "error: unknown command 'nonsense'"],
  ])('%j', (args, expected) => {
    const { code, err, out } = run(...args);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.startsWith(expected)).toBe(true);
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe('help and version', () => {
  test('--help shows examples; --version the version', () => {
    const help = run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:');
    expect(help.out).toContain("matcalc parse \"x'Ax\"");
    expect(run('--version').out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
