// matcalc check: right claims in other but equal forms, every diagnosis, batch files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { check, MatcalcError, parseBatch } from '../../src/index.js';

describe('correct claims, decided symbolically or numerically', () => {
  test.each<[string, string, string, string | undefined, 'symbolic' | 'numeric']>([
    ["x'Ax", 'x', "(A + A')*x", undefined, 'symbolic'],
    ["x'Ax", 'x', "A*x + A'*x", undefined, 'symbolic'],
    ["x'Ax", 'x', "A'*x + A*x", undefined, 'symbolic'],
    ["x'Ax", 'x', '2*A*x', 'A: symmetric', 'symbolic'],
    ['tr(A*X*B)', 'X', "(B*A)'", undefined, 'symbolic'],
    ['log(det(X))', 'X', "inv(X')", undefined, 'symbolic'],
    // Like terms meet (issue 15), so the expanded form is the gradient symbolically.
    ["norm(A*x - b)^2", 'x', "2*A'*A*x - 2*A'*b", undefined, 'symbolic'],
    // An identity the simplifier does not know: equal only numerically.
    ['sum(log(1 + exp(x)))', 'x', '1 ./ (1 + exp(-x))', undefined, 'numeric'],
  ])('∂%s/∂%s = %s', (f, wrt, claim, where, decidedBy) => {
    const result = check(f, wrt, claim, { where });
    expect(result.correct).toBe(true);
    expect(result.diagnosis.kind).toBe('correct');
    expect(result.decidedBy).toBe(decidedBy);
  });
});

describe('every diagnosis kind', () => {
  test.each<[string, string, string, string, string]>([
    ['transpose (numerator layout)', 'tr(A*X*B)', 'X', 'B*A', 'transpose'],
    ['transpose of a vector gradient', "w'*x", 'w', "x'", 'transpose'],
    ['transpose for a square variable', 'log(det(X))', 'X', 'inv(X)', 'transpose'],
    ['a missing 2', 'norm(A*x - b)^2', 'x', "A'*(A*x - b)", 'factor'],
    ['a sign', "a'*inv(X)*b", 'X', "inv(X)'*a*b'*inv(X)'", 'sign'],
    ['right only when A is symmetric', "x'*A*x", 'x', '2*A*x', 'symmetric-only'],
    ['a missing term', "x'*A*x + b'*x", 'x', "(A + A')*x", 'missing-term'],
    ['an extra term', "x'*x", 'x', '2*x + b', 'missing-term'],
    ['a shape no derivative can have', "x'x", 'x', "x*x'", 'shape'],
    ['a claim that does not fit the shapes', 'tr(A*X*B)', 'X', "B'*A'", 'shape'],
    ['something else', 'sum(exp(x))', 'x', 'sin(x)', 'other'],
  ])('%s', (_what, f, wrt, claim, kind) => {
    const result = check(f, wrt, claim);
    expect(result.correct).toBe(false);
    expect(result.diagnosis.kind).toBe(kind);
    expect(result.truth.length).toBeGreaterThan(0);
  });

  test('the diagnosis names the symmetric matrix and prints the truth and a counterexample', () => {
    const result = check("x'*A*x + x'*B*x", 'x', "2*A*x + (B + B')*x");
    expect(result.diagnosis.kind).toBe('symmetric-only');
    expect(result.diagnosis.message).toContain('right only when A is symmetric');
    expect(result.truth).toBe("(A + A' + B + B')*x");
    expect(result.counterexample!.sizes).toEqual({ n: 2 });
    expect(Object.keys(result.counterexample!.point).sort()).toEqual(['A', 'B', 'x']);
    expect(result.counterexample!.deviation).toBeGreaterThan(1e-3);
  });
  test('the factor is named', () => {
    expect(check("x'x", 'x', '6*x').diagnosis.message).toContain('3 times the gradient 2*x');
  });
  test('the missing term is printed in closed form', () => {
    expect(check("x'*A*x + b'*x", 'x', "(A + A')*x").diagnosis.message).toContain('claim − gradient = -b');
  });
  test('--format unicode writes the expressions of the verdict in Unicode (issue 18, item 9)', () => {
    const out = spawnSync(process.execPath, ['bin/matcalc.js', 'check', "x'Ax", 'x', "2*A'*x", '--format', 'unicode'], { encoding: 'utf8' }).stdout.split('\n');
    expect(out[0]).toBe('✗ incorrect (decided numerically): right only when A is symmetric (as the text may assume without saying); in general the gradient is (A + Aᵀ)x');
    expect(out[1]).toBe('  correct: (A + Aᵀ)x');
    expect(check("x'Ax", 'x', "(A + A')*x", { style: 'unicode' }).diagnosis.message).toBe('the claim simplifies to the gradient (A + Aᵀ)x');
  });

  test('no informative evidence is "undecided", never "incorrect" (issue 18, item 1)', () => {
    const result = check('tr(A*B)', 'A', 'B', { where: 'A: 999×999; B: 999×999' });
    expect([result.verdict, result.correct, result.diagnosis.kind]).toEqual(['undecided', false, 'undecided']);
    expect(result.diagnosis.message).toMatch(/^too large to check/);
    expect(check('tr(A*B)', 'A', "B'").verdict).toBe('correct');
    expect(check('tr(A*B)', 'A', 'B').verdict).toBe('incorrect');
  });

  test('bad input is a MatcalcError', () => {
    expect(() => check("x'x", 'x', '2*x)')).toThrow(MatcalcError);
  });
});

