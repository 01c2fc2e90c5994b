// Interned expression nodes. A node is built only through src/expr/construct.ts; building
// the same expression twice returns the same object, so `===` is structural equality and
// any memo keyed by node stays valid. Nodes are immutable.

import { checkDeadline } from '../limits.js';
import { BASE, currentSession, type Session } from '../session.js';
import type { Shape } from './dims.js';

/** A node's operation. The algebra's own operators (src/ops/core.ts): 'symbol' (name),
 *  'number' (value), 'identity', 'zero', 'ones', 'commutation' (K(X), args [X] carry the
 *  shape), 'add' (n-ary, AC), 'multiply' (n-ary: scalar factors first, then the matrix
 *  chain in order), 'hadamard', 'kron', 'transpose', 'inverse', 'power' (elementwise, by
 *  value), 'matrixPower' (value), 'differential'. Functions: 'apply' (an elementwise
 *  function, its name in name) and the op of each matrix function (src/ops/matrix.ts). */
export type Op = string;

/** Assumptions carried by a node (bit flags). */
export const SYMMETRIC = 1;
export const SPD = 2;
export const DIAGONAL = 4;
export const ORTHOGONAL = 8;
/** On a product: kept as one factor of the products that use it (multiply does not splice
 *  it in). A large derivation keeps its shared intermediate products so, as reverse-mode
 *  AD keeps its adjoints: a flat chain would copy every factor into every user, and a
 *  result that shares its pieces would print and cost quadratically. */
export const GROUPED = 16;

export interface Expr {
  readonly id: number;
  readonly op: Op;
  readonly args: readonly Expr[];
  readonly name: string; // symbol or function name, '' otherwise
  readonly value: number; // number value or exponent, 0 otherwise
  readonly shape: Shape;
  readonly props: number;
  /** Structural hash, independent of build order; orders AC arguments deterministically. */
  readonly hash: number;
  /** Tree size capped at 2^30: a DAG can be exponentially larger than its node count. */
  readonly size: number;
  /** The first symbol name in reading order, for textbook-like term order. */
  readonly lead: string;
  /** Built in the base session (the rules): only such nodes can be found in its table. */
  readonly base: boolean;
}

/** The intern table is the active session's (src/session.ts): buckets of nodes by a hash of
 *  their identity (op, name, value, shape, props and the ids of their arguments), compared
 *  field by field — no key strings. A session's table extends the base session's (the
 *  rules), so a node equal to one of the rules is the rules' node. Ids are unique across
 *  sessions (a counter, never reused), so memos keyed by id never confuse two nodes. */
let nextId = 1;
const tableOf = (session: Session): Map<number, Expr[]> => session.nodes as Map<number, Expr[]>;

function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x9e3779b1) >>> 0;
}

/** A cache with a stated bound (100,000 strings): names and ops recur across sessions. */
const stringHashes = new Map<string, number>();
function stringHash(text: string): number {
  let known = stringHashes.get(text);
  if (known !== undefined) return known;
  known = 2166136261;
  for (let i = 0; i < text.length; i++) known = Math.imul(known ^ text.charCodeAt(i), 16777619) >>> 0;
  if (stringHashes.size < 100_000) stringHashes.set(text, known);
  return known;
}

function numberHash(value: number): number {
  return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? value | 0 : stringHash(String(value));
}

function sameNode(node: Expr, op: Op, args: readonly Expr[], shape: Shape, name: string, value: number, props: number): boolean {
  if (node.op !== op || node.name !== name || node.props !== props || node.args.length !== args.length) return false;
  if (node.shape.rows !== shape.rows || node.shape.cols !== shape.cols) return false;
  if (node.value !== value && !(Number.isNaN(node.value) && Number.isNaN(value))) return false;
  for (let i = 0; i < args.length; i++) if (node.args[i] !== args[i]) return false;
  return true;
}

/** A mark in the sequence of nodes created, and how many were created since one: what a
 *  pass's node limit counts. */
