// The library API: parse, evaluate (and, as they land, grad, jacobian, hessian, check).
// Every function throws MatcalcError, and only MatcalcError, for bad input.

import { gradient as computeGradient, type Layout, type SymmetricConvention } from './calculus/gradient.js';
import { differentiate } from './calculus/differential.js';
import { canonicalSymbolName } from '../grammar/names.js';
import { MatcalcError } from './errors.js';
import { shapeText } from './expr/dims.js';
import type { Expr } from './expr/node.js';
import { parseExpression } from './expr/parse.js';
import { DomainError, evaluateExpr } from './numeric/evaluate.js';
import { bindValues, type PlainValue, toPlain } from './numeric/values.js';
import { render } from './print/render.js';
import { renderResult, resultForms } from './print/readback.js';
import { gradientSteps, jacobianSteps, type StepLine } from './print/steps.js';
import { jacobian as computeJacobian } from './calculus/jacobian.js';
import { SKIPPED, type Verification, verifyGradient, verifyJacobian } from './numeric/verify.js';
import * as C from './expr/construct.js';
import { simplify } from './simplify/simplify.js';
import { type CheckResult, checkGradient } from './check/check.js';
import { type CodeTarget, emitCode, type DerivativeKind } from './print/code/index.js';

export { MatcalcError, formatError } from './errors.js';
export { setTimeLimit } from './limits.js';
export type { ErrorKind, Span } from './errors.js';
export type { Expr } from './expr/node.js';
export type { PlainValue } from './numeric/values.js';
export type { Verification, VerificationStatus } from './numeric/verify.js';
export type { StepLine } from './print/steps.js';
export type { Layout, SymmetricConvention } from './calculus/gradient.js';
export type { CheckResult, Counterexample, DiagnosisKind } from './check/check.js';
export { parseBatch, type BatchEntry } from './check/batch.js';
export { CODE_TARGETS, type CodeTarget } from './print/code/index.js';

export interface Options {
  /** Declarations, e.g. "A: n×n symmetric; a: scalar; X: 3×4". */
  where?: string;
}

export interface Parsed {
  readonly expr: Expr;
  /** Canonical text: parses back to the identical expression. */
  readonly text: string;
  readonly unicode: string;
  readonly latex: string;
  /** The expression's shape, e.g. "1×1", "n×m". */
  readonly shape: string;
  /** Each symbol's inferred shape, in order of appearance. */
  readonly symbols: Readonly<Record<string, string>>;
}

/** Turns anything a lower layer threw into a MatcalcError: the API throws nothing else. */
export function guard<T>(source: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MatcalcError) throw error.source === undefined ? error.withSource(source) : error;
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new MatcalcError('limit', 'the expression is nested too deeply to process', { source });
    }
    if (error instanceof DomainError) throw new MatcalcError('value', `cannot evaluate: ${error.message}`, { source });
    const message = error instanceof Error ? error.message : String(error);
    throw new MatcalcError('value', `cannot evaluate: ${message}`, { source });
  }
}

export function parse(text: string, options: Options = {}): Parsed {
  return guard(text, () => {
    const { expr, symbols } = parseExpression(text, { where: options.where });
    // Written so that it reads back: an I_n the text alone would not size keeps its size.
    const forms = resultForms(expr, [...symbols.values()], options.where, { share: false });
    return {
      expr,
      text: forms.text,
      unicode: renderResult(expr, 'unicode', forms),
      latex: renderResult(expr, 'latex', forms),
      shape: shapeText(expr.shape),
      symbols: Object.fromEntries([...symbols].map(([name, node]) => [name, shapeText(node.shape)])),
    };
  });
}

/** Evaluates text on values: scalars as numbers, vectors as flat arrays, matrices as rows. */
export function evaluate(text: string, values: Record<string, unknown>, options: Options = {}): PlainValue {
  return guard(text, () => {
    const { expr, symbols, declaredOnly } = parseExpression(text, { where: options.where });
    const bound = bindValues(symbols.values(), values, declaredOnly?.values());
    return toPlain(evaluateExpr(expr, bound.values, bound.sizes), expr.shape);
  });
}

export interface DerivativeOptions extends Options {
  /** Check the result against finite differences (default true). */
  verify?: boolean;
  /** 'denominator' (default: G has the variable's shape) or 'numerator' (its transpose). */
  layout?: Layout;
  /** For a symmetric variable: 'symmetric' (default, (G + Gᵀ)/2) or 'entries' (G + Gᵀ − G∘I). */
  symmetricConvention?: SymmetricConvention;
  /** Seed of the random instances used by verification (default 1). */
  seed?: number;
}

