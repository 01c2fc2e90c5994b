// Generated code is run, never just read: TypeScript in-process on every test run, NumPy
// (and PyTorch when importable) in python3, each compared with `evaluate` of f and of the
// derivative at random points.

import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { grad, hessian, jacobian } from '../../src/index.js';
import { parseExpression } from '../../src/expr/parse.js';
import type { Expr } from '../../src/expr/node.js';
import { render } from '../../src/print/render.js';
import { gradient } from '../../src/calculus/gradient.js';
import { simplify } from '../../src/simplify/simplify.js';
import { emitCode } from '../../src/print/code/index.js';
import { expression, WHERE } from '../support/arbitrary.js';
import { deviation, importable, type Instance, instance, loadTypeScript, runPython, typeCheck } from '../support/codegen.js';

type Kind = 'grad' | 'jacobian' | 'hessian';
const derive = { grad, jacobian, hessian };

// Every operation of NOTATION.md appears in f or its derivative somewhere below.
const CASES: [string, string, Kind, string?][] = [
  ["x'Ax", 'x', 'grad'],
  ['tr(A*X*B)', 'X', 'grad'],
  ['log(det(X))', 'X', 'grad'],
  ["a'*inv(X)*b", 'X', 'grad'],
  // Several solves with one matrix: one factorisation (PyTorch, TypeScript), or the inverse (NumPy, from four).
  ["a'*inv(X)*b + c'*inv(X)*d", 'X', 'grad'],
  ["a'*inv(X)*b + c'*inv(X)*d + p'*inv(X)*q", 'X', 'grad'],
  ["x'*inv(X)*inv(X)'*y", 'X', 'grad'],
  ["(A*x - b)'*(A*x - b)", 'x', 'grad'],
  ['det(X)', 'X', 'grad'],
  ['sum(log(1 + exp(-y .* (X*w))))', 'w', 'grad'],
  ['‖A*x − b‖²', 'x', 'grad'],
  ['logdet(S)', 'S', 'grad', 'S: spd'],
  ['tr(X^3)', 'X', 'grad'],
  ["y'*log(softmax(W*x))", 'W', 'grad'],
  ['logsumexp(W*x)', 'x', 'grad'],
  ['sum(relu(W*x)) + norm1(W)', 'W', 'grad'],
  ['sum(sqrt(x .* x + 1)) + sum(abs(x))', 'x', 'grad'],
  ['tr(kron(A, X))', 'X', 'grad'],
  ['sum(W2*tanh(W1*x + b1))', 'W1', 'grad'],
  ["alpha^2*x'x + lambda*sin(alpha)", 'alpha', 'grad'],
  ['sum(diag(X) .* x) + sum(cos(vec(X)))', 'X', 'grad'],
  ['sum(softplus(X*w) - sigmoid(X*w) ./ (1 + tan(X*w).^2))', 'w', 'grad'],
  ["x'*inv(A)*x", 'A', 'grad', 'A: symmetric'],
  ["tr(X'*X)", 'X', 'grad', 'X: 3×4'],
  ["x*A*x'", 'x', 'grad', 'x: 1×n'],
  // Exponents that are expressions (issue 18, item 4).
  ['sum(x.^t)', 't', 'grad'],
  ["a^t*x'x", 't', 'grad'],
  ['sum(x.^(2*t))', 'x', 'grad'],
  // softmax of a matrix, column by column.
  ['sum(Y .* log(softmax(Z)))', 'Z', 'grad'],
  ['A*x', 'x', 'jacobian'],
  ['A*X*B', 'X', 'jacobian'],
  ["X'", 'X', 'jacobian'],
  ['inv(X)', 'X', 'jacobian'],
  ['x .* y', 'x', 'jacobian'],
  ['sigmoid(x)', 'x', 'jacobian'],
  ['softmax(x)', 'x', 'jacobian'],
  ['X*X', 'X', 'jacobian'],
  ['tanh(W*x)', 'x', 'jacobian'],
  ['kron(A, B)*vec(X)', 'X', 'jacobian'],
  ['diag(x)*y', 'x', 'jacobian'],
  ["x'Ax", 'x', 'hessian'],
  ['‖A*x − b‖²', 'x', 'hessian'],
  ['logsumexp(x)', 'x', 'hessian'],
  ["tr(X'*A*X)", 'X', 'hessian'],
  ['sum(log(1 + exp(X*w)))', 'w', 'hessian'],
  ['logdet(X)', 'X', 'hessian'],
  // Structure the lowering keeps (issue 17): diagonals, commutation matrices, I ⊗ A, traces.
  ['log(det(X))', 'X', 'hessian'],
  ['tr(inv(X))', 'X', 'hessian'],
  ["-y'*log(softmax(W*x))", 'x', 'hessian'],
  ['sum(tanh(W*x))', 'x', 'hessian'],
  ["tr(Y'*inv(S)*Y)", 'S', 'grad'],
  ['X*x', 'X', 'jacobian'],
  ["x'*X", 'X', 'jacobian'],
  ['A*X', 'X', 'jacobian'],
  ['X*A', 'X', 'jacobian'],
  ["X'*A", 'X', 'jacobian'],
  ['sum(A*x) + sum(x)', 'x', 'grad'],
  ["A*X'", 'X', 'jacobian'],
  ["c*logdet(S) + tr(Y'*inv(S)*Y)/2", 'S', 'grad', 'S: spd; c: scalar'],
  ['||W2*tanh(W1*x + b1) + b2 - y||^2', 'x', 'hessian'],
  ["c*logdet(S) + tr(Y'*inv(S)*Y)/2", 'S', 'hessian', 'c: scalar'],
  // Kronecker products combined before they are formed; diag(v) scaling another operator.
  ["x'*inv(X)*x", 'X', 'hessian'],
  ['tr(A*inv(X)*B)', 'X', 'hessian'],
  ['X*X*X', 'X', 'jacobian'],
  ['A*X*inv(X + B)', 'X', 'jacobian'],
  ['A*exp(X)', 'X', 'jacobian'],
  ['A*exp(X*B)', 'X', 'jacobian'],
  ["A*X'*X", 'X', 'jacobian'],
  // Chains ordered at run time, an outer product inside a chain.
  ['tr(A*X*B*C)', 'X', 'grad'],
  ["x'*A*X*B*y", 'X', 'grad'],
  ['A*B*X*C*D', 'X', 'jacobian'],
];

