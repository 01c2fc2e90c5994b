// Is CLAIM the gradient of f w.r.t. x? Decided symbolically (equal canonical forms) or
// numerically (finite differences); when it is not, the usual mistakes are tried in turn
// and named: the transpose (layout), a constant factor, a sign, right only for a
// symmetric matrix, a missing or extra term, a shape no derivative of x can have.

import type { Declaration } from '../../grammar/declarations.js';
import type { Ast } from '../../grammar/ast.js';
import { parseLatex } from '../../grammar/latex.js';
import { parseAst } from '../../grammar/parser.js';
import { MatcalcError } from '../errors.js';
import { buildExpressions } from '../expr/build.js';
import { buildWithKindsFromUse, declarationsOf, kindDeclarations, syntaxOf } from '../expr/parse.js';
import * as C from '../expr/construct.js';
import { findDim, shapeText } from '../expr/dims.js';
import { type Expr, SYMMETRIC } from '../expr/node.js';
import { evaluateExpr } from '../numeric/evaluate.js';
import * as L from '../numeric/linalg.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random, symbolsOf } from '../numeric/random.js';
import { renderResult, resultForms } from '../print/readback.js';
import { toPlain, type PlainValue } from '../numeric/values.js';
import { type Verification, verifyGradient, verifyJacobian } from '../numeric/verify.js';
import { derivativeOf } from '../derive.js';
import { render } from '../print/render.js';
import { cost } from '../simplify/cost.js';
import { simplify } from '../simplify/simplify.js';

export type DiagnosisKind = 'correct' | 'transpose' | 'factor' | 'sign' | 'symmetric-only' | 'missing-term' | 'shape' | 'undecided' | 'other';

export interface Counterexample {
  readonly sizes: Readonly<Record<string, number>>;
  readonly seed: number;
  /** The values of every symbol at the point. */
  readonly point: Readonly<Record<string, PlainValue>>;
  readonly claim: PlainValue;
  readonly truth: PlainValue;
  /** The largest entry of |claim − truth| there. */
  readonly deviation: number;
}

export interface CheckResult {
  /** 'undecided' when no informative evidence could be had (too large to evaluate, no point
   *  in the domain, only kinks): never reported as correct or as incorrect. */
  readonly verdict: 'correct' | 'incorrect' | 'undecided';
  /** verdict === 'correct'. */
  readonly correct: boolean;
  readonly decidedBy: 'symbolic' | 'numeric';
  readonly diagnosis: { readonly kind: DiagnosisKind; readonly message: string };
  /** The right gradient, canonical text and LaTeX. */
  readonly truth: string;
  readonly truthLatex: string;
  readonly truthUnicode: string;
  readonly counterexample?: Counterexample;
  readonly verification?: Verification;
  /** Set when the claim was read as ∂f/∂x in numerator layout (a row; see checkInLayout). */
  readonly layout?: 'numerator';
}

export type CheckKind = 'grad' | 'jacobian' | 'hessian';

interface Context {
  readonly kind: CheckKind;
  readonly fText: string;
  readonly claimText: string;
  readonly wrt: string;
  readonly declarations: readonly Declaration[];
}

interface Built {
  readonly kind: CheckKind;
  /** What is differentiated: f, or for a Hessian the gradient of f. */
  readonly target: Expr;
  readonly f: Expr;
  readonly claim: Expr;
  readonly x: Expr;
  readonly truth: Expr;
}

/** f is read first and its shapes are final; the claim is then read against them (so a
 *  claim cannot change what f means). */
/** A text's syntax tree, in the text notation or (with a backslash command) LaTeX; what
 *  LaTeX's bold says about kinds comes back as declarations for names not declared. */
function readAst(text: string, declarations: readonly Declaration[]): { ast: Ast; kinds: Declaration[] } {
  if (syntaxOf(text, undefined) === 'text') return { ast: parseAst(text, { declared: declaredWords(declarations) }), kinds: [] };
  const reading = parseLatex(text);
  return { ast: reading.ast, kinds: kindDeclarations(reading.kinds, declarations) };
}

