// Dimensions: strings that are "1", a number ("3"), a name ("n"), a unification variable
// ("?7") or a product of those ("m·n", for vec and ⊗). Shapes are rows × cols of dims.
// The unifier in force is strict equality, except while an expression is being built
// from text, when src/expr/build.ts installs union-find over the variables.

import { MatcalcError } from '../errors.js';
import { currentSession } from '../session.js';

export type Dim = string;

export interface Shape {
  readonly rows: Dim;
  readonly cols: Dim;
}

export const SCALAR: Shape = { rows: '1', cols: '1' };

export interface Unifier {
  find(dim: Dim): Dim;
  /** Makes a and b equal or throws a MatcalcError('shape') built by `describe`. */
  unify(a: Dim, b: Dim, describe: () => string): void;
}

export const strictUnifier: Unifier = {
  find: (dim) => dim,
  unify(a, b, describe) {
    if (a !== b) throw new MatcalcError('shape', describe());
  },
};

/** The unifier in force is the active session's (src/session.ts); strict outside a build. */
const current = (): Unifier => (currentSession().unifier as Unifier | undefined) ?? strictUnifier;

export function withUnifier<T>(unifier: Unifier, run: () => T): T {
  const session = currentSession();
  const saved = session.unifier;
  session.unifier = unifier;
  try {
    return run();
  } finally {
    session.unifier = saved;
  }
}

export function findDim(dim: Dim): Dim {
  const unifier = current();
  if (unifier === strictUnifier && !dim.includes('·')) return dim; // outside unification: as is
  const root = dim.includes('·') ? dim : unifier.find(dim);
  return root.includes('·') ? productDim(root.split('·')) : root;
}
export const unifyDims = (a: Dim, b: Dim, describe: () => string): void => current().unify(findDim(a), findDim(b), describe);

export function isScalarShape(shape: Shape): boolean {
  return findDim(shape.rows) === '1' && findDim(shape.cols) === '1';
}
export function isVectorShape(shape: Shape): boolean {
  return findDim(shape.cols) === '1';
}

/** The product of dims, canonical: numbers multiplied, names sorted, 1s dropped. */
export function productDim(factors: readonly Dim[]): Dim {
  let number = 1;
  const names: string[] = [];
  const unifier = current();
  for (const factor of factors) {
    for (const part of unifier.find(factor).split('·')) {
      const resolved = unifier.find(part);
      if (/^\d+$/.test(resolved)) number *= Number(resolved);
      else names.push(...resolved.split('·'));
    }
  }
  // Variables in creation order (?2 before ?10), then names: a canonical order that also
  // lines up the factors of A ⊗ B's rows with those of its columns.
  names.sort((a, b) => {
    const [va, vb] = [a.startsWith('?'), b.startsWith('?')];
    if (va && vb) return Number(a.slice(1)) - Number(b.slice(1));
    if (va !== vb) return va ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  if (number !== 1 || names.length === 0) names.unshift(String(number));
  return names.join('·');
}

export function shapeText(shape: Shape): string {
  return `${findDim(shape.rows)}×${findDim(shape.cols)}`;
}

/** Union-find over "?k" variables; names and numbers are rigid. */
export class UnionFind implements Unifier {
  private readonly parent = new Map<Dim, Dim>();
  private counter = 0;
  private pending: { a: Dim; b: Dim; describe: () => string }[] = [];

  /** Solves the postponed m·n = p·q constraints: again while they make progress, then
   *  by pairing the factors that are left in order. */
  settle(): void {
    for (let round = 0; round < 2; round++) {
      let progress = true;
      while (progress && this.pending.length > 0) {
        const before = this.pending.length;
        const work = this.pending;
        this.pending = [];
        for (const { a, b, describe } of work) this.unify(a, b, describe);
        progress = this.pending.length < before;
      }
      if (round === 1) break;
      const rest = this.pending;
      this.pending = [];
      for (const { a, b, describe } of rest) {
        const [left, right] = [findDim(this.find(a)).split('·'), findDim(this.find(b)).split('·')];
        if (left.length === right.length) left.forEach((d, i) => this.unify(d, right[i]!, describe));
        else this.unify(a, b, describe);
      }
    }
  }

  fresh(): Dim {
    return `?${++this.counter}`;
  }

  find(dim: Dim): Dim {
    let root = dim;
    for (let next = this.parent.get(root); next !== undefined; next = this.parent.get(root)) root = next;
    // Every name on the path now points at the root: a long sum unifies one size with a
    // new variable per term, and without this each find walks the whole chain.
    for (let at = dim; at !== root;) {
      const next = this.parent.get(at)!;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  unify(a: Dim, b: Dim, describe: () => string): void {
    const ra = findDim(this.find(a));
    const rb = findDim(this.find(b));
    if (ra === rb) return;
    const occurs = (v: Dim, d: Dim): boolean => d.split('·').includes(v);
    if (ra.startsWith('?') && !ra.includes('·') && !occurs(ra, rb)) this.parent.set(ra, rb);
    else if (rb.startsWith('?') && !rb.includes('·') && !occurs(rb, ra)) this.parent.set(rb, ra);
    else if (ra.includes('·') || rb.includes('·')) {
      // m·n = p·n: common factors cancel (m = p). What is left pairs up in order when both
      // sides have as many factors (A ⊗ B square when A and B are: the reading a user
      // means by tr(A ⊗ X)). Numbers divide: 4·? = 12 makes ? = 3 (sizes from values).
      const left = ra.split('·');
      const right = rb.split('·');
      for (let i = left.length - 1; i >= 0; i--) {
        const at = right.indexOf(left[i]!);
        if (at >= 0) {
          right.splice(at, 1);
          left.splice(i, 1);
        }
      }
      if (left.length === 0 && right.length === 0) return;
      const isNumber = (d: Dim): boolean => /^\d+$/.test(d);
      const numeric = (parts: string[]): number => parts.filter(isNumber).reduce((t, d) => t * Number(d), 1);
      const [nl, nr] = [numeric(left), numeric(right)];
      const [vl, vr] = [left.filter((d) => !isNumber(d)), right.filter((d) => !isNumber(d))];
      const fail = (): never => {
        throw new MatcalcError('shape', describe());
      };
      if (vl.length === 0 && vr.length === 0) return nl === nr ? undefined : fail();
      // One unknown against a number: it is the quotient, if there is one.
      for (const [v, n, other, m] of [[vl, nl, vr, nr], [vr, nr, vl, nl]] as const) {
        if (v.length === 1 && other.length === 0 && v[0]!.startsWith('?')) return m % n === 0 ? this.unify(v[0]!, String(m / n), describe) : fail();
      }
      if (nl === nr && vl.length === 1 && vr.length === 1) return this.unify(vl[0]!, vr[0]!, describe);
      if (![...vl, ...vr].some((d) => d.startsWith('?'))) fail();
      // m·n against a number waits for m or n; unknowns on both sides must pair up.
      if (vl.length !== vr.length && vl.length > 0 && vr.length > 0) fail();
      // Several unknown factors: wait until other constraints have settled some of them.
      this.pending.push({ a: left.join('·'), b: right.join('·'), describe });
    } else throw new MatcalcError('shape', describe());
  }
}