interface Built {
  readonly label: string;
  readonly code: Record<'ts' | 'numpy' | 'torch', string>;
  readonly at: Instance;
}

function build(text: string, wrt: string, kind: Kind, where: string | undefined, seed: number): Built {
  const result = derive[kind](text, wrt, where ? { where, verify: false } : { verify: false });
  const { expr, symbols } = parseExpression(text, where ? { where } : {});
  return {
    label: `${kind} of ${text} w.r.t. ${wrt}`,
    code: { ts: result.code('ts'), numpy: result.code('numpy'), torch: result.code('torch') },
    at: instance(expr, result.expr, [...symbols.values()], seed),
  };
}

const built = CASES.map(([text, wrt, kind, where], i) => build(text, wrt, kind, where, 11 + i));

/** Random scalar expressions and their gradients w.r.t. each symbol kind. */
function randomGradients(count: number, seed: number): Built[] {
  const samples = fc.sample(fc.tuple(expression('s', 3, true), fc.constantFrom('A', 'B', 'x', 'alpha')), { numRuns: count * 3, seed });
  const cases: Built[] = [];
  for (const [f, wrt] of samples) {
    if (cases.length >= count) break;
    const variable = findSymbol(f, wrt);
    if (!variable) continue;
    const g = simplify(gradient(f, variable).gradient).expr;
    const symbols = symbolsInOrder(f);
    const spec = { kind: 'grad' as const, value: f, derivative: g, symbols, wrt };
    let at: Instance;
    try {
      at = instance(f, g, symbols, seed + cases.length);
    } catch {
      continue; // no point inside the domain: nothing to compare
    }
    cases.push({ label: `${render(f, 'text')} w.r.t. ${wrt} (where ${WHERE})`, code: { ts: emitCode('ts', spec), numpy: emitCode('numpy', spec), torch: emitCode('torch', spec) }, at });
  }
  return cases;
}

