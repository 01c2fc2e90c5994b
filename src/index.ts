// The library API: parse, evaluate, grad, jacobian, hessian, differential, check. Thin
// callers of the pipeline (src/derive.ts). Every function throws MatcalcError and only
// MatcalcError: for bad input its kind says what was wrong; 'argument' when the function
// was called wrongly; 'internal' for a bug in matcalc (never the user's input).

import type { Layout, SymmetricConvention } from './calculus/gradient.js';
import { type CheckResult, checkInLayout, type ClaimLayout } from './check/check.js';
import { derive, type Derivation, type DeriveRequest, differentialOf, type Stop } from './derive.js';
import { MatcalcError } from './errors.js';
import { Session, within } from './session.js';
import { shapeText } from './expr/dims.js';
import type { Expr } from './expr/node.js';
import { parseAtValues, parseExpression, variableName } from './expr/parse.js';
import { DomainError, evaluateExpr } from './numeric/evaluate.js';
import { bindValues, valueShapes, type PlainValue, toPlain } from './numeric/values.js';
import type { Verification } from './numeric/verify.js';
import { CODE_TARGETS, type CodeTarget, emitCode } from './print/code/index.js';
import { renderResult, resultForms } from './print/readback.js';
import { render } from './print/render.js';
import type { StepLine } from './print/steps.js';

export { MatcalcError, formatError } from './errors.js';
export { Session, type SessionOptions } from './session.js';
export type { ErrorKind, Span } from './errors.js';
export type { Expr } from './expr/node.js';
export type { PlainValue } from './numeric/values.js';
export type { Verification, VerificationStatus } from './numeric/verify.js';
export { stepsLatex, type StepLine } from './print/steps.js';
export { describeVerification } from './numeric/verify.js';
export type { Layout, SymmetricConvention } from './calculus/gradient.js';
export type { CheckResult, Counterexample, DiagnosisKind } from './check/check.js';
export { parseBatch, type BatchEntry } from './check/batch.js';
export { CODE_TARGETS, type CodeTarget } from './print/code/index.js';
export type { Stop } from './derive.js';

export interface PassLimitsOption {
  steps?: number;
  nodes?: number;
  milliseconds?: number;
  simplification?: { steps?: number; nodes?: number; milliseconds?: number };
}

export interface Options {
  /** Declarations, e.g. "A: n×n symmetric; a: scalar; X: 3×4". */
  where?: string;
  /** The session the work runs in (a caller may keep one to share work across calls, and
   *  its time limit). Default: a fresh one per call, freed with the result. */
  session?: Session;
  /** Seconds after which the work stops with a 'limit' error (for a fresh session). */
  timeLimit?: number;
  /** 'latex' or 'text'; by default LaTeX when the input holds a backslash command. */
  syntax?: 'text' | 'latex';
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
  /** What the reading guessed that could change the meaning (σ(…) as the logistic function). */
  readonly notes: readonly string[];
}

/** Turns anything a lower layer threw into a MatcalcError: the API throws nothing else.
 *  What is not already a MatcalcError is a bug of ours, reported as one — not as bad input. */
export function guard<T>(source: string, run: () => T, session: Session = new Session()): T {
  try {
    return within(session, run);
  } catch (error) {
    if (error instanceof MatcalcError) throw error.source === undefined && error.kind !== 'argument' ? error.withSource(source) : error;
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new MatcalcError('limit', 'the expression is nested too deeply to process', { source, span: deepestPoint(source), expected: 'name inner pieces with `where` bindings' });
    }
    if (error instanceof DomainError) throw new MatcalcError('value', `cannot evaluate: ${error.message}`, { source });
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new MatcalcError('internal', `internal error — this is a bug in matcalc (${message})`, { source, cause: error });
  }
}

/** Where the text nests deepest (brackets, or else a run of prefix signs and postfix
 *  operators): what a message about nesting points at. */
