// Isolation: from df (linear in d(X)) to G with df = tr(Gᵀ dX). The adjoint of each
// linear node is passed to its linear parts by the rules in rules/isolation.rules, from
// the outside in, in reverse topological order — reverse-mode differentiation done
// symbolically. Each step adds O(1) shared nodes, so the cost is linear in df.

import { MatcalcError } from '../errors.js';
import { operationTitle } from '../ops/table.js';
import * as C from '../expr/construct.js';
import type { Expr } from '../expr/node.js';
import { instantiate } from '../rewrite/instantiate.js';
import { prepared, rules } from '../rewrite/library.js';
import { combine, EMPTY_BINDINGS, type MatchContext } from '../rewrite/match.js';
import { contextFor, RuleSet, search } from '../rewrite/ruleset.js';
import { DEFAULT_LIMITS, type Limits, Run, type RunReport, type Step } from '../rewrite/run.js';
import { distributesOverSum, type Rule } from '../rewrite/rule.js';
import { linearity, linearPart } from './linear.js';

const ADJOINT_NAMES = new Set(['G', 'g', 'v']);

/** An isolation rule read as: the adjoint `adjoint` of a node matching `pattern` sends
 *  `template` to the part bound to `child`, for each output. */
interface Isolation {
  readonly rule: Rule;
  readonly adjoint: string;
  readonly pattern: Expr;
  readonly outputs: readonly { child: string; template: Expr }[];
  /** For a rule that distributes over a sum (tr(G'(d(L) + d(R))) = …): the template every
   *  term of a linear sum receives, when it needs nothing but the adjoint. */
  readonly termwise?: Expr;
}

function stripTrace(e: Expr): Expr {
  return e.op === 'trace' ? e.args[0]! : e;
}

function prepare(rule: Rule): Isolation {
  const fail = (why: string): never => {
    throw new MatcalcError('syntax', `${rule.origin}: ${why}`);
  };
  const lhs = stripTrace(rule.lhs);
  if (lhs.op !== 'multiply') fail("the left side must be tr(G' * …) or g * …");
  const at = lhs.args.findIndex((a) => (a.op === 'symbol' && ADJOINT_NAMES.has(a.name)) || (a.op === 'transpose' && a.args[0]!.op === 'symbol' && ADJOINT_NAMES.has(a.args[0]!.name)));
  if (at < 0) fail('no adjoint variable (G, g or v) on the left');
  const adjointNode = lhs.args[at]!;
  const adjoint = adjointNode.op === 'symbol' ? adjointNode.name : adjointNode.args[0]!.name;
  const pattern = combine('multiply', lhs.args.filter((_, i) => i !== at));
  const terms = rule.rhs.op === 'add' ? rule.rhs.args : [rule.rhs];
  const outputs = terms.map((term) => {
    const inner = stripTrace(term);
    const factors = inner.op === 'multiply' ? inner.args : [inner];
    const position = factors.findIndex((f) => f.op === 'differential');
    if (position < 0) fail('each term on the right must be tr(H\' * d(L))');
    const child = factors[position]!.args[0]!;
    if (child.op !== 'symbol') fail('d(…) on the right must hold a variable');
    // H of tr(Hᵀ d(L)) has L's shape. A symmetric H = g·I loses its transpose and then its
    // I (I·A = A) when the rule is read, leaving the scalar g: the identity is put back.
    const rest = combine('multiply', factors.filter((_, i) => i !== position));
    const adjointOfChild = C.isScalar(rest) && !C.isScalar(child) ? C.multiply(rest, C.identity(child.shape.rows)) : rest;
    return { child: child.name, template: C.transpose(adjointOfChild) };
  });
  const halves = distributesOverSum(rule);
  const first = halves && outputs.find((o) => o.child === halves.first);
  const onlyAdjoint = (e: Expr): boolean => (e.op === 'symbol' && rule.variables.has(e.name) ? e.name === adjoint : e.args.every(onlyAdjoint));
  const termwise = first && onlyAdjoint(first.template) ? first.template : undefined;
  return { rule, adjoint, pattern, outputs, ...(termwise ? { termwise } : {}) };
}

