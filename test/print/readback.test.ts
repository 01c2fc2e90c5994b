// A result's text is what `evaluate(text, values, { where })` accepts, and evaluates to the
// result (issues 3 and 4). Where the text alone leaves the size of an I or 𝟙 open, it says
// it: sized constants (I_n, 𝟙_{m·n}) and the shapes their size names come from.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { MatcalcError } from '../../src/errors.js';
import type { Expr } from '../../src/expr/node.js';
import { postOrder } from '../../src/expr/node.js';
import { parseExpression } from '../../src/expr/parse.js';
import { type DerivativeResult, evaluate, grad, hessian, jacobian, parse, Session } from '../../src/index.js';
import { evaluateExpr } from '../../src/numeric/evaluate.js';
import * as L from '../../src/numeric/linalg.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random } from '../../src/numeric/random.js';
import { toPlain } from '../../src/numeric/values.js';
import { render } from '../../src/print/render.js';
import { expression, WHERE } from '../support/arbitrary.js';

describe('sized constants: I_n, 𝟙_n', () => {
  test.each([
    ['I_n', 'identity', 'n×n'],
    ['I_3', 'identity', '3×3'],
    ['I₃', 'identity', '3×3'],
    ['I_{m·n}', 'identity', 'm·n×m·n'],
    ['I_{m*n}', 'identity', 'm·n×m·n'],
    ['ones_n', 'ones', 'n×1'],
    ['𝟙_n', 'ones', 'n×1'],
    ['𝟙_{m·n}', 'ones', 'm·n×1'],
    ['ones_4', 'ones', '4×1'],
  ])('%s is the %s of size %s', (text, op, shape) => {
    const parsed = parse(text);
    expect([parsed.expr.op, parsed.shape]).toEqual([op, shape]);
  });

  test('a sized constant fixes the sizes around it', () => {
    expect(parse('I_n + A').symbols).toEqual({ A: 'n×n' });
    expect(parse("x'*ones_3").symbols).toEqual({ x: '3×1' });
    // An inferred size is never given a name the text writes: x is not silently n-long.
    expect(parse('2*sum(x)*ones_n').symbols).toEqual({ x: 'm×1' });
  });

  test('a declared name stays a symbol: I1 as a matrix', () => {
    expect(parse('I1 + A', { where: 'I1: matrix' }).expr.op).toBe('add');
    expect(parse('I1 + A', { where: 'I1: matrix' }).symbols).toEqual({ I1: 'n×m', A: 'n×m' });
  });

  test('a subscript that is not a size is an error at its position', () => {
    const error = (() => { try { parse('A + I_{a b}'); } catch (e) { return e; } })() as MatcalcError;
    expect(error).toBeInstanceOf(MatcalcError);
    expect([error.kind, error.span]).toEqual(['syntax', { start: 4, end: 11 }]);
  });

  test('sized constants print and read back, in every style that reads', () => {
    for (const text of ['I_n + A', "ones_{m·n}'*v", 'kron(I_3, B)']) {
      const e = parseExpression(text).expr;
      for (const style of ['text', 'unicode'] as const) {
        expect(parseExpression(render(e, style, { sizes: true })).expr).toBe(e);
      }
    }
    expect(render(parseExpression("I_{m·n} + ones_{m·n}*ones_{m·n}'").expr, 'latex', { sizes: true })).toBe('\\mathbf{1}_{mn} \\mathbf{1}_{mn}^{\\top} + I_{mn}');
  });
});