function deepestPoint(source: string): { start: number; end: number } {
  let depth = 0;
  let deepest = -1;
  let at = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (depth > deepest) [deepest, at] = [depth, i];
  }
  return deepest > 0 ? { start: at, end: at + 1 } : { start: 0, end: source.length };
}

/** The library was called wrongly: say which argument, and what it must be. */
function argumentError(api: string, what: string, expected: string, value: unknown): MatcalcError {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value) : typeof value;
  return new MatcalcError('argument', `${api}: ${what} must be ${expected}, got ${got}`);
}

function requireText(api: string, what: string, value: unknown): string {
  if (typeof value !== 'string') throw argumentError(api, what, 'a string', value);
  return value;
}

function requireLimits(api: string, what: string, value: unknown, nested: boolean): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw argumentError(api, what, 'an object { steps, nodes, milliseconds }', value);
  for (const [key, limit] of Object.entries(value)) {
    if (nested && key === 'simplification') requireLimits(api, `${what}.simplification`, limit, false);
    else if (!['steps', 'nodes', 'milliseconds'].includes(key)) throw argumentError(api, `${what}.${key}`, `one of steps, nodes, milliseconds${nested ? ', simplification' : ''}`, key);
    else if (!(typeof limit === 'number' && limit >= 0)) throw argumentError(api, `${what}.${key}`, 'a number ≥ 0', limit);
  }
}

/** The session a call runs in: the caller's, or a fresh one with the call's time limit. */
function sessionOf(options: Options): Session {
  return options.session ?? new Session(options.timeLimit !== undefined ? { timeLimit: options.timeLimit } : {});
}

function requireOptions(api: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw argumentError(api, 'the options', 'an object', options);
  const o = options as Record<string, unknown>;
  if (o.where !== undefined && typeof o.where !== 'string') throw argumentError(api, 'options.where', 'a string of declarations such as "A: n×n symmetric"', o.where);
  if (o.verify !== undefined && typeof o.verify !== 'boolean') throw argumentError(api, 'options.verify', 'true or false', o.verify);
  if (o.seed !== undefined && !(typeof o.seed === 'number' && Number.isInteger(o.seed))) throw argumentError(api, 'options.seed', 'an integer', o.seed);
  // check also reads a claim's layout from the claim itself ('auto').
  const layouts = api === 'check' ? ['denominator', 'numerator', 'auto'] : ['denominator', 'numerator'];
  if (o.layout !== undefined && !layouts.includes(o.layout as string)) throw argumentError(api, 'options.layout', layouts.map((l) => `'${l}'`).join(', ').replace(/, ([^,]*)$/, ' or $1'), o.layout);
  if (o.symmetricConvention !== undefined && o.symmetricConvention !== 'symmetric' && o.symmetricConvention !== 'entries') throw argumentError(api, 'options.symmetricConvention', "'symmetric' or 'entries'", o.symmetricConvention);
  if (o.kind !== undefined && o.kind !== 'grad' && o.kind !== 'jacobian' && o.kind !== 'hessian') throw argumentError(api, 'options.kind', "'grad', 'jacobian' or 'hessian'", o.kind);
  if (o.syntax !== undefined && o.syntax !== 'text' && o.syntax !== 'latex') throw argumentError(api, 'options.syntax', "'text' or 'latex'", o.syntax);
  if (o.style !== undefined && o.style !== 'text' && o.style !== 'unicode') throw argumentError(api, 'options.style', "'text' or 'unicode'", o.style);
  if (o.wrt2 !== undefined && typeof o.wrt2 !== 'string') throw argumentError(api, 'options.wrt2', 'a string', o.wrt2);
  if (o.session !== undefined && !(o.session instanceof Session)) throw argumentError(api, 'options.session', 'a Session', o.session);
  if (o.timeLimit !== undefined && !(typeof o.timeLimit === 'number' && o.timeLimit > 0)) throw argumentError(api, 'options.timeLimit', 'a number of seconds > 0', o.timeLimit);
  if (o.limits !== undefined) requireLimits(api, 'options.limits', o.limits, true);
  return o;
}

