// Compactness (issue 15): for every textbook case of the suite — the Matrix Cookbook's,
// the seeds', issue 15's table — the printed result is verified and no larger than the form
// the book prints, counted in symbols and operators. A case that grows fails by name.
import { describe, expect, test } from '@jest/globals';
import { grad, hessian, jacobian } from '../../src/index.js';
import { COOKBOOK, SEEDS } from '../support/textbook.js';

/** Symbols, numbers, function names and operators of a printed text; parentheses, commas
 *  and the declarations after `where` (shapes, not content) are not counted. A binding
 *  `t1 = …` counts its body once and each use of its name as one symbol. */
export function printedSize(text: string): number {
  const [body, clause] = splitWhere(text);
  const bindings = clause === undefined ? [] : clause.split(/[;,]\s*(?=[A-Za-z_][A-Za-z0-9_]*\s*=)/).filter((part) => /^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(part.trim()));
  // A size subscript (I_{m·n}, 0_{n×m}) belongs to its constant: one symbol.
  const tokens = (t: string): number => (t.replace(/_\{[^}]*\}/g, '').match(/[A-Za-zα-ω_][A-Za-z0-9α-ω_]*|\d+(?:\.\d+)?|\.\^|\.\/|[-+*/'^∘⊗]/g) ?? []).length;
  return tokens(body) + bindings.reduce((sum, b) => sum + tokens(b.slice(b.indexOf('=') + 1).split(';')[0]!), 0);
}

function splitWhere(text: string): [string, string | undefined] {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith(' where ', i)) return [text.slice(0, i), text.slice(i + 7)];
  }
  return [text, undefined];
}

type Kind = 'grad' | 'jacobian' | 'hessian';
type Row = [name: string, kind: Kind, f: string, wrt: string, where: string | undefined, textbook: string];

/** Issue 15's table: what matcalc printed, and the textbook's form (term order aside). */
const ISSUE_15: Row[] = [
  ['least squares over 2n', 'grad', '1/(2n) ||Xw - y||^2', 'w', 'n: scalar', "X'*(X*w - y)/n"],
  ["x'x/(2s)", 'grad', "x'x/(2*s)", 'x', 's: scalar', 'x/s'],
  ['the norm as sqrt(sum(x.^2))', 'grad', 'sqrt(sum(x.^2))', 'x', undefined, 'x/norm(x)'],
  ["Hessian of sqrt(x'x)", 'hessian', "sqrt(x'x)", 'x', undefined, "I/norm(x) - x*x'/norm(x)^3"],
  ['triplet loss', 'grad', '||a - p||^2 - ||a - n||^2 + 1', 'a', undefined, '2*(n - p)'],
  ["log det(X'X)", 'grad', "log(det(X'X))", 'X', undefined, "2*X*inv(X'*X)"],
  ["tr(inv(X'X + λI))", 'grad', "tr(inv(X'X + λI))", 'X', undefined, "-2*X*inv(X'*X + lambda*I)^2"],
  ["logdet(I + X'X)", 'grad', "logdet(I + X'X)", 'X', undefined, "2*X*inv(I + X'*X)"],
  ["x'inv(X'X)x", 'grad', "x'*inv(X'X)*x", 'X', undefined, "-2*X*inv(X'*X)*x*x'*inv(X'*X)"],
  ['2-layer network wrt W2', 'grad', '||W2*tanh(W1*x + b1) + b2 - y||^2', 'W2', undefined, "2*(W2*tanh(W1*x + b1) + b2 - y)*tanh(W1*x + b1)'"],
  ['softmax cross-entropy', 'grad', "-y'*log(softmax(z))", 'z', undefined, 'sum(y)*softmax(z) - y'],
  ['softmax log-likelihood', 'grad', "-log(softmax(z)'*y)", 'z', undefined, "t1 - (y ∘ t1)/(t1'*y) where t1 = softmax(z)"],
  ['diag(x)*y', 'jacobian', 'diag(x)*y', 'x', undefined, 'diag(y)'],
  ['x/norm(x)', 'jacobian', 'x/norm(x)', 'x', undefined, "I/norm(x) - x*x'/norm(x)^3"],
  ['det(X^2)', 'grad', 'det(X^2)', 'X', undefined, "2*det(X)^2*inv(X)'"],
  ['Hessian of sum(softmax(x)), identically zero', 'hessian', 'sum(softmax(x))', 'x', undefined, '0_{n×n}'],
  ['logdet(X ⊗ A), a size as a scalar', 'grad', 'logdet(X ⊗ A)', 'X', 'X: n×n; A: m×m', "m*inv(X)'"],
];


const DERIVE = { grad, jacobian, hessian } as const;

function measure(kind: Kind, f: string, wrt: string, where: string | undefined): { text: string; status: string } {
  const result = DERIVE[kind](f, wrt, { where });
  return { text: result.text, status: result.verification.status };
}

describe('no larger than the textbook form', () => {
  test.each(ISSUE_15)('issue 15: %s', (_name, kind, f, wrt, where, textbook) => {
    const { text, status } = measure(kind, f, wrt, where);
    expect(status).toBe('verified');
    expect({ text, size: printedSize(text) }).toEqual({ text, size: Math.min(printedSize(text), printedSize(textbook)) });
  });

  test.each(COOKBOOK.map((c) => [c[0], c[1], c[2], c[3], c[4]] as const))('Matrix Cookbook %s', (_name, f, wrt, closedForm, where) => {
    const { text, status } = measure('grad', f, wrt, where);
    expect(status).toBe('verified');
    expect({ text, size: printedSize(text) }).toEqual({ text, size: Math.min(printedSize(text), printedSize(closedForm)) });
  });

  test.each(SEEDS)('seed %s', (_name, f, wrt, closedForm, where) => {
    const { text, status } = measure('grad', f, wrt, where);
    expect(status).toBe('verified');
    expect({ text, size: printedSize(text) }).toEqual({ text, size: Math.min(printedSize(text), printedSize(closedForm)) });
  });
});

describe('the size count', () => {
  test.each([
    ["(A + A')*x", 6],
    ["t1 - (y ∘ t1)/(t1'*y) where t1 = softmax(z)", 12],
    ['0_{n×n} where x: n', 1],
    ["2*X*inv(X'*X)", 9],
    ['θ*x.^(θ - 1)', 7],
  ])('%s has %i symbols and operators', (text, size) => {
    expect(printedSize(text)).toBe(size);
  });
});

test('every binding printed is used, and names come in reading order', () => {
  for (const [kind, f, wrt] of [['grad', "y'*(x - sum(x)/n*ones)/norm(x - sum(x)/n*ones)", 'x'], ['hessian', "-y'*log(softmax(W*x))", 'x'], ['grad', 'sum(tanh(W3*tanh(W2*tanh(W1*x))))', 'W1']] as const) {
    const text = DERIVE[kind](f, wrt, { where: 'n: scalar', verify: false }).text;
    const [body, clause] = splitWhere(text);
    const names = (clause ?? '').match(/\bt\d+(?= =)/g) ?? [];
    for (const name of names) {
      const others = [body, ...(clause ?? '').split(/, (?=t\d+ =)/).filter((b) => !b.startsWith(`${name} =`))].join(' ');
      expect({ text, name, used: new RegExp(`\\b${name}\\b`).test(others) }).toEqual({ text, name, used: true });
    }
    const firstUses = names.map((name) => text.search(new RegExp(`\\b${name}\\b`)));
    expect(firstUses).toEqual([...firstUses].sort((a, b) => a - b));
  }
});
