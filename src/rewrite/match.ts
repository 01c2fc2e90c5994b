// Pattern matching of rule sides against expressions. Knows the operator flags (src/ops)
// and nothing of the mathematics: `*` and ⊗ are associative (a variable may take a run of
// factors), `+` and ∘ associative-commutative (a variable may take the rest). Classes of
// pattern variables beyond these (the calculus's d(L): a part that holds the differential)
// and nodes a pattern may not reach into are declared by the caller, in the context.

import { multiply, add, hadamard, kron, number, isScalar } from '../expr/construct.js';
import { productDim, type Dim } from '../expr/dims.js';
import type { Expr, Op } from '../expr/node.js';
import { isAssociative, isCommutative } from '../ops/table.js';

export interface Bindings {
  readonly vars: ReadonlyMap<string, Expr>;
  readonly dims: ReadonlyMap<Dim, Dim>;
  /** In a partial match at the top: arguments of the node the pattern did not take. */
  readonly before?: readonly Expr[];
  readonly after?: readonly Expr[];
}

/** A class of pattern variables a caller declares: `wrapper(V)` in a pattern, for a
 *  variable V, matches any part that `accepts` holds for, binding V to it; a plain variable
 *  then matches only parts it rejects. Isolation and Jacobians declare d(L), "a part that
 *  holds the differential", so A and B in tr(G'·(A·d(L)·B)) are the constant parts. */
export interface MarkedClass {
  readonly wrapper: Op;
  readonly accepts: (e: Expr) => boolean;
  /** Associative operators in which a marked pattern last among the factors takes the whole
   *  run that remains (A ⊗ d(L) against A ⊗ X ⊗ B), where no rule names the middle. */
  readonly takesRest?: ReadonlySet<Op>;
}

export interface MatchContext {
  readonly variables: ReadonlySet<string>;
  readonly marked?: MarkedClass;
  /** Nodes no pattern reaches into from outside (a grouped product: see matchAt). */
  readonly opaque?: (e: Expr) => boolean;
  /** Variables of a `+` or `∘` pattern take halves of the arguments first (d(A + B) on a
   *  k-term sum then costs O(k log k), not O(k²)); for rules where any split will do. */
  readonly halves?: boolean;
}

export const EMPTY_BINDINGS: Bindings = { vars: new Map(), dims: new Map() };

// The operator flags come from the table (src/ops/core.ts); an AC operator is matched as
// unordered, an associative one as a sequence.
const ASSOCIATIVE = { has: (op: Op): boolean => isAssociative(op) && !isCommutative(op) };
const COMMUTATIVE = { has: (op: Op): boolean => isCommutative(op) };

/** The value of an empty run: the operator's unit, which acts as one in every product. */
function unit(op: Op): Expr {
  return op === 'add' ? number(0) : number(1);
}

export function combine(op: Op, args: readonly Expr[]): Expr {
  if (args.length === 0) return unit(op);
  if (args.length === 1) return args[0]!;
  switch (op) {
    case 'add': return add(...args);
    case 'hadamard': return hadamard(...args);
    case 'kron': return kron(...args);
    default: return multiply(...args);
  }
}

function bindDim(pattern: Dim, actual: Dim, dims: Map<Dim, Dim>): boolean {
  if (pattern === '1' || /^\d+$/.test(pattern)) return pattern === actual;
  if (pattern.includes('·')) {
    const parts = pattern.split('·');
    if (parts.every((p) => dims.has(p) || /^\d+$/.test(p))) return productDim(parts.map((p) => dims.get(p) ?? p)) === actual;
    return true; // decided once the factors are bound
  }
  const known = dims.get(pattern);
  if (known !== undefined) return known === actual;
  dims.set(pattern, actual);
  return true;
}

