// From syntax tree to typed expression: gives every symbol its kind (declarations, then
// the defaults of NOTATION.md), infers dimensions by unification while building through
// the smart constructors, then names the dimensions that are left and rebuilds with them.

import type { Ast, SumTerm } from '../../grammar/ast.js';
import type { Declaration } from '../../grammar/declarations.js';
import { GREEK, subscriptSize } from '../../grammar/names.js';
import { MAX_OPERANDS } from '../../grammar/parser.js';
import { MatcalcError, type Span } from '../errors.js';
import { readFunction } from '../ops/table.js';
import * as C from './construct.js';
import { type Dim, findDim, productDim, type Shape, strictUnifier, UnionFind, withUnifier } from './dims.js';
import { DIAGONAL, type Expr, memoize, ORTHOGONAL, postOrder, SPD, SYMMETRIC } from './node.js';

export interface Built {
  readonly expr: Expr;
  /** Every symbol of the expression with its inferred shape, in order of appearance. */
  readonly symbols: ReadonlyMap<string, Expr>;
  /** Symbols declared with a full size that the expression does not use (`… where X: n×m`
   *  in a result that only needs X's sizes): values given for them fix those sizes. */
  readonly declaredOnly?: ReadonlyMap<string, Expr>;
  /** What reading the text guessed (σ(…) as the logistic function, …), for the notes. */
  readonly notes?: readonly string[];
  /** Greek letters whose use needs a vector or matrix (the builder's finding; parseExpression
   *  reads the text again with them so). */
  readonly promotions?: ReadonlyMap<string, 'vector' | 'matrix'>;
}

const PROPERTY_FLAGS = { symmetric: SYMMETRIC, spd: SPD, diagonal: DIAGONAL, orthogonal: ORTHOGONAL } as const;
const DIM_NAMES = ['n', 'm', 'p', 'q', 'r', 's', 'k', 'l', 't', 'u', 'v', 'w', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** Refuses to bind a vector's or matrix's free size to 1: `x x` is an error, not a scalar x. */
class ShapeUnifier extends UnionFind {
  override unify(a: Dim, b: Dim, describe: () => string): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if ((ra === '1' && rb.startsWith('?')) || (rb === '1' && ra.startsWith('?'))) throw new MatcalcError('shape', describe());
    super.unify(ra, rb, describe);
  }
}

export function buildExpression(ast: Ast, source: string, declarations: readonly Declaration[] = [], options: BuildOptions = {}): Built {
  const built = buildExpressions([ast], source, declarations, options);
  return { expr: built.exprs[0]!, symbols: built.symbols, declaredOnly: built.declaredOnly, ...(built.promotions.size > 0 ? { promotions: built.promotions } : {}), ...(built.notes.length > 0 ? { notes: built.notes } : {}) };
}

/** Thrown by a build that failed where a Greek letter's use asked for another kind: the
 *  caller reads again with `promotions` (and reports `error` if that fails too). */
export class Retype extends Error {
  constructor(readonly promotions: ReadonlyMap<string, 'vector' | 'matrix'>, readonly error: MatcalcError) {
    super(error.message);
  }
}

export interface BuildOptions {
  /** Rule files: symbolic exponents (`A.^p`, `A^k`) stand for a number bound by matching,
   *  and the trees (the two sides of an identity) must have one shape. */
  patterns?: boolean;
  /** Pairs of trees whose shapes must agree (or be transposes): a claimed derivative has
   *  its variable's shape, which sizes an `I` or `ones` in it. */
  sameShapes?: readonly { a: number; b: number; transposed?: boolean }[];
  /** The shapes of the values the text is to be evaluated at: a size name a declared
   *  symbol's value fixes becomes that number everywhere (I_n too), and a symbol nothing
   *  declares takes its value's shape. Numbers make a product of sizes (m·n against p·q)
   *  exact where the text alone leaves the pairing of factors open. */
  valueShapes?: ReadonlyMap<string, { rows: number; cols: number }>;
  /** Sizes to read as other sizes wherever the text or a declaration writes them (999 as a
   *  name: the same expression at every size, which verification can check small). */
  sizeNames?: ReadonlyMap<string, string>;
  /** The caller reads again when a Greek letter's use asks for another kind (see Retype). */
  kindsFromUse?: boolean;
}

