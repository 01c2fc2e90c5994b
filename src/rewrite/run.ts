// A run is a value (egg's Runner): every pass that applies rules — differentiation,
// isolation, Jacobians, the preparation pass, simplification — does so through a Run,
// which holds the pass's limits (steps, new nodes, time), records each application as a
// step, counts applications per rule, and says why the pass stopped. Domain-free.

import { MatcalcError } from '../errors.js';
import { type Expr, internedSince, internMark } from '../expr/node.js';
import type { Rule } from './rule.js';

export interface Step {
  readonly rule: string;
  readonly before: Expr;
  readonly after: Expr;
}

export interface Limits {
  /** Rule applications at most. */
  readonly steps: number;
  /** New nodes the pass may create. */
  readonly nodes: number;
  /** Wall-clock budget in milliseconds. */
  readonly milliseconds: number;
}

export type StopReason = 'saturated' | 'step-limit' | 'node-limit' | 'time-limit';

export const DEFAULT_LIMITS: Limits = { steps: 1_000_000, nodes: 20_000_000, milliseconds: 60_000 };

/** What a finished pass reports. */
export interface RunReport {
  readonly pass: string;
  readonly stop: StopReason;
  readonly steps: readonly Step[];
  /** Applications per rule name. */
  readonly counts: ReadonlyMap<string, number>;
}

export class Run {
  readonly steps: Step[] = [];
  readonly counts = new Map<string, number>();
  private reason: StopReason = 'saturated';
  private readonly deadline: number;
  private readonly mark = internMark();

  constructor(readonly pass: string, readonly limits: Limits = DEFAULT_LIMITS) {
    this.deadline = Date.now() + limits.milliseconds;
  }

  get stop(): StopReason {
    return this.reason;
  }

  /** Records one application of a rule. */
  record(rule: Rule | string, before: Expr, after: Expr): void {
    const name = typeof rule === 'string' ? rule : rule.name;
    this.steps.push({ rule: name, before, after });
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  /** Whether a limit is reached (and which, from then on in `stop`). Cheap: the clock is
   *  read every 256 steps. */
  exhausted(): boolean {
    if (this.reason !== 'saturated') return true;
    if (this.steps.length >= this.limits.steps) this.reason = 'step-limit';
    else if (internedSince(this.mark) > this.limits.nodes) this.reason = 'node-limit';
    else if ((this.steps.length & 255) === 0 && Date.now() > this.deadline) this.reason = 'time-limit';
    return this.reason !== 'saturated';
  }

  /** For passes whose partial result would be wrong (a differential, a gradient): a limit
   *  reached is an error that says which pass and which limit. */
  require(): void {
    if (!this.exhausted()) return;
    const limit = this.reason === 'step-limit' ? `${this.limits.steps} rule applications` : this.reason === 'node-limit' ? `${this.limits.nodes} new nodes` : `${this.limits.milliseconds / 1000} s`;
    throw new MatcalcError('limit', `${this.pass} stopped at its limit of ${limit}`, { expected: 'a smaller expression, or more time with --timeout SECONDS' });
  }

  report(): RunReport {
    return { pass: this.pass, stop: this.reason, steps: this.steps, counts: this.counts };
  }
}
