// docs/NOTATION.md is kept current (issue 14, item 8): every function of the operator table
// and every LaTeX spelling it lists is documented there, and the examples it gives read.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { parse } from '../src/index.js';
import { FUNCTION_NAMES, FUNCTIONS } from '../src/ops/table.js';

const notation = readFileSync('docs/NOTATION.md', 'utf8');

describe('docs/NOTATION.md', () => {
  test.each(FUNCTION_NAMES.map((name) => [name]))('documents the function %s', (name) => {
    expect(notation).toContain(`\`${name}\``);
  });
  test.each(FUNCTIONS.flatMap((d) => d.latexRead).map((spelling) => [spelling]))('documents the LaTeX spelling %s', (spelling) => {
    expect(notation).toContain(spelling);
  });
  test('its LaTeX examples read', () => {
    for (const latex of ['\\mathbf{AXB}', '\\boldsymbol{X}^{(\\text{train})}', '\\operatorname{tr} AB', '\\log\\det X', 'K_{m,n}', '\\mathbf{0}_{m \\times n}', '\\|x\\|_2^2']) {
      expect(() => parse(latex)).not.toThrow();
    }
  });
});