/** Builds several trees in one context: one symbol table, one unification of sizes. */
export function buildExpressions(asts: readonly Ast[], source: string, given: readonly Declaration[] = [], options: BuildOptions = {}): { exprs: Expr[]; symbols: ReadonlyMap<string, Expr>; declaredOnly: ReadonlyMap<string, Expr>; promotions: ReadonlyMap<string, 'vector' | 'matrix'>; notes: readonly string[] } {
  const unifier = new ShapeUnifier();
  // The text's own declarations (`… where x: n`) after the caller's: they describe it.
  const declarations = [...given, ...asts.flatMap((a) => (a.kind === 'where' ? a.declarations ?? [] : []))];
  const declared = new Map<string, Declaration>();
  for (const d of declarations) {
    const known = declared.get(d.name);
    // The same declaration twice is harmless (a result's text repeats the caller's); two
    // different ones are not: which would it be?
    if (known && JSON.stringify(known) !== JSON.stringify(d)) {
      throw new MatcalcError('declaration', `${d.name} is declared twice, differently: ${describeDeclaration(known)} and ${describeDeclaration(d)}`);
    }
    declared.set(d.name, d);
  }
  // Evaluating at values: a size name (n in `x: n` or I_n) is whatever the values make it,
  // so it is a variable here, and each value's shape is unified into its symbol's.
  const valueShapes = options.valueShapes;
  const named = new Map<string, Dim>();
  const flexible = (written: string): Dim => {
    const part = options.sizeNames?.get(written) ?? written;
    if (!valueShapes || /^\d+$/.test(part)) return part;
    if (!named.has(part)) named.set(part, unifier.fresh());
    return named.get(part)!;
  };
  const size = (dim: string): Dim => (dim.includes('·') ? productDim(dim.split('·').map(flexible)) : flexible(dim));
  // The size names the declarations use (n, m in `X: n×m`), which a word can stand for.
  const sizeWords = new Set(declarations.flatMap((d) => [d.rows, d.cols]).filter((d): d is string => d !== undefined).flatMap((d) => d.split('·')).filter((d) => /^[A-Za-z]\w*$/.test(d)));
  const symbols = new Map<string, Expr>();
  const bindings = new Map<string, { ast: Ast; value?: Expr; building?: boolean }>();

  const unifyWithValue = (name: string, shape: Shape, declaration: Declaration, span?: Span): void => {
    const value = valueShapes?.get(name);
    if (!value) return;
    const describe = (): string => `the value of ${name} is ${value.rows}×${value.cols}, but ${name} is declared ${describeDeclaration(declaration)}`;
    try {
      unifier.unify(shape.rows, String(value.rows), describe);
      unifier.unify(shape.cols, String(value.cols), describe);
    } catch (error) {
      if (error instanceof MatcalcError && span) throw new MatcalcError(error.kind, error.message, { span, source });
      throw error;
    }
  };
  const declaredOnlyShape = (d: Declaration): Shape => ({ rows: size(d.rows!), cols: size(d.cols!) });
  // Kinds from use: a Greek letter is a scalar by convention, but where its use says more —
  // a term of a sum of vectors (‖x − μ‖²), transposed (θ'x), right of a matrix (Xβ) — it is
  // what the use needs, and the expression is read again with that (see parseExpression).
  const conventional = new Set<string>();
  const readingNotes = new Set<string>();
  const promotions = new Map<string, 'vector' | 'matrix'>();
  const bareConventional = (ast: Ast): string | undefined => {
    while (ast.kind === 'product' && ast.rest.length === 0) ast = ast.first;
    return ast.kind === 'symbol' && conventional.has(ast.name) ? ast.name : undefined;
  };
  const promote = (ast: Ast, kind: 'vector' | 'matrix'): void => {
    const name = bareConventional(ast);
    if (name !== undefined && !promotions.has(name)) promotions.set(name, kind);
  };
  const firstSeen = new Map<string, number>();
  const symbolFor = (name: string, span: Span): Expr => {
    firstSeen.set(name, Math.min(firstSeen.get(name) ?? Infinity, span.start));
    const binding = bindings.get(name);
    if (binding) {
      if (binding.value) return binding.value;
      if (binding.building) throw new MatcalcError('syntax', `the binding ${name} refers to itself`, { span, source });
      binding.building = true;
      binding.value = build(binding.ast);
      binding.building = false;
      return binding.value;
    }
    const known = symbols.get(name);
    if (known) return known;
    const declaration = declared.get(name);
    let node: Expr;
    if (declaration) {
      const rows = declaration.rows !== undefined ? size(declaration.rows) : unifier.fresh();
      const square = declaration.properties.length > 0;
      const cols = declaration.cols !== undefined ? size(declaration.cols) : square ? rows : unifier.fresh();
      const props = declaration.properties.reduce((flags, p) => flags | PROPERTY_FLAGS[p], 0);
      node = C.symbol(name, { rows, cols }, props);
    } else if (valueShapes?.has(name)) {
      const { rows, cols } = valueShapes.get(name)!;
      node = C.symbol(name, { rows: String(rows), cols: String(cols) });
    } else if (sizeWords.has(name)) {
      // A word that is a size of the declarations and names nothing else is that size: m in
      // m*inv(X)' where A: m×m (how results print a size), n in sum(x)/n where x: n.
      readingNotes.add(`${name} read as the size ${name} (declared in a shape); declare ${name} to mean a symbol`);
      return C.dimension(size(name));
    } else if (name === 'I') {
      return C.identity(unifier.fresh());
    } else if (/^I(?:_|\d)/.test(name)) {
      // I_n, I_3, I_{m·n}: the identity of that size (a textbook's I_n; declare a matrix
      // named like this to mean a symbol).
      return C.identity(size(sizeFromName(name, span, source)));
    } else if (GREEK.has(name.split('_')[0]!)) {
      node = C.symbol(name, { rows: '1', cols: '1' });
      if (!options.patterns) conventional.add(name);
    } else if (/^[A-Z]/.test(name)) {
      node = C.symbol(name, { rows: unifier.fresh(), cols: unifier.fresh() });
    } else {
      node = C.symbol(name, { rows: unifier.fresh(), cols: '1' });
    }
    if (declaration) unifyWithValue(name, node.shape, declaration, span);
    symbols.set(name, node);
    return node;
  };

  const text = (node: Ast): string => source.slice(node.span.start, node.span.end);
  const display = (e: Expr): string => {
    const names = nameDims(symbols, unifier, declarations);
    const dim = (d: Dim): string => findDim(d).split('·').map((p) => names.get(p) ?? p).join('·');
    return `${dim(e.shape.rows)}×${dim(e.shape.cols)}`;
  };

  /** Runs a constructor; a shape error is re-raised naming the operator and its operands,
   *  a division by zero with the operator marked. */
  const located = (what: string, span: Span, operands: [Ast, Expr][], construct: () => Expr): Expr => {
    try {
      return construct();
    } catch (error) {
      if (error instanceof MatcalcError && error.message === C.DIVISION_BY_ZERO && !error.span) {
        throw new MatcalcError('value', `${C.DIVISION_BY_ZERO}: ${text(operands[operands.length - 1]![0])} is 0`, { span, source, expected: 'a divisor that is not zero' });
      }
      if (!(error instanceof MatcalcError) || error.kind !== 'shape') throw error;
      const described = operands.map(([a, e]) => `${text(a)} is ${display(e)}`).join(', ');
      const detail = error.message.includes('square') ? ` (${error.message.replace(/, got .*/, '')})` : '';
      throw new MatcalcError('shape', `shape mismatch in ${what}: ${described}${detail}`, {
        span,
        source,
        expected: hint(what),
      });
    }
  };

  const constant = (ast: Ast): number | Expr => {
    const value = build(ast);
    if (value.op !== 'number' && options.patterns) return value;
    if (value.op !== 'number') {
      throw new MatcalcError('unsupported', `the exponent ${text(ast)} is not a number`, { span: ast.span, source, expected: 'powers take numeric exponents, e.g. x^2, (x\'x)^(1/2), A^3' });
    }
    return value.value;
  };

  // A where chain of sums (t2 = t1 + A2*x, t3 = t2 + A3*x, …) is one sum: built binding by
  // binding, each would be a sum one term longer than the last, N sums of up to N terms.
  // Terms that name a sum bound and used once are replaced by its terms (signs multiplied),
  // iteratively, so the chain is one n-ary sum, built once.
  const spliceable = new Set<string>();
  const spliced = new Set<string>();
  const spliceSums = (terms: readonly SumTerm[]): SumTerm[] => {
    const flat: SumTerm[] = [];
    const stack: SumTerm[] = [];
    for (let i = terms.length - 1; i >= 0; i--) stack.push(terms[i]!);
    while (stack.length > 0) {
      const next = stack.pop()!;
      const name = next.term.kind === 'symbol' ? next.term.name : undefined;
      const binding = name !== undefined && spliceable.has(name) && !spliced.has(name) ? bindings.get(name) : undefined;
      if (!binding || binding.value || binding.ast.kind !== 'sum') {
        flat.push(next);
        continue;
      }
      spliced.add(name!);
      firstSeen.set(name!, Math.min(firstSeen.get(name!) ?? Infinity, next.term.span.start));
      const inner = binding.ast.terms;
      for (let i = inner.length - 1; i >= 0; i--) {
        const t = inner[i]!;
        stack.push({ sign: (t.sign * next.sign) as 1 | -1, term: t.term, operatorSpan: t.operatorSpan ?? next.operatorSpan });
      }
    }
    return flat;
  };

  const tooMany = (what: string, parts: string, operands: readonly Ast[]): void => {
    if (operands.length <= MAX_OPERANDS) return;
    throw new MatcalcError('limit', `a ${what} of ${operands.length.toLocaleString('en-US')} ${parts}: at most ${MAX_OPERANDS.toLocaleString('en-US')} in one ${what}`, {
      span: operands[MAX_OPERANDS]!.span, source, expected: 'name parts of it with where bindings (… where s1 = …)',
    });
  };

  const build = (ast: Ast): Expr => {
    switch (ast.kind) {
      case 'number':
        return C.number(ast.value);
      case 'symbol':
        return symbolFor(ast.name, ast.span);
      case 'ones':
        return C.ones(ast.size !== undefined ? size(ast.size) : unifier.fresh());
      case 'zero':
        return C.zero({ rows: size(ast.rows), cols: size(ast.cols) });
      case 'negate':
        return C.negate(build(ast.operand));
      case 'transpose': {
        // 1'x, 1ᵀx: the ones vector transposed, as texts write it (a number's transpose
        // would be the number itself, and 1'x would be x).
        if (ast.operand.kind === 'number' && ast.operand.value === 1) {
          readingNotes.add("1' read as the ones vector 𝟙ᵀ");
          return C.transpose(C.ones(unifier.fresh()));
        }
        const operand = build(ast.operand);
        promote(ast.operand, 'vector'); // θ'x: a scalar is not transposed
        return C.transpose(operand);
      }
      case 'inverse': {
        const operand = build(ast.operand);
        return located('inverse', ast.operatorSpan, [[ast.operand, operand]], () => C.inverse(operand));
      }
      case 'sum': {
        const flat = spliceSums(ast.terms);
        tooMany('sum', 'terms', flat.map((t) => t.term));
        // One n-ary sum of all terms (adding term by term would be quadratic); only when
        // that fails is it redone pairwise, to point at the offending operator.
        const terms = flat.map(({ sign, term }) => {
          const value = build(term);
          return sign > 0 ? value : C.negate(value);
        });
        const target = terms.find((t) => !C.isScalar(t));
        if (target) for (const { term } of flat) promote(term, C.isVector(target) ? 'vector' : 'matrix');
        try {
          return C.add(...terms);
        } catch (error) {
          if (!(error instanceof MatcalcError) || error.kind !== 'shape') throw error;
        }
        let total = build(ast.terms[0]!.term);
        let covered = ast.terms[0]!.term;
        for (const { sign, term, operatorSpan } of ast.terms.slice(1)) {
          const value = build(term);
          const left = total;
          total = located(sign > 0 ? 'sum' : 'difference', operatorSpan!, [[{ ...covered, span: { start: ast.span.start, end: covered.span.end } }, left], [term, value]], () =>
            C.add(left, sign > 0 ? value : C.negate(value)),
          );
          covered = term;
        }
        return total;
      }
      case 'product': {
        // 1/2n is (1/2)·n, left to right as every operator of the level; a reader of a paper
        // may mean 1/(2n): say so.
        ast.rest.forEach((r, i) => {
          const next = ast.rest[i + 1];
          if (r.operator === '/' && r.operand.kind === 'number' && next && next.operator === '*' && next.operatorSpan.start === next.operatorSpan.end && next.operand.span.start === r.operand.span.end) {
            const written = source.slice(r.operatorSpan.start, next.operand.span.end);
            readingNotes.add(`${source.slice(ast.first.span.start, r.operatorSpan.start).trim()}${written} read as (${source.slice(ast.first.span.start, r.operand.span.end).trim()})·${text(next.operand)}; write ${source.slice(ast.first.span.start, r.operatorSpan.start).trim()}/(${source.slice(r.operand.span.start, next.operand.span.end)}) for the other reading`);
          }
        });
        // A chain of '*' only: one n-ary product (factor by factor would be quadratic);
        // only when that fails is it redone pairwise, to point at the offending operator.
        if (ast.rest.every((r) => r.operator === '*')) {
          tooMany('product', 'factors', [ast.first, ...ast.rest.map((r) => r.operand)]);
          const factors = [build(ast.first), ...ast.rest.map((r) => build(r.operand))];
          ast.rest.forEach((r, i) => {
            const left = factors[i]!;
            if (!C.isScalar(left) && findDim(left.shape.rows) !== '1' && !C.isVector(left)) promote(r.operand, 'vector');
            // x·y between two column vectors is their inner product, as physics and ML texts
            // write it (a matrix product of two columns would not type-check).
            if (/^(?:·|⋅|\\cdot)$/.test(source.slice(r.operatorSpan.start, r.operatorSpan.end).trim()) && C.isVector(left) && C.isVector(factors[i + 1]!)) {
              factors[i] = C.transpose(left);
              readingNotes.add(`${source.slice(r.operatorSpan.start, r.operatorSpan.end).trim()} between vectors read as the inner product xᵀy`);
            }
          });
          try {
            return C.multiply(...factors);
          } catch (error) {
            if (!(error instanceof MatcalcError) || error.kind !== 'shape') throw error;
          }
        }
        let result = build(ast.first);
        let leftEnd = ast.first.span.end;
        for (const { operator, operand, operatorSpan } of ast.rest) {
          const right = build(operand);
          const left = result;
          const leftAst: Ast = { ...ast.first, span: { start: ast.first.span.start, end: leftEnd } };
          const span = operatorSpan.end > operatorSpan.start ? operatorSpan : { start: operand.span.start, end: operand.span.start + 1 };
          const operands: [Ast, Expr][] = [[leftAst, left], [operand, right]];
          result = located(PRODUCT_NAMES[operator], span, operands, () => {
            switch (operator) {
              case '*': return C.multiply(left, right);
              case '/': return C.divide(left, right);
              case '.*': return C.hadamard(left, right);
              case './': return C.hadamard(left, C.power(right, -1));
              case '⊗': return C.kron(left, right);
            }
          });
          leftEnd = operand.span.end;
        }
        return result;
      }
      case 'power': {
        if (options.patterns) {
          const base = build(ast.base);
          const exponent = constant(ast.exponent);
          const elementwise = ast.operator === '.^' || C.isScalar(base);
          if (typeof exponent !== 'number') return C.symbolicPower(base, exponent, elementwise);
          return elementwise ? C.power(base, exponent) : C.matrixPower(base, exponent);
        }
        // An exponent is a scalar (x.^θ, a^x); so is the base of ^ with such an exponent (a
        // matrix power needs an integer): see scalarsByUse.
        const exponentValue = build(ast.exponent);
        if (exponentValue.op !== 'number') {
          if (!C.isScalar(exponentValue)) {
            const kind = C.isVector(exponentValue) ? 'a vector' : 'a matrix';
            const hint = ast.exponent.kind === 'symbol' ? `; declare ${ast.exponent.name}: scalar if it is one` : '';
            throw new MatcalcError('shape', `the exponent ${text(ast.exponent)} is ${kind}, but an exponent is a scalar${hint}`, { span: ast.exponent.span, source, expected: 'x.^2, x.^θ or a^x with θ, a scalars; exp(A) ∘ B or A .* B for entrywise work' });
          }
          const base = build(ast.base);
          if (ast.operator === '^' && !C.isScalar(base)) {
            throw new MatcalcError('unsupported', `${text(ast.base)}^${text(ast.exponent)}: a matrix power needs an integer exponent`, { span: ast.operatorSpan, source, expected: `the elementwise power ${text(ast.base)}.^${text(ast.exponent)}` });
          }
          return C.symbolicPower(base, exponentValue, true);
        }
        const base = build(ast.base);
        const exponent = exponentValue.value;
        const elementwise = ast.operator === '.^' || C.isScalar(base);
        return located(ast.operator === '^' ? 'power' : 'elementwise power', ast.operatorSpan, [[ast.base, base]], () =>
          elementwise ? C.power(base, exponent) : C.matrixPower(base, exponent),
        );
      }
      case 'call': {
        if (ast.name === 'sigmoid' && /^(?:σ|sigma)$/.test(text({ ...ast, span: ast.nameSpan }))) readingNotes.add('σ(…) read as the logistic function sigmoid');
        const args = ast.args.map(build);
        if (ast.name === 'norm2' && args[0] && !C.isScalar(args[0]) && !C.isVector(args[0])) readingNotes.add('‖M‖₂ of a matrix read as the Frobenius norm (not the spectral norm)');
        const operands = ast.args.map((a, i): [Ast, Expr] => [a, args[i]!]);
        return located(ast.name === 'K' ? 'K(…)' : `${ast.name}(…)`, ast.nameSpan, operands, () => applyFunction(ast.name, args));
      }
      case 'word':
        throw new Error('an unresolved word reached the builder (grammar/resolve.ts reads every word)');
      case 'where': {
        for (const binding of ast.bindings) {
          if (bindings.has(binding.name)) throw new MatcalcError('syntax', `${binding.name} is bound twice`, { span: binding.span, source });
          bindings.set(binding.name, { ast: binding.value });
        }
        // Bindings whose own bindings are built come first (a deep network written layer
        // by layer is then built without deep recursion); a cycle is left to symbolFor.
        // (A depth-first order, without recursion: a result lists its pieces users first,
        // and passes over the list until each is ready would be quadratic.)
        const uses = new Map(ast.bindings.map((b) => [b.name, symbolNamesOf(b.value).filter((n) => bindings.has(n) && n !== b.name)]));
        // A sum bound once and used once is spliced into the sum that uses it (see spliceSums):
        // it is not built on its own, first or after.
        const useCount = new Map<string, number>();
        for (const name of [ast.body, ...ast.bindings.map((b) => b.value)].flatMap(symbolNamesOf)) useCount.set(name, (useCount.get(name) ?? 0) + 1);
        for (const b of ast.bindings) if (b.value.kind === 'sum' && useCount.get(b.name) === 1) spliceable.add(b.name);
        const spans = new Map(ast.bindings.map((b) => [b.name, b.span]));
        const state = new Map<string, 'open' | 'done'>();
        for (const binding of ast.bindings) {
          const stack: [string, number][] = [[binding.name, 0]];
          while (stack.length > 0) {
            const top = stack[stack.length - 1]!;
            const [name, next] = top;
            if (next === 0) {
              if (state.has(name)) {
                stack.pop();
                continue;
              }
              state.set(name, 'open');
            }
            const children = uses.get(name)!;
            if (next < children.length) {
              top[1] = next + 1;
              if (!state.has(children[next]!)) stack.push([children[next]!, 0]);
              continue;
            }
            stack.pop();
            state.set(name, 'done');
            if (!spliceable.has(name)) symbolFor(name, spans.get(name)!); // a cycle is left to symbolFor
          }
        }
        const body = build(ast.body);
        for (const binding of ast.bindings) if (!spliced.has(binding.name)) symbolFor(binding.name, binding.span);
        return body;
      }
    }
  };

  for (const [name, at] of scalarsByUse(asts)) {
    if (declared.has(name) || valueShapes?.has(name)) continue;
    firstSeen.set(name, at);
    symbols.set(name, C.symbol(name, { rows: '1', cols: '1' }));
  }
  const raws = withUnifier(unifier, () => {
    let built: Expr[];
    try {
      built = asts.map(build);
    } catch (error) {
      // A shape error after a use asked for a vector (Xβ − y with β a scalar): read again.
      if (options.kindsFromUse && error instanceof MatcalcError && error.kind === 'shape' && promotions.size > 0) throw new Retype(promotions, error);
      throw error;
    }
    if (options.patterns) {
      // Both sides of an identity have one shape: this sizes an I or 𝟙 on the right.
      for (const other of built.slice(1)) {
        const mismatch = () => `the two sides have different shapes`;
        if (!C.isScalar(other) || !C.isScalar(built[0]!)) {
          unifier.unify(built[0]!.shape.rows, other.shape.rows, mismatch);
          unifier.unify(built[0]!.shape.cols, other.shape.cols, mismatch);
        }
      }
    }
    // A symbol only declared still gives its value's sizes to the names it is declared with.
    for (const d of declarations) {
      if (!symbols.has(d.name) && !bindings.has(d.name) && d.rows !== undefined && d.cols !== undefined) unifyWithValue(d.name, declaredOnlyShape(d), d);
    }
    unifier.settle();
    for (const { a, b, transposed } of options.sameShapes ?? []) {
      const [ea, eb] = [built[a]!, built[b]!];
      const mismatch = () => `the claim has shape ${ea.shape.rows}×${ea.shape.cols}, not that of the variable`;
      unifier.unify(ea.shape.rows, transposed ? eb.shape.cols : eb.shape.rows, mismatch);
      unifier.unify(ea.shape.cols, transposed ? eb.shape.rows : eb.shape.cols, mismatch);
    }
    unifier.settle();
    return built;
  });
  // Reading order, whatever order they were built in (bindings are built first).
  const ordered = new Map([...symbols].sort(([a], [b]) => (firstSeen.get(a) ?? 0) - (firstSeen.get(b) ?? 0)));
  symbols.clear();
  for (const [name, node] of ordered) symbols.set(name, node);
  const names = nameDims(symbols, unifier, declarations, raws);
  const rename = (dim: Dim): Dim => {
    if (dim.includes('·')) return productDim(dim.split('·').map(rename));
    const root = unifier.find(dim);
    return root.includes('·') ? rename(root) : names.get(root) ?? root;
  };
  const renameShape = (shape: Shape): Shape => ({ rows: rename(shape.rows), cols: rename(shape.cols) });
  const resolve = memoize<Expr>((node, recurse) => {
    switch (node.op) {
      case 'symbol': return C.symbol(node.name, renameShape(node.shape), node.props);
      case 'identity': return C.identity(rename(node.shape.rows));
      case 'ones': return C.ones(rename(node.shape.rows));
      case 'dimension': return C.dimension(rename(node.name));
      case 'zero': return C.zero(renameShape(node.shape));
      case 'commutation': {
        // K_{m,n} as LaTeX writes it names no matrix (the reader gives it an m×n zero): it is
        // the commutation matrix of the one m×n symbol of the text, when there is one.
        const arg = recurse(node.args[0]!);
        if (arg.op !== 'zero') return C.commutation(arg);
        const same = [...symbols.values(), ...declaredShapes()].map((s) => recurse(s)).filter((s, i, all) => s.op === 'symbol' && s.shape.rows === arg.shape.rows && s.shape.cols === arg.shape.cols && all.indexOf(s) === i);
        return C.commutation(same.length === 1 ? same[0]! : arg);
      }
      default: return C.rebuild(node, node.args.map(recurse));
    }
  });
  const declaredShapes = (): Expr[] => declarations.filter((d) => !symbols.has(d.name) && !bindings.has(d.name) && d.rows !== undefined && d.cols !== undefined).map((d) => C.symbol(d.name, declaredOnlyShape(d), d.properties.reduce((flags, p) => flags | PROPERTY_FLAGS[p], 0)));
  return withUnifier(strictUnifier, () => {
    const exprs = raws.map(resolve);
    const resolvedSymbols = new Map([...symbols].map(([name, node]) => [name, resolve(node)]));
    const declaredOnly = new Map<string, Expr>();
    for (const d of declarations) {
      if (symbols.has(d.name) || bindings.has(d.name) || d.rows === undefined || d.cols === undefined) continue;
      const props = d.properties.reduce((flags, p) => flags | PROPERTY_FLAGS[p], 0);
      declaredOnly.set(d.name, C.symbol(d.name, renameShape(declaredOnlyShape(d)), props));
    }
    return { exprs, symbols: resolvedSymbols, declaredOnly, promotions, notes: [...readingNotes] };
  });
}