describe('batch files', () => {
  const text = [
    '# Notes',
    'Some prose that mentions grad without the format.',
    'where A: n×n',
    "- grad x'*A*x wrt x = (A + A')*x",
    "> grad x'*A*x wrt x = 2*A*x",
    '',
    '```',
    "grad tr(X'*X) wrt X = 2*X",
    '```',
    "1. grad x'*x wrt x = x",
    'where c: scalar',
    'grad c*sum(x) wrt x = c*ones',
  ].join('\n');

  test('derivation lines are found with their line numbers and the where in force', () => {
    const entries = parseBatch(text);
    expect(entries.map((e) => [e.line, e.expression, e.wrt, e.claim, e.where])).toEqual([
      [4, "x'*A*x", 'x', "(A + A')*x", 'A: n×n'],
      [5, "x'*A*x", 'x', '2*A*x', 'A: n×n'],
      [8, "tr(X'*X)", 'X', '2*X', 'A: n×n'],
      [10, "x'*x", 'x', 'x', 'A: n×n'],
      [12, 'c*sum(x)', 'x', 'c*ones', 'c: scalar'],
    ]);
  });

  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/matcalc.js', ...args], { encoding: 'utf8' });

  test('matcalc check FILE prints a table and exits 3 when a line is wrong', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'matcalc-')), 'notes.md');
    writeFileSync(file, text);
    const result = run('check', file);
    expect(result.status).toBe(3);
    const marks = result.stdout.split('\n').filter((l) => /^\s+\d+\s+[✓✗?]/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));
    expect(marks).toEqual(['4 ✓', '5 ✗', '8 ✓', '10 ✗', '12 ✓']);
    expect(result.stdout).toContain('3 of 5 derivations hold');
    const json = JSON.parse(run('check', file, '--format', 'json').stdout);
    expect(json.entries.map((e: { diagnosis?: { kind: string } }) => e.diagnosis?.kind)).toEqual(['correct', 'symmetric-only', 'correct', 'factor', 'correct']);
  });

  test('examples/seeds.md: the documents\' claims, each judged', () => {
    const result = run('check', 'examples/seeds.md', '--format', 'json');
    expect(result.status).toBe(3);
    const kinds = JSON.parse(result.stdout).entries.map((e: { diagnosis: { kind: string } }) => e.diagnosis.kind);
    expect(kinds).toEqual([
      'correct', 'correct', 'correct', 'correct', 'correct', 'correct',
      'transpose', 'transpose', 'transpose', 'missing-term', 'transpose', 'transpose',
      'symmetric-only', 'factor', 'transpose', 'transpose', 'sign', 'missing-term',
    ]);
  });

  test('single checks: exit 0 when correct, 3 when not, 1 on bad input', () => {
    expect(run('check', "x'Ax", 'x', "(A + A')*x").status).toBe(0);
    expect(run('check', "x'Ax", 'x', '2*A*x').status).toBe(3);
    expect(run('check', "x'Ax", 'x', '2*A*x)').status).toBe(1);
    expect(run('check', 'no-such-file.md').status).toBe(1);
    const undecided = run('check', 'tr(A*B)', 'A', 'B', '--where', 'A: 999×999; B: 999×999');
    expect([undecided.status, undecided.stdout.split('\n')[0]!.startsWith('? undecided: too large to check')]).toEqual([2, true]);
  });
});

describe('Jacobian and Hessian claims', () => {
  test.each<[string, string, string, 'jacobian' | 'hessian', string]>([
    ['A*X*B', 'X', "B' ⊗ A", 'jacobian', 'correct'],
    ['A*X*B', 'X', "B ⊗ A'", 'jacobian', 'transpose'],
    ['A*x', 'x', '2*A', 'jacobian', 'factor'],
    ['inv(X)', 'X', "inv(X)' ⊗ inv(X)", 'jacobian', 'sign'],
    ['sigmoid(x)', 'x', 'diag(sigmoid(x))', 'jacobian', 'other'],
    ["x'Ax", 'x', "A + A'", 'hessian', 'correct'],
    ["x'Ax", 'x', '2*A', 'hessian', 'symmetric-only'],
    ['norm(A*x - b)^2', 'x', "A'*A", 'hessian', 'factor'],
  ])('%s w.r.t. %s: %s (%s)', (f, wrt, claim, kind, diagnosis) => {
    const result = check(f, wrt, claim, { kind });
    expect(result.diagnosis.kind).toBe(diagnosis);
    expect(result.correct).toBe(diagnosis === 'correct');
  });
});
