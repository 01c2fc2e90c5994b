// The one pipeline: text → typed expression → differential → derivative → simplified →
// verified → printed, as one record with each stage's output, the steps, every pass's stop
// reason, the notes a reader needs and the time each stage took. The library, the CLI,
// `check` and the benchmark are thin callers; nothing else composes these stages.

import { type Gradient, gradient, type Layout, type Structure, type SymmetricConvention } from './calculus/gradient.js';
import { jacobian } from './calculus/jacobian.js';
import { differentiate } from './calculus/differential.js';
import { MatcalcError } from './errors.js';
import * as C from './expr/construct.js';
import { productDim, shapeText } from './expr/dims.js';
import { type Expr, postOrder } from './expr/node.js';
import { declarationsOf, parseExpression, variableName } from './expr/parse.js';
import { GREEK } from '../grammar/names.js';
import { evaluationCost, MAX_EVALUATION_COST, SKIPPED, type Verification, verifyGradient, verifyJacobian } from './numeric/verify.js';
import { dimsOf, drawSizes } from './numeric/random.js';
import { renderResult, resultForms } from './print/readback.js';
import { gradientSteps, jacobianSteps, type StepLine } from './print/steps.js';
import { DEFAULT_LIMITS, type Limits, type RunReport, type Step, type StopReason } from './rewrite/run.js';
import { simplify } from './simplify/simplify.js';
import { clock } from './limits.js';

export type DerivativeKind = 'grad' | 'jacobian' | 'hessian';

export interface DeriveRequest {
  readonly kind: DerivativeKind;
  readonly text: string;
  readonly wrt: string;
  /** For a mixed Hessian ∂²f/∂X∂Y: the second variable. */
  readonly wrt2?: string | undefined;
  readonly where?: string | undefined;
  readonly verify?: boolean | undefined;
  readonly layout?: Layout | undefined;
  readonly symmetricConvention?: SymmetricConvention | undefined;
  readonly seed?: number | undefined;
  /** Limits of every pass (rule applications, new nodes, milliseconds), and of
   *  simplification alone if given; defaults otherwise. */
  readonly limits?: PassLimits | undefined;
  /** 'latex' or 'text'; by default LaTeX when the text holds a backslash command. */
  readonly syntax?: 'text' | 'latex' | undefined;
}

/** A pass that stopped before it finished (a limit), and what that means for the result. */
export interface Stop {
  readonly pass: string;
  readonly reason: StopReason;
}

export type PassLimits = Partial<Limits> & { readonly simplification?: Partial<Limits> };

export interface StageTimes {
  readonly parse: number;
  readonly derive: number;
  readonly simplify: number;
  readonly verify: number;
  readonly print: number;
}

/** The derivative of f as derived, before and after simplification. */
export interface Derived {
  readonly df: Expr;
  /** As the calculus gives it. */
  readonly raw: Expr;
  /** Simplified: the result. */
  readonly result: Expr;
  /** For a Hessian: the (simplified) gradient whose Jacobian it is. */
  readonly gradient?: Expr;
  readonly convention?: SymmetricConvention;
  /** For a variable declared diagonal or orthogonal: what the gradient is on it. */
  readonly structure?: Structure;
  readonly stops: readonly Stop[];
  /** What every pass did: its rule applications (per rule) and why it stopped. */
  readonly reports: readonly RunReport[];
  /** Milliseconds: the calculus (differential, isolation or Jacobian) and simplification. */
  readonly timing: { readonly derive: number; readonly simplify: number };
  steps(): readonly StepLine[];
}

export interface Derivation extends Derived {
  readonly request: DeriveRequest;
  readonly f: Expr;
  readonly symbols: ReadonlyMap<string, Expr>;
  /** The variable of the result (for a mixed Hessian the second one). */
  readonly x: Expr;
  /** The first variable (a Hessian's gradient is taken w.r.t. it). */
  readonly first: Expr;
  readonly layout: Layout;
  readonly verification: Verification;
  /** One line each: conventions applied, passes that stopped early. */
  readonly notes: readonly string[];
  readonly text: string;
  readonly unicode: string;
  readonly latex: string;
  readonly times: StageTimes;
}

/** The variable's symbol node: a symbol of the expression, or one only declared with its
 *  full shape (f does not depend on it: the derivative is the zero of its shape). */
export function variableOf(symbols: ReadonlyMap<string, Expr>, wrt: string, declaredOnly: ReadonlyMap<string, Expr> = new Map()): Expr {
  const name = variableName(wrt);
  const x = symbols.get(name) ?? declaredOnly.get(name);
  if (!x) {
    const known = [...symbols.keys()].join(', ') || 'none';
    throw new MatcalcError('value', `the variable ${wrt} does not occur in the expression (its symbols: ${known}); declare its shape (--where "${name}: …") for the zero derivative`);
  }
  return x;
}

