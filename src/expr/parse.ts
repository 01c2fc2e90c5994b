// Text (and a --where declaration string) to a typed expression: grammar, then build.

import { type Declaration, wholeWordNames } from '../../grammar/declarations.js';
import { parseAst, parseDeclarations } from '../../grammar/parser.js';
import { MatcalcError } from '../errors.js';
import { postOrder } from './node.js';
import { type Built, buildExpression } from './build.js';

export interface ParseOptions {
  /** Declarations in the --where language, e.g. "A: n×n symmetric; a: scalar". */
  where?: string | undefined;
  /** Accept `d(…)` (rule files and differentials). */
  differentials?: boolean;
  /** The shapes of the values it is to be evaluated at (see BuildOptions.valueShapes). */
  valueShapes?: ReadonlyMap<string, { rows: number; cols: number }>;
  /** Sizes read as other sizes (see BuildOptions.sizeNames). */
  sizeNames?: ReadonlyMap<string, string>;
}

export function declarationsOf(where: string | undefined): Declaration[] {
  return where === undefined || where.trim() === '' ? [] : parseDeclarations(where);
}

export function parseExpression(text: string, options: ParseOptions = {}): Built {
  const declarations = declarationsOf(options.where);
  const ast = parseAst(text, { declared: wholeWordNames(declarations), differentials: options.differentials ?? false });
  try {
    return buildExpression(ast, text, declarations, {
      ...(options.valueShapes ? { valueShapes: options.valueShapes } : {}), ...(options.sizeNames ? { sizeNames: options.sizeNames } : {}),
    });
  } catch (error) {
    if (error instanceof MatcalcError) throw error.withSource(text);
    throw error;
  }
}

/** The text read with the sizes its values have: numbers settle products of sizes exactly
 *  ((A' ⊗ B)·vec(X) with A 2×3). Where the values leave a size open (the I of I ⊗ X + X' ⊗ I,
 *  which the text sizes only by pairing factors in order), the text's own reading, whose
 *  sizes binding the values then checks. */
export function parseAtValues(text: string, shapes: ReadonlyMap<string, { rows: number; cols: number }>, where: string | undefined): Built {
  // Numbers are the most general reading at these values: if it fails, the text's own
  // reading would fail binding them too, with a message that points nowhere.
  const atValues = parseExpression(text, { where, valueShapes: shapes });
  const open = postOrder(atValues.expr).some((e) => [e.shape.rows, e.shape.cols].some((d) => !/^[\d·]+$/.test(d)));
  return open ? parseExpression(text, { where }) : atValues;
}