function bindShape(pattern: Expr, actual: Expr, bindings: Bindings): Bindings | undefined {
  // A scalar in a product acts as a scalar multiple, not as a 1×1 factor of the chain:
  // it fixes no sizes (sizes left unbound instantiate as 1).
  if (isScalar(actual)) return bindings;
  const dims = new Map(bindings.dims);
  if (!bindDim(pattern.shape.rows, actual.shape.rows, dims) || !bindDim(pattern.shape.cols, actual.shape.cols, dims)) return undefined;
  return { ...bindings, dims };
}

function bindVar(name: string, value: Expr, bindings: Bindings): Bindings | undefined {
  const known = bindings.vars.get(name);
  if (known !== undefined) return known === value ? bindings : undefined;
  const vars = new Map(bindings.vars);
  vars.set(name, value);
  return { ...bindings, vars };
}

export function isVariable(p: Expr, context: MatchContext): boolean {
  return p.op === 'symbol' && context.variables.has(p.name);
}

/** A pattern of the caller's marked class: its wrapper around a variable. */
function isMarked(p: Expr, context: MatchContext): boolean {
  return context.marked !== undefined && p.op === context.marked.wrapper;
}

/** Matches a whole expression. */
export function match(pattern: Expr, actual: Expr, bindings: Bindings, context: MatchContext): Bindings | undefined {
  return matchAt(pattern, actual, bindings, context, false);
}

/** Matches at the root of a match or, `nested`, inside one. A grouped product (GROUPED)
 *  is one factor to everything around it: a rule may rewrite it where it stands (the
 *  root), but no pattern reaches into it from outside — (A*B)' does not match the
 *  transpose of a grouped product, which would splice its factors into every user. */
function matchAt(pattern: Expr, actual: Expr, bindings: Bindings, context: MatchContext, nested: boolean): Bindings | undefined {
  if (isVariable(pattern, context)) {
    // A scalar variable takes scalars only; a vector variable vectors or scalars.
    if (isScalar(pattern) && !isScalar(actual)) return undefined;
    if (pattern.shape.cols === '1' && actual.shape.cols !== '1') return undefined;
    if (context.marked?.accepts(actual)) return undefined; // plain variables take what the marked class rejects
    const bound = bindVar(pattern.name, actual, bindings);
    return bound && (isScalar(pattern) ? bound : bindShape(pattern, actual, bound));
  }
  if (isMarked(pattern, context)) {
    const inner = pattern.args[0]!;
    if (!context.marked!.accepts(actual) || !isVariable(inner, context)) return undefined;
    if (isScalar(inner) && !isScalar(actual)) return undefined;
    const bound = bindVar(inner.name, actual, bindings);
    return bound && bindShape(inner, actual, bound);
  }
  if (pattern.op === 'number') return actual.op === 'number' && actual.value === pattern.value ? bindings : undefined;
  if (pattern.op !== actual.op || pattern.name !== actual.name) return undefined;
  // A symbolic exponent (A .^ p) binds a number exponent as a number node; an exponent that
  // is an expression (x.^θ) matches argument by argument below.
  if ((pattern.op === 'power' || pattern.op === 'matrixPower') && pattern.args.length === 2 && actual.args.length === 1) {
    const base = inner(pattern.args[0]!, actual.args[0]!, bindings, context);
    return base && inner(pattern.args[1]!, number(actual.value), base, context);
  }
  if (pattern.value !== actual.value && !(Number.isNaN(pattern.value) && Number.isNaN(actual.value))) return undefined;
  if (pattern.args.length === 0) return bindShape(pattern, actual, bindings);
  if (nested && context.opaque?.(actual)) return undefined;
  if (ASSOCIATIVE.has(pattern.op)) return matchSequence(pattern.op, pattern.args, actual.args, bindings, context);
  if (COMMUTATIVE.has(pattern.op)) return matchUnordered(pattern.op, pattern.args, actual.args, bindings, context);
  if (pattern.args.length !== actual.args.length) return undefined;
  let result: Bindings | undefined = bindings;
  for (let i = 0; i < pattern.args.length && result; i++) result = inner(pattern.args[i]!, actual.args[i]!, result, context);
  return result;
}