/** The tree size up to which parse prints an expression without naming shared pieces. */
const UNSHARED_PARSE_SIZE = 2_000;

export function parse(text: string, options: Options = {}): Parsed {
  requireText('parse', 'the expression', text);
  requireOptions('parse', options);
  return guard(text, () => {
    const { expr, symbols, notes = [] } = parseExpression(text, { where: options.where, syntax: options.syntax });
    // Written so that it reads back: an I_n the text alone would not size keeps its size.
    // As written, without naming shared pieces, unless that text would be large: a where
    // chain whose bindings are used twice (a residual network) spells out exponentially.
    const forms = resultForms(expr, [...symbols.values()], options.where, { share: expr.size > UNSHARED_PARSE_SIZE });
    return {
      expr,
      text: forms.text,
      unicode: renderResult(expr, 'unicode', forms),
      latex: renderResult(expr, 'latex', forms),
      shape: shapeText(expr.shape),
      symbols: Object.fromEntries([...symbols].map(([name, node]) => [name, shapeText(node.shape)])),
      notes,
    };
  }, sessionOf(options));
}

/** Evaluates text on values: scalars as numbers, vectors as flat arrays, matrices as rows. */
export function evaluate(text: string, values: Record<string, unknown>, options: Options = {}): PlainValue {
  requireText('evaluate', 'the expression', text);
  if (values === null || typeof values !== 'object' || Array.isArray(values)) throw argumentError('evaluate', 'the values', 'an object such as { x: [1, 2], A: [[1, 2], [3, 4]] }', values);
  requireOptions('evaluate', options);
  return guard(text, () => {
    const { expr, symbols, declaredOnly } = parseAtValues(text, valueShapes(values), options.where, options.syntax);
    const bound = bindValues(symbols.values(), values, declaredOnly?.values());
    return toPlain(evaluateExpr(expr, bound.values, bound.sizes), expr.shape);
  }, sessionOf(options));
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
  /** Limits of every rewriting pass: rule applications, new nodes, milliseconds (and of
   *  simplification alone, under `simplification`). A pass whose partial result would be
   *  wrong (differentiation, isolation) throws a 'limit' error; simplification stops, and
   *  `stops` and `notes` say so. */
  limits?: PassLimitsOption;
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
  /** What a reader must know about the result, one line each (conventions, early stops). */
  readonly notes: readonly string[];
  /** Passes that stopped at a limit before they finished (empty when all finished). */
  readonly stops: readonly Stop[];
  /** A function computing f and this derivative, in NumPy, PyTorch or TypeScript. */
  code(target: CodeTarget): string;
}

/** A derivative's result from the pipeline's record; a failed verification is not a
 *  result: a MatcalcError of kind 'verification' is thrown instead. */
