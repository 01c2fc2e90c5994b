// The operator table (src/ops): every operation reads under each of its spellings, prints
// in every style and reads back, evaluates, has a derivative that verifies, and has code
// in every target that runs and agrees with evaluate.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { grad, parse } from '../../src/index.js';
import * as C from '../../src/expr/construct.js';
import { parseExpression } from '../../src/expr/parse.js';
import { evaluateExpr } from '../../src/numeric/evaluate.js';
import { erf, normcdf } from '../../src/ops/special.js';
import { CORE, definitionOf, FUNCTIONS, functionsNamed, isAssociative, isCommutative, readFunction } from '../../src/ops/table.js';
import { render } from '../../src/print/render.js';
import { deviation, importable, instance, loadTypeScript, runPython, typeCheck } from '../support/codegen.js';

/** A scalar f using each function, its variable, and declarations it needs. */
const SAMPLES: Record<string, { f: string; wrt: string; where?: string }> = {
  tr: { f: 'tr(A*X)', wrt: 'X' },
  det: { f: 'det(X)', wrt: 'X' },
  logdet: { f: 'logdet(X)', wrt: 'X' },
  sum: { f: 'sum(X .^ 2)', wrt: 'X' },
  mean: { f: 'mean(X .^ 2)', wrt: 'X' },
  numel: { f: 'numel(X)*sum(X .^ 2)', wrt: 'X' },
  norm: { f: 'norm(X)', wrt: 'X' },
  norm1: { f: 'norm1(X)', wrt: 'X' },
  diag: { f: "sum(diag(x)*A) + a'*diag(X)", wrt: 'x' },
  vec: { f: 'sum(vec(X) .^ 3)', wrt: 'X' },
  softmax: { f: "y'*softmax(x)", wrt: 'x' },
  logsumexp: { f: 'logsumexp(x)', wrt: 'x' },
  adj: { f: 'tr(adj(X)*A)', wrt: 'X' },
  pinv: { f: 'sum(pinv(X)*a)', wrt: 'X', where: 'X: 5×3' },
};
const sampleOf = (name: string): { f: string; wrt: string; where?: string } => SAMPLES[name] ?? { f: `sum(${name}(x))`, wrt: 'x' };
const names = [...new Set(FUNCTIONS.map((d) => d.name))];

describe('every spelling reads as its operation', () => {
  test.each(FUNCTIONS.flatMap((d) => d.read.map((spelling) => [spelling, d.name] as const)))('%s(…) reads as %s', (spelling, name) => {
    expect(readFunction(spelling)).toMatchObject({ name });
    const argument = functionsNamed(name).some((d) => d.family === 'matrix' && d.argument === 'vector') ? 'x' : 'X';
    const parsed = parse(`${spelling}(${argument})`);
    // rows(X) is always its value, the dimension m (a size prints as its name).
    if (functionsNamed(name).some((d) => d.folds.size !== undefined)) expect(parsed.expr.op).toBe('dimension');
    else expect(definitionOf(parsed.expr)?.name).toBe(name);
  });
});

describe.each(names)('%s', (name) => {
  const sample = sampleOf(name);
  // Read back: the same expression, up to the names given to inferred sizes (which follow
  // reading order), so printing it again gives the same text.
  test('prints in every style; text and Unicode read back to the same expression', () => {
    const options = sample.where ? { where: sample.where } : {};
    const parsed = parseExpression(sample.f, options);
    const text = render(parsed.expr, 'text');
    const unicode = render(parsed.expr, 'unicode');
    expect(render(parseExpression(text, options).expr, 'text')).toBe(text);
    expect(render(parseExpression(unicode, options).expr, 'text')).toBe(text);
    expect(render(parsed.expr, 'latex')).not.toBe('');
  });

  test('its derivative verifies, and its code runs in TypeScript and agrees with evaluate', () => {
    const result = grad(sample.f, sample.wrt, sample.where ? { where: sample.where } : {});
    expect(result.verification.status).toBe('verified');
    const { expr: f, symbols } = parseExpression(sample.f, sample.where ? { where: sample.where } : {});
    const at = instance(f, result.expr, [...symbols.values()], 5);
    const code = result.code('ts');
    expect(typeCheck([code])).toEqual([]);
    const out = Object.values(loadTypeScript(code)(...at.args));
    expect(deviation(out[0], at.value)).toBeLessThan(1e-9);
    expect(deviation(out[1], at.derivative)).toBeLessThan(1e-9);
  });
});

