// The notation's grammar (NOTATION.md, precedence tightest first: postfix, power, product
// level, unary minus, sum) as one chevrotain parser that builds the AST directly. Syntax
// errors become MatcalcError with the offending span and what was expected there.

import { EmbeddedActionsParser, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { MatcalcError, type Span } from '../src/errors.js';
import type { Ast, Binding, ProductFactor, ProductOperator, SumTerm } from './ast.js';
import { spanOf } from './ast.js';
import { type Declaration, parseDeclarations, wholeWordNames } from './declarations.js';
import { canonicalSymbolName, FUNCTION_ALIASES, FUNCTION_ARITY, FUNCTION_NAMES, GREEK_BY_LETTER, nearestName, subscriptSize } from './names.js';
import * as T from './tokens.js';

const tokenSpan = (token: IToken): Span => ({ start: token.startOffset, end: token.startOffset + token.image.length });

const PRODUCT_OPERATORS: ReadonlyMap<TokenType, ProductOperator> = new Map([
  [T.Star, '*'], [T.Slash, '/'], [T.DotStar, '.*'], [T.DotSlash, './'], [T.Hadamard, '.*'], [T.Kron, '⊗'],
]);

class NotationParser extends EmbeddedActionsParser {
  /** Inside ‖…‖ a bar closes the norm instead of starting a juxtaposed factor. */
  private normDepth = 0;

  constructor() {
    // The grammar's validations run in the tests; a user's run skips them (start-up time).
    super(T.allTokens, { recoveryEnabled: false, maxLookahead: 2, skipValidations: process.env.JEST_WORKER_ID === undefined });
    this.performSelfAnalysis();
  }

  resetNormDepth(): void {
    this.normDepth = 0;
  }

  public expression = this.RULE('expression', (): Ast => {
    const body = this.SUBRULE(this.sum);
    const bindings: Binding[] = [];
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => bindings.push(this.SUBRULE(this.binding)) });
    });
    return this.ACTION(() =>
      bindings.length === 0 ? body : { kind: 'where', body, bindings, span: spanOf(body.span, bindings[bindings.length - 1]!.span) },
    );
  });

  private binding = this.RULE('binding', (): Binding => {
    const name = this.OR([
      { ALT: () => this.CONSUME(T.Symbol) },
      { ALT: () => this.CONSUME(T.DeclaredName) },
      { ALT: () => this.CONSUME(T.GreekName) },
      { ALT: () => this.CONSUME(T.GreekLetter) },
    ]);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.sum);
    return this.ACTION(() => ({ name: canonicalSymbolName(name.image), value, span: spanOf(tokenSpan(name), value.span) }));
  });

  private sum = this.RULE('sum', (): Ast => {
    const first = this.SUBRULE(this.negation);
    const terms: SumTerm[] = [];
    this.MANY(() => {
      const operator = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const term = this.SUBRULE2(this.negation);
      this.ACTION(() => terms.push({ sign: operator.tokenType === T.Plus ? 1 : -1, term, operatorSpan: tokenSpan(operator) }));
    });
    return this.ACTION(() =>
      terms.length === 0
        ? first
        : { kind: 'sum', terms: [{ sign: 1, term: first, operatorSpan: undefined }, ...terms], span: spanOf(first.span, terms[terms.length - 1]!.term.span) },
    );
  });

  /** Unary minus binds looser than products: `-x'Ax` is -(x'Ax). */
  private negation = this.RULE('negation', (): Ast => {
    return this.OR([
      {
        ALT: () => {
          const minus = this.CONSUME(T.Minus);
          const operand = this.SUBRULE(this.negation);
          return this.ACTION((): Ast => ({ kind: 'negate', operand, span: spanOf(tokenSpan(minus), operand.span) }));
        },
      },
      { ALT: () => this.SUBRULE(this.product) },
    ]);
  });

  private product = this.RULE('product', (): Ast => {
    const first = this.SUBRULE(this.power);
    const rest: ProductFactor[] = [];
    this.MANY({
      GATE: () => !(this.normDepth > 0 && this.LA(1).tokenType === T.NormBar),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              const operator = this.OR2([
                { ALT: () => this.CONSUME(T.Star) },
                { ALT: () => this.CONSUME(T.Slash) },
                { ALT: () => this.CONSUME(T.DotStar) },
                { ALT: () => this.CONSUME(T.DotSlash) },
                { ALT: () => this.CONSUME(T.Hadamard) },
                { ALT: () => this.CONSUME(T.Kron) },
              ]);
              const operand = this.SUBRULE(this.signedOperand);
              this.ACTION(() => rest.push({ operator: PRODUCT_OPERATORS.get(operator.tokenType)!, operand, operatorSpan: tokenSpan(operator) }));
            },
          },
          {
            // Juxtaposition: `Ax`, `2x`, `(A+B)x`, `tr(AB)C`.
            ALT: () => {
              const operand = this.SUBRULE2(this.power);
              this.ACTION(() => rest.push({ operator: '*', operand, operatorSpan: { start: operand.span.start, end: operand.span.start } }));
            },
          },
        ]);
      },
    });
    return this.ACTION(() =>
      rest.length === 0 ? first : { kind: 'product', first, rest, span: spanOf(first.span, rest[rest.length - 1]!.operand.span) },
    );
  });

  /** After an explicit operator a sign may follow, as in MATLAB: `A*-B`. */
  private signedOperand = this.RULE('signedOperand', (): Ast => {
    return this.OR([
      {
        ALT: () => {
          const minus = this.CONSUME(T.Minus);
          const operand = this.SUBRULE(this.signedOperand);
          return this.ACTION((): Ast => ({ kind: 'negate', operand, span: spanOf(tokenSpan(minus), operand.span) }));
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  /** `^` and `.^`, right-associative; the exponent may carry a sign (`x^-2`). */
  private power = this.RULE('power', (): Ast => {
    const base = this.SUBRULE(this.postfix);
    let result = base;
    this.OPTION(() => {
      const operator = this.OR([{ ALT: () => this.CONSUME(T.Caret) }, { ALT: () => this.CONSUME(T.DotCaret) }]);
      const exponent = this.SUBRULE(this.exponent);
      this.ACTION(() => {
        result = {
          kind: 'power',
          operator: operator.tokenType === T.Caret ? '^' : '.^',
          base,
          exponent,
          span: spanOf(base.span, exponent.span),
          operatorSpan: tokenSpan(operator),
        };
      });
    });
    return result;
  });

  private exponent = this.RULE('exponent', (): Ast => {
    return this.OR([
      {
        ALT: () => {
          const minus = this.CONSUME(T.Minus);
          const operand = this.SUBRULE(this.exponent);
          return this.ACTION((): Ast => ({ kind: 'negate', operand, span: spanOf(tokenSpan(minus), operand.span) }));
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  private postfix = this.RULE('postfix', (): Ast => {
    let operand = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const token = this.CONSUME(T.Transpose);
            this.ACTION(() => {
              operand = { kind: 'transpose', operand, span: spanOf(operand.span, tokenSpan(token)), operatorSpan: tokenSpan(token) };
            });
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(T.Inverse);
            this.ACTION(() => {
              operand = { kind: 'inverse', operand, span: spanOf(operand.span, tokenSpan(token)), operatorSpan: tokenSpan(token) };
            });
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(T.Superscript);
            this.ACTION(() => {
              const span = tokenSpan(token);
              const exponent: Ast = { kind: 'number', value: token.image === '²' ? 2 : 3, span };
              operand = { kind: 'power', operator: '^', base: operand, exponent, span: spanOf(operand.span, span), operatorSpan: span };
            });
          },
        },
      ]);
    });
    return operand;
  });

  private primary = this.RULE('primary', (): Ast => {
    return this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(T.NumberLiteral);
          return this.ACTION((): Ast => ({ kind: 'number', value: Number(token.image), span: tokenSpan(token) }));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(T.Symbol);
          let result: Ast | undefined;
          // `K(X)` is the commutation matrix of X's shape (NOTATION.md).
          this.OPTION({
            GATE: () => token.image === 'K',
            DEF: () => {
              this.CONSUME(T.LParen);
              const argument = this.SUBRULE(this.sum);
              const close = this.CONSUME(T.RParen);
              this.ACTION(() => {
                result = { kind: 'call', name: 'K', args: [argument], span: spanOf(tokenSpan(token), tokenSpan(close)), nameSpan: tokenSpan(token) };
              });
            },
          });
          return this.ACTION((): Ast => result ?? { kind: 'symbol', name: canonicalSymbolName(token.image), span: tokenSpan(token) });
        },
      },
      {
        ALT: () => {
          const token = this.OR2([
            { ALT: () => this.CONSUME(T.GreekName) },
            { ALT: () => this.CONSUME(T.GreekLetter) },
            { ALT: () => this.CONSUME(T.DeclaredName) },
          ]);
          return this.ACTION((): Ast => {
            const name = token.tokenType === T.DeclaredName ? token.image : canonicalSymbolName(token.image);
            return { kind: 'symbol', name: GREEK_BY_LETTER.get(name) ?? name, span: tokenSpan(token) };
          });
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(T.Ones);
          return this.ACTION((): Ast => {
            const size = sizeOf(token);
            return size === undefined ? { kind: 'ones', span: tokenSpan(token) } : { kind: 'ones', size, span: tokenSpan(token) };
          });
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME2(T.LParen);
          const inner = this.SUBRULE2(this.sum);
          const close = this.CONSUME2(T.RParen);
          // Parentheses only group; the span widens so errors point at the whole group.
          return this.ACTION((): Ast => ({ ...inner, span: spanOf(tokenSpan(open), tokenSpan(close)) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.NormBar);
          this.ACTION(() => this.normDepth++);
          const inner = this.SUBRULE3(this.sum);
          const close = this.CONSUME2(T.NormBar);
          this.ACTION(() => this.normDepth--);
          return this.ACTION((): Ast => {
            const span = spanOf(tokenSpan(open), tokenSpan(close));
            return { kind: 'call', name: 'norm', args: [inner], span, nameSpan: tokenSpan(open) };
          });
        },
      },
      { ALT: () => this.SUBRULE(this.application) },
      {
        ALT: () => {
          const token = this.CONSUME(T.UnknownCall);
          return this.ACTION((): Ast => {
            const suggestion = nearestName(token.image, FUNCTION_NAMES);
            throw new MatcalcError('unknown-function', `unknown function '${token.image}'`, {
              span: tokenSpan(token),
              expected: suggestion ? `did you mean '${suggestion}'?` : `known functions: ${FUNCTION_NAMES.join(', ')}`,
            });
          });
        },
      },
    ]);
  });

  /** `tr(AB)`, `kron(A, B)`, and without parentheses `log det X` (applies to the next factor). */
  private application = this.RULE('application', (): Ast => {
    const nameToken = this.CONSUME(T.FunctionName);
    const args: Ast[] = [];
    let close: IToken | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.sum)) });
          close = this.CONSUME(T.RParen);
        },
      },
      {
        GATE: () => this.LA(1).tokenType !== T.LParen,
        ALT: () => {
          args.push(this.SUBRULE(this.postfix));
        },
      },
    ]);
    return this.ACTION((): Ast => {
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
      return { kind: 'call', name, args, span, nameSpan };
    });
  });
}