function resultOf(derivation: Derivation, what: string, session: Session): DerivativeResult {
  const v = derivation.verification;
  if (v.status === 'failed') {
    throw new MatcalcError('verification', `the derived ${what} failed numerical verification (${v.reason ?? `max rel. error ${v.maxRelError.toExponential(1)}`}); this is a bug in matcalc, please report it`, { report: v });
  }
  const { request, x, first } = derivation;
  return {
    input: request.text,
    wrt: x.name,
    text: derivation.text,
    // Rendered when read, in the session the result was derived in.
    get unicode() {
      return within(session, () => derivation.unicode);
    },
    get latex() {
      return within(session, () => derivation.latex);
    },
    expr: derivation.result,
    verification: v,
    get steps() {
      return within(session, () => derivation.steps());
    },
    layout: derivation.layout,
    ...(derivation.convention ? { convention: derivation.convention } : {}),
    notes: derivation.notes,
    stops: derivation.stops,
    code(target: CodeTarget): string {
      if (!CODE_TARGETS.includes(target)) throw argumentError('code', 'the target', CODE_TARGETS.map((t) => `'${t}'`).join(', '), target);
      return guard(request.text, () => emitCode(target, {
        kind: request.kind, value: derivation.f, derivative: derivation.result, symbols: [...derivation.symbols.values()],
        wrt: first === x ? x.name : `${first.name} and ${x.name}`,
        note: codeNote(v, request.kind === 'grad' ? derivation.layout : 'denominator', derivation.convention),
      }), session);
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

function request(api: DeriveRequest['kind'], text: unknown, wrt: unknown, options: unknown): DeriveRequest {
  requireText(api, 'the expression', text);
  requireText(api, 'the variable', wrt);
  const o = requireOptions(api, options) as DerivativeOptions & { wrt2?: string };
  return {
    kind: api, text: text as string, wrt: wrt as string,
    wrt2: o.wrt2, where: o.where, verify: o.verify, layout: o.layout, symmetricConvention: o.symmetricConvention, seed: o.seed, limits: o.limits, syntax: o.syntax,
  };
}

/** ∂f/∂X of a scalar expression, simplified and (unless verify: false) verified. */
export function grad(text: string, wrt: string, options: DerivativeOptions = {}): DerivativeResult {
  const r = request('grad', text, wrt, options);
  const session = sessionOf(options);
  return guard(text, () => resultOf(derive(r), 'gradient', session), session);
}

/** J = ∂vec(F)/∂vec(X)ᵀ (|F| × |X|, column-major vec): for vectors the usual Jacobian. */
export function jacobian(text: string, wrt: string, options: DerivativeOptions = {}): DerivativeResult {
  const r = request('jacobian', text, wrt, options);
  const session = sessionOf(options);
  return guard(text, () => resultOf(derive(r), 'Jacobian', session), session);
}

/** H = ∂²f/∂vec(X)∂vec(X)ᵀ of a scalar f: the Jacobian of its gradient; with `wrt2`, the
 *  mixed ∂²f/∂vec(X)∂vec(Y)ᵀ (the Jacobian of ∂f/∂X w.r.t. Y). Both links are verified:
 *  the gradient against f, and H against the gradient. */
export function hessian(text: string, wrt: string, options: DerivativeOptions & { wrt2?: string } = {}): DerivativeResult {
  const r = request('hessian', text, wrt, options);
  const session = sessionOf(options);
  return guard(text, () => resultOf(derive(r), 'Hessian', session), session);
}

/** df: the differential of an expression w.r.t. a symbol, with d(X) for the variable. */
export function differential(text: string, wrt: string, options: Options = {}): { text: string; unicode: string; latex: string; expr: Expr } {
  requireText('differential', 'the expression', text);
  requireText('differential', 'the variable', wrt);
  requireOptions('differential', options);
  return guard(text, () => {
    const { df } = differentialOf(text, wrt, options.where);
    return { text: render(df, 'text', { share: true }), unicode: render(df, 'unicode', { share: true }), latex: render(df, 'latex', { share: true }), expr: df };
  }, sessionOf(options));
}

export interface CheckOptions extends Options {
  /** What CLAIM claims to be: the gradient (default), the Jacobian or the Hessian. */
  kind?: 'grad' | 'jacobian' | 'hessian';
  seed?: number;
  /** How expressions inside the diagnosis are written: 'text' (default) or 'unicode'. */
  style?: 'text' | 'unicode';
  /** A gradient claim's layout: 'denominator' (default), 'numerator', or 'auto' (right in
   *  either; `layout: 'numerator'` in the result says which). */
  layout?: ClaimLayout;
}

/** Whether `claim` is the derivative of `text` w.r.t. `wrt`; if not, why. */
export function check(text: string, wrt: string, claim: string, options: CheckOptions = {}): CheckResult {
  requireText('check', 'the expression', text);
  requireText('check', 'the variable', wrt);
  requireText('check', 'the claim', claim);
  requireOptions('check', options);
  return guard(`${text} ; ${claim}`, () => checkInLayout(text, variableName(wrt), claim, options.where, options.seed ?? 1, options.kind ?? 'grad', options.style ?? 'text', options.layout ?? 'denominator'), sessionOf(options));
}