export const internMark = (): number => nextId;
export const internedSince = (mark: number): number => nextId - mark;

/** The one place nodes come into being; construct.ts decides what to build. */
export function intern(op: Op, args: readonly Expr[], shape: Shape, name = '', value = 0, props = 0): Expr {
  // The identity hash (by argument ids) finds the bucket; the structural hash below is
  // independent of build order and orders commutative arguments.
  let key = mix(mix(mix(stringHash(op), stringHash(name)), numberHash(value)), mix(stringHash(shape.rows), stringHash(shape.cols)) ^ props);
  for (const arg of args) key = mix(key, arg.id);
  const session = currentSession();
  const table = tableOf(session);
  // A node with an argument of this session's cannot be one of the base's.
  if (session !== BASE && args.every((arg) => arg.base)) {
    const shared = tableOf(BASE).get(key);
    if (shared) for (const node of shared) if (sameNode(node, op, args, shape, name, value, props)) return node;
  }
  const bucket = table.get(key);
  if (bucket) for (const node of bucket) if (sameNode(node, op, args, shape, name, value, props)) return node;
  checkDeadline();
  let hash = mix(stringHash(op + '|' + name + '|' + shape.rows + '|' + shape.cols), stringHash(String(value)) ^ props);
  let size = 1;
  for (const arg of args) {
    hash = mix(hash, arg.hash);
    size = Math.min(size + arg.size, 2 ** 30);
  }
  const lead = op === 'symbol' ? name : (args.find((arg) => arg.lead !== '')?.lead ?? '');
  const node: Expr = Object.freeze({ id: nextId++, op, args: Object.freeze([...args]), name, value, shape, props, hash, size, lead, base: session === BASE });
  if (bucket) bucket.push(node);
  else table.set(key, [node]);
  return node;
}


/** Number of distinct nodes reachable from the roots (the DAG size). */
export function dagSize(...roots: Expr[]): number {
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    for (const item of node.args) stack.push(item);
  }
  return seen.size;
}

/** The nodes of a DAG, children before parents, each once; found without recursion. */
export function postOrder(root: Expr, descend: (node: Expr) => boolean = () => true): Expr[] {
  const order: Expr[] = [];
  const seen = new Set<number>();
  const stack: [Expr, number][] = [[root, 0]];
  seen.add(root.id);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (next < node.args.length && descend(node)) {
      top[1] = next + 1;
      const child = node.args[next]!;
      if (!seen.has(child.id)) {
        seen.add(child.id);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

/** Calls a memoized recursive function on every node of root's DAG children first, so
 *  that each call finds its children done: recursion stays shallow however deep the
 *  expression (a 1,000-layer network is 1,000 deep). */
export function warm(root: Expr, compute: (node: Expr) => unknown, descend?: (node: Expr) => boolean): void {
  for (const node of postOrder(root, descend)) compute(node);
}

/** Memoizes a function of a node by node id: every traversal of a DAG goes through one.
 *  A call from outside first computes the DAG bottom-up (see warm). */
export function memoize<T>(compute: (node: Expr, recurse: (child: Expr) => T) => T): (node: Expr) => T {
  const memo = new Map<number, T>();
  let depth = 0;
  const recurse = (node: Expr): T => {
    const known = memo.get(node.id);
    if (known !== undefined || memo.has(node.id)) return known as T;
    if (depth === 0 && node.args.length > 0) {
      depth++;
      try {
        // Only the part not yet known: a new node over a large memoized DAG (a run the
        // matcher just combined) costs its new nodes, not the whole DAG below it.
        for (const inner of postOrder(node, (n) => !memo.has(n.id))) if (inner !== node) recurse(inner);
      } finally {
        depth--;
      }
    }
    depth++;
    try {
      const result = compute(node, recurse);
      memo.set(node.id, result);
      return result;
    } finally {
      depth--;
    }
  };
  return recurse;
}