describe('shapes declared in the where clause', () => {
  test('after bindings or alone, in the --where language', () => {
    expect(parse('2*sum(x)*ones_n where x: n').symbols).toEqual({ x: 'n×1' });
    expect(parse('A*t1 where t1 = B*x; B: n×m; x: m').symbols).toEqual({ A: 'p×n', B: 'n×m', x: 'm×1' });
    expect(parse('vec(X) + v where v: m·n; X: m×n').symbols).toEqual({ X: 'm×n', v: 'm·n×1' });
  });

  test('a ; between bindings reads as a comma, with or without declarations', () => {
    // Equal expressions are one node within a session: compare in one.
    const session = new Session();
    expect(parse('h + g where h = W*x; g = tr(A)', { session }).expr).toBe(parse('h + g where h = W*x, g = tr(A)', { session }).expr);
    expect(parse('h + g where h = W*x; g = tr(A); x: 3').symbols).toEqual({ W: 'n×3', x: '3×1', A: 'm×m' });
  });

  test("parse's text reads back too: a size the text alone would not fix stays written", () => {
    const session = new Session();
    const parsed = parse('2*sum(x)*ones_n where x: n', { session });
    expect(parsed.text).toBe('2*sum(x)*ones_n where x: n');
    expect(parse(parsed.text, { session }).expr).toBe(parsed.expr);
    expect(parse("(A + I)*x").text).toBe('(A + I)*x');
  });

  test('a declared symbol the expression does not use gives its sizes to evaluate', () => {
    expect(evaluate('I_n where X: n×n', { X: [[1, 2], [3, 4]] })).toEqual([[1, 0], [0, 1]]);
    expect(evaluate('2*sum(x)*ones_n where x: n', { x: [1, 2, 3] })).toEqual([12, 12, 12]);
    // A product size gives the one factor it does not know.
    expect(evaluate('ones_m where v: m·n; A: n×2', { v: [1, 2, 3, 4, 5, 6], A: [[1, 1], [2, 2]] })).toEqual([1, 1, 1]);
  });

  test('a bad declaration is an error at its position in the text', () => {
    const text = 'x where x: n frob';
    const error = (() => { try { parse(text); } catch (e) { return e; } })() as MatcalcError;
    expect(error.kind).toBe('declaration');
    expect(text.slice(error.span!.start, error.span!.end)).toBe('frob');
  });
});

/** The result's text, evaluated with `evaluate`, against the result itself, at random values
 *  of the symbols of the expression it was derived from. */
function expectTextEvaluatesToResult(result: DerivativeResult, f: Expr, where?: string): void {
  const symbols = postOrder(f).filter((n) => n.op === 'symbol');
  const sizes = drawSizes([...symbols.flatMap((s) => [s.shape.rows, s.shape.cols]), ...dimsOf(f), ...dimsOf(result.expr)]);
  const random = new Random(7);
  const needs = needsOf(f);
  const values = new Map(symbols.map((s) => [s.name, drawValue(s, sizes, random, needs)]));
  const plain = Object.fromEntries(symbols.map((s) => [s.name, toPlain(values.get(s.name)!, s.shape)]));
  const truth = evaluateExpr(result.expr, values, sizes);
  const read = evaluate(result.text, plain, where === undefined ? {} : { where });
  const asMatrix = typeof read === 'number' ? [[read]] : Array.isArray(read[0]) ? (read as number[][]) : (read as number[]).map((v) => [v]);
  const size = (m: number[][]): string => `${m.length}×${m[0]!.length}`;
  expect({ text: result.text, size: size(asMatrix) }).toEqual({ text: result.text, size: size(truth) });
  const gap = L.frobenius(L.zip(asMatrix, truth, (a, b) => a - b)) / Math.max(1, L.frobenius(truth));
  expect({ text: result.text, gap: gap < 1e-9 }).toEqual({ text: result.text, gap: true });
}

