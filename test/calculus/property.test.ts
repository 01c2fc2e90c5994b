// The law: for random well-typed scalar expressions over every operation, with the
// variable occurring anywhere (often several times), the gradient agrees with finite
// differences — grad verifies it, and never returns a failed result.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { MatcalcError } from '../../src/errors.js';
import { postOrder } from '../../src/expr/node.js';
import { grad } from '../../src/index.js';
import { render } from '../../src/print/render.js';
import { expression, WHERE } from '../support/arbitrary.js';

const VARIABLES = ['A', 'B', 'D', 'x', 'y', 'alpha'];
const counts = { verified: 0, unverifiable: 0, unsupported: 0 };

describe('every gradient agrees with finite differences', () => {
  test('random scalar expressions, each variable in turn', () => {
    fc.assert(
      fc.property(expression('s', 4, true), fc.nat(), (f, pick) => {
        const text = render(f, 'text');
        // The variable: one of the symbols the expression holds (often several times).
        const present = VARIABLES.filter((v) => postOrder(f).some((n) => n.op === 'symbol' && n.name === v));
        fc.pre(present.length > 0);
        const variable = present[pick % present.length]!;
        // A zero vector prints as 0, which reads back as a scalar (README: a limit of the
        // notation); such expressions say nothing about derivatives.
        fc.pre(!postOrder(f).some((n) => n.op === 'zero'));
        try {
          const result = grad(text, variable, { where: WHERE });
          expect(['verified', 'unverifiable']).toContain(result.verification.status);
          counts[result.verification.status as 'verified' | 'unverifiable']++;
        } catch (error) {
          // Only an honest "not supported"; a failed verification is a wrong derivative.
          expect(error).toBeInstanceOf(MatcalcError);
          expect([text, (error as MatcalcError).kind]).toEqual([text, 'unsupported']);
          counts.unsupported++;
        }
      }),
      { seed: 424242, numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    // Most cases verify; unverifiable draws are rare, not the rule.
    expect(counts.verified).toBeGreaterThan(counts.unverifiable + counts.unsupported);
    expect(counts.verified).toBeGreaterThan(0.5 * Number(process.env.FUZZ_RUNS ?? 300));
  });
});