function build(context: Context, given = context.declarations): Built {
  const read = readAst(context.fText, given);
  const fAst = read.ast;
  const declarations = [...given, ...read.kinds];
  // Kinds from use as grad reads them (μ a vector in ‖x − μ‖²).
  const alone = buildWithKindsFromUse(fAst, context.fText, declarations, { kindsFromUse: true });
  const fixed: Declaration[] = [...alone.symbols.values()].map((s) => ({
    name: s.name,
    kind: C.isScalar(s) ? 'scalar' : C.isVector(s) ? 'vector' : 'matrix',
    rows: s.shape.rows,
    cols: s.shape.cols,
    properties: declarations.find((d) => d.name === s.name)?.properties ?? [],
  }));
  const all = [...declarations.filter((d) => !fixed.some((f) => f.name === d.name)), ...fixed];
  const source = `${context.fText} ; ${context.claimText}`;
  const claimRead = readAst(context.claimText, all);
  const claimAst = shiftSpans(claimRead.ast, context.fText.length + 3);
  all.push(...claimRead.kinds.filter((d) => !all.some((a) => a.name === d.name)));
  const variableAst = parseAst(context.wrt, { declared: declaredWords(all) });
  // The claim should have the variable's shape (or its transpose, numerator layout): ask
  // for that first, so that I and ones in it take their sizes; else read it as it is.
  let built: { exprs: Expr[]; symbols: ReadonlyMap<string, Expr> } | undefined;
  let lastError: unknown;
  const attempts = context.kind === 'grad' ? [[{ a: 1, b: 2 }], [{ a: 1, b: 2, transposed: true }], []] : [[]];
  for (const sameShapes of attempts) {
    try {
      built = buildExpressions([fAst, claimAst, variableAst], source, all, { sameShapes });
      break;
    } catch (error) {
      if (!(error instanceof MatcalcError && error.kind === 'shape')) throw error;
      lastError = error;
    }
  }
  if (!built) throw new ClaimShapeError((lastError as Error).message);
  const { exprs, symbols } = built;
  const x = symbols.get(context.wrt);
  if (!x) throw new MatcalcError('value', `the variable ${context.wrt} does not occur in the expression`);
  const [f, claim] = exprs as [Expr, Expr];
  if (context.kind !== 'jacobian' && !C.isScalar(f)) throw new MatcalcError('shape', `a ${context.kind === 'grad' ? 'gradient' : 'Hessian'} needs a scalar expression; this one is ${shapeText(f.shape)} (check it with --jacobian)`);
  // The truth comes from the one pipeline (src/derive.ts), as grad, jacobian and hessian give it.
  const derived = derivativeOf(context.kind, f, x);
  return { kind: context.kind, target: derived.gradient ?? f, f, claim, x, truth: derived.result };
}

/** The claim is not well typed under f's shapes: itself a diagnosis ('shape'). */
class ClaimShapeError extends Error {}

/** The claim's spans, moved to where it stands in the combined source "f ; claim". */
function shiftSpans<T>(node: T, by: number): T {
  if (Array.isArray(node)) return node.map((n) => shiftSpans(n, by)) as T;
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([key, value]) => {
    if (/^(span|nameSpan|operatorSpan)$/.test(key) && value && typeof value === 'object') {
      const span = value as { start: number; end: number };
      return [key, { start: span.start + by, end: span.end + by }];
    }
    return [key, shiftSpans(value, by)];
  });
  return Object.fromEntries(entries) as T;
}

function declaredWords(declarations: readonly Declaration[]): string[] {
  return declarations.map((d) => d.name).filter((n) => n.length > 1);
}

const sameShape = (a: Expr, b: Expr): boolean => findDim(a.shape.rows) === findDim(b.shape.rows) && findDim(a.shape.cols) === findDim(b.shape.cols);
const transposedShape = (a: Expr, b: Expr): boolean => findDim(a.shape.rows) === findDim(b.shape.cols) && findDim(a.shape.cols) === findDim(b.shape.rows);

