// Text (and a --where declaration string) to a typed expression: grammar, then build.

import { type Declaration, wholeWordNames } from '../../grammar/declarations.js';
import { parseAst, parseDeclarations } from '../../grammar/parser.js';
import { MatcalcError } from '../errors.js';
import { type Built, buildExpression } from './build.js';

export interface ParseOptions {
  /** Declarations in the --where language, e.g. "A: n×n symmetric; a: scalar". */
  where?: string | undefined;
  /** Accept `d(…)` (rule files and differentials). */
  differentials?: boolean;
}

export function declarationsOf(where: string | undefined): Declaration[] {
  return where === undefined || where.trim() === '' ? [] : parseDeclarations(where);
}

export function parseExpression(text: string, options: ParseOptions = {}): Built {
  const declarations = declarationsOf(options.where);
  const ast = parseAst(text, { declared: wholeWordNames(declarations), differentials: options.differentials ?? false });
  try {
    return buildExpression(ast, text, declarations);
  } catch (error) {
    if (error instanceof MatcalcError) throw error.withSource(text);
    throw error;
  }
}
