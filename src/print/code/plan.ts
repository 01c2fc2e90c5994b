// What every code emitter needs before it writes a line: the function's arguments and
// their shapes, where each dimension's size is read at run time, and which shared pieces
// become temporaries computed once. Target-independent; it decides nothing mathematical.

import { MatcalcError } from '../../errors.js';
import { findDim, shapeText } from '../../expr/dims.js';
import { DIAGONAL, type Expr, ORTHOGONAL, postOrder, SPD, SYMMETRIC } from '../../expr/node.js';

/** How a value is held in generated code: scalars as numbers, both kinds of vector as 1-D
 *  arrays, matrices as 2-D arrays. */
export type Kind = 'scalar' | 'column' | 'row' | 'matrix';

export function kindOf(e: Pick<Expr, 'shape'>): Kind {
  const rowsOne = findDim(e.shape.rows) === '1';
  const colsOne = findDim(e.shape.cols) === '1';
  return rowsOne && colsOne ? 'scalar' : colsOne ? 'column' : rowsOne ? 'row' : 'matrix';
}

/** The kind of a product of a left part with rows like `left` and a right part with cols like `right`. */
export function productKind(left: Kind, right: Kind): Kind {
  const rowsOne = left === 'scalar' || left === 'row';
  const colsOne = right === 'scalar' || right === 'column';
  return rowsOne && colsOne ? 'scalar' : colsOne ? 'column' : rowsOne ? 'row' : 'matrix';
}

export type DerivativeKind = 'grad' | 'jacobian' | 'hessian';

/** What to generate: f (or F) and its derivative, over the symbols of f. */
export interface CodeSpec {
  readonly kind: DerivativeKind;
  readonly value: Expr;
  readonly derivative: Expr;
  /** The symbols of f in reading order: the generated function's parameters. */
  readonly symbols: readonly Expr[];
  readonly wrt: string;
  /** A line about the derivative (convention, verification) for the header comment. */
  readonly note?: string;
}

export interface Argument {
  readonly symbol: Expr;
  /** The parameter's name in the generated code (the symbol's, unless reserved there). */
  readonly name: string;
  readonly kind: Kind;
  /** Shape and assumptions, e.g. "n×n, symmetric". */
  readonly description: string;
}

export interface Plan {
  readonly spec: CodeSpec;
  readonly args: readonly Argument[];
  /** The variable a node is read from: temporaries and, when f reappears, f's own. */
  readonly names: ReadonlyMap<Expr, string>;
  /** Temporaries in the order they are computed (children first): those f needs first,
   *  then f, then the rest (which may read f). */
  readonly temporaries: readonly Expr[];
  /** How many of the temporaries come before f. */
  readonly valueTemporaries: number;
  readonly valueName: string;
  readonly derivativeName: string;
  /** Where a dimension's size is read at run time: a parameter and its axis. */
  sizeSources(dim: string): { argument: Argument; axis: 0 | 1 }[] | number;
  /** Names not yet used in the function: parameters, temporaries, sizes. */
  fresh(base: string): string;
}

const ASSUMPTIONS: [number, string][] = [[SPD, 'spd'], [DIAGONAL, 'diagonal'], [ORTHOGONAL, 'orthogonal'], [SYMMETRIC, 'symmetric']];

function describe(symbol: Expr): string {
  const shape = kindOf(symbol) === 'scalar' ? 'scalar' : shapeText(symbol.shape);
  // spd and diagonal imply symmetric: say only the strongest.
  const said = ASSUMPTIONS.filter(([bit]) => symbol.props & bit).map(([, word]) => word);
  const shown = said.includes('symmetric') && said.length > 1 ? said.filter((w) => w !== 'symmetric') : said;
  return `${shape}${shown.length > 0 ? `, ${shown.join(', ')}` : ''}`;
}

/** A node is worth a temporary when two places use it and computing it costs something.
 *  An inverse that only products use is never formed: each product solves with it. */
function worthNaming(node: Expr, uses: number, onlyInProducts: boolean): boolean {
  if (uses < 2 || node.args.length === 0) return false;
  if (node.op === 'transpose' && node.args[0]!.args.length === 0) return false;
  if (node.op === 'multiply' && node.args.length === 2 && node.args[0]!.op === 'number' && node.args[1]!.args.length === 0) return false;
  if (onlyInProducts && (node.op === 'inverse' || (node.op === 'transpose' && node.args[0]!.op === 'inverse'))) return false;
  if (onlyInProducts && node.op === 'diagMatrix' && kindOf(node.args[0]!) === 'column') return false;
  return true;
}

