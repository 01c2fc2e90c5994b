// Two expressions are equal as functions: identical after parsing (symbolically), or
// both evaluated on random instances (distinct sizes, non-symmetric unless declared)
// agree to rounding.
import { expect } from '@jest/globals';
import { isZero } from '../../src/expr/construct.js';
import { parseExpression } from '../../src/expr/parse.js';
import { evaluateExpr } from '../../src/numeric/evaluate.js';
import * as L from '../../src/numeric/linalg.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random } from '../../src/numeric/random.js';

/** A text's body and its where clause (bindings, declarations), split at the top level. */
function splitWhere(text: string): [string, string] {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && /^\swhere\s/.test(text.slice(i, i + 7))) return [text.slice(0, i), text.slice(i + 7)];
  }
  return [text, ''];
}

export function expectSameFunction(actualText: string, expectedText: string, where?: string, draws = 3): void {
  const [actualBody, actualClause] = splitWhere(actualText);
  const [expectedBody, expectedClause] = splitWhere(expectedText);
  const clauses = [actualClause, expectedClause].filter((c) => c !== '');
  const combined = parseExpression(`(${actualBody}) - (${expectedBody})${clauses.length > 0 ? ` where ${clauses.join('; ')}` : ''}`, { where });
  const difference = combined.expr;
  if (isZero(difference)) return; // the same expression
  const actual = parseExpression(actualText, { where }).expr;
  const symbols = [...combined.symbols.values()];
  for (let draw = 0; draw < draws; draw++) {
    const sizes = drawSizes([...dimsOf(difference), ...symbols.flatMap((s) => [s.shape.rows, s.shape.cols])], draw);
    const random = new Random(100 + draw);
    const needs = needsOf(difference);
    const values = new Map(symbols.map((s) => [s.name, drawValue(s, sizes, random, needs)]));
    const gap = L.frobenius(evaluateExpr(difference, values, sizes));
    const scale = Math.max(1, L.frobenius(evaluateExpr(actual, values, sizes)));
    expect({ actual: actualText, expected: expectedText, close: gap / scale < 1e-9 }).toEqual({ actual: actualText, expected: expectedText, close: true });
  }
}
