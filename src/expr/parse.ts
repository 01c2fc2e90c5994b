// Text (and a --where declaration string) to a typed expression: grammar, then build.

import { type Declaration, wholeWordNames } from '../../grammar/declarations.js';
import type { Ast } from '../../grammar/ast.js';
import { looksLikeLatex, parseLatex } from '../../grammar/latex.js';
import { parseAst, parseDeclarations } from '../../grammar/parser.js';
import { wordPieces } from '../../grammar/resolve.js';
import { MatcalcError } from '../errors.js';
import { postOrder } from './node.js';
import { canonicalSymbolName, GREEK } from '../../grammar/names.js';
import { type Built, buildExpression, type BuildOptions, Retype } from './build.js';

export interface ParseOptions {
  /** Declarations in the --where language, e.g. "A: n×n symmetric; a: scalar". */
  where?: string | undefined;
  /** Accept `d(…)` (rule files and differentials). */
  differentials?: boolean;
  /** The shapes of the values it is to be evaluated at (see BuildOptions.valueShapes). */
  valueShapes?: ReadonlyMap<string, { rows: number; cols: number }>;
  /** Sizes read as other sizes (see BuildOptions.sizeNames). */
  sizeNames?: ReadonlyMap<string, string>;
  /** 'latex' (grammar/latex.ts), 'text', or by default LaTeX when the text holds a
   *  backslash command. */
  syntax?: Syntax | undefined;
}

export type Syntax = 'text' | 'latex';

/** A variable as written, in either notation (`x`, `W_1`, `\\mathbf{x}`, `\\boldsymbol{\\theta}`):
 *  its symbol's name. */
export function variableName(written: string): string {
  if (!looksLikeLatex(written)) return canonicalSymbolName(written.trim());
  const ast = parseLatex(written).ast;
  if (ast.kind !== 'symbol') throw new MatcalcError('syntax', `${written.trim()} is not a variable: give one symbol, as in x or \\mathbf{x}`, { span: { start: 0, end: written.length }, source: written });
  return ast.name;
}

/** The syntax a text is read in: the caller's, or LaTeX if it holds a backslash command. */
export function syntaxOf(text: string, syntax: Syntax | undefined): Syntax {
  return syntax ?? (looksLikeLatex(text) ? 'latex' : 'text');
}

/** Kinds known without sizes (bold LaTeX, kinds from use) as declarations, for the names the
 *  given declarations do not declare already: these say more and win. */
export function kindDeclarations(kinds: ReadonlyMap<string, 'vector' | 'matrix'>, declared: readonly Declaration[]): Declaration[] {
  return [...kinds].filter(([name]) => !declared.some((d) => d.name === name)).map(([name, kind]) => ({ name, kind, ...(kind === 'vector' ? { cols: '1' } : {}), properties: [] }));
}

export function declarationsOf(where: string | undefined): Declaration[] {
  return where === undefined || where.trim() === '' ? [] : parseDeclarations(where);
}

export function parseExpression(text: string, options: ParseOptions = {}): Built {
  let declarations = declarationsOf(options.where);
  let ast: Ast;
  let notes: readonly string[] = [];
  if (syntaxOf(text, options.syntax) === 'latex') {
    const reading = parseLatex(text, { differentials: options.differentials ?? false });
    ast = reading.ast;
    notes = reading.notes;
    // Bold states a kind (𝐱 a vector, 𝐀 a matrix); a declaration says more and wins.
    declarations = [...declarations, ...kindDeclarations(reading.kinds, declarations)];
  } else {
    const split = new Set<string>();
    ast = parseAst(text, { declared: wholeWordNames(declarations), differentials: options.differentials ?? false, onSplitWord: (word) => split.add(word) });
    notes = [...split].map((word) => `${word} read as ${wordPieces(word).join('·')}, one-letter symbols side by side (declare ${word} to keep it one name)`);
  }
  const buildOptions: BuildOptions = { kindsFromUse: true, ...(options.valueShapes ? { valueShapes: options.valueShapes } : {}), ...(options.sizeNames ? { sizeNames: options.sizeNames } : {}) };
  try {
    const built = buildWithKindsFromUse(ast, text, declarations, buildOptions);
    const all = [...notes, ...(built.notes ?? [])];
    return all.length > 0 ? { ...built, notes: all } : built;
  } catch (error) {
    if (error instanceof MatcalcError) {
      // The letters a word was read as are often what does not fit: say so where it fails.
      const hint = notes.find((n) => / read as .*one-letter symbols/.test(n));
      if (hint && error.kind === 'shape') throw new MatcalcError(error.kind, error.message, { ...(error.span ? { span: error.span } : {}), source: error.source ?? text, expected: hint });
      throw error.withSource(text);
    }
    throw error;
  }
}

/**
 * The build, and again while a Greek letter's use asks for a vector or a matrix where the
 * letter convention made it a scalar (‖x − μ‖², θ'x, Xβ): such a letter is declared of that
 * kind and the text read again — a few rounds at most, each saying so in a note. Where the
 * kinds from use do not type-check and the convention does, the convention's reading stands.
 */
export function buildWithKindsFromUse(ast: Ast, text: string, declarations: readonly Declaration[], buildOptions: BuildOptions): Built {
  let kinds = new Map<string, 'vector' | 'matrix'>();
  let convention: Built | undefined; // the reading by the letter convention, if it type-checks
  let firstError: MatcalcError | undefined;
  for (let round = 0; round < 4; round++) {
    let built: Built | undefined;
    let wanted: ReadonlyMap<string, 'vector' | 'matrix'> | undefined;
    try {
      built = buildExpression(ast, text, [...declarations, ...kindDeclarations(kinds, declarations)], buildOptions);
      wanted = built.promotions;
    } catch (error) {
      if (!(error instanceof Retype)) {
        if (round === 0) throw error;
        if (convention) return convention;
        throw firstError ?? error;
      }
      wanted = error.promotions;
      firstError ??= error.error;
    }
    if (round === 0) convention = built;
    const fresh = [...(wanted ?? [])].filter(([name]) => !kinds.has(name) && !declarations.some((d) => d.name === name));
    if (fresh.length === 0) {
      if (!built) throw firstError!;
      return kinds.size === 0 ? built : { ...built, notes: [...(built.notes ?? []), ...[...kinds].map(([name, kind]) => kindNote(name, kind))] };
    }
    kinds = new Map([...kinds, ...fresh]);
  }
  if (convention) return convention;
  throw firstError!;
}

const kindNote = (name: string, kind: 'vector' | 'matrix'): string => `${GREEK.get(name.split('_')[0]!) ?? name}${name.includes('_') ? name.slice(name.indexOf('_')) : ''} read as a ${kind}, as its use needs (declare it to say otherwise)`;

/** The text read with the sizes its values have: numbers settle products of sizes exactly
 *  ((A' ⊗ B)·vec(X) with A 2×3). Where the values leave a size open (the I of I ⊗ X + X' ⊗ I,
 *  which the text sizes only by pairing factors in order), the text's own reading, whose
 *  sizes binding the values then checks. */
export function parseAtValues(text: string, shapes: ReadonlyMap<string, { rows: number; cols: number }>, where: string | undefined, syntax?: Syntax): Built {
  // Numbers are the most general reading at these values: if it fails, the text's own
  // reading would fail binding them too, with a message that points nowhere.
  const atValues = parseExpression(text, { where, valueShapes: shapes, syntax });
  const open = postOrder(atValues.expr).some((e) => [e.shape.rows, e.shape.cols].some((d) => !/^[\d·]+$/.test(d)));
  return open ? parseExpression(text, { where, syntax }) : atValues;
}