function describeDeclaration(d: Declaration): string {
  const size = d.kind === 'scalar' ? 'scalar' : d.kind === 'vector' ? d.rows ?? 'vector' : d.rows !== undefined ? `${d.rows}×${d.cols}` : 'matrix';
  return [size, ...d.properties].join(' ');
}

/** The size in the subscript of I_n, I3, I_{m·n}. */
function sizeFromName(name: string, span: Span, source: string): string {
  try {
    return subscriptSize(name.replace(/^I(?=\d)/, 'I_'))!;
  } catch (message) {
    throw new MatcalcError('syntax', String(message), { span, source, expected: 'e.g. I_n, I_3, I_{m·n}' });
  }
}

/** Lowercase symbols whose use makes them scalars before the letter convention would make
 *  them vectors: those of an exponent that is an expression (x.^θ, x.^(a + b)) and of the base
 *  of ^ with one (a^x) — the one reading that type-checks, wherever else they appear first
 *  (log(a)*a^x). Sums, products and negations of scalars pass it on; bound names are not
 *  symbols. Uppercase letters keep their convention (x.^A is an error that says so). */
function scalarsByUse(roots: readonly Ast[]): Map<string, number> {
  const found = new Map<string, number>();
  const bound = new Set<string>();
  const scalarPositions = (root: Ast): void => {
    const stack: Ast[] = [root];
    while (stack.length > 0) {
      const ast = stack.pop()!;
      if (ast.kind === 'sum') for (const t of ast.terms) stack.push(t.term);
      else if (ast.kind === 'negate') stack.push(ast.operand);
      else if (ast.kind === 'product' && ast.rest.every((f) => f.operator === '*' || f.operator === '/')) pushFactors(stack, ast);
      else if (ast.kind === 'symbol' && /^[a-z]/.test(ast.name) && !found.has(ast.name)) found.set(ast.name, ast.span.start);
    }
  };
  const stack: Ast[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.kind) {
      case 'call': for (const a of node.args) stack.push(a); break;
      case 'sum': for (const t of node.terms) stack.push(t.term); break;
      case 'product': pushFactors(stack, node); break;
      case 'power':
        if (symbolNamesOf(node.exponent).length > 0) {
          scalarPositions(node.exponent);
          if (node.operator === '^') scalarPositions(node.base);
        }
        stack.push(node.base, node.exponent);
        break;
      case 'negate': case 'transpose': case 'inverse': stack.push(node.operand); break;
      case 'where':
        node.bindings.forEach((b) => bound.add(b.name));
        stack.push(node.body);
        for (const b of node.bindings) stack.push(b.value);
        break;
      default: break;
    }
  }
  bound.forEach((name) => found.delete(name));
  return found;
}

