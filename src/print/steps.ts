// The derivation as a textbook prints it, one step per line with the rules used:
// f; df; the trace form tr(Gᵀ dX); the gradient as isolated; the simplified result.

import type { Gradient } from '../calculus/gradient.js';
import * as C from '../expr/construct.js';
import type { Expr } from '../expr/node.js';
import type { Step } from '../rewrite/engine.js';
import { render } from './render.js';
import { LATEX } from './style.js';

export interface StepLine {
  /** What the line states: 'f', 'df', 'trace form', 'gradient', 'simplified'. */
  readonly label: string;
  readonly text: string;
  readonly latex: string;
  /** Names of the rules used to reach this line, in order of first use. */
  readonly rules: readonly string[];
}

function ruleNames(steps: readonly Step[]): string[] {
  return [...new Set(steps.map((s) => s.rule))];
}

export function gradientSteps(result: Gradient, simplified: Expr, simplification: readonly Step[]): StepLine[] {
  const { f, x, df, raw, gradient } = result;
  const traceForm = C.trace(C.multiply(C.transpose(raw), C.differential(x)));
  const line = (label: string, e: Expr, rules: string[]): StepLine => ({ label, text: render(e, 'text', { share: true }), latex: render(e, 'latex', { share: true }), rules });
  const lines = [
    line('f', f, []),
    line('df', df, ruleNames(result.steps.differential)),
    line('trace form', traceForm, ruleNames(result.steps.isolation)),
    line('gradient', gradient, []),
  ];
  if (simplified !== gradient) lines.push(line('simplified', simplified, ruleNames(simplification)));
  return lines;
}

export function stepsText(lines: readonly StepLine[], variable: string): string {
  const heads: Record<string, string> = { f: 'f', df: 'df', 'trace form': '', gradient: `∂f/∂${variable}`, jacobian: `∂vec(f)/∂vec(${variable})ᵀ`, simplified: '' };
  const width = Math.max(...lines.map((l) => (heads[l.label] ?? '').length), 2);
  return lines
    .map((l) => {
      const head = (heads[l.label] ?? '').padStart(width);
      const by = l.rules.length > 0 ? `    [${l.rules.join(', ')}]` : '';
      return `${head} = ${l.text}${by}`;
    })
    .join('\n');
}

export function stepsLatex(lines: readonly StepLine[], variableName: string): string {
  // The variable as the lines write it (W1 is W_{1}).
  const variable = LATEX.symbol(variableName);
  const heads: Record<string, string> = { f: 'f', df: '\\mathrm{d}f', 'trace form': '', gradient: `\\frac{\\partial f}{\\partial ${variable}}`, jacobian: `\\frac{\\partial \\operatorname{vec} f}{\\partial \\operatorname{vec} ${variable}^{\\top}}`, simplified: '' };
  const body = lines
    .map((l) => `${heads[l.label] ?? ''} &= ${l.latex}${l.rules.length > 0 ? ` && \\text{${l.rules.join(', ')}}` : ''}`)
    .join(' \\\\\n');
  return `\\begin{align*}\n${body}\n\\end{align*}`;
}

/** The derivation of a Jacobian: f; df; d vec(f) = J d vec(X); J simplified. */
export function jacobianSteps(f: Expr, df: Expr, raw: Expr, simplified: Expr, forwardRules: readonly Step[], simplification: readonly Step[], differentialRules: readonly Step[]): StepLine[] {
  const line = (label: string, e: Expr, rules: string[]): StepLine => ({ label, text: render(e, 'text', { share: true }), latex: render(e, 'latex', { share: true }), rules });
  const lines = [line('f', f, []), line('df', df, ruleNames(differentialRules)), line('jacobian', raw, ruleNames(forwardRules))];
  if (simplified !== raw) lines.push(line('simplified', simplified, ruleNames(simplification)));
  return lines;
}