const stopsOf = (reports: readonly RunReport[]): Stop[] => reports.filter((r) => r.stop !== 'saturated').map((r) => ({ pass: r.pass, reason: r.stop }));

/** The derivation stage alone (f and its variables already built): what `check` needs. */
export function derivativeOf(kind: DerivativeKind, f: Expr, first: Expr, x: Expr = first, options: { layout?: Layout; symmetricConvention?: SymmetricConvention; limits?: PassLimits } = {}): Derived {
  const { simplification: ownLimits, ...every } = options.limits ?? {};
  const limits: Limits = { ...DEFAULT_LIMITS, ...every };
  const simplifyLimits: Limits = { ...limits, ...ownLimits };
  let simplifying = 0;
  const reports: RunReport[] = [];
  const simplifyTimed = (e: Expr, pass: string): Expr => {
    const start = clock();
    const simplified = simplify(e, simplifyLimits);
    simplifying += clock() - start;
    reports.push({ pass, stop: simplified.stop, steps: simplified.steps, counts: new Map() });
    return simplified.expr;
  };
  const start = clock();
  if (kind === 'grad') {
    const result: Gradient = gradient(f, x, { ...options, limits });
    reports.push(...result.reports);
    const simplified = simplifyTimed(result.gradient, 'simplification');
    const simplification = reports[reports.length - 1]!.steps;
    return {
      df: result.df, raw: result.gradient, result: simplified, reports, stops: stopsOf(reports),
      ...(result.convention ? { convention: result.convention } : {}),
      ...(result.structure ? { structure: result.structure } : {}),
      timing: { derive: clock() - start - simplifying, simplify: simplifying },
      steps: () => gradientSteps(result, simplified, simplification),
    };
  }
  let target = f;
  if (kind === 'hessian' && !C.isScalar(f)) {
    throw new MatcalcError('shape', `hessian needs a scalar expression, but this one is ${shapeText(f.shape)}; for vector or matrix expressions use jacobian`);
  }
  if (kind === 'hessian') {
    const g = gradient(f, first, { limits });
    reports.push(...g.reports);
    target = simplifyTimed(g.gradient, 'simplification of the gradient');
  }
  const computed = jacobian(target, x, limits);
  reports.push(...computed.reports);
  const simplified = simplifyTimed(computed.jacobian, 'simplification');
  const simplification = reports[reports.length - 1]!.steps;
  return {
    df: computed.df, raw: computed.jacobian, result: simplified, reports, stops: stopsOf(reports),
    ...(kind === 'hessian' ? { gradient: target } : {}),
    timing: { derive: clock() - start - simplifying, simplify: simplifying },
    steps: () => jacobianSteps(target, computed.df, computed.jacobian, simplified, computed.steps.isolation, simplification, computed.steps.differential),
  };
}

/** The worse of two verification reports (a Hessian's: its gradient's and its own). */
function worse(gradientCheck: Verification, hessianCheck: Verification): Verification {
  const rank = { failed: 3, unverifiable: 2, skipped: 1, verified: 0 } as const;
  const [worst, other] = rank[gradientCheck.status] > rank[hessianCheck.status] ? [gradientCheck, hessianCheck] : [hessianCheck, gradientCheck];
  const prefix = worst === gradientCheck && worst.status !== 'verified' ? 'the gradient the Hessian is taken of: ' : '';
  return { ...worst, maxRelError: Math.max(worst.maxRelError, other.maxRelError), ...(worst.reason ? { reason: prefix + worst.reason } : prefix ? { reason: `${prefix}finite differences disagree (max rel. error ${worst.maxRelError.toExponential(1)})` } : {}) };
}

export function verifyDerivation(kind: DerivativeKind, f: Expr, first: Expr, x: Expr, derived: Derived, layout: Layout, seed: number): Verification {
  if (kind === 'grad') {
    // G is verified in denominator layout, as the symmetric part when x is symmetric.
    let checked = layout === 'numerator' ? C.transpose(derived.result) : derived.result;
    if (derived.convention === 'entries') checked = C.multiply(C.number(0.5), C.add(checked, C.hadamard(checked, C.identity(x.shape.rows))));
    return verifyGradient(f, x, checked, { seed, derivedSymbolically: true });
  }
  if (kind === 'jacobian') return verifyJacobian(f, x, derived.result, { seed, derivedSymbolically: true });
  // The Hessian is the Jacobian of the gradient: both links are checked, the gradient
  // against f (as grad does) and H against the gradient.
  const gradientCheck = verifyGradient(f, first, derived.gradient!, { seed, derivedSymbolically: true });
  return worse(gradientCheck, verifyJacobian(derived.gradient!, x, derived.result, { seed, derivedSymbolically: true }));
}

const MAX_CONVENTION_CHECKS = 6;
const MAX_CONVENTION_TEXT = 4_000;