/** The size a token's subscript states (`ones_n`); a subscript that is not a size is an error. */
export function sizeOf(token: IToken): string | undefined {
  try {
    return subscriptSize(token.image);
  } catch (message) {
    throw new MatcalcError('syntax', String(message), { span: tokenSpan(token), expected: 'e.g. I_n, I_3, ones_{m·n}' });
  }
}

let parserInstance: NotationParser | undefined;
function parserSingleton(): NotationParser {
  return (parserInstance ??= new NotationParser());
}

export interface ParseOptions {
  /** Names read as whole words (declared with --where). */
  declared?: Iterable<string>;
  /** Accept `d(…)` as the differential (rule files). */
  differentials?: boolean;
}

/** Deeper nesting is refused before parsing: recursion depth is the parser's stack. */
export const MAX_NESTING = 200;

/** Parses notation text into an AST; throws MatcalcError (kind 'syntax' …) for bad input. */
export function parseAst(text: string, options: ParseOptions = {}): Ast {
  if (text.trim() === '') {
    throw new MatcalcError('syntax', 'empty expression', { span: { start: 0, end: Math.max(1, text.length) }, source: text, expected: 'expected an expression, e.g. "x\'*A*x"' });
  }
  checkNesting(text);
  const source = text;
  const cut = cutDeclarations(text);
  text = cut.text;
  const declared = new Set(options.declared ?? []);
  for (const name of wholeWordNames(cut.declarations)) declared.add(name);
  for (const name of bindingNames(text)) declared.add(name);
  T.setLexContext({ declared, differentials: options.differentials ?? false });
  const lexed = T.lexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const error = lexed.errors[0]!;
    const character = text.slice(error.offset, error.offset + 1);
    throw new MatcalcError('syntax', `unexpected character '${character}' at column ${error.offset + 1}`, {
      span: { start: error.offset, end: error.offset + 1 },
      source: text,
      expected: 'expected a symbol, a number, an operator or a parenthesis (see NOTATION.md)',
    });
  }
  const parser = parserSingleton();
  parser.resetNormDepth();
  parser.input = lexed.tokens;
  let ast: Ast;
  try {
    ast = parser.expression();
  } catch (error) {
    if (error instanceof MatcalcError) throw error.withSource(text);
    throw error;
  }
  if (parser.errors.length > 0) throw syntaxError(parser.errors[0]!, source);
  if (cut.declarations.length === 0) return ast;
  return ast.kind === 'where'
    ? { ...ast, declarations: cut.declarations }
    : { kind: 'where', body: ast, bindings: [], declarations: cut.declarations, span: ast.span };
}

