// A size as a scalar (issue 15): m, the number of rows of A: m×m, is a value a result can
// hold (∂ logdet(X ⊗ A)/∂X = m·inv(X)ᵀ), and a word that is a declared size and names
// nothing else reads as it (‖Xw − y‖²/n where X: n×d: n is the number of samples).
import { describe, expect, test } from '@jest/globals';
import * as C from '../../src/expr/construct.js';
import { parseExpression } from '../../src/expr/parse.js';
import { evaluate, grad } from '../../src/index.js';

describe('a size as a scalar', () => {
  test('logdet of a Kronecker product: the other factor\'s size times the log-determinant', () => {
    const result = grad('logdet(X ⊗ A)', 'X', { where: 'X: n×n; A: m×m' });
    expect(result.text).toBe("m*inv(X)'");
    expect(result.verification.status).toBe('verified');
    expect(result.code('numpy')).toContain('A.shape[0] * ');
    // Without declarations the text declares the shape the size comes from, and reads back.
    const bare = grad('logdet(kron(X, A))', 'X');
    expect(bare.text).toBe("m*inv(X)' where A: m×m");
  });

  test('det of a Kronecker product: det(X)^m·det(A)^n, its exponents sizes', () => {
    const result = grad('det(X ⊗ A)', 'X', { where: 'X: n×n; A: m×m' });
    expect(result.text).toBe("det(A)^n*det(X)^m*m*inv(X)'");
    expect(result.verification.status).toBe('verified');
  });

  test('a declared size in the text is that size, said in a note, and evaluates to it', () => {
    const parsed = parseExpression('sum(x)/n', { where: 'x: n' });
    expect(parsed.notes).toEqual(['n read as the size n (declared in a shape); declare n to mean a symbol']);
    expect(evaluate('sum(x)/n', { x: [1, 2, 3, 6] }, { where: 'x: n' })).toBe(3);
    const mse = grad('||X*w - y||^2/n', 'w', { where: 'X: n×d' });
    expect(mse.text).toBe("2*X'*(X*w - y)/n");
    expect(mse.verification.status).toBe('verified');
  });

  test('a word declared as a symbol stays a symbol, and an undeclared size stays a word', () => {
    const declared = parseExpression('sum(x)/n', { where: 'x: n; n: scalar' }).expr;
    expect(declared.args.some((a) => a.op === 'power' && a.args[0]!.op === 'symbol')).toBe(true);
    expect(() => parseExpression("x'x/n")).toThrow(); // n is a vector here: no size named n
  });

  test('a known size is a number', () => {
    expect(C.dimension('3')).toBe(C.number(3));
  });
});
