// The error a piece of work throws: a MatcalcError (anything else is rethrown — a bug of
// ours is not an answer), and no error at all fails the test.
import { MatcalcError } from '../../src/errors.js';

export function thrown(run: () => unknown, what = 'the input'): MatcalcError {
  try {
    run();
  } catch (error) {
    if (error instanceof MatcalcError) return error;
    throw error;
  }
  throw new Error(`no error for ${what}`);
}