/** Claim and truth on one random instance (all symbols of f, claim and truth). */
function sample(built: Built, seed: number, draw: number): { sizes: Map<string, number>; values: Map<string, L.Matrix>; claim: L.Matrix; truth: L.Matrix } | undefined {
  const symbols = [...new Map([...symbolsOf(built.f), ...symbolsOf(built.claim), ...symbolsOf(built.truth)].map((s) => [s.name, s])).values()];
  const sizes = drawSizes([...dimsOf(built.f), ...dimsOf(built.claim), ...dimsOf(built.truth)], draw);
  const needs = needsOf(built.f);
  for (let attempt = 0; attempt < 8; attempt++) {
    const random = new Random(seed + 7919 * draw + 104729 * attempt);
    const values = new Map(symbols.map((s) => [s.name, drawValue(s, sizes, random, needs)]));
    try {
      const claim = evaluateExpr(built.claim, values, sizes);
      const truth = evaluateExpr(built.truth, values, sizes);
      if (L.isFiniteMatrix(claim) && L.isFiniteMatrix(truth)) return { sizes, values, claim, truth };
    } catch {
      // outside the domain: draw again
    }
  }
  return undefined;
}

/** A point where claim and truth differ (by more than rounding), from the first draws that
 *  have one; none when no drawn point shows a difference. */
function counterexample(built: Built, seed: number): Counterexample | undefined {
  if (!sameShape(built.claim, built.truth)) return undefined;
  let point: ReturnType<typeof sample>;
  let deviation = 0;
  let used = seed;
  for (let draw = 0; draw < 8 && deviation === 0; draw++) {
    const trySeed = seed + draw * 15485863;
    const candidate = sample(built, trySeed, draw % 3);
    if (!candidate) continue;
    const gap = L.maxAbs(L.zip(candidate.claim, candidate.truth, (a, b) => a - b));
    if (gap > 1e-9 * Math.max(1, L.maxAbs(candidate.truth), L.maxAbs(candidate.claim))) [point, deviation, used] = [candidate, gap, trySeed];
  }
  if (!point) return undefined;
  const symbols = [...new Map([...symbolsOf(built.f), ...symbolsOf(built.claim)].map((s) => [s.name, s])).values()];
  return {
    sizes: Object.fromEntries(point.sizes),
    seed: used,
    point: Object.fromEntries(symbols.map((s) => [s.name, toPlain(point.values.get(s.name)!, s.shape)])),
    claim: toPlain(point.claim, built.claim.shape),
    truth: toPlain(point.truth, built.truth.shape),
    deviation,
  };
}

/** The constant c with claim = c·truth on every draw, if there is one. */
function constantRatio(built: Built, seed: number): number | undefined {
  let ratio: number | undefined;
  for (let draw = 0; draw < 3; draw++) {
    const point = sample(built, seed, draw);
    if (!point) return undefined;
    const dot = (a: L.Matrix, b: L.Matrix): number => a.flat().reduce((s, v, i) => s + v * b.flat()[i]!, 0);
    const tt = dot(point.truth, point.truth);
    if (tt === 0) return undefined;
    const c = dot(point.claim, point.truth) / tt;
    const residual = L.frobenius(L.zip(point.claim, point.truth, (a, b) => a - c * b));
    if (residual > 1e-8 * Math.max(1, L.frobenius(point.claim))) return undefined;
    if (ratio !== undefined && Math.abs(c - ratio) > 1e-8 * Math.max(1, Math.abs(ratio))) return undefined;
    ratio = c;
  }
  return ratio;
}

function formatNumber(c: number): string {
  return Number.isInteger(c) ? String(c) : String(Number(c.toPrecision(6)));
}

/** Checks the claim with the finite differences its kind calls for. */
function verifyClaim(built: Built, claim: Expr, seed: number): Verification {
  return built.kind === 'grad' ? verifyGradient(built.target, built.x, claim, { seed }) : verifyJacobian(built.target, built.x, claim, { seed });
}

const NOUNS: Record<CheckKind, string> = { grad: 'gradient', jacobian: 'Jacobian', hessian: 'Hessian' };