describe("a result's text evaluates to the result", () => {
  const derivatives = { grad, jacobian, hessian } as const;
  const cases: [keyof typeof derivatives, string, string, string][] = [
    ['grad', "x'*kron(X, B)*y", 'X', ''],
    ['grad', 'sum(x)^2', 'x', ''],
    ['grad', "v'*vec(X)", 'X', ''],
    ['grad', 'tr(kron(A, X))', 'X', ''],
    ['grad', 'sum(X)', 'X', ''],
    ['grad', 'tr(X)', 'X', ''],
    ['grad', "tr(Q'*Q*X)", 'X', 'Q: orthogonal'],
    ['grad', 'sum(x + alpha)', 'alpha', ''],
    // A sum of broadcast terms only, -(x'𝟙)𝟙 - (𝟙'x)𝟙: written as bare scalars it read back as a scalar.
    ['grad', "sum(A - x*x')", 'x', ''],
    ['grad', "x'*A*x", 'x', 'A: symmetric'],
    ['jacobian', 'kron(A, X)', 'X', ''],
    ['jacobian', 'kron(X, B)', 'X', ''],
    ['jacobian', 'kron(A, x)', 'x', ''],
    ['jacobian', 'vec(X)', 'X', ''],
    ['jacobian', 'X*X', 'X', ''],
    ['jacobian', "X'", 'X', ''],
    ['jacobian', 'softmax(x)', 'x', ''],
    ['hessian', "tr(X'*A*X)", 'X', ''],
    ['hessian', 'sum(x)^2', 'x', ''],
    ['hessian', 'logsumexp(x)', 'x', ''],
    // Sizes that are products (A' ⊗ B + B' ⊗ A: n·m = m·n in another pairing) unify against
    // the values, not by pairing factors in the order the text writes them (issue 18, item 7).
    ['hessian', "tr(A*X'*B*X')", 'X', ''],
    ['hessian', "tr(X*A*X'*B)", 'X', ''],
    ['hessian', "tr(A*X*B*X)", 'X', ''],
  ];
  test.each(cases)('%s of %s w.r.t. %s', (kind, text, wrt, where) => {
    const options = where === '' ? {} : { where };
    expectTextEvaluatesToResult(derivatives[kind](text, wrt, options), parseExpression(text, options).expr, where === '' ? undefined : where);
  });

  test('sizes from the values: a product unifies with its factors, a disagreement names both operands', () => {
    const A = [[1, 2, 3], [4, 5, 6]];
    expect(evaluate("(A' ⊗ B)*vec(X)", { A, B: [[1, 0, 2], [0, 1, 1]], X: [[1, 2], [3, 4], [5, 6]] })).toEqual([67, 48, 92, 66, 117, 84]);
    const error = (() => { try { evaluate('tr(A)', { A }, { where: 'A: n×n' }); } catch (e) { return e; } })() as MatcalcError;
    expect([error.message, error.span]).toEqual(['the value of A is 2×3, but A is declared n×n', { start: 3, end: 4 }]);
    const mismatch = (() => { try { evaluate('A*B', { A, B: A }); } catch (e) { return e; } })() as MatcalcError;
    expect([mismatch.kind, mismatch.message, mismatch.span]).toEqual(['shape', 'shape mismatch in product: A is 2×3, B is 2×3', { start: 1, end: 2 }]);
  });

  test('and with the sizes declared by the caller, the text uses their names', () => {
    const result = jacobian('vec(X)', 'X', { where: 'X: r×c' });
    expect(result.text).toBe('I_{c·r}');
    expect(evaluate(result.text, { X: [[1, 2, 3], [4, 5, 6]] }, { where: 'X: r×c' })).toEqual(L.eye(6));
  });

  test('random gradients, Jacobians and Hessians', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.constantFrom('grad', 'jacobian', 'hessian'), expression('s', 3, true), expression('n', 2, true), fc.constantFrom('x', 'A', 'B', 'alpha'), (kind, scalar, vector, variable) => {
        const f = kind === 'jacobian' ? vector : scalar;
        fc.pre(postOrder(f).some((n) => n.op === 'symbol' && n.name === variable) && !postOrder(f).some((n) => n.op === 'zero'));
        const text = render(f, 'text');
        // Only inputs whose text means what was generated (det(3*I) leaves I's size open
        // in the input itself: no value could fix it, for the input or its derivative).
        fc.pre(parseExpression(text, { where: WHERE }).expr === f);
        let result: DerivativeResult;
        try {
          result = (kind === 'grad' ? grad : kind === 'jacobian' ? jacobian : hessian)(text, variable, { where: WHERE, verify: false });
        } catch (error) {
          expect(error).toBeInstanceOf(MatcalcError);
          return;
        }
        // (Results with zero vectors and matrices are included: they print 0_n, 0_{n×m} where the text would not fix the shape.)
        if (process.env.SHOW_INPUT) console.log(kind, variable, text);
        expectTextEvaluatesToResult(result, parseExpression(text, { where: WHERE }).expr, WHERE);
        checked++;
      }),
      { seed: 31, numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
    expect(checked).toBeGreaterThan(50);
  });
});

describe('every zero has a shape (issue 18, item 4)', () => {
  test('0_n, 0_{n×m} and 0_{m·n} read as zeros of that shape', () => {
    expect(parse('0_n').shape).toBe('n×1');
    expect(parse('0_{n×m}').shape).toBe('n×m');
    expect(parse('0_{m·n}').shape).toBe('m·n×1');
    expect(parse('A + 0_{n×m}').text).toBe('A');
  });
  test('a zero vector inside a function is printed sized, and the text evaluates to the result', () => {
    const result = grad("logsumexp(w - w)*x'x", 'x');
    expect(result.text).toBe('2*logsumexp(0_n)*x where w: n');
    // logsumexp of n zeros is log n: with w of length 3, 2·log 3·x.
    const value = evaluate(result.text, { w: [5, 6, 7], x: [1, 2] }) as number[];
    expect(value[0]).toBeCloseTo(2 * Math.log(3), 12);
    expect(value[1]).toBeCloseTo(4 * Math.log(3), 12);
  });
  test('a zero gradient is a zero of the variable\'s shape', () => {
    expect(grad('sum(arcsin(x)) + sum(arccos(x))', 'x').text).toBe('0_n where x: n');
  });
});
