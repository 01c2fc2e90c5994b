// The library API: parse, evaluate (and, as they land, grad, jacobian, hessian, check).
// Every function throws MatcalcError, and only MatcalcError, for bad input.

import { MatcalcError } from './errors.js';
import { shapeText } from './expr/dims.js';
import type { Expr } from './expr/node.js';
import { parseExpression } from './expr/parse.js';
import { DomainError, evaluateExpr } from './numeric/evaluate.js';
import { bindValues, type PlainValue, toPlain } from './numeric/values.js';
import { render } from './print/render.js';

export { MatcalcError, formatError } from './errors.js';
export type { ErrorKind, Span } from './errors.js';
export type { Expr } from './expr/node.js';
export type { PlainValue } from './numeric/values.js';

export interface Options {
  /** Declarations, e.g. "A: n×n symmetric; a: scalar; X: 3×4". */
  where?: string;
}

export interface Parsed {
  readonly expr: Expr;
  /** Canonical text: parses back to the identical expression. */
  readonly text: string;
  readonly unicode: string;
  readonly latex: string;
  /** The expression's shape, e.g. "1×1", "n×m". */
  readonly shape: string;
  /** Each symbol's inferred shape, in order of appearance. */
  readonly symbols: Readonly<Record<string, string>>;
}

/** Turns anything a lower layer threw into a MatcalcError: the API throws nothing else. */
export function guard<T>(source: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MatcalcError) throw error.source === undefined ? error.withSource(source) : error;
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new MatcalcError('limit', 'the expression is nested too deeply to process', { source });
    }
    if (error instanceof DomainError) throw new MatcalcError('value', `cannot evaluate: ${error.message}`, { source });
    const message = error instanceof Error ? error.message : String(error);
    throw new MatcalcError('value', `cannot evaluate: ${message}`, { source });
  }
}

export function parse(text: string, options: Options = {}): Parsed {
  return guard(text, () => {
    const { expr, symbols } = parseExpression(text, { where: options.where });
    return {
      expr,
      text: render(expr, 'text'),
      unicode: render(expr, 'unicode'),
      latex: render(expr, 'latex'),
      shape: shapeText(expr.shape),
      symbols: Object.fromEntries([...symbols].map(([name, node]) => [name, shapeText(node.shape)])),
    };
  });
}

/** Evaluates text on values: scalars as numbers, vectors as flat arrays, matrices as rows. */
export function evaluate(text: string, values: Record<string, unknown>, options: Options = {}): PlainValue {
  return guard(text, () => {
    const { expr, symbols } = parseExpression(text, { where: options.where });
    const bound = bindValues(symbols.values(), values);
    return toPlain(evaluateExpr(expr, bound.values, bound.sizes), expr.shape);
  });
}