/** A Greek letter the letter convention made a scalar, where the text would also read — with
 *  f still a scalar for a gradient — with it a vector: a guess that changes the answer, so it
 *  is said (as `grad "||x - mu||^2" mu` once answered for a scalar μ without a word). */
function conventionNote(request: DeriveRequest, v: Expr): string[] {
  const head = v.name.split('_')[0]!;
  if (!GREEK.has(head) || !C.isScalar(v) || declarationsOf(request.where).some((d) => d.name === v.name)) return [];
  try {
    const other = parseExpression(request.text, { where: [request.where, `${v.name}: vector`].filter((w) => w !== undefined && w.trim() !== '').join('; '), syntax: request.syntax });
    if (request.kind !== 'jacobian' && !C.isScalar(other.expr)) return []; // a gradient needs a scalar f
  } catch (error) {
    if (error instanceof MatcalcError) return []; // only a scalar fits
    throw error;
  }
  const letter = `${GREEK.get(head)}${v.name.slice(head.length)}`;
  return [`${letter} read as a scalar by the letter convention; a vector would also fit (declare ${v.name}: vector for that reading)`];
}

/**
 * Verification where it is affordable: at the declared sizes when one evaluation there is
 * cheap; otherwise — declared 999×999 — at small sizes, if the result is generic in them:
 * derived again with each declared number read as a size name, it must be the same
 * expression once the names are numbers again (a size folded into the result, as 1/20 in
 * the gradient of mean(x) with x: 20, makes it size-specific). Size-specific and large:
 * the verifier says it is too large to check.
 */
function verifyAtSizes(request: DeriveRequest, f: Expr, first: Expr, x: Expr, derived: Derived, layout: Layout): { verification: Verification; note?: string } {
  const seed = request.seed ?? 1;
  const asDeclared = (): { verification: Verification } => ({ verification: verifyDerivation(request.kind, f, first, x, derived, layout, seed) });
  const roots = [f, derived.result, ...(derived.gradient ? [derived.gradient] : [])];
  const cost = evaluationCost(roots, drawSizes(roots.flatMap(dimsOf)));
  if (cost <= MAX_EVALUATION_COST) return asDeclared();
  const numbers = new Set(roots.flatMap((root) => postOrder(root)).filter((e) => ['symbol', 'identity', 'ones', 'zero'].includes(e.op))
    .flatMap((e) => [e.shape.rows, e.shape.cols]).flatMap((d) => d.split('·')).filter((p) => /^\d+$/.test(p) && p !== '1'));
  if (numbers.size === 0) return asDeclared();
  const names = new Map([...numbers].map((n) => [n, `#${n}`]));
  const back = (dim: string): string => productDim(dim.split('·').map((p) => (p.startsWith('#') ? p.slice(1) : p)));
  let generic: { f: Expr; first: Expr; x: Expr; derived: Derived } | undefined;
  try {
    const built = parseExpression(request.text, { where: request.where, sizeNames: names, syntax: request.syntax });
    const genericFirst = variableOf(built.symbols, request.wrt, built.declaredOnly);
    const genericX = request.wrt2 !== undefined ? variableOf(built.symbols, request.wrt2, built.declaredOnly) : genericFirst;
    const again = derivativeOf(request.kind, built.expr, genericFirst, genericX, {
      layout, ...(request.symmetricConvention ? { symmetricConvention: request.symmetricConvention } : {}), ...(request.limits ? { limits: request.limits } : {}),
    });
    const same = (a: Expr | undefined, b: Expr | undefined): boolean => (a === undefined ? b === undefined : b !== undefined && C.withDims(a, back) === b);
    if (same(built.expr, f) && same(again.result, derived.result) && same(again.gradient, derived.gradient)) generic = { f: built.expr, first: genericFirst, x: genericX, derived: again };
  } catch (error) {
    if (!(error instanceof MatcalcError) || error.kind === 'internal') throw error;
  }
  if (!generic) return asDeclared();
  const verification = verifyDerivation(request.kind, generic.f, generic.first, generic.x, generic.derived, layout, seed);
  const list = [...numbers].join(', ');
  return { verification, note: `checked at small sizes in place of ${list}: derived with ${numbers.size > 1 ? 'those sizes' : 'that size'} as ${numbers.size > 1 ? 'names' : 'a name'}, the result is the same expression (at the declared sizes one evaluation costs about ${cost.toExponential(1)} multiply-adds)` };
}