export interface DerivativeResult {
  readonly input: string;
  readonly wrt: string;
  /** Canonical text, which `evaluate(text, values, { where })` accepts. */
  readonly text: string;
  readonly unicode: string;
  readonly latex: string;
  readonly expr: Expr;
  readonly verification: Verification;
  readonly steps: readonly StepLine[];
  readonly layout: Layout;
  /** Set when the variable is declared symmetric: which gradient this is. */
  readonly convention?: SymmetricConvention;
  /** A function computing f and this derivative, in NumPy, PyTorch or TypeScript. */
  code(target: CodeTarget): string;
}

/** What a result needs to be turned into code: f, what was derived, and f's symbols. */
interface Origin {
  readonly f: Expr;
  readonly symbols: ReadonlyMap<string, Expr>;
  /** The declarations the derivation was given (the result's text is read with them). */
  readonly where: string | undefined;
  readonly kind: DerivativeKind;
  /** The variables as the code's description names them ("x", or "x and y" when mixed). */
  readonly wrt?: string;
}

/** The variable's symbol node; the variable must occur in the expression. */
function variableOf(symbols: ReadonlyMap<string, Expr>, wrt: string): Expr {
  const name = canonicalSymbolName(wrt.trim());
  const x = symbols.get(name);
  if (!x) {
    const known = [...symbols.keys()].join(', ') || 'none';
    throw new MatcalcError('value', `the variable ${wrt} does not occur in the expression (its symbols: ${known})`);
  }
  return x;
}

/** ∂f/∂X of a scalar expression, simplified and (unless verify: false) verified. A result
 *  that fails verification is not returned: a MatcalcError of kind 'verification' is thrown. */
export function grad(text: string, wrt: string, options: DerivativeOptions = {}): DerivativeResult {
  return guard(text, () => {
    const { expr, symbols } = parseExpression(text, { where: options.where });
    const x = variableOf(symbols, wrt);
    const layout = options.layout ?? 'denominator';
    const result = computeGradient(expr, x, { layout, ...(options.symmetricConvention ? { symmetricConvention: options.symmetricConvention } : {}) });
    const simplified = simplify(result.gradient);
    const g = simplified.expr;
    let verification: Verification = SKIPPED;
    if (options.verify !== false) {
      // Verify G in denominator layout, as the symmetric part when x is symmetric.
      let checked = layout === 'numerator' ? C.transpose(g) : g;
      if (result.convention === 'entries') checked = C.multiply(C.number(0.5), C.add(checked, C.hadamard(checked, C.identity(x.shape.rows))));
      verification = verifyGradient(expr, x, checked, { seed: options.seed ?? 1 });
    }
    const derived = resultObject(text, x, g, verification, () => gradientSteps(result, g, simplified.steps), { f: expr, symbols, where: options.where, kind: 'grad' }, layout, result.convention);
    if (verification.status === 'failed') {
      throw new MatcalcError('verification', `the derived gradient failed numerical verification (max rel. error ${verification.maxRelError.toExponential(1)}); this is a bug in matcalc, please report it`, { report: verification });
    }
    return derived;
  });
}

/** df: the differential of an expression w.r.t. a symbol, with d(X) for the variable. */
export function differential(text: string, wrt: string, options: Options = {}): { text: string; unicode: string; latex: string; expr: Expr } {
  return guard(text, () => {
    const { expr, symbols } = parseExpression(text, { where: options.where });
    const { df } = differentiate(expr, variableOf(symbols, wrt));
    return { text: render(df, 'text', { share: true }), unicode: render(df, 'unicode', { share: true }), latex: render(df, 'latex', { share: true }), expr: df };
  });
}

export interface CheckOptions extends Options {
  /** What CLAIM claims to be: the gradient (default), the Jacobian or the Hessian. */
  kind?: 'grad' | 'jacobian' | 'hessian';
  seed?: number;
}

/** Whether `claim` is the derivative of `text` w.r.t. `wrt`; if not, why. */
export function check(text: string, wrt: string, claim: string, options: CheckOptions = {}): CheckResult {
  return guard(`${text} ; ${claim}`, () => {
    return checkGradient(text, canonicalSymbolName(wrt.trim()), claim, options.where, options.seed ?? 1, options.kind ?? 'grad');
  });
}

/** A derivative's result. Steps and the Unicode and LaTeX forms are rendered when they are
 *  read: on a large result they cost more than the derivation. */