describe('elementwise functions', () => {
  const elementwise = FUNCTIONS.filter((d) => d.family === 'elementwise');
  test.each(elementwise.map((d) => [d.name, d] as const))('%s evaluates entry by entry and keeps a transpose outside', (name, d) => {
    const a = C.symbol('A', { rows: 'n', cols: 'm' });
    expect(C.apply(name, C.transpose(a))).toBe(C.transpose(C.apply(name, a)));
    const value = d.domain === 'positive' ? [[0.3, 0.45, 0.1], [0.25, 1.5, 2.2]] : [[0.3, -0.45, 0.1], [0.25, 0.5, -0.2]];
    const evaluated = evaluateExpr(C.apply(name, a), new Map([['A', value]]), new Map([['n', 2], ['m', 3]]));
    expect(evaluated).toEqual(value.map((row) => row.map((x) => d.family === 'elementwise' ? d.scalar(x) : NaN)));
  });

  test('f of zero folds to f(0) in every entry where that is a number', () => {
    const zero = C.zero({ rows: 'n', cols: '1' });
    expect(C.apply('cos', zero)).toBe(C.ones('n'));
    expect(C.apply('tanh', zero)).toBe(zero);
    expect(C.apply('log', zero).op).toBe('apply'); // log 0 is not a number
  });

  test('erf and Φ agree with Python to 1e-14 (src/ops/special.ts)', () => {
    const xs = [-6, -3.5, -2.9, -1, -0.3, 0, 0.2, 1.5, 2.5, 2.99, 3.01, 5];
    const expected = JSON.parse(execFileSync('python3', ['-c', `import math, json; print(json.dumps([[math.erf(x), 0.5 * math.erfc(-x / math.sqrt(2))] for x in ${JSON.stringify(xs)}]))`], { encoding: 'utf8' })) as [number, number][];
    xs.forEach((x, i) => {
      expect(Math.abs(erf(x) - expected[i]![0]!)).toBeLessThan(1e-14);
      expect(Math.abs(normcdf(x) - expected[i]![1]!) / expected[i]![1]!).toBeLessThan(1e-13);
    });
  });
});

describe('matrix functions fold by their table entries', () => {
  const X = C.symbol('X', { rows: 'n', cols: 'n' });
  test.each([
    ['tr(X\') = tr(X)', () => C.func('tr', C.transpose(X)), () => C.func('tr', X)],
    ['det(I) = 1', () => C.func('det', C.identity('n')), () => C.ONE()],
    ['pinv(pinv(X)) = X', () => C.func('pinv', C.func('pinv', X)), () => X],
    ["pinv(X') = pinv(X)'", () => C.func('pinv', C.transpose(X)), () => C.transpose(C.func('pinv', X))],
    ['diag(diag(x)) = x', () => C.diag(C.diag(C.symbol('x', { rows: 'n', cols: '1' }))), () => C.symbol('x', { rows: 'n', cols: '1' })],
    ['numel(d(X)) = numel(X)', () => C.func('numel', C.differential(X)), () => C.func('numel', X)],
    ['numel of a 3×4 matrix is 12', () => C.func('numel', C.symbol('Y', { rows: '3', cols: '4' })), () => C.number(12)],
  ])('%s', (_, left, right) => {
    expect(left()).toBe(right());
  });
});

describe('the algebra\'s operators', () => {
  test('sum and elementwise product are associative-commutative, products and ⊗ associative', () => {
    expect(CORE.filter((d) => isCommutative(d.op)).map((d) => d.op)).toEqual(['add', 'hadamard']);
    expect(CORE.filter((d) => isAssociative(d.op)).map((d) => d.op)).toEqual(['add', 'multiply', 'hadamard', 'kron']);
  });
});

const numpy = importable('numpy');
(numpy ? test : test.skip)(numpy ? 'NumPy: every function\'s code agrees with evaluate' : 'NumPy: skipped, python3 cannot import numpy', () => {
  const cases = names.map((name) => {
    const sample = sampleOf(name);
    const options = sample.where ? { where: sample.where } : {};
    const result = grad(sample.f, sample.wrt, options);
    const { expr: f, symbols } = parseExpression(sample.f, options);
    return { name, code: result.code('numpy'), at: instance(f, result.expr, [...symbols.values()], 5) };
  });
  const results = runPython('numpy', cases.map((c) => ({ code: c.code, args: c.at.args })));
  results.forEach((r, i) => {
    const c = cases[i]!;
    if ('error' in r) throw new Error(`${c.name}: ${r.error}\n${c.code}`);
    expect({ name: c.name, value: deviation(r.value, c.at.value) < 1e-9, derivative: deviation(r.derivative, c.at.derivative) < 1e-9 }).toEqual({ name: c.name, value: true, derivative: true });
  });
});

test('every definition has code for every target', () => {
  for (const d of FUNCTIONS) for (const target of ['numpy', 'torch', 'ts'] as const) expect({ name: d.name, target, spelled: d.code[target].call !== undefined || d.code[target].template !== undefined }).toEqual({ name: d.name, target, spelled: true });
});
