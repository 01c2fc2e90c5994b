// Checking documents (issue 14, item 7): the derivative claims of LaTeX and Markdown notes,
// claim by claim, with lines; definitions and where lines from the document itself.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { documentClaims } from '../../src/check/document.js';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/matcalc.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
/** The table's rows as [line, mark] pairs. */
const marks = (out: string): [number, string][] => [...out.matchAll(/^\s*(\d+)\s+([✓✗?])\s/gmu)].map((m) => [Number(m[1]), m[2]!]);

describe('a LaTeX lecture-note file with align environments, claim by claim', () => {
  test('examples/lecture-notes.tex', () => {
    const result = run('check', 'examples/lecture-notes.tex');
    expect(result.status).toBe(3); // one claim is wrong
    expect(marks(result.stdout)).toEqual([[13, '?'], [15, '✓'], [16, '✓'], [18, '✗'], [22, '✓'], [23, '✓'], [24, '✓'], [30, '✓'], [32, '✓'], [33, '?']]);
    const out = result.stdout;
    // The definition J(x) = … above makes ∇_x J(x) and ∂J/∂x claims about it.
    expect(out).toContain('factor: a constant factor is off: the claim is 2 times the gradient A\'*(A*x - b)');
    expect(out).toContain('correct: right in numerator layout (∂f/∂x as a row); in denominator layout it is a*b\'');
    expect(out).toMatch(/not understood: \\partial at column 13 is not part of an expression/);
    expect(out.trim().split('\n').slice(-2)).toEqual(['7 of 10 derivations hold', 'layout: mixed (numerator layout on lines 24, 32)']);
  });
  test('--layout denominator reports the numerator-layout claims as transposes', () => {
    const out = run('check', 'examples/lecture-notes.tex', '--layout', 'denominator').stdout;
    expect(marks(out).filter(([line]) => line === 24 || line === 32)).toEqual([[24, '✗'], [32, '✗']]);
  });
  test('--layout numerator checks every claim as a row', () => {
    const out = run('check', 'examples/lecture-notes.tex', '--layout', 'numerator').stdout;
    expect(marks(out).filter(([line]) => line === 32 || line === 22)).toEqual([[22, '✗'], [32, '✓']]);
  });
});

describe('a Markdown file: display and inline math, prose claims', () => {
  test('examples/notes.md', () => {
    const result = run('check', 'examples/notes.md');
    expect(marks(result.stdout)).toEqual([[7, '✓'], [7, '✗'], [9, '✓'], [13, '✓'], [15, '✓']]);
    expect(result.stdout).toContain('symmetric-only: right only when A is symmetric');
  });
});

describe('what is found', () => {
  test('chains, align continuation rows, definitions, where comments', () => {
    const found = documentClaims([
      '% where X: n×n',
      '\\begin{align}',
      'L(\\mathbf{w}) &:= \\|\\mathbf{X}\\mathbf{w}\\|^2 \\\\',
      '\\frac{\\partial L}{\\partial \\mathbf{w}} &= 2\\mathbf{X}^\\top\\mathbf{X}\\mathbf{w} \\\\',
      '  &= 2\\mathbf{X}^\\top(\\mathbf{X}\\mathbf{w})',
      '\\end{align}',
    ].join('\n'));
    expect(found.map((e) => (e.kind === 'claim' ? [e.line, e.expression, e.wrt, e.claim, e.where] : [e.line, e.reason]))).toEqual([
      [4, '\\|\\mathbf{X}\\mathbf{w}\\|^2', '\\mathbf{w}', '2\\mathbf{X}^\\top\\mathbf{X}\\mathbf{w}', 'X: n×n'],
      [5, '\\|\\mathbf{X}\\mathbf{w}\\|^2', '\\mathbf{w}', '2\\mathbf{X}^\\top(\\mathbf{X}\\mathbf{w})', 'X: n×n'],
    ]);
  });
  test('\\frac{d f}{d x}, \\frac{\\partial}{\\partial X} f, df/dx in prose', () => {
    const found = documentClaims(['$\\frac{d \\mathbf{x}^\\top\\mathbf{x}}{d \\mathbf{x}} = 2\\mathbf{x}$', '$\\frac{\\partial}{\\partial X} \\operatorname{tr}(X) = I$', "d(x'x)/dx = 2*x"].join('\n'));
    expect(found.map((e) => (e.kind === 'claim' ? [e.line, e.expression, e.wrt, e.claim] : []))).toEqual([
      [1, '\\mathbf{x}^\\top\\mathbf{x}', '\\mathbf{x}', '2\\mathbf{x}'],
      [2, '\\operatorname{tr}(X)', 'X', 'I'],
      [3, "(x'x)", 'x', '2*x'],
    ]);
  });
  test('aligned inside an equation', () => {
    const found = documentClaims(['\\begin{equation}', '\\begin{aligned}', '\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top\\mathbf{x} &= 2\\mathbf{x} \\\\', '&= \\mathbf{x} + \\mathbf{x}', '\\end{aligned}', '\\end{equation}'].join('\n'));
    expect(found.map((e) => (e.kind === 'claim' ? [e.line, e.claim] : [e.line, e.reason]))).toEqual([[3, '2\\mathbf{x}'], [4, '\\mathbf{x} + \\mathbf{x}']]);
  });
  test("the document's own macros are expanded first", () => {
    const found = documentClaims([
      '\\newcommand{\\vx}{\\mathbf{x}}',
      '\\newcommand{\\norm}[1]{\\left\\|#1\\right\\|}',
      '\\renewcommand{\\tr}{\\operatorname{tr}}',
      '\\def\\mA{\\mathbf{A}}',
      '$$\\nabla_{\\vx} \\norm{\\mA\\vx}^2 = 2\\mA^\\top\\mA\\vx$$',
    ].join('\n'));
    expect(found.map((e) => (e.kind === 'claim' ? [e.line, e.expression.replace(/\s+/g, ' ').trim(), e.wrt.trim(), e.claim.replace(/\s+/g, ' ').trim()] : e))).toEqual([
      [5, '\\left\\|\\mathbf{A} \\mathbf{x} \\right\\|^2', '\\mathbf{x}', '2\\mathbf{A} ^\\top\\mathbf{A} \\mathbf{x}'],
    ]);
  });
  test('LaTeX without $ in a plain-text file is read; a prose line with ∂ and = is reported', () => {
    const found = documentClaims(['where A: n×n', '\\nabla_x x^\\top A x = (A + A^\\top) x', 'and ∂f = 2 dx is a differential'].join('\n'));
    expect(found.map((e) => [e.kind, e.line])).toEqual([['claim', 2], ['not-understood', 3]]);
  });
  test('a line with a derivative and a relation is never skipped silently', () => {
    const found = documentClaims('$$\\partial f = 2 x$$');
    expect(found).toEqual([{ kind: 'not-understood', line: 1, written: '\\partial f = 2 x', reason: 'a derivative matcalc cannot read: write \\frac{\\partial f}{\\partial x}, \\frac{\\partial}{\\partial x} f or \\nabla_x f' }]);
  });
});