function resultObject(input: string, x: Expr, e: Expr, verification: Verification, steps: () => readonly StepLine[], origin: Origin, layout: Layout, convention?: SymmetricConvention): DerivativeResult {
  let cachedSteps: readonly StepLine[] | undefined;
  let unicode: string | undefined;
  let latex: string | undefined;
  const forms = resultForms(e, [...origin.symbols.values()], origin.where);
  return {
    input,
    wrt: x.name,
    text: forms.text,
    get unicode() {
      return (unicode ??= renderResult(e, 'unicode', forms));
    },
    get latex() {
      return (latex ??= renderResult(e, 'latex', forms));
    },
    expr: e,
    verification,
    get steps() {
      return (cachedSteps ??= steps());
    },
    layout,
    ...(convention ? { convention } : {}),
    code(target: CodeTarget): string {
      return guard(input, () => emitCode(target, {
        kind: origin.kind, value: origin.f, derivative: e, symbols: [...origin.symbols.values()], wrt: origin.wrt ?? x.name,
        note: codeNote(verification, origin.kind === 'grad' ? layout : 'denominator', convention),
      }));
    },
  };
}

/** The line under a generated function's description: how the derivative was checked. */
function codeNote(verification: Verification, layout: Layout, convention?: SymmetricConvention): string {
  const parts: string[] = [];
  if (layout === 'numerator') parts.push('Numerator layout (the transpose of the gradient).');
  if (convention === 'symmetric') parts.push('Gradient on symmetric matrices: (G + G\')/2.');
  if (convention === 'entries') parts.push("Entrywise gradient of a symmetric matrix: G + G' - G∘I.");
  const sizes = Object.entries(verification.sizes).map(([d, n]) => `${d}=${n}`).join(', ');
  parts.push(verification.status === 'verified'
    ? `Derived by matcalc; verified against finite differences (max rel. error ${verification.maxRelError.toExponential(1)}, sizes ${sizes}, seed ${verification.seed}).`
    : `Derived by matcalc; numerical verification: ${verification.status}.`);
  return parts.join(' ');
}

/** The result object of a Jacobian or Hessian, like grad's. */
function matrixDerivative(text: string, x: Expr, j: Expr, verification: Verification, steps: () => readonly StepLine[], what: string, origin: Origin): DerivativeResult {
  if (verification.status === 'failed') {
    throw new MatcalcError('verification', `the derived ${what} failed numerical verification (${verification.reason ?? `max rel. error ${verification.maxRelError.toExponential(1)}`}); this is a bug in matcalc, please report it`, { report: verification });
  }
  return resultObject(text, x, j, verification, steps, origin, 'numerator');
}

/** J = ∂vec(F)/∂vec(X)ᵀ (|F| × |X|, column-major vec): for vectors the usual Jacobian. */
export function jacobian(text: string, wrt: string, options: DerivativeOptions = {}): DerivativeResult {
  return guard(text, () => {
    const { expr, symbols } = parseExpression(text, { where: options.where });
    const x = variableOf(symbols, wrt);
    const result = computeJacobian(expr, x);
    const simplified = simplify(result.jacobian);
    const verification = options.verify === false ? SKIPPED : verifyJacobian(expr, x, simplified.expr, { seed: options.seed ?? 1 });
    return matrixDerivative(text, x, simplified.expr, verification, () => jacobianSteps(expr, result.df, result.jacobian, simplified.expr, result.steps.isolation, simplified.steps, result.steps.differential), 'Jacobian', { f: expr, symbols, where: options.where, kind: 'jacobian' });
  });
}

/** H = ∂²f/∂vec(X)∂vec(X)ᵀ of a scalar f: the Jacobian of its gradient; with `wrt2`, the
 *  mixed ∂²f/∂vec(X)∂vec(Y)ᵀ (the Jacobian of ∂f/∂X w.r.t. Y). */
export function hessian(text: string, wrt: string, options: DerivativeOptions & { wrt2?: string } = {}): DerivativeResult {
  return guard(text, () => {
    const { expr, symbols } = parseExpression(text, { where: options.where });
    const first = variableOf(symbols, wrt);
    const x = options.wrt2 !== undefined ? variableOf(symbols, options.wrt2) : first;
    const g = simplify(computeGradient(expr, first).gradient).expr;
    const result = computeJacobian(g, x);
    const simplified = simplify(result.jacobian);
    const verification = options.verify === false ? SKIPPED : verifyJacobian(g, x, simplified.expr, { seed: options.seed ?? 1 });
    return matrixDerivative(text, x, simplified.expr, verification, () => jacobianSteps(g, result.df, result.jacobian, simplified.expr, result.steps.isolation, simplified.steps, result.steps.differential), 'Hessian', { f: expr, symbols, where: options.where, kind: 'hessian', wrt: first === x ? x.name : `${first.name} and ${x.name}` });
  });
}
