// The printed forms of a finished result, such that its text reads back as the result.
// `I` and `𝟙` carry no size in text; most results fix them by what surrounds them, and
// print as a textbook does. Where the text alone leaves a size open (I ⊗ X, vec(I),
// 2*sum(x)*𝟙, a bare I), the result is printed with sized constants (I_n, 𝟙_{m·n}) and
// the shapes their size names come from (`… where x: n; X: n×m`). Whether it must is
// found by reading the text back — the test is the one evaluate will face — not guessed.

import { declarationsOf, parseExpression } from '../expr/parse.js';
import * as C from '../expr/construct.js';
import { type Dim, productDim } from '../expr/dims.js';
import { DIAGONAL, type Expr, ORTHOGONAL, postOrder, SPD, SYMMETRIC } from '../expr/node.js';
import { MatcalcError } from '../errors.js';
import { type DeclaredShape, render, type RenderOptions } from './render.js';
import type { StyleName } from './style.js';

export interface ResultForms {
  readonly text: string;
  /** The options the other styles are rendered with (the same decision for every style). */
  readonly options: RenderOptions;
}

/** The text of a result, and how to render its other styles. `symbols`: the symbols of
 *  the expression it was derived from (the variable may not occur in the result); `where`:
 *  the declarations the derivation was given. */
export function resultForms(expr: Expr, symbols: readonly Expr[], where: string | undefined, { share = true }: { share?: boolean } = {}): ResultForms {
  const plain: RenderOptions = { share };
  const text = render(expr, 'text', plain);
  if (everyConstantPinned(expr) || readsBack(text, expr, symbols, where)) return { text, options: plain };
  // Only the declarations the text needs (a few symbols: each is one more reading).
  let declarations = undeclared(symbols, where);
  const sized = (list: readonly DeclaredShape[]): RenderOptions => ({ share, sizes: true, declarations: list });
  if (declarations.length <= MINIMISE_UP_TO) {
    // The first symbols go first: the variable, which a result is about, usually comes last.
    for (const candidate of [...declarations]) {
      const fewer = declarations.filter((d) => d !== candidate);
      if (readsBack(render(expr, 'text', sized(fewer)), expr, symbols, where)) declarations = fewer;
    }
  }
  const options = sized(declarations);
  return { text: render(expr, 'text', options), options };
}

const MINIMISE_UP_TO = 8;

export function renderResult(expr: Expr, style: StyleName, forms: ResultForms): string {
  return style === 'text' ? forms.text : render(expr, style, forms.options);
}

const isConstant = (e: Expr): boolean => e.op === 'identity' || e.op === 'ones' || e.op === 'zero';
/** A constant, its transpose (𝟙ᵀ) or a scalar multiple (-I, 2·𝟙): what takes its size
 *  from its neighbours. */
function isConstantUnit(e: Expr): boolean {
  if (isConstant(e) || (e.op === 'transpose' && isConstant(e.args[0]!))) return true;
  const matrices = e.op === 'multiply' ? e.args.filter((a) => !C.isScalar(a)) : [];
  return matrices.length === 1 && isConstantUnit(matrices[0]!);
}

/** Whether every I, 𝟙 and 0 stands where an operand without constants fixes its size: a
 *  term of a sum or an operand of ∘ beside one, or a factor of a product next to one (I is
 *  never a factor: I·A = A). Such a text reads back sized as it is; deciding this costs a
 *  pass over the DAG, where reading back costs a parse. */
function everyConstantPinned(root: Expr): boolean {
  if (isConstantUnit(root)) return false;
  // A size written as its name (m) reads back only where a shape declares it.
  if (postOrder(root).some((n) => n.op === 'dimension')) return false;
  const free = new Map<number, boolean>(); // no constant anywhere inside
  for (const node of postOrder(root)) free.set(node.id, !isConstant(node) && node.args.every((a) => free.get(a.id)!));
  for (const node of postOrder(root)) {
    if (free.get(node.id)) continue;
    for (let i = 0; i < node.args.length; i++) {
      const arg = node.args[i]!;
      if (!isConstantUnit(arg)) continue;
      if (node.op === 'add' || node.op === 'hadamard') {
        if (!node.args.some((other) => free.get(other.id) && !C.isScalar(other))) return false;
      } else if (node.op === 'multiply') {
        if (isConstantUnit(node)) continue; // -I: its place in the parent decides
        // 𝟙 (n×1) is sized by the factor on its left, 𝟙ᵀ (1×n) by the one on its right.
        const neighbour = node.args[arg.op === 'transpose' ? i + 1 : i - 1];
        if (arg.op === 'identity' || arg.op === 'zero' || !neighbour || C.isScalar(neighbour) || !free.get(neighbour.id)) return false;
      } else if (!(node.op === 'transpose' && isConstant(arg))) return false;
    }
  }
  return true;
}

/** Whether the text parses to the result itself, its sizes named as the result's symbols
 *  have them (a re-parse names the sizes it infers in its own order). */
function readsBack(text: string, expr: Expr, symbols: readonly Expr[], where: string | undefined): boolean {
  let built;
  try {
    built = parseExpression(text, { where });
  } catch (error) {
    if (error instanceof MatcalcError) return false;
    throw error;
  }
  const original = new Map(symbols.map((s) => [s.name, s]));
  const names = new Map<Dim, Dim>();
  const pair = (from: Dim, to: Dim): boolean => {
    if (from.includes('·') || to.includes('·')) return from === to || names.get(from) === to;
    const known = names.get(from);
    if (known !== undefined) return known === to;
    names.set(from, to);
    return true;
  };
  for (const [name, reread] of [...built.symbols, ...(built.declaredOnly ?? [])]) {
    const source = original.get(name);
    if (!source || !pair(reread.shape.rows, source.shape.rows) || !pair(reread.shape.cols, source.shape.cols)) return false;
  }
  const rename = (dim: Dim): Dim => (dim.includes('·') ? productDim(dim.split('·').map(rename)) : names.get(dim) ?? `?${dim}`);
  // Text has no grouped products: it reads back as the result with its groups spliced in.
  try {
    return C.withDims(built.expr, rename, (node) => original.get(node.name) ?? node) === C.ungroup(expr);
  } catch (error) {
    if (error instanceof MatcalcError) return false; // the sizes read back do not fit together
    throw error;
  }
}

const PROPERTY_WORDS: readonly [number, string][] = [[SPD, 'spd'], [DIAGONAL, 'diagonal'], [ORTHOGONAL, 'orthogonal'], [SYMMETRIC, 'symmetric']];

/** The shapes a sized result declares: every matrix and vector of the expression whose size
 *  the caller's declarations do not already give. */
function undeclared(symbols: readonly Expr[], where: string | undefined): DeclaredShape[] {
  const given = new Map(declarationsOf(where).map((d) => [d.name, d]));
  return symbols
    .filter((s) => !C.isScalar(s))
    .filter((s) => {
      const d = given.get(s.name);
      return !(d && d.rows !== undefined && d.cols !== undefined);
    })
    .map((s) => {
      // The strongest property only: spd implies symmetric, diagonal implies symmetric.
      const word = PROPERTY_WORDS.find(([flag]) => (s.props & flag) !== 0)?.[1];
      return { name: s.name, rows: s.shape.rows, cols: s.shape.cols, properties: word ? [word] : [] };
    });
}
