// A deadline for runaway work. Everything heavy builds nodes, so node creation checks the
// clock every few thousand nodes and stops the work with a MatcalcError('limit').

import { MatcalcError } from './errors.js';

let deadline = Infinity;
let seconds = 0;
let counter = 0;

/** Work started after this call stops after `limit` seconds (Infinity: never). */
export function setTimeLimit(limit: number): void {
  seconds = limit;
  deadline = Number.isFinite(limit) ? Date.now() + limit * 1000 : Infinity;
}

/** Called on hot paths; cheap except every 4,096th call. */
export function checkDeadline(): void {
  if ((++counter & 4095) !== 0 || deadline === Infinity) return;
  if (Date.now() > deadline) {
    throw new MatcalcError('limit', `stopped after the time limit of ${seconds} s`, { expected: 'give more time with --timeout SECONDS, or a smaller expression' });
  }
}