/** The isolation rules, indexed by the head of the node they pass an adjoint through. */
const isolationRules = prepared(() => new RuleSet(rules('isolation').map(prepare)));

export interface Isolated {
  /** G with df = tr(Gᵀ dX), X's shape; zero when df does not hold dX. */
  readonly gradient: Expr;
  readonly steps: readonly Step[];
  readonly report: RunReport;
}

export interface IsolationOptions {
  /** Keep each adjoint as one grouped product (GROUPED), as reverse-mode AD keeps its
   *  adjoints: A'*G*B' then adds O(1) nodes however long G is. */
  readonly grouped?: boolean;
  readonly limits?: Limits;
}

export function isolate(df: Expr, x: Expr, options: IsolationOptions = {}): Isolated {
  const isLinear = linearity();
  const marked = linearPart(isLinear);
  // Linear nodes in post-order (children first); processed in reverse, parents first.
  const order: Expr[] = [];
  const seen = new Set<number>();
  const stack: [Expr, boolean][] = [[df, false]];
  while (stack.length > 0) {
    const [node, expanded] = stack.pop()!;
    if (expanded) {
      order.push(node);
      continue;
    }
    if (seen.has(node.id) || !isLinear(node)) continue;
    seen.add(node.id);
    stack.push([node, true]);
    if (node.op !== 'differential') for (const arg of node.args) if (isLinear(arg) && !seen.has(arg.id)) stack.push([arg, false]);
  }
  const contributions = new Map<number, Expr[]>([[df.id, [C.ONE()]]]);
  const run = new Run('isolation', options.limits ?? DEFAULT_LIMITS);
  const gradientParts: Expr[] = [];
  const processed = new Set<number>();
  const give = (target: Expr, value: Expr): void => {
    // A node a rule made (the halves of a long sum) may be in no other node of df, or be
    // one that was already passed on: either way this part of its adjoint is passed on at
    // once, which linearity allows.
    if (!seen.has(target.id) || processed.has(target.id)) {
      propagate(target, value);
      return;
    }
    const list = contributions.get(target.id);
    if (list) list.push(value);
    else contributions.set(target.id, [value]);
  };
  const propagate = (node: Expr, adjoint: Expr): void => {
    if (node.op === 'differential') {
      if (node.args[0] === x) gradientParts.push(adjoint);
      return;
    }
    run.require();
    for (const isolation of isolationRules().at(node)) {
      if (isolation.adjoint === 'g' && !C.isScalar(adjoint)) continue;
      if (isolation.adjoint === 'v' && adjoint.shape.cols !== '1') continue;
      const context: MatchContext = contextFor(isolation.rule, { marked });
      const start = { ...EMPTY_BINDINGS, vars: new Map([[isolation.adjoint, adjoint]]) };
      if (isolation.termwise && node.op === 'add' && node.args.length > 2 && node.args.every(isLinear)) {
        // A k-term sum passes its adjoint to every term at once.
        run.record(isolation.rule, node, adjoint);
        const value = instantiate(isolation.termwise, start, context);
        for (const term of node.args) give(term, value);
        return;
      }
      const bindings = search(isolation, node, context, { start });
      if (!bindings) continue;
      run.record(isolation.rule, node, adjoint);
      for (const { child, template } of isolation.outputs) give(bindings.vars.get(child)!, instantiate(template, bindings, context));
      return;
    }
    throw new MatcalcError('unsupported', `cannot isolate d(${x.name}) through ${operationTitle(node)}: no isolation rule applies (not supported yet)`);
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const parts = contributions.get(node.id);
    if (!parts) continue;
    contributions.delete(node.id);
    processed.add(node.id);
    const adjoint = C.add(...parts);
    propagate(node, options.grouped ? C.group(adjoint) : adjoint);
  }
  const gradient = gradientParts.length > 0 ? C.add(...gradientParts) : C.zero(x.shape);
  return { gradient, steps: run.steps, report: run.report() };
}