/** `… where t1 = …; x: n; X: n×m`: the shape declarations of a where clause (entries after
 *  a `;` that hold a ':'), read by the --where language and blanked out of the text, so
 *  that every offset stays where it was. A `;` between bindings reads as a comma. */
function cutDeclarations(text: string): { text: string; declarations: Declaration[] } {
  const at = topLevelWhere(text);
  if (at < 0) return { text, declarations: [] };
  const isDeclaration = (segment: string): boolean => segment.includes(':') && !segment.includes('=');
  const segments = text.slice(at + 5).split(';');
  const declarations: Declaration[] = [];
  let clause = '';
  let offset = at + 5;
  let bindings = false;
  segments.forEach((segment, index) => {
    const declaration = isDeclaration(segment);
    if (declaration) declarations.push(...declarationsAt(segment, offset, text));
    else if (segment.trim() !== '') bindings = true;
    const next = segments[index + 1];
    const separator = next === undefined ? '' : declaration || isDeclaration(next) ? ' ' : ',';
    clause += (declaration ? segment.replace(/[^\n]/g, ' ') : segment) + separator;
    offset += segment.length + 1;
  });
  // Declarations alone: the `where` goes too.
  return { text: text.slice(0, at) + (bindings || declarations.length === 0 ? 'where' : '     ') + clause, declarations };
}

