// A rule read as searcher + applier (egg's Rewrite): what it searches for at a node (its
// pattern and conditions) is here, one way for every pass; what it does with a match is the
// pass's applier — instantiating the right side, or a named piece of code (isolation passes
// an adjoint to the parts of a node, a Jacobian composes its parts'). Domain-free.

import { isGrouped, isScalar, isVector } from '../expr/construct.js';
import { findDim } from '../expr/dims.js';
import { DIAGONAL, type Expr, ORTHOGONAL, SPD, SYMMETRIC } from '../expr/node.js';
import { type Bindings, EMPTY_BINDINGS, type MarkedClass, match, type MatchContext, matchPart } from './match.js';
import type { Condition, Rule } from './rule.js';

/** What a pass searches for: a rule and the pattern it matches at a node (its left side,
 *  or the part of it the pass reads as the node: inside d(…), after the adjoint). */
export interface Searcher {
  readonly rule: Rule;
  readonly pattern: Expr;
}

/** The index key of a node: its op, and for an elementwise function its name too. */
export const headOf = (e: Expr): string => (e.op === 'apply' ? `apply:${e.name}` : e.op);

/** Rules indexed by the head of their patterns, in file order within a head. */
export class RuleSet<S extends Searcher> {
  private readonly byHead = new Map<string, S[]>();
  constructor(readonly entries: readonly S[]) {
    for (const entry of entries) {
      const head = headOf(entry.pattern);
      const list = this.byHead.get(head);
      if (list) list.push(entry);
      else this.byHead.set(head, [entry]);
    }
  }
  /** The rules whose pattern can match a node of this head. */
  at(node: Expr): readonly S[] {
    return this.byHead.get(headOf(node)) ?? [];
  }
}

/** The context a pass matches a rule in: the rule's variables; a grouped product (GROUPED,
 *  a derivation's shared intermediate) is one factor no pattern reaches into; and the
 *  caller's own classes of pattern variables. */
export function contextFor(rule: Rule, extra: { readonly marked?: MarkedClass; readonly halves?: boolean } = {}): MatchContext {
  return { variables: rule.variables, opaque: isGrouped, ...extra };
}

const PREDICATES: Record<string, (e: Expr) => boolean> = {
  scalar: isScalar,
  vector: isVector,
  matrix: (e) => !isScalar(e) && !isVector(e),
  square: (e) => findDim(e.shape.rows) === findDim(e.shape.cols),
  symmetric: (e) => (e.props & SYMMETRIC) !== 0,
  spd: (e) => (e.props & SPD) !== 0,
  diagonal: (e) => (e.props & DIAGONAL) !== 0,
  orthogonal: (e) => (e.props & ORTHOGONAL) !== 0,
  number: (e) => e.op === 'number',
  constant: () => true, // outside calculus everything is constant
};

export const predicate = (name: string): ((e: Expr) => boolean) | undefined => PREDICATES[name];

export function conditionsHold(conditions: readonly Condition[], bindings: Bindings): boolean {
  return conditions.every((c) => {
    const value = bindings.vars.get(c.variable);
    return value !== undefined && (PREDICATES[c.predicate]?.(value) ?? false);
  });
}

export interface SearchOptions {
  /** Bindings the match starts from (isolation: the adjoint). */
  readonly start?: Bindings;
  /** Match part of an n-ary node (a run of a product's factors, some of a sum's terms). */
  readonly part?: boolean;
}

/** The one search: the pattern matched at the node, and the rule's conditions checked. */
export function search(searcher: Searcher, node: Expr, context: MatchContext, options: SearchOptions = {}): Bindings | undefined {
  const bindings = options.part ? matchPart(searcher.pattern, node, context) : match(searcher.pattern, node, options.start ?? EMPTY_BINDINGS, context);
  return bindings && conditionsHold(searcher.rule.conditions, bindings) ? bindings : undefined;
}