export function checkGradient(fText: string, wrt: string, claimText: string, where: string | undefined, seed = 1, kind: CheckKind = 'grad', style: 'text' | 'unicode' = 'text'): CheckResult {
  const context: Context = { kind, fText, claimText, wrt, declarations: declarationsOf(where) };
  // The truth as a result prints it: a text that reads back, sizes written where needed.
  // Expressions inside the messages are written in `style` (the CLI's --format unicode).
  const truthForms = (truth: Expr, f: Expr): { text: string; latex: string; unicode: string; shown: string } => {
    const forms = resultForms(truth, symbolsOf(f), where);
    const unicode = renderResult(truth, 'unicode', forms);
    return { text: forms.text, latex: renderResult(truth, 'latex', forms), unicode, shown: style === 'unicode' ? unicode : forms.text };
  };
  let built: Built;
  try {
    built = build(context);
  } catch (error) {
    if (!(error instanceof ClaimShapeError)) throw error;
    // Not even well typed where f gives the symbols their shapes.
    const fAlone = build({ ...context, claimText: '0' });
    const alone = truthForms(fAlone.truth, fAlone.f);
    return {
      verdict: 'incorrect',
      correct: false,
      decidedBy: 'symbolic',
      diagnosis: { kind: 'shape', message: `the claim does not fit the shapes of the expression (${error.message}); the ${NOUNS[kind]} is ${alone.shown}` },
      truth: alone.text,
      truthLatex: alone.latex,
      truthUnicode: alone.unicode,
    };
  }
  const { claim, x, truth, f } = built;
  const { text: canonical, latex: truthLatex, unicode: truthUnicode, shown: truthText } = truthForms(truth, f);
  const noun = NOUNS[kind];
  // What a right claim's shape is: the variable's for a gradient, |F|×|X| for a Jacobian.
  const expected = kind === 'grad' ? x : truth;
  const result = (correct: boolean, decidedBy: 'symbolic' | 'numeric', kind: DiagnosisKind, message: string, extra: Partial<CheckResult> = {}): CheckResult => ({
    verdict: correct ? 'correct' : kind === 'undecided' ? 'undecided' : 'incorrect',
    correct,
    decidedBy,
    diagnosis: { kind, message },
    truth: canonical,
    truthLatex,
    truthUnicode,
    ...extra,
  });

  // A shape that no derivative of x can have, or the transposed shape (layout).
  if (!sameShape(claim, expected) && !(C.isScalar(claim) && C.isScalar(expected))) {
    if (transposedShape(claim, expected)) {
      const flipped = verifyClaim(built, C.transpose(claim), seed);
      if (flipped.status === 'verified') {
        const layout = kind === 'grad' ? `it is ∂f/∂${wrt} in numerator layout (${shapeText(claim.shape)}); in denominator layout, the shape of ${wrt} (${shapeText(x.shape)}), it is ${truthText}` : `the ${noun} here is ∂vec(F)/∂vec(${wrt})ᵀ (${shapeText(truth.shape)}): ${truthText}`;
        return result(false, 'numeric', 'transpose', `the claim is the transpose of the ${noun}: ${layout}`, { verification: flipped });
      }
    }
    return result(false, 'symbolic', 'shape', kind === 'grad'
      ? `the claim is ${shapeText(claim.shape)}, but a derivative w.r.t. ${wrt} (${shapeText(x.shape)}) is ${shapeText(x.shape)} (or ${findDim(x.shape.cols)}×${findDim(x.shape.rows)} in numerator layout)`
      : `the claim is ${shapeText(claim.shape)}, but the ${noun} ∂vec(F)/∂vec(${wrt})ᵀ is ${shapeText(truth.shape)}`);
  }

  // Symbolically: the same canonical form, or a difference that simplifies to zero.
  const claimSimplified = simplify(claim).expr;
  if (claimSimplified === truth || C.isZero(simplify(C.subtract(claim, truth)).expr)) {
    return result(true, 'symbolic', 'correct', `the claim simplifies to the ${noun} ${truthText}`);
  }

  const verification = verifyClaim(built, claim, seed);
  if (verification.status === 'verified') {
    return result(true, 'numeric', 'correct', `the claim agrees with finite differences (max rel. error ${verification.maxRelError.toExponential(1)}); the simplified ${noun} is ${truthText}`, { verification });
  }
  if (verification.status === 'unverifiable') {
    return result(false, 'numeric', 'undecided', `${verification.reason ?? 'no point in the domain'}; the ${noun} is ${truthText}`, { verification });
  }
  const example = counterexample(built, seed);
  const withExample = { verification, ...(example ? { counterexample: example } : {}) };

  // The transpose of the right answer, for a square variable.
  if (!C.isScalar(expected) && findDim(expected.shape.rows) === findDim(expected.shape.cols)) {
    if (verifyClaim(built, C.transpose(claim), seed).status === 'verified') {
      return result(false, 'numeric', 'transpose', `the claim is the transpose of the ${noun} (numerator layout); in denominator layout it is ${truthText}`, withExample);
    }
  }
  // A constant factor or a sign.
  const ratio = constantRatio(built, seed);
  if (ratio !== undefined && Math.abs(ratio - 1) > 1e-9) {
    if (Math.abs(ratio + 1) < 1e-9) return result(false, 'numeric', 'sign', `the sign is wrong: the claim is −1 times the ${noun} ${truthText}`, withExample);
    return result(false, 'numeric', 'factor', `a constant factor is off: the claim is ${formatNumber(ratio)} times the ${noun} ${truthText}${Math.abs(ratio - 0.5) < 1e-9 ? ' (a missing 2?)' : ''}`, withExample);
  }
  // Right only when one of the matrices is symmetric.
  const candidates = symbolsOf(f).filter((s) => !C.isScalar(s) && !C.isVector(s) && findDim(s.shape.rows) === findDim(s.shape.cols) && !(s.props & SYMMETRIC) && s.name !== x.name);
  for (const symbol of candidates) {
    const assumed = withSymmetric(context.declarations, symbol);
    try {
      const rebuilt = build(context, assumed);
      if (verifyClaim(rebuilt, rebuilt.claim, seed).status === 'verified') {
        return result(false, 'numeric', 'symmetric-only', `right only when ${symbol.name} is symmetric (as the text may assume without saying); in general the ${noun} is ${truthText}`, withExample);
      }
    } catch {
      // the assumption does not fit this expression: try the next matrix
    }
  }
  // A missing or extra term: claim − truth in closed form.
  // Subtract term by term, so that like terms of the two sums cancel.
  const termsOf = (e: Expr): readonly Expr[] => (e.op === 'add' ? e.args : [e]);
  const difference = simplify(C.add(...termsOf(simplify(claim).expr), ...termsOf(truth).map(C.negate))).expr;
  if (cost(difference) <= Math.max(cost(claim), cost(truth))) {
    return result(false, 'numeric', 'missing-term', `a term is missing or extra: claim − ${noun} = ${render(difference, style)}; the ${noun} is ${truthText}`, withExample);
  }
  return result(false, 'numeric', 'other', `the claim disagrees with finite differences (max rel. error ${verification.maxRelError.toExponential(1)}); the ${noun} is ${truthText}`, withExample);
}