/** A match inside another one (see matchAt). */
function inner(pattern: Expr, actual: Expr, bindings: Bindings, context: MatchContext): Bindings | undefined {
  return matchAt(pattern, actual, bindings, context, true);
}

/** Associative: pattern variables take runs of factors (possibly empty), in order. The
 *  split tried first is the balanced one, so a binary rule halves a long product. */
function matchSequence(op: Op, patterns: readonly Expr[], actuals: readonly Expr[], bindings: Bindings, context: MatchContext): Bindings | undefined {
  if (patterns.length === 0) return actuals.length === 0 ? bindings : undefined;
  const [first, ...rest] = patterns as [Expr, ...Expr[]];
  // Scalars commute: a scalar pattern factor may take any scalar factor of a product.
  if (op === 'multiply' && isScalar(first) && !isVariable(first, context)) {
    for (let i = 0; i < actuals.length; i++) {
      if (!isScalar(actuals[i]!)) continue;
      const bound = inner(first, actuals[i]!, bindings, context);
      const result = bound && matchSequence(op, rest, [...actuals.slice(0, i), ...actuals.slice(i + 1)], bound, context);
      if (result) return result;
    }
    return undefined;
  }
  // Before a marked pattern, the run is exactly the factors up to the first it accepts: no search.
  const next = rest[0];
  if (isVariable(first, context) && next && isMarked(next, context)) {
    const at = actuals.findIndex(context.marked!.accepts);
    if (at < 0) return undefined;
    const bound = inner(first, combine(op, actuals.slice(0, at)), bindings, context);
    return bound && matchSequence(op, rest, actuals.slice(at), bound, context);
  }
  if (!isVariable(first, context)) {
    if (actuals.length === 0) return undefined;
    // A ⊗ d(L) against A ⊗ X ⊗ B: d(L) takes the run X ⊗ B (where the caller says so).
    if (rest.length === 0 && actuals.length > 1 && isMarked(first, context) && context.marked!.takesRest?.has(op)) {
      return inner(first, combine(op, actuals), bindings, context);
    }
    const head = inner(first, actuals[0]!, bindings, context);
    return head && matchSequence(op, rest, actuals.slice(1), head, context);
  }
  const remainingVariables = rest.filter((p) => isVariable(p, context)).length;
  const fixed = rest.length - remainingVariables;
  const maxTake = actuals.length - fixed;
  const order: number[] = [];
  const preferred = rest.length === 0 ? maxTake : Math.max(1, Math.floor(actuals.length / patterns.length));
  if (remainingVariables === 0) order.push(maxTake); // the fixed rest decides the run
  else {
    for (let k = preferred; k >= 0; k--) order.push(k);
    for (let k = preferred + 1; k <= maxTake; k++) order.push(k);
  }
  for (const take of order) {
    if (rest.length === 0 && take !== actuals.length) continue;
    // A positional pattern after the run must meet a factor of its own kind: rejected here,
    // before the run is built (building it costs as much as the run is long).
    if (next && cannotStart(next, actuals[take], op, context)) continue;
    const value = combine(op, actuals.slice(0, take));
    const bound = inner(first, value, bindings, context);
    const result = bound && matchSequence(op, rest, actuals.slice(take), bound, context);
    if (result) return result;
  }
  return undefined;
}

/** Whether pattern certainly does not match `actual` as a positional factor; only a cheap
 *  look at the operator, so that no run is combined for a split that cannot work. */
function cannotStart(pattern: Expr, actual: Expr | undefined, op: Op, context: MatchContext): boolean {
  if (isVariable(pattern, context) || isMarked(pattern, context)) return false;
  if (op === 'multiply' && isScalar(pattern)) return false; // scalars commute: not positional
  if (!actual) return true;
  if (pattern.op === 'power' || pattern.op === 'matrixPower') return false; // symbolic exponents
  return pattern.op !== actual.op;
}

/** Associative-commutative: each non-variable pattern takes one argument; a lone
 *  variable left over takes all the remaining arguments. */
