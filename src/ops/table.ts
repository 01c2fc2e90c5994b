// The operator table: every operation's definition, found by node op, by function name or
// by any spelling. The one place the rest of matcalc asks "what is this operation?".

import { CORE, type CoreDefinition } from './core.js';
import type { ElementwiseDefinition, FunctionDefinition, MatrixFunctionDefinition } from './definition.js';
import { ELEMENTWISE } from './elementwise.js';
import { MATRIX_FUNCTIONS } from './matrix.js';

export { CORE, type CoreDefinition } from './core.js';
export type * from './definition.js';

export const FUNCTIONS: readonly FunctionDefinition[] = [...ELEMENTWISE, ...MATRIX_FUNCTIONS];

const elementwiseByName = new Map<string, ElementwiseDefinition>(ELEMENTWISE.map((d) => [d.name, d]));
const matrixByOp = new Map<string, MatrixFunctionDefinition>(MATRIX_FUNCTIONS.map((d) => [d.op, d]));
const coreByOp = new Map<string, CoreDefinition>(CORE.map((d) => [d.op, d]));

/** The elementwise function of this name (a node `apply` carries it), if any. */
export const elementwise = (name: string): ElementwiseDefinition | undefined => elementwiseByName.get(name);

/** The matrix function whose nodes have this op, if any. */
export const matrixFunction = (op: string): MatrixFunctionDefinition | undefined => matrixByOp.get(op);

/** The definition of a node: its op, and for `apply` its name. */
export function definitionOf(node: { readonly op: string; readonly name: string }): FunctionDefinition | undefined {
  return node.op === 'apply' ? elementwiseByName.get(node.name) : matrixByOp.get(node.op);
}

/** What a function spelling reads as: the canonical function name, or a core operator. */
export type Reading = { readonly kind: 'function'; readonly name: string; readonly arity: number } | { readonly kind: 'core'; readonly op: string; readonly name: string; readonly arity: number };

const spellings = new Map<string, Reading>();
for (const d of FUNCTIONS) for (const spelling of d.read) spellings.set(spelling, { kind: 'function', name: d.name, arity: 1 });
for (const d of CORE) for (const spelling of d.read ?? []) spellings.set(spelling, { kind: 'core', op: d.op, name: spelling, arity: d.arity ?? 1 });

/** What a word written before `(` means, if it names an operation. */
export const readFunction = (spelling: string): Reading | undefined => spellings.get(spelling);

const latexSpellings = new Map<string, Reading>();
for (const d of FUNCTIONS) for (const spelling of d.latexRead) latexSpellings.set(spelling, { kind: 'function', name: d.name, arity: 1 });

/** What a LaTeX spelling reads as (`\log`, `\operatorname{tr}`, `\mathrm{Tr}`), if the table
 *  lists it; the LaTeX reader falls back to the text spellings inside \operatorname{…}. */
export const readLatexFunction = (spelling: string): Reading | undefined => latexSpellings.get(spelling);

/** Every word that reads as a function (for the tokenizer and "did you mean"). */
export const FUNCTION_SPELLINGS: readonly string[] = [...spellings.keys()];

/** Canonical function names, each once, for messages. */
export const FUNCTION_NAMES: readonly string[] = [...new Set([...FUNCTIONS.map((d) => d.name), ...CORE.flatMap((d) => d.read ?? [])].filter((n) => n !== 'K'))];

/** The definitions a canonical name stands for (diag: of a vector, of a matrix). */
export function functionsNamed(name: string): readonly FunctionDefinition[] {
  return FUNCTIONS.filter((d) => d.name === name);
}

/** How messages name a node's operation: `tr`, `logsumexp`, `a Kronecker product`. */
export function operationTitle(node: { readonly op: string; readonly name: string }): string {
  return definitionOf(node)?.name ?? coreByOp.get(node.op)?.title ?? node.op;
}

export const isAssociative = (op: string): boolean => coreByOp.get(op)?.associative === true;
export const isCommutative = (op: string): boolean => coreByOp.get(op)?.commutative === true;

/** Whether a node's value depends only on its argument's shape (K(X), numel(X)). */
export function isShapeOnly(node: { readonly op: string; readonly name: string }): boolean {
  const d = definitionOf(node);
  return d ? d.family === 'matrix' && d.shapeOnly === true : coreByOp.get(node.op)?.shapeOnly === true;
}
