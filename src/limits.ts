// The deadline for runaway work is the active session's (src/session.ts). Everything heavy
// builds nodes, so node creation checks the clock every few thousand nodes and stops the
// work with a MatcalcError('limit'); rewriting passes also have their own limits (src/rewrite/run.ts).

import { MatcalcError } from './errors.js';
import { currentSession } from './session.js';

/** Called on hot paths; cheap except every 4,096th call. */
export function checkDeadline(): void {
  const session = currentSession();
  if ((++session.ticks & 4095) !== 0 || session.deadline === Infinity) return;
  if (Date.now() > session.deadline) {
    throw new MatcalcError('limit', `stopped after the time limit of ${session.timeLimit} s`, { expected: 'give more time with --timeout SECONDS, or a smaller expression' });
  }
}

/** The same check, reading the clock now: for loops whose every step is heavy (a row of a
 *  large product, a step of an LU factorisation). */
export function checkDeadlineNow(): void {
  const session = currentSession();
  if (session.deadline !== Infinity && Date.now() > session.deadline) {
    throw new MatcalcError('limit', `stopped after the time limit of ${session.timeLimit} s`, { expected: 'give more time with --timeout SECONDS, or a smaller expression' });
  }
}

/** Milliseconds, for the stages' timings. Node's global `performance` loads perf_hooks when
 *  first touched (~4 ms of a command-line run); process.hrtime is already there. A browser
 *  has no process and a native performance.now. */
const hrtime = (globalThis as { process?: { hrtime?: NodeJS.HRTime } }).process?.hrtime;
export function clock(): number {
  if (!hrtime) return performance.now();
  const [seconds, nanoseconds] = hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
