// The matcher and the rewrite engine (src/rewrite): associative and AC matching, conditions,
// caller-declared classes, and the engine's limits and stop reasons.
import { describe, expect, test } from '@jest/globals';
import * as C from '../../src/expr/construct.js';
import type { Expr } from '../../src/expr/node.js';
import { ORTHOGONAL } from '../../src/expr/node.js';
import { applyRule, rewriteBottomUp } from '../../src/rewrite/engine.js';
import { EMPTY_BINDINGS, match, matchPart, type MatchContext } from '../../src/rewrite/match.js';
import { loadRules, type Rule } from '../../src/rewrite/rule.js';
import { contextFor, RuleSet, search } from '../../src/rewrite/ruleset.js';
import { Run } from '../../src/rewrite/run.js';
import { render } from '../../src/print/render.js';

const rule = (line: string, where = ''): Rule => loadRules(`${where ? `where ${where}\n` : ''}${line}`, 'test.rules')[0]!;
const sym = (name: string, rows: string, cols: string, props = 0): Expr => C.symbol(name, { rows, cols }, props);
const A = sym('A', 'n', 'm');
const B = sym('B', 'm', 'p');
const D = sym('D', 'p', 'q');
const x = sym('x', 'n', '1');
const y = sym('y', 'n', '1');
const z = sym('z', 'n', '1');
const text = (e: Expr | undefined): string => (e ? render(e, 'text') : 'no match');

describe('associative matching: a variable takes a run of factors', () => {
  const transposeProduct = rule("t: (P * Q)' = Q' * P'");
  test("(P*Q)' against (A*B*D)': the balanced split first; to the fixpoint, every factor", () => {
    expect(text(applyRule(transposeProduct, C.transpose(C.multiply(A, B, D))))).toBe("(B*D)'*A'");
    expect(text(rewriteBottomUp(C.transpose(C.multiply(A, B, D)), [transposeProduct]).expr)).toBe("D'*B'*A'");
  });
  test('a pattern on part of a product: the factors it leaves stay in place', () => {
    const inverseLeft = rule('inverse-left: inv(P) * P = I');
    const X = sym('X', 'n', 'n');
    const product = C.multiply(sym('E', 'm', 'n'), C.inverse(X), X, x);
    expect(text(applyRule(inverseLeft, product))).toBe('E*x');
    const found = matchPart(inverseLeft.lhs, product, contextFor(inverseLeft));
    expect(found?.before?.map((e) => text(e))).toEqual(['E']);
    expect(found?.after?.map((e) => text(e))).toEqual(['x']);
  });
  test('no match where the fixed factors are not there', () => {
    expect(applyRule(rule('inverse-left: inv(P) * P = I'), C.multiply(A, B))).toBeUndefined();
  });
});

describe('associative-commutative matching: in any order, a variable takes the rest', () => {
  const r = rule('collect: P*u + P*v = P*(u + v)');
  test('terms in either order', () => {
    const M = sym('M', 'n', 'n');
    expect(text(applyRule(r, C.add(C.multiply(M, x), C.multiply(M, y))))).toBe('M*(x + y)');
    expect(text(applyRule(r, C.add(C.multiply(M, y), C.multiply(M, x))))).toBe('M*(x + y)');
  });
  test('among more terms: the rule takes two and leaves the third', () => {
    const M = sym('M', 'n', 'n');
    expect(text(applyRule(r, C.add(z, C.multiply(M, x), C.multiply(M, y))))).toBe('M*(x + y) + z');
  });
  test('a variable left over takes every remaining term', () => {
    const rest = rule('first: u + v = 2*u + v');
    const bound = match(rest.lhs, C.add(x, y, z), EMPTY_BINDINGS, contextFor(rest));
    expect(bound).toBeDefined();
    expect([text(bound!.vars.get('u')), text(bound!.vars.get('v'))]).toEqual(['x', 'y + z']);
  });
});

describe('conditions are a visible clause', () => {
  const r = rule("orthogonal-left: Q' * Q = I if orthogonal(Q)");
  test('applies only where the condition holds', () => {
    const Q = sym('Q', 'n', 'n', ORTHOGONAL);
    const M = sym('M', 'n', 'n');
    expect(applyRule(r, C.multiply(C.transpose(Q), Q))).toBe(C.identity('n'));
    expect(applyRule(r, C.multiply(C.transpose(M), M))).toBeUndefined();
  });
  test('an unknown condition, a variable only on the right, or equal sides are refused at load, naming FILE:LINE', () => {
    expect(() => rule('bad: P = P + Q')).toThrow(/rules\/test\.rules:1: Q appears on the right but not on the left/);
    expect(() => rule('bad: tr(P) = tr(P) if shiny(P)')).toThrow(/rules\/test\.rules:1: unknown condition 'shiny\(P\)'/);
    expect(() => rule("bad: P'' = P")).toThrow(/rules\/test\.rules:1/);
  });
});

