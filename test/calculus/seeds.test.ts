// The seeds' deep-learning derivations (../shared/seeds): each gradient verified
// numerically and compared with the document's closed form on random inputs.
import { describe, expect, test } from '@jest/globals';
import { grad } from '../../src/index.js';
import { expectSameFunction } from '../support/closeness.js';
import { SEEDS } from '../support/textbook.js';

const cases = SEEDS;

describe('seed derivations', () => {
  test.each(cases)('%s', (_source, f, wrt, closedForm, where) => {
    const result = grad(f, wrt, { where });
    expect(result.verification.status).toBe('verified');
    expectSameFunction(result.text, closedForm, where);
  });

  test('004 §3.3 scalar expansion: ∂sum(x + α)/∂α is the length of x, 𝟙ᵀ𝟙', () => {
    // 𝟙ᵀ𝟙 cannot carry its size in text, so this one is checked by verification alone.
    // The seed's α is a scalar broadcast over x: said with a declaration, since undeclared,
    // a Greek letter added to a vector is read as a vector (issue 14: kinds from use).
    const result = grad('sum(x + alpha)', 'alpha', { where: 'alpha: scalar' });
    expect(result.text).toBe('sum(ones_n) where x: n');
    expect(result.verification.status).toBe('verified');
    const undeclared = grad('sum(x + alpha)', 'alpha');
    expect([undeclared.text, undeclared.notes]).toEqual(['ones_n where alpha: n', ['α read as a vector, as its use needs (declare it to say otherwise)']]);
  });

  test('the linear regression gradient reads as the seed prints it', () => {
    expect(grad("1/2*(y - X*w - b)'*(y - X*w - b)", 'w').text).toBe("-X'*(y - X*w - b)");
  });
});