function findSymbol(root: Expr, name: string): Expr | undefined {
  return symbolsInOrder(root).find((s) => s.name === name);
}
function symbolsInOrder(root: Expr): Expr[] {
  const found: Expr[] = [];
  const visit = (e: Expr): void => {
    if (e.op === 'symbol' && !found.includes(e)) found.push(e);
    e.args.forEach(visit);
  };
  visit(root);
  return found;
}

const TOLERANCE = 1e-9;

function expectAgreement(label: string, value: unknown, derivative: unknown, at: Instance): void {
  const errors = [deviation(value, at.value), deviation(derivative, at.derivative)];
  if (!(errors[0]! < TOLERANCE && errors[1]! < TOLERANCE)) {
    throw new Error(`${label}: generated code disagrees with evaluate (f: ${errors[0]}, derivative: ${errors[1]})`);
  }
}

describe('TypeScript code', () => {
  test.each(built.map((b) => [b.label, b] as const))('%s: computes f and its derivative', (_, b) => {
    const result = Object.values(loadTypeScript(b.code.ts)(...b.at.args));
    expectAgreement(b.label, result[0], result[1], b.at);
  });

  test('random expressions over every operation: the generated gradient code agrees with evaluate', () => {
    const cases = randomGradients(60, 4242);
    expect(cases.length).toBeGreaterThanOrEqual(50);
    for (const b of cases) {
      const result = Object.values(loadTypeScript(b.code.ts)(...b.at.args));
      expectAgreement(b.label, result[0], result[1], b.at);
    }
  });

  test('type-checks under strict settings (noUncheckedIndexedAccess)', () => {
    expect(typeCheck(built.map((b) => b.code.ts))).toEqual([]);
  });
});

const numpy = importable('numpy');
const torch = importable('torch');

describe('Python code', () => {
  (numpy ? test : test.skip)(numpy ? 'NumPy: every case and 40 random gradients agree with evaluate' : 'NumPy: skipped, python3 cannot import numpy', () => {
    const cases = [...built, ...randomGradients(40, 99)];
    const results = runPython('numpy', cases.map((b) => ({ code: b.code.numpy, args: b.at.args })));
    results.forEach((r, i) => {
      if ('error' in r) throw new Error(`${cases[i]!.label}: ${r.error}\n${cases[i]!.code.numpy}`);
      expectAgreement(cases[i]!.label, r.value, r.derivative, cases[i]!.at);
    });
  });

  (torch ? test : test.skip)(torch ? 'PyTorch: every case agrees with evaluate' : 'PyTorch: skipped, python3 cannot import torch', () => {
    const results = runPython('torch', built.map((b) => ({ code: b.code.torch, args: b.at.args })));
    results.forEach((r, i) => {
      if ('error' in r) throw new Error(`${built[i]!.label}: ${r.error}\n${built[i]!.code.torch}`);
      expectAgreement(built[i]!.label, r.value, r.derivative, built[i]!.at);
    });
  });
});

