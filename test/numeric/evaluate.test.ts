// The evaluator against values worked by hand, and the value conventions of the API.
import { describe, expect, test } from '@jest/globals';
import { evaluate, MatcalcError } from '../../src/index.js';

const A = [[1, 2], [3, 4]];
const B = [[0, 1], [1, 1]];
const x = [1, 2];
const y = [3, -1];

describe('evaluate: every operation of NOTATION.md', () => {
  test.each<[string, Record<string, unknown>, unknown]>([
    ["x'Ax", { x, A }, 27],
    ['A*B', { A, B }, [[2, 3], [4, 7]]],
    ['AB', { A, B }, [[2, 3], [4, 7]]],
    ["A'", { A }, [[1, 3], [2, 4]]],
    ['inv(A)', { A }, [[-2, 1], [1.5, -0.5]]],
    ['A^2', { A }, [[7, 10], [15, 22]]],
    ['alpha^3', { alpha: 2 }, 8],
    ["(x'x)^(1/2)", { x }, Math.sqrt(5)],
    ['A .* B', { A, B }, [[0, 2], [3, 4]]],
    ['A ./ A', { A }, [[1, 1], [1, 1]]],
    ['A .^ 2', { A }, [[1, 4], [9, 16]]],
    ['x ⊗ y', { x, y }, [3, -1, 6, -2]],
    ['A - B', { A, B }, [[1, 1], [2, 3]]],
    ['-x', { x }, [-1, -2]],
    ['A / 2', { A }, [[0.5, 1], [1.5, 2]]],
    ['1 - y', { y }, [-2, 2]],
    ['x + 1', { x }, [2, 3]],
    ['A + 1', { A }, [[2, 3], [4, 5]]],
    ['tr(A)', { A }, 5],
    ['det(A)', { A }, -2],
    ['logdet(B + 2*I)', { B }, Math.log(5)],
    ['sum(A)', { A }, 10],
    ['norm(x)', { x }, Math.sqrt(5)],
    ['‖A‖', { A }, Math.sqrt(30)],
    ['norm1(y)', { y }, 4],
    ['diag(x)', { x }, [[1, 0], [0, 2]]],
    ['diag(A)', { A }, [1, 4]],
    ['vec(A)', { A }, [1, 3, 2, 4]],
    ['K(A)*vec(A)', { A }, [1, 2, 3, 4]],
    ['exp(0*x)', { x }, [1, 1]],
    ['log(x)', { x }, [0, Math.log(2)]],
    ['relu(y)', { y }, [3, 0]],
    ['abs(y)', { y }, [3, 1]],
    ['sqrt(x)', { x }, [1, Math.SQRT2]],
    ['sigmoid(0*x)', { x }, [0.5, 0.5]],
    ['softplus(0*x)', { x }, [Math.log(2), Math.log(2)]],
    ['tanh(0*x) + sin(0*x) + tan(0*x)', { x }, [0, 0]],
    ['cos(0*x)', { x }, [1, 1]],
    ['softmax(x)', { x }, [1 / (1 + Math.E), Math.E / (1 + Math.E)]],
    ['logsumexp(x)', { x }, Math.log(Math.E + Math.E ** 2)],
    ['I*x', { x }, [1, 2]],
    ["ones'*x", { x }, 3],
    ['h + h where h = A*x', { A, x }, [10, 22]],
    ["2*W2'*t1*x' where t1 = W2*tanh(z) - y, z = W1*x + b1", { W2: [[1, 0], [0, 1]], W1: [[0, 0], [0, 0]], x, b1: [0, 0], y: [1, 1] }, [[-2, -4], [-2, -4]]],
  ])('%s', (text, values, expected) => {
    const value = evaluate(text, values);
    const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flat(2) : [v as number]);
    expect(flat(value)).toHaveLength(flat(expected).length);
    flat(value).forEach((v, i) => expect(v).toBeCloseTo(flat(expected)[i]!, 12));
    expect(Array.isArray(value)).toBe(Array.isArray(expected));
    if (Array.isArray(expected)) expect(Array.isArray((value as unknown[])[0])).toBe(Array.isArray(expected[0]));
  });
});

describe('values: conventions and errors', () => {
  test('a vector may be given as rows too', () => expect(evaluate("x'x", { x: [[1], [2]] })).toBe(5));
  test.each<[string, Record<string, unknown>, string]>([
    ["x'Ax", { x }, 'no value given for A'],
    // Values give their shapes to the symbols: a disagreement is a shape error at its place.
    ["x'Ax", { x: [1, 2, 3], A }, "shape mismatch in product: x' is 1×3, A is 2×2"],
    ['A*B', { A: [[1, 2]], B: [[1, 2]] }, 'shape mismatch in product: A is 1×2, B is 1×2'],
    ['x', { x: [1, 'a'] }, 'not a finite number'],
    ['A', { A: [[1, 2], [3]] }, 'rows of different lengths'],
    ['inv(A)', { A: [[1, 2], [2, 4]] }, 'singular'],
    ['log(y)', { y }, 'log'],
    ['X', { X: [[1, 2]] }, ''],
  ])('%s with %j', (text, values, message) => {
    if (message === '') {
      expect(evaluate(text, values, { where: 'X: 1×2' })).toEqual([[1, 2]]);
      return;
    }
    expect(() => evaluate(text, values)).toThrow(MatcalcError);
    expect(() => evaluate(text, values)).toThrow(message);
  });
  test('declared numeric sizes are checked', () => {
    expect(() => evaluate('X', { X: [[1, 2]] }, { where: 'X: 3×4' })).toThrow('the value of X is 1×2, but X is declared 3×4');
  });
});