describe('a class of pattern variables the caller declares', () => {
  // d(L) for "a part that holds the differential"; the matcher knows nothing else of it.
  const r = rule('product: P * d(L) * Q = 2 * P * d(L) * Q');
  const pattern = r.lhs;
  const X = sym('X', 'm', 'p');
  const E = sym('E', 'p', 'p');
  // A·(dX + dX·E)·D: the part that holds the differential is a sum.
  const node = C.multiply(A, C.add(C.differential(X), C.multiply(C.differential(X), E)), D);
  const holdsDifferential = (e: Expr): boolean => e.op === 'differential' || e.args.some(holdsDifferential);
  const context: MatchContext = contextFor(r, { marked: { wrapper: 'differential', accepts: holdsDifferential } });
  test('the marked pattern takes the part that holds d(X); the plain variables the constant parts around it', () => {
    const bound = search({ rule: r, pattern }, node, context);
    expect(text(bound?.vars.get('P'))).toBe('A');
    expect(text(bound?.vars.get('L'))).toBe('d(X) + d(X)*E');
    expect(text(bound?.vars.get('Q'))).toBe('D');
  });
  test('without the declaration, d(L) is an ordinary pattern: it matches only a differential', () => {
    expect(search({ rule: r, pattern }, node, contextFor(r))).toBeUndefined();
  });
});

describe('rules are indexed by head', () => {
  test('a node sees only the rules whose pattern has its head', () => {
    const list = loadRules("a: (P * Q)' = Q' * P'\nb: inv(P') = inv(P)'\nc: (P .^ 2)' = P' .^ 2\nd: sin(P) + P = P", 'test.rules');
    const set = new RuleSet(list.map((r) => ({ rule: r, pattern: r.lhs })));
    const X = sym('X', 'n', 'n');
    expect(set.at(C.transpose(C.multiply(A, B))).map((s) => s.rule.name)).toEqual(['a', 'c']);
    expect(set.at(C.inverse(X)).map((s) => s.rule.name)).toEqual(['b']);
    expect(set.at(C.apply('sin', X)).map((s) => s.rule.name)).toEqual([]);
  });
});

describe('the engine: limits and a stop reason, never a hang', () => {
  const rules = loadRules("transpose-product: (P * Q)' = Q' * P'", 'test.rules');
  const chain = (k: number): Expr => {
    const factors = Array.from({ length: k }, (_, i) => sym(`M${i}`, `d${i}`, `d${i + 1}`));
    return C.transpose(C.multiply(...factors));
  };
  test('saturated when no rule applies any more', () => {
    const result = rewriteBottomUp(chain(6), rules);
    expect(result.stop).toBe('saturated');
    expect(text(result.expr)).toBe("M5'*M4'*M3'*M2'*M1'*M0'");
  });
  test('a step limit stops the pass and says so; every application is recorded', () => {
    const run = new Run('test', { steps: 1, nodes: 1e9, milliseconds: 1e9 });
    const result = rewriteBottomUp(chain(6), rules, run);
    expect(result.stop).toBe('step-limit');
    expect(run.steps).toHaveLength(1);
    expect(run.report().counts.get('transpose-product')).toBe(1);
    expect(run.steps[0]!.before).toBe(chain(6));
  });
  test('a node limit and a time limit too', () => {
    expect(rewriteBottomUp(chain(8), rules, new Run('test', { steps: 1e9, nodes: 0, milliseconds: 1e9 })).stop).toBe('node-limit');
    expect(rewriteBottomUp(chain(8), rules, new Run('test', { steps: 1e9, nodes: 1e9, milliseconds: -1 })).stop).toBe('time-limit');
  });
  test('a pass whose partial result would be wrong throws a limit error naming the pass', () => {
    const run = new Run('differentiation', { steps: 0, nodes: 1e9, milliseconds: 1e9 });
    expect(() => run.require()).toThrow(/differentiation stopped at its limit of 0 rule applications/);
  });
});