/** The symbol names an AST mentions (iteratively: ASTs of long inputs are deep). */
function symbolNamesOf(root: Ast): string[] {
  const names: string[] = [];
  const stack: Ast[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.kind) {
      case 'symbol': names.push(node.name); break;
      case 'call': for (const a of node.args) stack.push(a); break;
      case 'sum': for (const t of node.terms) stack.push(t.term); break;
      case 'product': pushFactors(stack, node); break;
      case 'power': stack.push(node.base, node.exponent); break;
      case 'negate': case 'transpose': case 'inverse': stack.push(node.operand); break;
      case 'where': stack.push(node.body); for (const b of node.bindings) stack.push(b.value); break;
      default: break;
    }
  }
  return names;
}

/** A product's operands onto a work stack, one by one (a spread of 100,000 arguments
 *  overflows the call stack). */
function pushFactors(stack: Ast[], product: Extract<Ast, { kind: 'product' }>): void {
  stack.push(product.first);
  for (const f of product.rest) stack.push(f.operand);
}

const PRODUCT_NAMES = { '*': 'product', '/': 'division', '.*': 'elementwise product', './': 'elementwise division', '⊗': 'Kronecker product' } as const;

function hint(what: string): string | undefined {
  if (what === 'product') return "the columns of the left factor must match the rows of the right; declare sizes with --where, or transpose with '";
  if (what === 'power') return 'A^k needs a square matrix; for elementwise powers write x.^2';
  if (what === 'sum' || what === 'difference') return 'terms of a sum must have one shape (a scalar broadcasts)';
  return undefined;
}

