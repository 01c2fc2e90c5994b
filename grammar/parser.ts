// The notation's grammar (NOTATION.md, precedence tightest first: postfix, power, product
// level, unary minus, sum) as a recursive-descent reader with an entry point for everything
// matcalc reads: expressions with their where clauses (bindings and shape declarations),
// declarations (--where), rule-file lines and batch-file lines. It builds a raw tree whose
// words grammar/resolve.ts reads once the names are known. Syntax errors become
// MatcalcError with the offending span and what was expected there.
//
// Each decision reads at most two tokens ahead (LL(2)); each loop and option is entered when
// the next token can start it. The grammar was a chevrotain parser until its set-up (recording
// the grammar, ~8 ms and 130 KB of bundle) was most of a command-line run's own start-up.

import { MatcalcError, type Span } from '../src/errors.js';
import type { Ast, Binding, ProductFactor, SumTerm } from './ast.js';
import { spanOf } from './ast.js';
import { type Declaration, type DeclaredName, declarationOf, type SpecToken } from './declarations.js';
import { canonicalSymbolName, FUNCTION_ALIASES, FUNCTION_ARITY, FUNCTION_NAMES, nearestName, subscriptSize, zeroShape } from './names.js';
import { resolveWords, wordPieces } from './resolve.js';
import * as T from './tokens.js';
import type { Token, TokenType } from './tokens.js';
import { flattenNesting } from './nesting.js';

const tokenSpan = (token: Token): Span => ({ start: token.startOffset, end: token.startOffset + token.image.length });

const PRODUCT_OPERATORS: ReadonlyMap<TokenType, ProductFactor['operator']> = new Map([
  [T.Star, '*'], [T.Slash, '/'], [T.DotStar, '.*'], [T.DotSlash, './'], [T.Hadamard, '.*'], [T.Kron, '⊗'],
]);

const NAME_TOKENS: readonly TokenType[] = [T.Word, T.GreekName, T.GreekLetter];
const isName = (token: Token): boolean => NAME_TOKENS.includes(token.tokenType);
const SPEC_TYPES: ReadonlyMap<TokenType, SpecToken['type']> = new Map([
  [T.Word, 'word'], [T.FunctionName, 'word'], [T.GreekName, 'word'], [T.UnknownCall, 'word'],
  [T.NumberLiteral, 'number'], [T.Times, 'times'], [T.Star, 'star'], [T.Minus, 'minus'],
]);
/** The tokens an operand (a primary) starts with. */
const OPERAND_START: ReadonlySet<TokenType> = new Set([
  T.NumberLiteral, T.Word, T.GreekName, T.GreekLetter, T.SizedZero, T.Ones, T.LParen, T.NormBar, T.Bar, T.FunctionName, T.UnknownCall,
]);
const POSTFIX: ReadonlySet<TokenType> = new Set([T.Transpose, T.Inverse, T.InverseTranspose, T.Superscript]);
const RULE_WORDS: readonly TokenType[] = [T.Word, T.FunctionName, T.GreekName, T.UnknownCall, T.Ones, T.If];
const CONDITION_WORDS: readonly TokenType[] = [T.UnknownCall, T.Word, T.FunctionName];

/** A rule line: `name: lhs = rhs [if condition(X), …]`. */
export interface RuleLine {
  readonly name: string;
  readonly lhs: Ast;
  readonly rhs: Ast;
  readonly conditions: readonly { readonly predicate: string; readonly variable: string; readonly span: Span }[];
}

/** A batch-file line: a derivation to check, or declarations for the lines after it. */
export type BatchLine =
  | { readonly kind: 'derivation'; readonly derivative: 'grad' | 'jacobian' | 'hessian'; readonly expression: Span; readonly wrt: string; readonly claim: Span }
  | { readonly kind: 'where'; readonly declarations: Span };

/** Where reading stopped: the token, and what the grammar needed there. */
class ParseFailure {
  constructor(
    readonly token: Token,
    /** The token the grammar required (a missing ')'), or why nothing fitted. */
    readonly wanted: TokenType | 'operand' | 'end',
  ) {}
}