export type ClaimLayout = 'denominator' | 'numerator' | 'auto';

/** A gradient claim in a layout: `numerator` checks its transpose (∂f/∂x as a row), `auto`
 *  also accepts a claim that is exactly the numerator-layout form, as right in that layout
 *  (documents write either; a row-vector formula is not a mistake). Other kinds as given. */
export function checkInLayout(fText: string, wrt: string, claimText: string, where: string | undefined, seed: number, kind: CheckKind, style: 'text' | 'unicode', layout: ClaimLayout): CheckResult {
  const run = (claim: string): CheckResult => checkGradient(fText, wrt, claim, where, seed, kind, style);
  const transposed = (): string => (syntaxOf(claimText, undefined) === 'latex' ? `\\left(${claimText}\\right)^{\\top}` : `(${claimText})'`);
  if (kind !== 'grad' || layout === 'denominator') return run(claimText);
  if (layout === 'numerator') return { ...run(transposed()), layout: 'numerator' };
  const result = run(claimText);
  if (result.diagnosis.kind !== 'transpose') return result;
  const flipped = run(transposed());
  if (flipped.verdict !== 'correct') return result;
  return { ...flipped, layout: 'numerator', diagnosis: { kind: 'correct', message: `right in numerator layout (∂f/∂x as a row); in denominator layout it is ${flipped.truth}` } };
}

function withSymmetric(declarations: readonly Declaration[], symbol: Expr): Declaration[] {
  const existing = declarations.find((d) => d.name === symbol.name);
  const others = declarations.filter((d) => d.name !== symbol.name);
  const sizes = existing?.rows !== undefined ? { rows: existing.rows, cols: existing.rows } : {};
  return [...others, { name: symbol.name, kind: 'matrix', ...sizes, properties: [...(existing?.properties ?? []), 'symmetric'] }];
}
