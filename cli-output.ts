// What the command line prints, written straight to file descriptors 1 and 2. Touching
// process.stdout builds a stream (for a pipe: node's net and stream modules, ~4 ms of a
// ~100 ms run), and a run that prints a few lines and exits has no use for one (`web`
// prints one line, then serves).

import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';

/** Writes all of `text` to `fd`: a non-blocking pipe may take it in parts (EAGAIN: wait a
 *  millisecond and go on); a reader that went away (EPIPE, `matcalc … | head -1`) ends
 *  the output quietly, as a stream's reader would see it. */
function writeAll(fd: 1 | 2, text: string): void {
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      else if (code === 'EPIPE') return;
      else throw new OutputFailed(fd, error);
    }
  }
}

/** The output could not be written (a full disk, a closed descriptor): the environment's
 *  fault, not the input's nor a bug of ours. */
export class OutputFailed extends Error {
  constructor(readonly fd: 1 | 2, cause: unknown) {
    super(`cannot write to standard ${fd === 1 ? 'output' : 'error'}: ${(cause as Error).message}`, { cause });
  }
}

/** A line on standard output (`line()` alone: an empty line). */
export const line = (text = ''): void => writeAll(1, text + '\n');
/** Text on standard output as it is, no newline added. */
export const out = (text: string): void => writeAll(1, text);
/** Text on standard error as it is. */
export const err = (text: string): void => writeAll(2, text);
/** A line on standard error. */
export const errLine = (text: string): void => writeAll(2, text + '\n');

/** Red on a terminal that takes colour (NO_COLOR and FORCE_COLOR as everywhere). */
export function red(text: string): string {
  const env = process.env;
  const colour = !env.NO_COLOR && (Boolean(env.FORCE_COLOR) || (isatty(2) && env.TERM !== 'dumb'));
  return colour ? `\x1b[31m${text}\x1b[39m` : text;
}