describe('what the code looks like', () => {
  test('diag(v) in a product is a scaling, never a dense diagonal matrix', () => {
    const logistic = hessian('sum(log(1 + exp(X*w)))', 'w');
    expect(logistic.code('numpy')).not.toMatch(/np\.diag\(/);
    expect(logistic.code('numpy')).toMatch(/\[:, None\] \* X/);
    expect(logistic.code('torch')).not.toMatch(/torch\.diag\(/);
    expect(logistic.code('ts')).toContain('scaleRows(');
    expect(logistic.code('ts')).not.toContain('diagMatrix(');
    // (diag(s) - s*s')*W is distributed: no diagonal, no n×n outer product.
    const softmax = hessian("-y'*log(softmax(W*x))", 'x').code('numpy');
    expect(softmax).not.toMatch(/np\.diag\(/);
    expect(softmax).not.toMatch(/np\.outer\(t1, t1\)/);
    // A sum with one dense term is distributed too: (A - 2*diag(v))*W1 as A*W1 - 2*(v ∘ W1)
    // (the 2-layer MLP Hessian), and diag(v) next to another operator scales it.
    const mlp = hessian('||W2*tanh(W1*x + b1) + b2 - y||^2', 'x');
    expect(mlp.text).toMatch(/diag\(/);
    for (const code of [mlp.code('numpy'), mlp.code('torch')]) expect(code).not.toMatch(/(np|torch)\.diag\(/);
    expect(mlp.code('ts')).not.toContain('diagMatrix(');
    const exp = jacobian('A*exp(X)', 'X');
    expect(exp.text).toMatch(/diag\(vec/);
    expect(exp.code('numpy')).not.toMatch(/np\.diag\(/);
  });

  test('a chain of matrices is multiplied in the order its run-time sizes make cheapest', () => {
    const chain = grad('tr(A*X*B*C)', 'X');
    expect(chain.code('numpy')).toContain('np.linalg.multi_dot([X, B, C])');
    expect(chain.code('torch')).toContain('torch.linalg.multi_dot([X, B, C])');
    expect(chain.code('ts')).toContain('multiDot([X, B, C])');
    // With a vector at an end the fold starts from it; an outer product inside the chain is
    // two matrix-vector products.
    const outer = grad("x'*A*X*B*y", 'X').code('numpy');
    expect(outer).toContain('f = x @ (A @ (X @ (B @ y)))');
    expect(outer).toContain('np.outer(A.T @ x, y @ B.T)');
  });

  test('Kronecker products combine before they are formed', () => {
    // (t1 ⊗ I + I ⊗ t1')*K*(t1' ⊗ t1): per term one broadcast product of n×n factors, no
    // n²×n² product and no Kronecker product formed.
    for (const [f, wrt, where] of [['tr(inv(X))', 'X', ''], ["c*logdet(S) + tr(Y'*inv(S)*Y)/2", 'S', 'c: scalar'], ["x'*inv(X)*x", 'X', '']] as const) {
      const h = hessian(f, wrt, { where });
      expect(h.text).toMatch(/K\(.*\)\*\(t1' ⊗ t1\)/);
      const code = h.code('numpy');
      expect(code.match(/\[:, None, None, :\]/g)).toHaveLength(2);
      expect(code).not.toMatch(/np\.kron\(|\.reshape\(\w+\.shape\[0\], -1\)/);
    }
    // (I ⊗ X)*(I ⊗ X + X' ⊗ I) by the mixed product: I ⊗ X² + X' ⊗ X, and a Kronecker
    // product the plan named but nothing reads is not computed.
    const cube = jacobian('X*X*X', 'X').code('numpy');
    expect(cube).toContain('np.kron(np.eye(X.shape[0]), X @ X) + np.kron(X.T, X)');
    expect(cube).not.toMatch(/t1 = np\.kron/);
  });

  test('a commutation matrix is an index permutation, never a dense 0/1 matrix built in a loop', () => {
    for (const code of [hessian('log(det(X))', 'X').code('numpy'), hessian('tr(inv(X))', 'X').code('numpy'), hessian("c*logdet(S) + tr(Y'*inv(S)*Y)/2", 'S', { where: 'c: scalar' }).code('numpy')]) {
      expect(code).not.toMatch(/for i in range|_commutation\(/);
      expect(code).not.toMatch(/@ np\.kron\(|np\.eye\([^)]*\) @/);
    }
    // K*(A ⊗ B) with K transposing the factors is one broadcast product, the scalars on A.
    expect(hessian('log(det(X))', 'X').code('numpy')).toContain('H = (t1[:, None, None, :] * (-t1.T)[None, :, :, None]).reshape(');

    // Alone, K is the identity's rows permuted.
    expect(jacobian("X'", 'X').code('numpy')).toMatch(/J = np\.eye\(.*\)\[_commutation_index\(/);
  });

  test('log(det(X)) goes through slogdet, as logdet(X) does', () => {
    expect(grad('log(det(X))', 'X').code('numpy')).toContain('f = np.linalg.slogdet(X)[1]');
    expect(grad('log(det(X))', 'X').code('torch')).toContain('f = torch.linalg.slogdet(X)[1]');
  });

  test("tr(A'*B) is an elementwise sum; a vector of ones times a vector is a sum", () => {
    const gaussian = grad("tr(Y'*inv(S)*Y)", 'S').code('numpy');
    expect(gaussian).toContain('u = np.linalg.solve(S, Y)');
    expect(gaussian).toContain('f = np.sum(Y * u)');
    expect(grad("tr(X'*A*X)", 'X').code('numpy')).toContain('f = np.sum(X * (A @ X))');
    expect(hessian("-y'*log(softmax(W*x))", 'x').code('numpy')).toContain('np.sum(y)');
  });

  test('(I ⊗ A) and (A ⊗ I) times a matrix are reshapes and one product with A', () => {
    // (I ⊗ A)*M, M = diag(vec(exp(X*B)))*(B' ⊗ I) formed (its rows scaled).
    const j = jacobian('A*exp(X*B)', 'X');
    expect(j.text).toMatch(/^\(I ⊗ A\)\*/);
    expect(j.code('numpy')).toMatch(/^ {4}J = \(A @ \(.*\)\.reshape\(B\.shape\[1\], A\.shape\[1\], -1\)\)\.reshape\(/m);
    expect(j.code('numpy')).not.toMatch(/np\.kron\(np\.eye\(B/);
    const ts = j.code('ts');
    expect(ts).toContain('kronIdentity(A, cols(B), true, true, ');
    expect(ts).not.toMatch(/kron\(eye/);
  });

  test('a solve asked for twice is made once, and a symmetric matrix is never transposed for one', () => {
    const code = grad("c*logdet(S) + tr(Y'*inv(S)*Y)/2", 'S', { where: 'S: spd; c: scalar' }).code('numpy');
    // The gradient forms inv(S): every product with inv(S) multiplies by it, and
    // inv(S)*Y, wanted twice, is computed once.
    expect(code.match(/np\.linalg\.inv\(S\)/g)).toHaveLength(1);
    expect(code).not.toContain('np.linalg.solve(');
    expect(code.match(/inverse @ Y\b/g)).toHaveLength(1);
    expect(code).not.toContain('S.T');
    expect(grad("a'*inv(X)*b", 'X').code('numpy')).toMatch(/u = np\.linalg\.solve\(X, b\)\n\s+f = a @ u\n/);
  });

  test('unary minus negates the product, not its matrix operand', () => {
    const code = grad('sum(log(1 + exp(-y .* (X*w))))', 'w').code('numpy');
    expect(code).toContain('t1 = -(X @ w * y)');
    expect(code).not.toMatch(/-X @/);
  });

  test('PyTorch works in float64 throughout, and makes kron operands contiguous', () => {
    const code = jacobian('inv(X)', 'X').code('torch');
    expect(code).toContain('X = torch.as_tensor(X, dtype=torch.float64)');
    expect(code).toContain('torch.kron(-F.T.contiguous(), F.contiguous())');
    expect(grad("a*x'x", 'x', { where: 'a: scalar' }).code('torch')).toContain('a = torch.as_tensor(a, dtype=torch.float64)');
  });

  test('inv(X)*b becomes a solve, in every target', () => {
    const result = grad("a'*inv(X)*b", 'X');
    expect(result.code('numpy')).toMatch(/np\.linalg\.solve\(/);
    expect(result.code('numpy')).not.toMatch(/np\.linalg\.inv\(/);
    expect(result.code('torch')).toMatch(/torch\.linalg\.(lu_)?solve\(/);
    expect(result.code('torch')).not.toMatch(/torch\.linalg\.inv\(/);
    const f = jacobian('inv(A)*x', 'x');
    // The Jacobian is the inverse itself: formed once, F multiplies by it (one factorisation).
    expect(f.code('numpy')).toContain('inverse = np.linalg.inv(A)');
    expect(f.code('numpy')).toContain('F = inverse @ x');
    expect(f.code('numpy')).toContain('J = inverse');
    expect(f.code('ts')).toContain('const inverse = inv(A);');
  });

  test('solves with one matrix and different right-hand sides share one factorisation', () => {
    // X solved for b and, transposed, for a: PyTorch and TypeScript factor X once.
    const two = grad("a'*inv(X)*b", 'X');
    const torch = two.code('torch');
    expect(torch.match(/torch\.linalg\.lu_factor\(X\)/g)).toHaveLength(1);
    expect(torch.match(/torch\.linalg\.lu_solve\(\*factors, /g)).toHaveLength(2);
    expect(torch).toContain('adjoint=True');
    const ts = two.code('ts');
    expect(ts.match(/= lu\(X\)/g)).toHaveLength(1);
    expect(ts).toMatch(/luSolve\(factors, [^;]*, true\)/);
    expect(ts).not.toMatch(/solve\(transpose\(X\)/);
    // NumPy has no factors object: two solves stay solves (cheaper than the inverse) …
    expect(two.code('numpy').match(/np\.linalg\.solve\(/g)).toHaveLength(2);
    // … as are three (the gradient's outer products take the solves f made) …
    const three = grad("a'*inv(X)*b + c'*inv(X)*d", 'X').code('numpy');
    expect(three.match(/np\.linalg\.solve\(/g)).toHaveLength(3);
    expect(three).toContain('np.outer(a, u) + np.outer(c, u_)');
    // … and from four distinct ones the inverse is formed once and multiplied by.
    const four = grad("a'*inv(X)*b + c'*inv(X)*d + p'*inv(X)*q", 'X');
    const numpy = four.code('numpy');
    expect(numpy.match(/np\.linalg\.inv\(X\)/g)).toHaveLength(1);
    expect(numpy).not.toMatch(/np\.linalg\.solve\(/);
    expect(four.code('torch').match(/lu_factor/g)).toHaveLength(1);
  });

  test('a shared subexpression is a temporary computed once', () => {
    const code = grad('sum(tanh(W2*tanh(W1*x)))', 'W1').code('numpy');
    expect(code.match(/np\.tanh\(W1 @ x\)/g)).toHaveLength(1);
    expect(code).toMatch(/^ {4}t1 = /m);
  });

  test('f reused by its derivative is read from f: det(X)*inv(X)\'', () => {
    const code = grad('det(X)', 'X').code('numpy');
    expect(code).toContain('f = np.linalg.det(X)');
    expect(code).toMatch(/grad = f \* /);
  });

  test('the arguments and their shapes are listed; names that are keywords are renamed', () => {
    const result = grad("lambda*x'*A*x", 'x', { where: 'A: n×n symmetric' });
    const numpyCode = result.code('numpy');
    expect(numpyCode).toContain('def f_and_grad(lambda_, x, A):');
    expect(numpyCode).toContain('A: n×n, symmetric (2-D array)');
    expect(result.code('ts')).toContain('@param A n×n, symmetric');
    expect(numpyCode).toContain('x: n×1 (1-D array)');
    expect(result.code('ts')).toContain('export function fAndGrad(lambda: number, x: Vector, A: Matrix): { f: number; grad: Vector }');
    expect(result.code('ts')).not.toContain('lambda_');
  });

  test('the header says how the derivative was verified', () => {
    expect(grad("x'Ax", 'x').code('numpy')).toMatch(/verified against finite differences \(max rel\. error [0-9.e-]+, sizes n=\d/);
    expect(grad("x'Ax", 'x', { verify: false }).code('ts')).toContain('numerical verification: skipped');
  });

  test('jacobian and hessian functions are named for what they return', () => {
    expect(jacobian('A*x', 'x').code('numpy')).toContain('return F, J');
    expect(hessian("x'Ax", 'x').code('numpy')).toMatch(/def f_and_hessian\(x, A\):[^]*return f, H/);
    expect(hessian("x'Ax", 'x').code('ts')).toContain('export function fAndHessian(');
    expect(hessian("x'*A*y", 'x', { wrt2: 'y', where: 'A: n×m' }).code('numpy')).toContain('f and its Hessian with respect to x and y.');
  });
});