/** One `;`-separated entry's declarations, their error spans moved to where it stands. */
function declarationsAt(segment: string, offset: number, text: string): Declaration[] {
  try {
    return parseDeclarations(segment);
  } catch (error) {
    if (!(error instanceof MatcalcError) || !error.span) throw error;
    throw new MatcalcError(error.kind, error.message, {
      span: { start: error.span.start + offset, end: error.span.end + offset }, source: text, ...(error.expected ? { expected: error.expected } : {}),
    });
  }
}

/** The offset of the `where` keyword outside parentheses, or -1. */
function topLevelWhere(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (depth === 0 && c === 'w' && text.startsWith('where', i) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? ' ') && !/[A-Za-z0-9_]/.test(text[i + 5] ?? ' ')) return i;
  }
  return -1;
}

/** Binding names after `where` are whole words in the body too (`t1`, `hidden`). */
function bindingNames(text: string): string[] {
  const at = topLevelWhere(text);
  if (at < 0) return [];
  return [...text.slice(at + 5).matchAll(/(?:^|,)\s*([A-Za-z][A-Za-z0-9_]*)\s*=/g)].map((m) => m[1]!).filter((name) => name.length > 1);
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

function describe(token: IToken): string {
  return token.tokenType.name === 'EOF' ? 'end of input' : `'${token.image}'`;
}

function syntaxError(error: IRecognitionException, text: string): MatcalcError {
  const token = error.token;
  const atEnd = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset);
  const start = atEnd ? text.length : token.startOffset;
  const span = { start, end: atEnd ? start + 1 : start + token.image.length };
  const rule = error.context.ruleStack[error.context.ruleStack.length - 1];
  let expected: string;
  if (error.name === 'NotAllInputParsedException') expected = 'expected an operator or the end of the expression';
  else if (error.name === 'MismatchedTokenException' && /--> RParen <--/.test(error.message)) expected = "expected ')'";
  else if (error.name === 'MismatchedTokenException' && /--> NormBar <--/.test(error.message)) expected = "expected a closing '‖'";
  else if (error.name === 'MismatchedTokenException' && /--> Equals <--/.test(error.message)) expected = "expected '=' after the binding's name";
  else if (rule === 'binding') expected = "expected a binding such as 't1 = W*x'";
  else expected = "expected an operand: a symbol, a number, a function or '('";
  const what = atEnd ? 'unexpected end of input' : `unexpected ${describe(token)}`;
  return new MatcalcError('syntax', `${what} at column ${start + 1}`, { span, source: text, expected });
}
