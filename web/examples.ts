// The examples menu: the classic derivations, each a complete State (what a link holds).
import { DEFAULT_STATE, type State } from './protocol.js';

export interface Example {
  readonly title: string;
  readonly state: State;
}

const example = (title: string, state: Partial<State>): Example => ({ title, state: { ...DEFAULT_STATE, ...state } });

export const EXAMPLES: readonly Example[] = [
  example('Least squares ‖Xw − y‖²', { f: '||X*w - y||^2', wrt: 'w' }),
  example('Ridge regression', { f: '||X*w - y||^2 + c*||w||^2', wrt: 'w', where: 'c: scalar' }),
  example('Logistic regression', { f: 'sum(log(1 + exp(-y .* (X*w))))', wrt: 'w' }),
  example('Softmax cross-entropy', { f: "-y'*log(softmax(z))", wrt: 'z' }),
  example('log det X', { f: 'log(det(X))', wrt: 'X' }),
  example("Cookbook: tr(AXB)", { f: 'tr(A*X*B)', wrt: 'X' }),
  example("Cookbook: tr(X'AX)", { f: "tr(X'*A*X)", wrt: 'X' }),
  example("Cookbook: a'X⁻¹b", { f: "a'*inv(X)*b", wrt: 'X' }),
  example('Quadratic form on a symmetric matrix', { f: "x'*A*x", wrt: 'x', where: 'A: n×n symmetric' }),
  example('2-layer network', { f: '||W2*tanh(W1*x + b1) + b2 - y||^2', wrt: 'W1' }),
  example('LaTeX from a paper', { f: '\\frac{1}{2}\\|\\mathbf{A}\\mathbf{x}-\\mathbf{b}\\|_2^2', wrt: 'x' }),
  example('Differential of log det', { f: 'log(det(X))', wrt: 'X', op: 'diff' }),
  example('Jacobian of softmax', { f: 'softmax(z)', wrt: 'z', op: 'jacobian' }),
  example('Jacobian of the inverse', { f: 'inv(X)', wrt: 'X', op: 'jacobian' }),
  example('Hessian of logistic loss', { f: 'sum(log(1 + exp(X*w)))', wrt: 'w', op: 'hessian' }),
  example('Hessian of a quadratic form', { f: "x'*A*x", wrt: 'x', op: 'hessian' }),
  example('Check a wrong claim', { f: "tr(X'*A*X)", wrt: 'X', op: 'check', claim: '2*A*X' }),
  example('Check a right claim', { f: "x'*A*x", wrt: 'x', op: 'check', claim: "(A + A')*x" }),
];