function notesOf(derived: Derived, x: Expr): string[] {
  const notes: string[] = [];
  if (derived.convention === 'symmetric') notes.push(`${x.name} is symmetric: this is the gradient for the trace inner product on symmetric matrices, (G + Gᵀ)/2`);
  if (derived.convention === 'entries') notes.push(`${x.name} is symmetric: this is the Matrix Cookbook's entrywise form G + Gᵀ − G∘I`);
  if (derived.structure === 'diagonal') notes.push(`${x.name} is diagonal: this is the gradient on diagonal matrices, G ∘ I (only the diagonal entries are free)`);
  if (derived.structure === 'orthogonal') notes.push(`${x.name} is orthogonal: this is the Euclidean gradient, which does not use the constraint (on the orthogonal group the Riemannian gradient is ${x.name}·skew(${x.name}ᵀG), skew(M) = (M − Mᵀ)/2)`);
  for (const stop of derived.stops) {
    const limit = stop.reason === 'step-limit' ? 'its step limit' : stop.reason === 'time-limit' ? 'its time limit' : 'its node limit';
    notes.push(`${stop.pass} stopped at ${limit}; the result is correct but may not be in simplest form`);
  }
  return notes;
}

export function derive(request: DeriveRequest): Derivation {
  const t0 = clock();
  const { expr: f, symbols, declaredOnly, notes: readingNotes = [] } = parseExpression(request.text, { where: request.where, syntax: request.syntax });
  const first = variableOf(symbols, request.wrt, declaredOnly);
  const x = request.wrt2 !== undefined ? variableOf(symbols, request.wrt2, declaredOnly) : first;
  const layout: Layout = request.kind === 'grad' ? request.layout ?? 'denominator' : 'numerator';
  // Every Greek letter of f left a scalar (a few: each is one more reading of the text).
  const greek = [first, x, ...symbols.values()].filter((v, i, all) => all.indexOf(v) === i && GREEK.has(v.name.split('_')[0]!) && C.isScalar(v));
  // (Each check reads the text again: for long inputs they would cost more than the derivation.)
  const conventionNotes = greek.length <= MAX_CONVENTION_CHECKS && request.text.length <= MAX_CONVENTION_TEXT ? greek.flatMap((v) => conventionNote(request, v)) : [];
  const t1 = clock();
  let derived: Derived;
  try {
    derived = derivativeOf(request.kind, f, first, x, {
      layout, ...(request.symmetricConvention ? { symmetricConvention: request.symmetricConvention } : {}), ...(request.limits ? { limits: request.limits } : {}),
    });
  } catch (error) {
    // What the reading guessed is often why the expression is not what was meant (1/2n as
    // (1/2)·n with n a vector): say it where the derivation fails.
    if (error instanceof MatcalcError && error.kind === 'shape' && readingNotes.length > 0 && error.expected === undefined) {
      throw new MatcalcError(error.kind, error.message, { ...(error.span ? { span: error.span } : {}), ...(error.source ? { source: error.source } : {}), expected: readingNotes.join('; ') });
    }
    // The input read without one, so a rule divided by a part of f that is identically zero
    // (‖X‖ of an X that cancels to 0): the derivative has no closed form here.
    if (error instanceof MatcalcError && error.message === C.DIVISION_BY_ZERO) {
      throw new MatcalcError('unsupported', 'the derivative divides by zero: a rule divides by a part of the expression that is identically zero (the norm of something that cancels, a log of 0, …)', {
        expected: 'write the expression without the part that vanishes',
      });
    }
    throw error;
  }
  const t2 = clock();
  const { verification: checked, note: sizeNote } = request.verify === false ? { verification: SKIPPED } : verifyAtSizes(request, f, first, x, derived, layout);
  const t3 = clock();
  // The variable is among the symbols the text may declare, even when f does not hold it.
  const all = [...symbols.values(), ...[first, x].filter((v) => !symbols.has(v.name))];
  const forms = resultForms(derived.result, all, request.where);
  const t4 = clock();
  let unicode: string | undefined;
  let latex: string | undefined;
  return {
    ...derived,
    request, f, symbols, x, first, layout,
    verification: checked,
    notes: [...readingNotes, ...conventionNotes, ...(symbols.has(first.name) && symbols.has(x.name) ? [] : [`f does not depend on ${symbols.has(first.name) ? x.name : first.name}: the derivative is zero`]), ...notesOf(derived, x), ...(sizeNote ? [sizeNote] : [])],
    text: forms.text,
    // Unicode and LaTeX are rendered when read: on a large result they cost more than the derivation.
    get unicode() {
      return (unicode ??= renderResult(derived.result, 'unicode', forms));
    },
    get latex() {
      return (latex ??= renderResult(derived.result, 'latex', forms));
    },
    times: { parse: t1 - t0, derive: derived.timing.derive, simplify: derived.timing.simplify, verify: t3 - t2, print: t4 - t3 },
  };
}

/** df alone, with d(X) for the variable. */
export function differentialOf(text: string, wrt: string, where?: string): { readonly df: Expr; readonly steps: readonly Step[] } {
  const { expr, symbols } = parseExpression(text, { where });
  return differentiate(expr, variableOf(symbols, wrt));
}