/** VULGAR fractions ½, ⅓, ¼, … as the numbers they are. */
const VULGAR_FRACTIONS: ReadonlyMap<string, number> = new Map([['½', 1 / 2], ['⅓', 1 / 3], ['⅔', 2 / 3], ['¼', 1 / 4], ['¾', 3 / 4], ['⅕', 1 / 5], ['⅛', 1 / 8]]);

class Reader {
  private position = 0;
  /** Inside ‖…‖ a bar closes the norm instead of starting a juxtaposed factor. */
  private normDepth = 0;
  private barDepth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    /** The text being read: a newline in it separates declarations. */
    private readonly text: string,
  ) {}

  /** The k-th token ahead (1: the next). */
  private la(k = 1): Token {
    return this.tokens[this.position + k - 1] ?? T.END;
  }
  private at(type: TokenType, k = 1): boolean {
    return this.la(k).tokenType === type;
  }
  private take(): Token {
    const token = this.la();
    this.position++;
    return token;
  }
  private expect(type: TokenType): Token {
    if (!this.at(type)) throw new ParseFailure(this.la(), type);
    return this.take();
  }
  private takeOneOf(types: readonly TokenType[]): Token {
    if (!types.includes(this.la().tokenType)) throw new ParseFailure(this.la(), 'operand');
    return this.take();
  }
  /** `‖…‖` or `|…|`: inside, the closing bar ends the group instead of starting a
   *  juxtaposed factor (product() reads the depth). */
  private enclosed(bar: TokenType, depth: 'normDepth' | 'barDepth'): { open: Token; inner: Ast; close: Token } {
    const open = this.take();
    this[depth]++;
    const inner = this.sum();
    const close = this.expect(bar);
    this[depth]--;
    return { open, inner, close };
  }
  private operandStarts(k = 1): boolean {
    return OPERAND_START.has(this.la(k).tokenType);
  }

  /** The whole text is one production: what is left after it is an error. */
  whole<R>(production: () => R): R {
    const result = production();
    if (this.position < this.tokens.length) throw new ParseFailure(this.la(), 'end');
    return result;
  }

  /** Whether a line break stands before the token (declarations end at one). */
  private newlineBefore(token: Token): boolean {
    if (token.tokenType === T.EOF) return false;
    let i = token.startOffset - 1;
    while (i >= 0 && /[ \t\r]/.test(this.text[i]!)) i--;
    return i >= 0 && this.text[i] === '\n';
  }

  /** Whether the tokens from LA(k) on start a where-clause entry: `name =` or `names :`. */
  private entryStartsAt(k: number): boolean {
    if (!isName(this.la(k))) return false;
    if (this.at(T.Equals, k + 1) || this.at(T.Colon, k + 1)) return true;
    for (let i = k + 1; this.at(T.Comma, i) && isName(this.la(i + 1)); i += 2) if (this.at(T.Colon, i + 2)) return true;
    return false;
  }

  /** An expression and its where clause. */
  expression(): Ast {
    const body = this.sum();
    if (!this.at(T.Where)) return body;
    const { bindings, declarations, span } = this.whereClause();
    return { kind: 'where', body, bindings, ...(declarations.length > 0 ? { declarations } : {}), span: spanOf(body.span, span) };
  }

  /** `where t1 = W*x, t2 = …; x: n; X: n×m`: bindings and shape declarations, in any order,
   *  separated by commas or semicolons. */
  private whereClause(): { bindings: Binding[]; declarations: Declaration[]; span: Span } {
    const where = this.expect(T.Where);
    const bindings: Binding[] = [];
    const declarations: Declaration[] = [];
    let end = tokenSpan(where);
    for (;;) {
      const entry = this.whereEntry();
      if ('value' in entry) bindings.push(entry);
      else declarations.push(...entry.declarations);
      end = entry.span;
      if (!this.at(T.Comma) && !this.at(T.Semicolon)) break;
      this.take();
    }
    return { bindings, declarations, span: spanOf(tokenSpan(where), end) };
  }

  /** A binding `t1 = W*x`, or a declaration `x: n`. */
  private whereEntry(): Binding | { declarations: Declaration[]; span: Span } {
    if (isName(this.la()) && this.at(T.Equals, 2)) return this.binding();
    if (isName(this.la())) return this.declaration();
    throw new ParseFailure(this.la(), 'operand');
  }

  private binding(): Binding {
    const name = this.takeOneOf(NAME_TOKENS);
    this.expect(T.Equals);
    const value = this.sum();
    return { name: canonicalSymbolName(name.image), value, span: spanOf(tokenSpan(name), value.span) };
  }

  /** `a, c: scalar`, `X: m×n symmetric`: names, a colon, and the tokens of the spec. */
  private declaration(): { declarations: Declaration[]; span: Span } {
    const names: Token[] = [this.takeOneOf(NAME_TOKENS)];
    while (this.at(T.Comma) && isName(this.la(2))) {
      this.take();
      names.push(this.take());
    }
    const colon = this.at(T.Colon) ? this.take() : undefined;
    const spec: Token[] = [];
    while (!this.newlineBefore(this.la()) && (SPEC_TYPES.has(this.la().tokenType) || (this.at(T.Comma) && !this.entryStartsAt(2)))) {
      const token = this.take();
      if (token.tokenType !== T.Comma) spec.push(token);
    }
    const last = spec[spec.length - 1] ?? colon ?? names[names.length - 1]!;
    const span = spanOf(tokenSpan(names[0]!), tokenSpan(last));
    if (!colon) {
      throw new MatcalcError('declaration', `declaration '${this.text.slice(span.start, span.end)}' has no ':'`, {
        span, expected: "write it as 'name: kind', e.g. 'X: m×n' or 'a: scalar'",
      });
    }
    const declared: DeclaredName[] = names.map((n) => ({ text: n.image, span: tokenSpan(n) }));
    const tokens: SpecToken[] = spec.map((t) => ({ image: t.image, type: SPEC_TYPES.get(t.tokenType)!, span: tokenSpan(t) }));
    return { declarations: declarationOf(declared, tokens, this.text, span), span };
  }

  /** Declarations alone (--where, a rule file's where line), separated by commas, semicolons or line breaks. */
  declarations(): Declaration[] {
    const all: Declaration[] = [];
    if (!isName(this.la())) return all;
    all.push(...this.declaration().declarations);
    const separator = (k = 1): boolean => this.at(T.Comma, k) || this.at(T.Semicolon, k);
    while (isName(this.la()) || (separator() && isName(this.la(2)))) {
      if (separator()) this.take();
      all.push(...this.declaration().declarations);
    }
    while (separator()) this.take();
    return all;
  }

  sum(): Ast {
    const first = this.negation();
    const terms: SumTerm[] = [];
    while (this.at(T.Plus) || this.at(T.Minus)) {
      const operator = this.take();
      const term = this.negation();
      terms.push({ sign: operator.tokenType === T.Plus ? 1 : -1, term, operatorSpan: tokenSpan(operator) });
    }
    if (terms.length === 0) return first;
    return { kind: 'sum', terms: [{ sign: 1, term: first, operatorSpan: undefined }, ...terms], span: spanOf(first.span, terms[terms.length - 1]!.term.span) };
  }

  /** Unary minus binds looser than products: `-x'Ax` is -(x'Ax). A run of signs is read in
   *  a loop, not by recursion. */
  private negation(tight = false): Ast {
    const minuses: Token[] = [];
    while (this.at(T.Minus)) minuses.push(this.take());
    let operand = tight ? this.power() : this.product();
    for (let i = minuses.length - 1; i >= 0; i--) {
      const span = spanOf(tokenSpan(minuses[i]!), operand.span);
      operand = tight ? { kind: 'negate', operand, tight: true, span } : { kind: 'negate', operand, span };
    }
    return operand;
  }

  private product(): Ast {
    const first = this.power();
    const rest: ProductFactor[] = [];
    for (;;) {
      if ((this.normDepth > 0 && this.at(T.NormBar)) || (this.barDepth > 0 && this.at(T.Bar))) break;
      const operator = PRODUCT_OPERATORS.get(this.la().tokenType);
      if (operator) {
        const token = this.take();
        // After an explicit operator a sign may follow, as in MATLAB: `A*-B`.
        const operand = this.negation(true);
        rest.push({ operator, operand, operatorSpan: tokenSpan(token) });
      } else if (this.operandStarts()) {
        // Juxtaposition: `Ax`, `2x`, `(A+B)x`, `tr(AB)C`.
        const operand = this.power();
        rest.push({ operator: '*', operand, operatorSpan: { start: operand.span.start, end: operand.span.start } });
      } else break;
    }
    return rest.length === 0 ? first : { kind: 'product', first, rest, span: spanOf(first.span, rest[rest.length - 1]!.operand.span) };
  }

  /** `^` and `.^`, right-associative; the exponent may carry a sign (`x^-2`). */
  private power(): Ast {
    const base = this.postfix();
    if (!this.at(T.Caret) && !this.at(T.DotCaret)) return base;
    const operator = this.take();
    const exponent = this.negation(true);
    return { kind: 'power', operator: operator.tokenType === T.Caret ? '^' : '.^', base, exponent, span: spanOf(base.span, exponent.span), operatorSpan: tokenSpan(operator) };
  }

  private postfix(): Ast {
    let operand = this.primary();
    while (POSTFIX.has(this.la().tokenType)) {
      const token = this.take();
      const span = spanOf(operand.span, tokenSpan(token));
      if (token.tokenType === T.Transpose) operand = { kind: 'transpose', operand, span, operatorSpan: tokenSpan(token) };
      else if (token.tokenType === T.Inverse) operand = { kind: 'inverse', operand, span, operatorSpan: tokenSpan(token) };
      else if (token.tokenType === T.InverseTranspose) {
        const inverse: Ast = { kind: 'inverse', operand, span, operatorSpan: tokenSpan(token) };
        operand = { kind: 'transpose', operand: inverse, span, operatorSpan: tokenSpan(token) };
      } else {
        const exponent: Ast = { kind: 'number', value: token.image === '²' ? 2 : 3, span: tokenSpan(token) };
        operand = { kind: 'power', operator: '^', base: operand, exponent, span, operatorSpan: tokenSpan(token) };
      }
    }
    return operand;
  }

  private primary(): Ast {
    const token = this.la();
    switch (token.tokenType) {
      case T.NumberLiteral:
        this.take();
        return { kind: 'number', value: VULGAR_FRACTIONS.get(token.image) ?? Number(token.image), span: tokenSpan(token) };
      case T.Word: {
        this.take();
        // `K(X)` is the commutation matrix of X's shape (NOTATION.md), also after other letters: AK(X).
        if (wordPieces(token.image).at(-1) === 'K' && this.at(T.LParen)) {
          this.take();
          const commutation = this.sum();
          const close = this.expect(T.RParen);
          return { kind: 'word', text: token.image, span: spanOf(tokenSpan(token), tokenSpan(close)), commutation };
        }
        return { kind: 'word', text: token.image, span: tokenSpan(token) };
      }
      case T.GreekName:
      case T.GreekLetter: {
        this.take();
        // σ(…), sigma(…): the logistic function, as papers write it (the builder notes it).
        if (canonicalSymbolName(token.image) === 'sigma' && this.at(T.LParen)) {
          this.take();
          const argument = this.sum();
          const close = this.expect(T.RParen);
          return { kind: 'call', name: 'sigmoid', args: [argument], span: spanOf(tokenSpan(token), tokenSpan(close)), nameSpan: tokenSpan(token) };
        }
        return { kind: 'symbol', name: canonicalSymbolName(token.image), span: tokenSpan(token) };
      }
      case T.SizedZero:
        this.take();
        try {
          return { kind: 'zero', ...zeroShape(token.image), span: tokenSpan(token) };
        } catch (message) {
          throw new MatcalcError('syntax', String(message), { span: tokenSpan(token), expected: 'e.g. 0_n, 0_{n×m}' });
        }
      case T.Ones: {
        this.take();
        const size = sizeOf(token);
        return size === undefined ? { kind: 'ones', span: tokenSpan(token) } : { kind: 'ones', size, span: tokenSpan(token) };
      }
      case T.LParen: {
        const open = this.take();
        const inner = this.sum();
        const close = this.expect(T.RParen);
        // Parentheses only group; the span widens so errors point at the whole group. A
        // group is a product of one factor, so that a word inside stays one factor: (By)'.
        const span = spanOf(tokenSpan(open), tokenSpan(close));
        return { kind: 'product', first: { ...inner, span }, rest: [], span };
      }
      case T.NormBar: {
        const { open, inner, close } = this.enclosed(T.NormBar, 'normDepth');
        // ‖x‖_2, ‖X‖_F, ‖x‖₂ (the 2-norm, Frobenius for a matrix), ‖x‖_1, ‖x‖₁.
        const which = this.at(T.NormSubscript) ? this.take() : undefined;
        const span = spanOf(tokenSpan(open), tokenSpan(which ?? close));
        const name = which && /1|₁/.test(which.image) ? 'norm1' : which && /2|₂/.test(which.image) ? 'norm2' : 'norm';
        return { kind: 'call', name, args: [inner], span, nameSpan: tokenSpan(open) };
      }
      case T.Bar: {
        // A single bar, |X|: the determinant of a matrix, the absolute value of a scalar.
        const { open, inner, close } = this.enclosed(T.Bar, 'barDepth');
        return { kind: 'call', name: 'bars', args: [inner], span: spanOf(tokenSpan(open), tokenSpan(close)), nameSpan: tokenSpan(open) };
      }
      case T.FunctionName:
        return this.application();
      case T.UnknownCall: {
        const suggestion = nearestName(token.image, FUNCTION_NAMES);
        throw new MatcalcError('unknown-function', `unknown function '${token.image}'`, {
          span: tokenSpan(token),
          expected: suggestion ? `did you mean '${suggestion}'?` : `known functions: ${FUNCTION_NAMES.join(', ')}`,
        });
      }
      default:
        throw new ParseFailure(token, 'operand');
    }
  }

  /** `tr(AB)`, `kron(A, B)`, and without parentheses `log det X` (applies to the next factor). */
  private application(): Ast {
    const nameToken = this.expect(T.FunctionName);
    const args: Ast[] = [];
    let close: Token | undefined;
    if (this.at(T.LParen)) {
      this.take();
      if (this.at(T.Minus) || this.operandStarts()) {
        args.push(this.sum());
        while (this.at(T.Comma)) {
          this.take();
          args.push(this.sum());
        }
      } else if (!this.at(T.RParen)) throw new ParseFailure(this.la(), 'operand');
      close = this.expect(T.RParen);
    } else if (this.operandStarts()) args.push(this.postfix());
    else throw new ParseFailure(this.la(), 'operand');
    const name = nameToken.image === 'd' ? 'd' : FUNCTION_ALIASES.get(nameToken.image) ?? FUNCTION_ALIASES.get(nameToken.image.toLowerCase())!;
    const nameSpan = tokenSpan(nameToken);
    const span = spanOf(nameSpan, close ? tokenSpan(close) : args[0]!.span);
    const arity = FUNCTION_ARITY.get(name) ?? 1;
    if (args.length !== arity) {
      throw new MatcalcError('syntax', `${name} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`, {
        span: args.length === 0 ? span : spanOf(args[0]!.span, args[args.length - 1]!.span),
        expected: `write ${name}(${arity === 1 ? 'X' : 'A, B'})`,
      });
    }
    return close ? { kind: 'call', name, args, span, nameSpan } : { kind: 'call', name, args, span, nameSpan, bare: true };
  }

  /** A line of a rule file: `where` declarations, or `name: lhs = rhs [if condition(X), …]`. */
  ruleFileLine(): RuleLine | Declaration[] {
    if (this.at(T.Where)) {
      this.take();
      return this.declarations();
    }
    if (!RULE_WORDS.includes(this.la().tokenType)) throw new ParseFailure(this.la(), 'operand');
    const parts: Token[] = [this.take()];
    while (this.at(T.Minus)) {
      this.take();
      parts.push(this.takeOneOf(RULE_WORDS));
    }
    this.expect(T.Colon);
    const lhs = this.sum();
    this.expect(T.Equals);
    const rhs = this.sum();
    const conditions: RuleLine['conditions'][number][] = [];
    if (this.at(T.If)) {
      this.take();
      do {
        if (conditions.length > 0) this.take();
        const predicate = this.takeOneOf(CONDITION_WORDS);
        this.expect(T.LParen);
        const variable = this.takeOneOf(NAME_TOKENS);
        const close = this.expect(T.RParen);
        conditions.push({ predicate: predicate.image, variable: canonicalSymbolName(variable.image), span: spanOf(tokenSpan(predicate), tokenSpan(close)) });
      } while (this.at(T.Comma));
    }
    return { name: parts.map((p) => p.image).join('-'), lhs, rhs, conditions };
  }

  /** A line of a batch file: `grad EXPR wrt VAR = CLAIM`, or `where[:] declarations`. */
  batchLine(): BatchLine {
    if (this.at(T.Where)) {
      const where = this.take();
      if (this.at(T.Colon)) this.take();
      const start = this.la();
      this.declarations();
      // To the end of the line, without a closing code quote.
      const end = this.text.replace(/[\s`]+$/, '').length;
      return { kind: 'where', declarations: { start: start.tokenType === T.EOF ? tokenSpan(where).end : start.startOffset, end } };
    }
    const kind = this.expect(T.DerivationKind);
    const expression = this.expression();
    this.expect(T.Wrt);
    const variable = this.takeOneOf(NAME_TOKENS);
    this.expect(T.Equals);
    const claim = this.expression();
    return { kind: 'derivation', derivative: kind.image as 'grad', expression: expression.span, wrt: variable.image, claim: claim.span };
  }
}

/** The size a token's subscript states (`ones_n`); a subscript that is not a size is an error. */
export function sizeOf(token: Token): string | undefined {
  try {
    return subscriptSize(token.image);
  } catch (message) {
    throw new MatcalcError('syntax', String(message), { span: tokenSpan(token), expected: 'e.g. I_n, I_3, ones_{m·n}' });
  }
}

export interface ParseOptions {
  /** Names read as whole words (declared with --where). */
  declared?: Iterable<string>;
  /** Accept `d(…)` as the differential (rule files). */
  differentials?: boolean;
  /** Told of each word that looks like a name but is read as one-letter symbols. */
  onSplitWord?: (word: string) => void;
}

/** Deeper nesting is refused before parsing: recursion depth is the parser's stack. An
 *  expression is first rewritten to nest less (grammar/nesting.ts), so this refuses only
 *  what could not be: groups holding a call of several arguments at every level. */
export const MAX_NESTING = 200;
/** Terms of one sum, factors of one product: the constructors take their operands as
 *  arguments, and V8 refuses a call with many more than this. */
export const MAX_OPERANDS = 100_000;

/** Runs one entry point of the grammar on a text, with spans into it for every error. */
function run<R>(text: string, entry: (reader: Reader) => R, context: T.LexContext): R {
  T.setLexContext(context);
  const lexed = T.tokenize(text);
  if (lexed.errors.length > 0) {
    const error = lexed.errors[0]!;
    const raw = text.slice(error.offset, error.offset + 1);
    // A control character (a terminal escape) is named, not echoed.
    const character = /[\u0000-\u001f\u007f]/.test(raw) ? `\\u${raw.charCodeAt(0).toString(16).padStart(4, '0')}` : raw;
    throw new MatcalcError('syntax', `unexpected character '${character}' at column ${error.offset + 1}`, {
      span: { start: error.offset, end: error.offset + 1 },
      source: text,
      expected: 'expected a symbol, a number, an operator or a parenthesis (see docs/NOTATION.md)',
    });
  }
  const reader = new Reader(lexed.tokens, text);
  try {
    return reader.whole(() => entry(reader));
  } catch (error) {
    if (error instanceof ParseFailure) throw syntaxError(error, text);
    if (error instanceof MatcalcError) throw error.source === undefined ? error.withSource(text) : error;
    throw error;
  }
}

/** The names a text knows as whole words: the caller's, and those its where clause declares or binds. */
function knownNames(ast: Ast, declared: Iterable<string>): Set<string> {
  const known = new Set([...declared].map(canonicalSymbolName));
  if (ast.kind === 'where') {
    for (const binding of ast.bindings) known.add(binding.name);
    for (const declaration of ast.declarations ?? []) known.add(declaration.name);
  }
  return known;
}

/** Parses notation text into an AST; throws MatcalcError (kind 'syntax' …) for bad input. */
export function parseAst(text: string, options: ParseOptions = {}): Ast {
  if (text.trim() === '') {
    throw new MatcalcError('syntax', 'empty expression', { span: { start: 0, end: Math.max(1, text.length) }, source: text, expected: 'expected an expression, e.g. "x\'*A*x"' });
  }
  // Text nested deeper than the parser's stack allows is read with its deep groups named
  // (grammar/nesting.ts); its errors are told in the text as written.
  const flat = flattenNesting(text);
  if (!flat) return parseShallow(text, options);
  try {
    return parseShallow(flat.text, options);
  } catch (error) {
    if (!(error instanceof MatcalcError) || error.source !== flat.text) throw error;
    const at = (offset: number): number => flat.origin(offset);
    const span = error.span ? { start: at(error.span.start), end: Math.max(at(error.span.start) + 1, at(error.span.end)) } : undefined;
    const message = error.message.replace(/at column (\d+)/g, (_, column: string) => `at column ${at(Number(column) - 1) + 1}`);
    throw new MatcalcError(error.kind, message, { ...(span ? { span } : {}), source: text, ...(error.expected ? { expected: error.expected } : {}), cause: error.cause });
  }
}

function parseShallow(text: string, options: ParseOptions): Ast {
  checkNesting(text);
  const declared = new Set(options.declared ?? []);
  const raw = run(text, (r) => r.expression(), { declared, differentials: options.differentials ?? false });
  return resolveWords(raw, knownNames(raw, declared), options.onSplitWord);
}

/** The declaration language (--where): "a, c: scalar; X: m×n; A: n×n symmetric". */
export function parseDeclarations(text: string): Declaration[] {
  if (text.trim() === '') return [];
  const declarations = run(text, (r) => r.declarations(), { declared: new Set(), differentials: false });
  return declarations;
}

/** One line of a rule file: undefined when it is blank or a comment. */
export function parseRuleLine(text: string, declared: Iterable<string>): RuleLine | Declaration[] | undefined {
  T.setLexContext({ declared: new Set(), differentials: true, mode: 'rules' });
  if (T.tokenize(text).tokens.length === 0) return undefined;
  checkNesting(text);
  const known = new Set(declared);
  const line = run(text, (r) => r.ruleFileLine(), { declared: known, differentials: true, mode: 'rules' });
  if (Array.isArray(line)) return line;
  return { ...line, lhs: resolveWords(line.lhs, known), rhs: resolveWords(line.rhs, known) };
}

/** One line of a batch file: undefined when it is prose (no derivation, no declarations). */
export function parseBatchLine(text: string): BatchLine | undefined {
  try {
    checkNesting(text);
    return run(text, (r) => r.batchLine(), { declared: new Set(), differentials: false, mode: 'batch' });
  } catch (error) {
    if (error instanceof MatcalcError) return undefined;
    throw error;
  }
}

function checkNesting(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth > MAX_NESTING) {
      throw new MatcalcError('limit', `parentheses nested deeper than ${MAX_NESTING} levels`, {
        span: { start: i, end: i + 1 },
        source: text,
        expected: 'name inner pieces with `where` bindings instead',
      });
    }
  }
}

function describe(token: Token): string {
  return token.tokenType === T.EOF ? 'end of input' : `'${token.image}'`;
}

const EXPECTED: ReadonlyMap<TokenType, string> = new Map([
  [T.RParen, "expected ')'"], [T.NormBar, "expected a closing '‖'"], [T.Equals, "expected '=' after the binding's name"],
]);

function syntaxError(failure: ParseFailure, text: string): MatcalcError {
  const token = failure.token;
  const atEnd = token.tokenType === T.EOF;
  const start = atEnd ? text.length : token.startOffset;
  const span = { start, end: atEnd ? start + 1 : start + token.image.length };
  const expected = failure.wanted === 'end'
    ? 'expected an operator or the end of the expression'
    : (typeof failure.wanted === 'string' ? undefined : EXPECTED.get(failure.wanted)) ?? "expected an operand: a symbol, a number, a function or '('";
  const what = atEnd ? 'unexpected end of input' : `unexpected ${describe(token)}`;
  return new MatcalcError('syntax', `${what} at column ${start + 1}`, { span, source: text, expected });
}
