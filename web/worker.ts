// The page's worker: it alone loads the library and does the mathematics, so a long
// derivation never blocks the page (which stops and replaces this worker at its deadline).
// It answers each Job with one Answer of plain data.

import { check, CODE_TARGETS, describeVerification, differential, grad, hessian, jacobian, MatcalcError, Session, stepsLatex, type DerivativeResult } from '../src/index.js';
import { type Answer, type CheckAnswer, DIFFERENTIAL_UNVERIFIED, type ErrorAnswer, type Field, type Job, type State } from './protocol.js';

const scope = self as unknown as { onmessage: ((event: { data: Job }) => void) | null; postMessage(answer: Answer | 'ready'): void };

scope.onmessage = (event) => {
  const { id, state, timeLimit } = event.data;
  const started = performance.now();
  let answer: Omit<Answer, 'id' | 'op' | 'milliseconds'>;
  try {
    answer = run(state, new Session({ timeLimit }));
  } catch (error) {
    answer = { error: errorAnswer(error, state) };
  }
  scope.postMessage({ id, op: state.op, milliseconds: performance.now() - started, ...answer });
};
// The library is loaded (this module's imports ran): the page starts its clock from here.
scope.postMessage('ready');

function run(state: State, session: Session): Omit<Answer, 'id' | 'op' | 'milliseconds'> {
  const where = state.where.trim() === '' ? {} : { where: state.where };
  switch (state.op) {
    case 'diff': {
      const d = differential(state.f, state.wrt, { ...where, session });
      // The CLI's diff is not verified either: say so rather than show nothing.
      return { text: d.text, latex: d.latex, notes: [], verification: { status: 'skipped', line: DIFFERENTIAL_UNVERIFIED } };
    }
    case 'check':
      return { check: checkAnswer(state, session) };
    default: {
      const options = { ...where, session, layout: state.layout, symmetricConvention: state.convention };
      const result = state.op === 'grad' ? grad(state.f, state.wrt, options) : state.op === 'jacobian' ? jacobian(state.f, state.wrt, { ...where, session }) : hessian(state.f, state.wrt, { ...where, session });
      return {
        text: result.text,
        latex: result.latex,
        verification: { status: result.verification.status, line: describeVerification(result.verification) },
        notes: result.notes,
        ...(state.steps ? { steps: stepsLatex(result.steps, result.wrt) } : {}),
        code: codeOf(result),
      };
    }
  }
}

/** Every target's code; a target that cannot be written says why, in a comment of its own. */
function codeOf(result: DerivativeResult): Record<'numpy' | 'torch' | 'ts', string> {
  const code = {} as Record<'numpy' | 'torch' | 'ts', string>;
  for (const target of CODE_TARGETS) {
    try {
      code[target] = result.code(target);
    } catch (error) {
      code[target] = `${target === 'ts' ? '//' : '#'} no ${target} code: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return code;
}

function checkAnswer(state: State, session: Session): CheckAnswer {
  const where = state.where.trim() === '' ? {} : { where: state.where };
  const r = check(state.f, state.wrt, state.claim, { ...where, session, kind: state.kind, ...(state.kind === 'grad' ? { layout: 'auto' as const } : {}) });
  const c = r.counterexample;
  return {
    verdict: r.verdict,
    decidedBy: r.decidedBy,
    diagnosis: r.diagnosis.message,
    truthLatex: r.truthLatex,
    truthText: r.truth,
    ...(r.layout ? { layout: r.layout } : {}),
    ...(c ? {
      counterexample: {
        sizes: Object.entries(c.sizes).map(([d, n]) => `${d}=${n}`).join(', '),
        seed: c.seed,
        deviation: c.deviation,
        point: [...Object.entries(c.point).map(([name, value]) => `${name} = ${short(value)}`), `claim → ${short(c.claim)}`, `truth → ${short(c.truth)}`].join('\n'),
      },
    } : {}),
    ...(r.verification ? { verification: describeVerification(r.verification) } : {}),
  };
}

/** A value as JSON with 6 significant digits (the page shows the point; the CLI's JSON has all). */
function short(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v));
}

/** A MatcalcError as the page shows it: which input its position is in. Anything else is a
 *  bug of ours (the library throws only MatcalcError), said so. */
function errorAnswer(error: unknown, state: State): ErrorAnswer {
  if (!(error instanceof MatcalcError)) {
    return { kind: 'internal', message: `internal error — this is a bug in matcalc (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})` };
  }
  const base = { kind: error.kind, message: error.message, ...(error.expected ? { expected: error.expected } : {}), ...(error.kind === 'verification' ? { verification: describeVerification(error.report as Parameters<typeof describeVerification>[0]) } : {}) };
  const located = locate(error, state);
  return located ? { ...base, ...located } : base;
}

function locate(error: MatcalcError, state: State): { field: Field; span: { start: number; end: number } } | undefined {
  const span = error.span;
  if (!span || error.source === undefined) return undefined;
  const fields: [Field, string][] = [['f', state.f], ['claim', state.claim], ['where', state.where], ['wrt', state.wrt]];
  for (const [field, text] of fields) if (text !== '' && error.source === text) return { field, span: { start: span.start, end: span.end } };
  // check reports positions in "f ; claim".
  const joined = `${state.f} ; ${state.claim}`;
  if (state.op === 'check' && error.source === joined) {
    const offset = state.f.length + 3;
    return span.start >= offset ? { field: 'claim', span: { start: span.start - offset, end: span.end - offset } } : { field: 'f', span: { start: span.start, end: Math.min(span.end, state.f.length) } };
  }
  return undefined;
}