function matchUnordered(op: Op, patterns: readonly Expr[], actuals: readonly Expr[], bindings: Bindings, context: MatchContext): Bindings | undefined {
  // d(L) + d(R) against a longer sum of marked parts: halves, so a k-term sum costs O(k log k).
  if (patterns.length === 2 && patterns.every((p) => isMarked(p, context)) && actuals.length > 2) {
    const half = Math.floor(actuals.length / 2);
    const left = inner(patterns[0]!, combine(op, actuals.slice(0, half)), bindings, context);
    return left && inner(patterns[1]!, combine(op, actuals.slice(half)), left, context);
  }
  const fixed = patterns.filter((p) => !isVariable(p, context));
  const variables = patterns.filter((p) => isVariable(p, context));
  const assign = (index: number, remaining: readonly Expr[], current: Bindings): Bindings | undefined => {
    if (index === fixed.length) return assignVariables(op, variables, remaining, current, context);
    for (let i = 0; i < remaining.length; i++) {
      const bound = inner(fixed[index]!, remaining[i]!, current, context);
      const result = bound && assign(index + 1, [...remaining.slice(0, i), ...remaining.slice(i + 1)], bound);
      if (result) return result;
    }
    return undefined;
  };
  return assign(0, actuals, bindings);
}

function assignVariables(op: Op, variables: readonly Expr[], remaining: readonly Expr[], bindings: Bindings, context: MatchContext): Bindings | undefined {
  if (variables.length === 0) return remaining.length === 0 ? bindings : undefined;
  if (variables.length === 1) return inner(variables[0]!, combine(op, remaining), bindings, context);
  if (context.halves && variables.length === 2 && remaining.length > 2) {
    const half = Math.floor(remaining.length / 2);
    const left = inner(variables[0]!, combine(op, remaining.slice(0, half)), bindings, context);
    const result = left && inner(variables[1]!, combine(op, remaining.slice(half)), left, context);
    if (result) return result;
  }
  // Several variables: each takes one argument (in order), the last the rest.
  const [first, ...rest] = variables as [Expr, ...Expr[]];
  for (let i = 0; i < remaining.length; i++) {
    const bound = inner(first, remaining[i]!, bindings, context);
    const result = bound && assignVariables(op, rest, [...remaining.slice(0, i), ...remaining.slice(i + 1)], bound, context);
    if (result) return result;
  }
  return undefined;
}

/** Matches the pattern against part of an n-ary node: a run of a product's factors, or
 *  some of a sum's terms; what it leaves is returned in `before` and `after`. */
export function matchPart(pattern: Expr, actual: Expr, context: MatchContext): Bindings | undefined {
  const whole = match(pattern, actual, EMPTY_BINDINGS, context);
  if (whole || pattern.op !== actual.op || actual.args.length <= pattern.args.length) return whole;
  const k = pattern.args.length;
  if (ASSOCIATIVE.has(actual.op)) {
    for (let start = 0; start + k <= actual.args.length; start++) {
      const window = actual.args.slice(start, start + k);
      const bound = matchSequence(actual.op, pattern.args, window, EMPTY_BINDINGS, context);
      if (bound) return { ...bound, before: actual.args.slice(0, start), after: actual.args.slice(start + k) };
    }
    return undefined;
  }
  if (COMMUTATIVE.has(actual.op)) {
    const choose = (from: number, picked: number[]): Bindings | undefined => {
      if (picked.length === k) {
        const chosen = picked.map((i) => actual.args[i]!);
        const bound = matchUnordered(actual.op, pattern.args, chosen, EMPTY_BINDINGS, context);
        return bound && { ...bound, before: actual.args.filter((_, i) => !picked.includes(i)), after: [] };
      }
      for (let i = from; i < actual.args.length; i++) {
        const result = choose(i + 1, [...picked, i]);
        if (result) return result;
      }
      return undefined;
    };
    return choose(0, []);
  }
  return undefined;
}
