// The symmetry analysis (issue 15): a node knows it is symmetric from its arguments, so
// Mᵀ = M folds where M is built. A wrong flag would silently drop a transpose, so the law
// is checked numerically: every node flagged symmetric evaluates to a symmetric matrix.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import * as C from '../../src/expr/construct.js';
import { type Expr, postOrder, SYMMETRIC } from '../../src/expr/node.js';
import { parseExpression } from '../../src/expr/parse.js';
import { grad } from '../../src/index.js';
import { evaluateExpr } from '../../src/numeric/evaluate.js';
import * as L from '../../src/numeric/linalg.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random, symbolsOf } from '../../src/numeric/random.js';
import { render } from '../../src/print/render.js';
import { expression } from '../support/arbitrary.js';

const WHERE = 'X: n×m; A: n×n; S: symmetric n×n; x: n; lambda: scalar';
const built = (text: string): Expr => parseExpression(text, { where: WHERE }).expr;
const isSymmetric = (e: Expr): boolean => (e.props & SYMMETRIC) !== 0;

describe('what the analysis sees', () => {
  test.each([
    "X'*X", 'X*X\'', "A + A'", "X'*S*X", "X*X'*S*X*X'", 'x*x\'', "inv(X'*X + lambda*I)", "(A + A')^3",
    "2*(X'*X) - 3*I", "kron(S, X'*X)", "exp(X'*X)", "(X'*X) ∘ (X'*X)", "(A'*A) .^ 2", 'diag(x)',
  ])('%s is symmetric: its transpose is itself', (text) => {
    const e = built(text);
    expect(isSymmetric(e)).toBe(true);
    expect(C.transpose(e)).toBe(e);
  });

  test.each(["X'*A*X", 'A*X*X\'', "A + 2*A'", "A*A'*A", 'X*X\'*A'])('%s is not known to be symmetric', (text) => {
    const e = built(text);
    expect(isSymmetric(e)).toBe(false);
    expect(C.transpose(e)).not.toBe(e);
  });

  test('the textbook forms it gives (issue 15 table rows)', () => {
    expect(grad("log(det(X'X))", 'X', { verify: false }).text).toBe("2*X*inv(X'*X)");
    expect(grad("logdet(I + X'X)", 'X', { verify: false }).text).toBe("2*X*inv(X'*X + I)");
    const ridge = grad("tr(inv(X'X + λI))", 'X');
    expect(ridge.text).toBe("-2*X*inv(X'*X + lambda*I)^2");
    expect(ridge.verification.status).toBe('verified');
  });
});

/** Whether a matrix equals its transpose to rounding. */
function symmetricValue(m: number[][]): boolean {
  const scale = Math.max(1, L.frobenius(m));
  return L.frobenius(L.zip(m, L.transpose(m), (p, q) => p - q)) / scale < 1e-9;
}

test('every node flagged symmetric evaluates to a symmetric matrix (random expressions)', () => {
  let flagged = 0;
  fc.assert(
    fc.property(expression('nn', 3), expression('nm', 2), (a, b) => {
      // Candidates the analysis should see through, over random parts.
      const roots = [a, C.add(a, C.transpose(a)), C.multiply(C.transpose(b), a, b), C.multiply(b, C.transpose(b)), C.multiply(C.transpose(a), a)];
      for (const root of roots) {
        const symbols = symbolsOf(root);
        const sizes = drawSizes([...dimsOf(root), ...symbols.flatMap((s) => [s.shape.rows, s.shape.cols])]);
        const random = new Random(7);
        const needs = needsOf(root);
        const values = new Map(symbols.map((s) => [s.name, drawValue(s, sizes, random, needs)]));
        for (const node of postOrder(root)) {
          if (!isSymmetric(node) || C.isScalar(node)) continue;
          flagged++;
          const value = evaluateExpr(node, values, sizes);
          expect({ node: render(node, 'text'), symmetric: symmetricValue(value) }).toEqual({ node: render(node, 'text'), symmetric: true });
        }
      }
    }),
    { numRuns: 80, seed: 15 },
  );
  // The property is not empty: the candidates above are flagged.
  expect(flagged).toBeGreaterThan(100);
});
