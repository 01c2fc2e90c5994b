// Rules are data: `name: lhs = rhs [if condition(X), …]`, one per line, in the notation
// itself. A rule file may begin with `where …` declaring its pattern variables' kinds
// (the --where language); every symbol in a rule is a pattern variable.

import type { Declaration } from '../../grammar/declarations.js';
import { parseRuleLine } from '../../grammar/parser.js';
import { MatcalcError } from '../errors.js';
import { buildExpressions } from '../expr/build.js';
import { rebuild } from '../expr/construct.js';
import type { Expr } from '../expr/node.js';

export interface Condition {
  readonly predicate: string;
  readonly variable: string;
}

export interface Rule {
  readonly name: string;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly conditions: readonly Condition[];
  /** Where the rule was written, `rules/FILE:LINE`, for errors and --steps. */
  readonly origin: string;
  /** The pattern variables (symbol names) of the rule. */
  readonly variables: ReadonlySet<string>;
}

export const PREDICATES = ['scalar', 'vector', 'matrix', 'square', 'symmetric', 'spd', 'diagonal', 'orthogonal', 'number', 'constant'] as const;

function symbolNames(e: Expr, into = new Set<string>()): Set<string> {
  if (e.op === 'symbol') into.add(e.name);
  for (const arg of e.args) symbolNames(arg, into);
  return into;
}

/** Parses one rule file, line by line, with the grammar's rule-file entry point; a bad
 *  rule is an error that names FILE:LINE. */
export function loadRules(text: string, file: string): Rule[] {
  const declarations: Declaration[] = [];
  const rules: Rule[] = [];
  text.split('\n').forEach((raw, index) => {
    const origin = `rules/${file}:${index + 1}`;
    const fail = (message: string): never => {
      throw new MatcalcError('syntax', `${origin}: ${message}`, { source: raw });
    };
    let line: ReturnType<typeof parseRuleLine>;
    try {
      line = parseRuleLine(raw, declarations.map((d) => d.name));
    } catch (error) {
      if (error instanceof MatcalcError) fail(error.message + (error.expected ? ` (${error.expected})` : ''));
      throw error;
    }
    if (line === undefined) return;
    if (Array.isArray(line)) {
      declarations.push(...line);
      return;
    }
    const { name } = line;
    let lhs: Expr;
    let rhs: Expr;
    try {
      // Both sides in one build, so a variable has one shape on the left and the right.
      const built = buildExpressions([line.lhs, line.rhs], raw, declarations, { patterns: true });
      [lhs, rhs] = built.exprs as [Expr, Expr];
    } catch (error) {
      if (error instanceof MatcalcError) fail(error.message);
      throw error;
    }
    const conditions = line.conditions.map((c) => {
      if (!(PREDICATES as readonly string[]).includes(c.predicate)) fail(`unknown condition '${raw.slice(c.span.start, c.span.end)}'; known: ${PREDICATES.join(', ')}`);
      return { predicate: c.predicate, variable: c.variable };
    });
    const variables = symbolNames(lhs!);
    for (const name of symbolNames(rhs!)) if (!variables.has(name)) fail(`${name} appears on the right but not on the left`);
    for (const condition of conditions) if (!variables.has(condition.variable)) fail(`the condition names ${condition.variable}, which is not in the rule`);
    if (lhs! === rhs!) fail('the two sides are the same expression');
    // A left side the constructors already reduced to a leaf (I ⊗ I is I) would match
    // every such leaf: such a rule is redundant at best.
    if (lhs!.args.length === 0) fail('the left side reduces to a single symbol or constant; the constructors already do this');
    rules.push({ name: name!, lhs: lhs!, rhs: rhs!, conditions, origin, variables });
  });
  return rules;
}


/** The two halves P, Q of a rule `F(P + Q) = T + T[P→Q]`: F distributes over the sum, so
 *  the rule may be applied to every term of a k-term sum at once (O(k)) instead of to
 *  halves of it (O(k log k) terms rebuilt). Read from the rule's shape, not its meaning. */
export interface SumHalves {
  readonly first: string;
  readonly second: string;
  /** T: the right side's term for the first half. */
  readonly term: Expr;
}

const termwise = new WeakMap<Rule, SumHalves | null>();

export function distributesOverSum(rule: Rule): SumHalves | undefined {
  const known = termwise.get(rule);
  if (known !== undefined) return known ?? undefined;
  const found = findSumHalves(rule);
  termwise.set(rule, found ?? null);
  return found;
}

function findSumHalves(rule: Rule): SumHalves | undefined {
  const nameOf = (e: Expr): string | undefined => {
    const inner = e.op === 'differential' ? e.args[0]! : e;
    return inner.op === 'symbol' && rule.variables.has(inner.name) ? inner.name : undefined;
  };
  const sums: Expr[] = [];
  const visit = (e: Expr): void => {
    if (e.op === 'add') sums.push(e);
    e.args.forEach(visit);
  };
  visit(rule.lhs);
  if (sums.length !== 1 || sums[0]!.args.length !== 2 || rule.rhs.op !== 'add' || rule.rhs.args.length !== 2) return undefined;
  const [p, q] = sums[0]!.args.map(nameOf);
  if (!p || !q || p === q || rule.conditions.length > 0) return undefined;
  const [from, to] = sums[0]!.args.map((a) => (a.op === 'differential' ? a.args[0]! : a)) as [Expr, Expr];
  for (const [term, other] of [rule.rhs.args, [...rule.rhs.args].reverse()] as [Expr, Expr][]) {
    if (substitute(term, from, to) === other && !mentions(term, q)) return { first: p, second: q, term };
  }
  return undefined;
}

function mentions(e: Expr, name: string): boolean {
  return (e.op === 'symbol' && e.name === name) || e.args.some((a) => mentions(a, name));
}

function substitute(e: Expr, from: Expr, to: Expr): Expr {
  if (e === from) return to;
  if (e.args.length === 0) return e;
  return rebuild(e, e.args.map((a) => substitute(a, from, to)));
}