export function planCode(spec: CodeSpec, reserved: ReadonlySet<string>, names: { value: string; derivative: string }): Plan {
  const taken = new Set<string>(reserved);
  const fresh = (base: string): string => {
    let name = base;
    while (taken.has(name)) name += '_';
    taken.add(name);
    return name;
  };
  const args: Argument[] = spec.symbols.map((symbol) => {
    const name = fresh(symbol.name);
    return { symbol, name, kind: kindOf(symbol), description: describe(symbol) };
  });
  const valueName = fresh(names.value);
  const derivativeName = fresh(names.derivative);

  const order: Expr[] = [];
  const seen = new Set<Expr>();
  for (const root of [spec.value, spec.derivative]) {
    for (const node of postOrder(root)) if (!seen.has(node)) (seen.add(node), order.push(node));
  }
  const inValue = new Set(postOrder(spec.value));
  const uses = new Map<Expr, number>();
  const outsideProducts = new Set<Expr>([spec.value, spec.derivative]);
  for (const node of order) {
    for (const arg of node.args) {
      uses.set(arg, (uses.get(arg) ?? 0) + 1);
      // inv(X)' is solved with X' as a factor of a product: its inverse is not formed either.
      const solvable = node.op === 'multiply' || (node.op === 'transpose' && arg.op === 'inverse');
      if (!solvable) outsideProducts.add(arg);
    }
  }
  // diag(v) that only products use is applied as a scaling, never formed: each use reads v,
  // which is then worth a name of its own.
  for (const node of order) {
    if (node.op === 'diagMatrix' && !outsideProducts.has(node) && kindOf(node.args[0]!) === 'column') {
      const v = node.args[0]!;
      uses.set(v, (uses.get(v) ?? 0) + (uses.get(node) ?? 0) - 1);
    }
  }

  const variables = new Map<Expr, string>();
  for (const arg of args) variables.set(arg.symbol, arg.name);
  // f is computed first; where the derivative uses f itself, it reads f's variable.
  if (uses.has(spec.value) && spec.value.args.length > 0) variables.set(spec.value, valueName);
  const temporaries: Expr[] = [];
  let counter = 0;
  for (const node of order) {
    if (variables.has(node) || node === spec.derivative || !worthNaming(node, uses.get(node) ?? 0, !outsideProducts.has(node))) continue;
    let name: string;
    do name = `t${++counter}`;
    while (taken.has(name));
    taken.add(name);
    variables.set(node, name);
    temporaries.push(node);
  }

  const sizeSources = (dim: string): { argument: Argument; axis: 0 | 1 }[] | number => {
    const parts = findDim(dim).split('·');
    if (parts.every((p) => /^\d+$/.test(p))) return parts.reduce((a, p) => a * Number(p), 1);
    const sources: { argument: Argument; axis: 0 | 1 }[] = [];
    for (const part of parts) {
      if (/^\d+$/.test(part)) {
        if (part !== '1') throw new MatcalcError('unsupported', `code generation needs symbolic sizes or none: ${dim}`);
        continue;
      }
      const found = args.find((a) => a.kind !== 'scalar' && (findDim(a.symbol.shape.rows) === part || findDim(a.symbol.shape.cols) === part));
      if (!found) throw new MatcalcError('unsupported', `the size ${part} cannot be read from the arguments, so the code cannot build an identity or ones vector of it`);
      const axis = findDim(found.symbol.shape.rows) === part ? 0 : 1;
      // A vector is held 1-D: its one size is on axis 0 whichever way it stands.
      sources.push({ argument: found, axis: found.kind === 'matrix' ? axis : 0 });
    }
    return sources;
  };

  const valueTemporaries = temporaries.filter((node) => inValue.has(node)).length;
  return { spec, args, names: variables, temporaries, valueTemporaries, valueName, derivativeName, sizeSources, fresh };
}

export { broadcastAllowed, broadcastFactors } from '../broadcast.js';

export const DERIVATIVE_WORD: Record<DerivativeKind, string> = { grad: 'gradient', jacobian: 'Jacobian', hessian: 'Hessian' };
