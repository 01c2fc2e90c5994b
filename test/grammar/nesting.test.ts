// Deep nesting (issue 17): text nested deeper than the parser's stack is read with its deep
// groups named by where bindings (grammar/nesting.ts). The meaning is the same as written,
// errors point into the text as written, and depth is limited by memory, not the stack.
import { describe, expect, test } from '@jest/globals';
import { grad, parse } from '../../src/index.js';
import { flattenNesting, FLATTEN_DEPTH, nestingDepth } from '../../grammar/nesting.js';
import { thrown } from '../support/errors.js';

const inline = (n: number, inner = 'x'): string => {
  let h = inner;
  for (let i = 1; i <= n; i++) h = `tanh(W${i}*${h})`;
  return `sum(${h})`;
};
const chain = (n: number): string => {
  const layers: string[] = [];
  for (let i = n; i >= 1; i--) layers.push(`h${i} = tanh(W${i}*${i === 1 ? 'x' : `h${i - 1}`})`);
  return `sum(h${n}) where ${layers.join(', ')}`;
};

describe('deep nesting', () => {
  test('shallow text is read as it is', () => {
    expect(flattenNesting(inline(FLATTEN_DEPTH - 2))).toBeUndefined();
  });

  test('deep text is rewritten to shallow text with where bindings, every character traced back', () => {
    const text = inline(500);
    const flat = flattenNesting(text)!;
    expect(nestingDepth(text)).toBe(501);
    expect(nestingDepth(flat.text)).toBeLessThanOrEqual(FLATTEN_DEPTH);
    expect(flat.text).toMatch(/ where nest_1 = /);
    // A character of the rewritten text that was copied maps to the same character.
    for (const offset of [0, 10, flat.text.indexOf('W1*x'), flat.text.length - 5]) {
      expect(text[flat.origin(offset)]).toBe(flat.text[offset]);
    }
  });

  test('an inline network means what its where-chain form means', () => {
    expect(parse(inline(300)).text).toBe(parse(chain(300)).text);
    expect(grad(inline(150), 'W1', { verify: false }).text).toBe(grad(chain(150), 'W1', { verify: false }).text);
  });

  test('10,000 levels parse and derive', () => {
    const result = grad(inline(10_000), 'W1', { verify: false });
    expect(result.text).toMatch(/x'/);
  });

  test('a where clause of its own is kept, the new bindings added to it', () => {
    const text = `${inline(200, 'y')} where y = A*x`;
    expect(parse(text).text).toBe(parse(inline(200, '(A*x)')).text);
  });

  test('an error deep inside points at the text as written', () => {
    const text = inline(300, 'x +');
    const error = thrown(() => parse(text), 'a deep syntax error');
    expect(error.kind).toBe('syntax');
    expect(error.source).toBe(text);
    expect(error.span!.start).toBe(text.indexOf('+)') + 1);
    expect(error.message).toContain(`at column ${text.indexOf('+)') + 2}`);
  });

  test('nesting that cannot be named (a call with several arguments at every level) is a limit, not a crash', () => {
    let text = 'x';
    for (let i = 0; i < 3000; i++) text = `kron(A, ${text})`;
    const error = thrown(() => parse(text), 'deep calls');
    expect(error.kind).toBe('limit');
    expect(error.message).toContain('nested deeper than');
  });
});
