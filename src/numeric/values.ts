// The value conventions of the API and the CLI: scalars as numbers, vectors as flat
// arrays, matrices as arrays of rows. Inside, everything is a matrix (arrays of rows).

import { MatcalcError } from '../errors.js';
import { isVectorShape, type Shape } from '../expr/dims.js';
import type { Expr } from '../expr/node.js';
import type { Matrix } from './linalg.js';

export type PlainValue = number | number[] | number[][];

function describeSize(m: Matrix): string {
  return `${m.length}×${m[0]?.length ?? 0}`;
}

/** Converts user values to matrices and reads the dimension sizes off them. `declared`:
 *  symbols the expression only declares (their values, when given, fix sizes too). */
export function bindValues(symbols: Iterable<Expr>, given: Record<string, unknown>, declared: Iterable<Expr> = []): { values: Map<string, Matrix>; sizes: Map<string, number> } {
  const values = new Map<string, Matrix>();
  const sizes = new Map<string, number>();
  const origin = new Map<string, string>();
  const products: { dim: string; size: number; who: string }[] = [];
  const bind = (dim: string, size: number, who: string): void => {
    if (/^\d+$/.test(dim)) {
      if (Number(dim) !== size) throw new MatcalcError('value', `${who} must have size ${dim}, got ${size}`);
      return;
    }
    if (dim.includes('·')) {
      products.push({ dim, size, who });
      return;
    }
    const known = sizes.get(dim);
    if (known !== undefined && known !== size && origin.get(dim) === who) {
      throw new MatcalcError('value', `${who} must be square: both its sizes are ${dim}`);
    }
    if (known !== undefined && known !== size) {
      throw new MatcalcError('value', `sizes disagree: ${who} makes ${dim} = ${size}, but ${origin.get(dim)} makes ${dim} = ${known}`);
    }
    sizes.set(dim, size);
    origin.set(dim, who);
  };
  const take = (symbol: Expr, raw: unknown): void => {
    const matrix = toMatrix(raw, symbol.shape, symbol.name);
    values.set(symbol.name, matrix);
    bind(symbol.shape.rows, matrix.length, `${symbol.name} (${describeSize(matrix)})`);
    bind(symbol.shape.cols, matrix[0]!.length, `${symbol.name} (${describeSize(matrix)})`);
  };
  for (const symbol of symbols) {
    const raw = given[symbol.name];
    if (raw === undefined) throw new MatcalcError('value', `no value given for ${symbol.name}`);
    take(symbol, raw);
  }
  for (const symbol of declared) if (given[symbol.name] !== undefined) take(symbol, given[symbol.name]);
  // A product size (x: m·n) checks the sizes it knows and gives the one it does not.
  for (let progress = true; progress;) {
    progress = false;
    for (const { dim, size, who } of products) {
      const parts = dim.split('·');
      const unknown = parts.filter((p) => !/^\d+$/.test(p) && !sizes.has(p));
      const known = parts.filter((p) => !unknown.includes(p)).reduce((total, p) => total * (/^\d+$/.test(p) ? Number(p) : sizes.get(p)!), 1);
      if (unknown.length === 0 && known !== size) throw new MatcalcError('value', `sizes disagree: ${who} has ${size} entries, but ${dim} = ${known}`);
      if (unknown.length === 1 && !sizes.has(unknown[0]!)) {
        if (size % known !== 0) throw new MatcalcError('value', `sizes disagree: ${who} has ${size} entries, not a multiple of ${known} (${dim})`);
        bind(unknown[0]!, size / known, who);
        progress = true;
      }
    }
  }
  return { values, sizes };
}

/** The shapes values give (a matrix: rows×cols; a flat array: a vector), for evaluation.
 *  A number says nothing (a scalar, or a 1×1 of any name); what is not an array of numbers
 *  or of equal rows implies nothing here and is reported by bindValues. */
export function valueShapes(given: Record<string, unknown>): Map<string, { rows: number; cols: number }> {
  const shapes = new Map<string, { rows: number; cols: number }>();
  for (const [name, raw] of Object.entries(given)) {
    if (!Array.isArray(raw) || raw.length === 0) continue;
    if (raw.every((x) => typeof x === 'number')) shapes.set(name, { rows: raw.length, cols: 1 });
    else if (raw.every((row) => Array.isArray(row) && row.length > 0 && row.length === (raw[0] as unknown[]).length)) {
      shapes.set(name, { rows: raw.length, cols: (raw[0] as unknown[]).length });
    }
  }
  return shapes;
}

function toMatrix(raw: unknown, shape: Shape, name: string): Matrix {
  const bad = (why: string): never => {
    throw new MatcalcError('value', `the value of ${name} ${why}`);
  };
  const checkNumber = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : bad(`contains ${typeof x === 'number' ? String(x) : JSON.stringify(x)}, not a finite number`));
  /** A sparse array ([1, 2, , 4]) has holes that map() would skip. */
  const dense = (array: unknown[], what: string): void => {
    for (let i = 0; i < array.length; i++) if (!(i in array)) bad(`has no entry at position ${i + 1}${what} (a hole in the array)`);
  };
  if (typeof raw === 'number') return [[checkNumber(raw)]];
  if (!Array.isArray(raw) || raw.length === 0) return bad('must be a number, a flat array (vector) or an array of rows (matrix)');
  dense(raw, '');
  (raw as unknown[]).forEach((row, i) => Array.isArray(row) && dense(row, ` of row ${i + 1}`));
  if (raw.every((x) => !Array.isArray(x))) {
    const column = raw.map((x) => [checkNumber(x)]);
    // A flat array is a vector; for a 1×n symbol it is its one row.
    return isVectorShape(shape) ? column : shape.rows === '1' ? [column.map((r) => r[0]!)] : column;
  }
  if (!raw.every(Array.isArray)) return bad('mixes numbers and rows');
  const matrix = (raw as unknown[][]).map((row) => row.map(checkNumber));
  if (matrix.some((row) => row.length === 0)) bad('has an empty row');
  if (matrix.some((row) => row.length !== matrix[0]!.length)) bad('has rows of different lengths');
  return matrix;
}

/** The inverse convention: 1×1 → number, n×1 → flat array, otherwise rows. */
export function toPlain(matrix: Matrix, shape: Shape): PlainValue {
  if (matrix.length === 1 && matrix[0]!.length === 1 && shape.rows === '1' && shape.cols === '1') return matrix[0]![0]!;
  if (isVectorShape(shape)) return matrix.map((row) => row[0]!);
  return matrix;
}