/** A function call by its canonical name (grammar/names.ts gives it): a core operator with
 *  a function spelling, the commutation matrix K, the differential d, or a function. */
export function applyFunction(name: string, args: readonly Expr[]): Expr {
  if (name === 'K') return C.commutation(args[0]!);
  if (name === 'd') return C.differential(args[0]!);
  if (name === 'bars') {
    // |X| as written: the absolute value of a scalar, the determinant of a matrix.
    const [arg] = args as [Expr];
    // A vector's or a non-square matrix's bars are its entries' absolute values.
    if (C.isScalar(arg) || C.isVector(arg) || (!findDim(arg.shape.rows).startsWith('?') && !findDim(arg.shape.cols).startsWith('?') && findDim(arg.shape.rows) !== findDim(arg.shape.cols))) return C.func('abs', arg);
    return C.func('det', arg);
  }
  const reading = readFunction(name);
  if (reading?.kind === 'core') return C.CORE_CONSTRUCTORS[reading.op]!(...args);
  return C.func(reading?.name ?? name, args[0]!);
}

/** Names for the dimensions no declaration named: n, m, p, … in order of appearance. */
function nameDims(symbols: ReadonlyMap<string, Expr>, unifier: UnionFind, declarations: readonly Declaration[], roots: readonly Expr[] = []): Map<Dim, Dim> {
  const taken = new Set(declarations.flatMap((d) => [d.rows, d.cols]).filter((d): d is string => d !== undefined).flatMap((d) => d.split('·')));
  // Names the text itself writes (I_n, 𝟙_{m·n}) are taken too: an inferred size named n
  // beside I_n would silently be the same size.
  for (const node of roots.flatMap((root) => postOrder(root))) {
    for (const dim of [node.shape.rows, node.shape.cols]) {
      for (const part of findDim(unifier.find(dim)).split('·')) if (!part.startsWith('?') && !/^\d+$/.test(part)) taken.add(unifier.find(part));
    }
  }
  const names = new Map<Dim, Dim>();
  const pool = DIM_NAMES.filter((n) => !taken.has(n));
  let extra = 0;
  const visit = (dim: Dim): void => {
    for (const part of dim.split('·')) {
      const root = unifier.find(part);
      if (root.includes('·')) visit(root);
      else if (root.startsWith('?') && !names.has(root)) names.set(root, pool.shift() ?? `d${++extra}`);
    }
  };
  for (const node of symbols.values()) {
    visit(node.shape.rows);
    visit(node.shape.cols);
  }
  {
    const seen = new Set<number>();
    const stack = [...roots];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      visit(node.shape.rows);
      visit(node.shape.cols);
      for (const item of node.args) stack.push(item);
    }
  }
  return names;
}
