// What the page asks the worker and what the worker answers: plain data both ways (it is
// structured-cloned across the thread boundary). The page owns the inputs and the display;
// the worker owns all the mathematics (it alone loads the library).

export type Operation = 'grad' | 'diff' | 'jacobian' | 'hessian' | 'check';
export const OPERATIONS: readonly Operation[] = ['grad', 'diff', 'jacobian', 'hessian', 'check'];
export type ClaimKind = 'grad' | 'jacobian' | 'hessian';

/** The inputs of one derivation: exactly what the URL fragment holds. */
export interface State {
  readonly f: string;
  readonly wrt: string;
  readonly where: string;
  readonly op: Operation;
  /** op 'check': the claimed derivative, and what it claims to be. */
  readonly claim: string;
  readonly kind: ClaimKind;
  readonly steps: boolean;
  readonly layout: 'denominator' | 'numerator';
  readonly convention: 'symmetric' | 'entries';
}

export interface Job {
  readonly id: number;
  readonly state: State;
  /** Seconds the library may spend (the page also stops the worker at its own deadline). */
  readonly timeLimit: number;
}

/** Which input an error's position points into. */
export type Field = 'f' | 'wrt' | 'where' | 'claim';

export interface ErrorAnswer {
  readonly kind: string;
  readonly message: string;
  readonly expected?: string;
  /** The input the span is in, and the span in that input's own text. */
  readonly field?: Field;
  readonly span?: { readonly start: number; readonly end: number };
  /** With kind 'verification': the failed report's line. */
  readonly verification?: string;
}

export interface CheckAnswer {
  readonly verdict: 'correct' | 'incorrect' | 'undecided';
  readonly decidedBy: 'symbolic' | 'numeric';
  readonly diagnosis: string;
  readonly truthLatex: string;
  readonly truthText: string;
  readonly layout?: 'numerator';
  readonly counterexample?: {
    readonly sizes: string;
    readonly seed: number;
    readonly deviation: number;
    /** The point as JSON, one symbol per line. */
    readonly point: string;
  };
  readonly verification?: string;
}

export interface Answer {
  readonly id: number;
  readonly op: Operation;
  readonly milliseconds: number;
  readonly error?: ErrorAnswer;
  /** The result (op other than check). */
  readonly text?: string;
  readonly latex?: string;
  /** The verification line, as the CLI prints it, and its status. */
  readonly verification?: { readonly status: string; readonly line: string };
  readonly notes?: readonly string[];
  /** The derivation as a typeset align* block. */
  readonly steps?: string;
  /** Generated code by target (grad, jacobian, hessian), or why it could not be written. */
  readonly code?: Readonly<Record<'numpy' | 'torch' | 'ts', string>>;
  readonly check?: CheckAnswer;
}

/** The line under a differential, which is printed as derived (not checked numerically). */
export const DIFFERENTIAL_UNVERIFIED = 'not verified: a differential is printed as derived (gradients, Jacobians and Hessians are checked against finite differences)';

export const DEFAULT_STATE: State = { f: '', wrt: '', where: '', op: 'grad', claim: '', kind: 'grad', steps: false, layout: 'denominator', convention: 'symmetric' };

// The fragment holds each input as a URL-encoded parameter, e.g. `#f=x'Ax&wrt=x`. Each value
// is decoded with decodeURIComponent, never as a form (where `+` means a space: `#f=a+b` is
// a + b, as a person writing the link means).

export function stateToFragment(state: State): string {
  const parts: string[] = [`f=${encode(state.f)}`, `wrt=${encode(state.wrt)}`];
  if (state.where !== '') parts.push(`where=${encode(state.where)}`);
  if (state.op !== 'grad') parts.push(`op=${state.op}`);
  if (state.op === 'check') {
    parts.push(`claim=${encode(state.claim)}`);
    if (state.kind !== 'grad') parts.push(`kind=${state.kind}`);
  }
  if (state.steps) parts.push('steps=1');
  if (state.layout !== 'denominator') parts.push(`layout=${state.layout}`);
  if (state.convention !== 'symmetric') parts.push(`convention=${state.convention}`);
  return parts.join('&');
}

/** The state a fragment describes (defaults for what it leaves out; unknown keys ignored),
 *  and the time limit it may set (`timeout`, seconds). */
export function fragmentToState(fragment: string): { state: State; timeout?: number } {
  const values = new Map<string, string>();
  for (const part of fragment.replace(/^#/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    values.set(key, decode(eq < 0 ? '' : part.slice(eq + 1)));
  }
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = values.get(key);
    return v !== undefined && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
  };
  const state: State = {
    f: values.get('f') ?? '',
    wrt: values.get('wrt') ?? '',
    where: values.get('where') ?? '',
    op: pick('op', OPERATIONS, 'grad'),
    claim: values.get('claim') ?? '',
    kind: pick('kind', ['grad', 'jacobian', 'hessian'], 'grad'),
    steps: values.get('steps') === '1' || values.get('steps') === 'true',
    layout: pick('layout', ['denominator', 'numerator'], 'denominator'),
    convention: pick('convention', ['symmetric', 'entries'], 'symmetric'),
  };
  const timeout = Number(values.get('timeout'));
  return values.has('timeout') && timeout > 0 && Number.isFinite(timeout) ? { state, timeout } : { state };
}

/** encodeURIComponent, keeping readable the characters a fragment may hold as they are. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/%(2C|3A|3B|40|2F|3F)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A stray % (typed by hand): read the text as it stands.
    return text;
  }
}
