// The notation's grammar (NOTATION.md, precedence tightest first: postfix, power, product
// level, unary minus, sum) as one chevrotain parser with an entry point for everything
// matcalc reads: expressions with their where clauses (bindings and shape declarations),
// declarations (--where), rule-file lines and batch-file lines. It builds a raw tree whose
// words grammar/resolve.ts reads once the names are known. Syntax errors become
// MatcalcError with the offending span and what was expected there.

import { EmbeddedActionsParser, type ILookaheadStrategy, LLkLookaheadStrategy, type IRecognitionException, type Rule, type IToken, type TokenType } from 'chevrotain';
import { MatcalcError, type Span } from '../src/errors.js';
import type { Ast, Binding, ProductFactor, ProductOperator, SumTerm } from './ast.js';
import { spanOf } from './ast.js';
import { type Declaration, type DeclaredName, declarationOf, type SpecToken } from './declarations.js';
import { canonicalSymbolName, FUNCTION_ALIASES, FUNCTION_ARITY, FUNCTION_NAMES, nearestName, subscriptSize, zeroShape } from './names.js';
import { resolveWords, wordPieces } from './resolve.js';
import * as T from './tokens.js';
import { flattenNesting } from './nesting.js';

const tokenSpan = (token: IToken): Span => ({ start: token.startOffset, end: token.startOffset + token.image.length });

const PRODUCT_OPERATORS: ReadonlyMap<TokenType, ProductOperator> = new Map([
  [T.Star, '*'], [T.Slash, '/'], [T.DotStar, '.*'], [T.DotSlash, './'], [T.Hadamard, '.*'], [T.Kron, '⊗'],
]);

const NAME_TOKENS = [T.Word, T.GreekName, T.GreekLetter];
const isName = (token: IToken): boolean => NAME_TOKENS.includes(token.tokenType);
const SPEC_TYPES: ReadonlyMap<TokenType, SpecToken['type']> = new Map([
  [T.Word, 'word'], [T.FunctionName, 'word'], [T.GreekName, 'word'], [T.UnknownCall, 'word'],
  [T.NumberLiteral, 'number'], [T.Times, 'times'], [T.Star, 'star'], [T.Minus, 'minus'],
]);

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

/** Chevrotain's LL(k) lookahead, each decision's function built when the decision is first
 *  met: a run reads one short formula and meets a few of the grammar's ~150 decisions, and
 *  building them all up front was most of the parser's set-up (~8 ms of a run's start-up). */
class LazyLookahead implements ILookaheadStrategy {
  private readonly eager: ILookaheadStrategy;
  constructor(maxLookahead: number) {
    this.eager = new LLkLookaheadStrategy({ maxLookahead });
  }

  validate(options: Parameters<ILookaheadStrategy['validate']>[0]): ReturnType<ILookaheadStrategy['validate']> {
    return this.eager.validate(options);
  }

  initialize(options: { rules: Rule[] }): void {
    this.eager.initialize?.(options);
  }

  buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]): Alternation {
    let built: Alternation | undefined;
    const eager = this.eager;
    return function lookahead(this: unknown, alts) {
      built ??= eager.buildLookaheadForAlternation(options);
      return built.call(this, alts);
    };
  }

  buildLookaheadForOptional(options: Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]): Optional {
    let built: Optional | undefined;
    const eager = this.eager;
    return function lookahead(this: unknown) {
      built ??= eager.buildLookaheadForOptional(options);
      return built.call(this);
    };
  }
}
type Alternation = ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>;
type Optional = ReturnType<ILookaheadStrategy['buildLookaheadForOptional']>;

class NotationParser extends EmbeddedActionsParser {
  /** Inside ‖…‖ a bar closes the norm instead of starting a juxtaposed factor. */
  private normDepth = 0;
  private barDepth = 0;
  /** The text being parsed: a newline in it separates declarations. */
  private text = '';
  protected get source(): string {
    return this.text;
  }

  constructor(analyse = true) {
    // The grammar's validations run in the tests; a user's run skips them (start-up time).
    super(T.allTokens, {
      recoveryEnabled: false,
      maxLookahead: 2,
      skipValidations: process.env.JEST_WORKER_ID === undefined,
      lookaheadStrategy: new LazyLookahead(2),
    });
    if (analyse) this.performSelfAnalysis();
  }

  begin(text: string): void {
    this.normDepth = 0;
    this.barDepth = 0;
    this.text = text;
  }

  /** Whether a line break stands before the token (declarations end at one). */
  private newlineBefore(token: IToken): boolean {
    if (token.tokenType.name === 'EOF') return false;
    let i = token.startOffset - 1;
    while (i >= 0 && /[ \t\r]/.test(this.text[i]!)) i--;
    return i >= 0 && this.text[i] === '\n';
  }

  /** Whether the tokens from LA(k) on start a where-clause entry: `name =` or `names :`. */
  private entryStartsAt(k: number): boolean {
    if (!isName(this.LA(k))) return false;
    if (this.LA(k + 1).tokenType === T.Equals || this.LA(k + 1).tokenType === T.Colon) return true;
    for (let i = k + 1; this.LA(i).tokenType === T.Comma && isName(this.LA(i + 1)); i += 2) if (this.LA(i + 2).tokenType === T.Colon) return true;
    return false;
  }

  /** An expression and its where clause. */
  public expression = this.RULE('expression', (): Ast => {
    const body = this.SUBRULE(this.sum);
    let clause: { bindings: Binding[]; declarations: Declaration[]; span: Span } | undefined;
    this.OPTION(() => {
      clause = this.SUBRULE(this.whereClause);
    });
    return this.ACTION((): Ast => {
      if (!clause) return body;
      const { bindings, declarations, span } = clause;
      return { kind: 'where', body, bindings, ...(declarations.length > 0 ? { declarations } : {}), span: spanOf(body.span, span) };
    });
  });

  /** `where t1 = W*x, t2 = …; x: n; X: n×m`: bindings and shape declarations, in any order,
   *  separated by commas or semicolons. */
  private whereClause = this.RULE('whereClause', (): { bindings: Binding[]; declarations: Declaration[]; span: Span } => {
    const where = this.CONSUME(T.Where);
    const bindings: Binding[] = [];
    const declarations: Declaration[] = [];
    let end = tokenSpan(where);
    const take = (entry: Binding | { declarations: Declaration[]; span: Span }): void => {
      if ('value' in entry) bindings.push(entry);
      else declarations.push(...entry.declarations);
      end = entry.span;
    };
    const first = this.SUBRULE(this.whereEntry);
    this.ACTION(() => take(first));
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]);
      const next = this.SUBRULE2(this.whereEntry);
      this.ACTION(() => take(next));
    });
    return { bindings, declarations, span: spanOf(tokenSpan(where), end) };
  });

  /** A binding `t1 = W*x`, or a declaration `x: n`. */
  private whereEntry = this.RULE('whereEntry', (): Binding | { declarations: Declaration[]; span: Span } =>
    this.OR([
      { GATE: () => this.LA(2).tokenType === T.Equals, ALT: () => this.SUBRULE(this.binding) },
      { ALT: () => this.SUBRULE(this.declaration) },
    ]),
  );

  private binding = this.RULE('binding', (): Binding => {
    const name = this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.sum);
    return this.ACTION(() => ({ name: canonicalSymbolName(name.image), value, span: spanOf(tokenSpan(name), value.span) }));
  });

  protected name = this.RULE('name', (): IToken => this.OR(NAME_TOKENS.map((type) => ({ ALT: () => this.CONSUME(type) }))));

  /** `a, c: scalar`, `X: m×n symmetric`: names, a colon, and the tokens of the spec. */
  private declaration = this.RULE('declaration', (): { declarations: Declaration[]; span: Span } => {
    const names: IToken[] = [this.SUBRULE(this.name)];
    this.MANY({
      GATE: () => this.LA(1).tokenType === T.Comma && isName(this.LA(2)),
      DEF: () => {
        this.CONSUME(T.Comma);
        names.push(this.SUBRULE2(this.name));
      },
    });
    let colon: IToken | undefined;
    this.OPTION(() => {
      colon = this.CONSUME(T.Colon);
    });
    const spec: IToken[] = [];
    this.MANY2({
      GATE: () => !this.newlineBefore(this.LA(1)) && (SPEC_TYPES.has(this.LA(1).tokenType) || (this.LA(1).tokenType === T.Comma && !this.entryStartsAt(2))),
      DEF: () => {
        const token = this.OR2([...SPEC_TYPES.keys(), T.Comma].map((type) => ({ ALT: () => this.CONSUME2(type) })));
        this.ACTION(() => {
          if (token.tokenType !== T.Comma) spec.push(token);
        });
      },
    });
    return this.ACTION(() => {
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
    });
  });

  /** Declarations alone (--where, a rule file's where line), separated by commas, semicolons or line breaks. */
  public declarations = this.RULE('declarations', (): Declaration[] => {
    const all: Declaration[] = [];
    this.OPTION(() => {
      const first = this.SUBRULE(this.declaration);
      this.ACTION(() => all.push(...first.declarations));
      this.MANY(() => {
        this.OPTION2(() => this.SUBRULE(this.separator));
        const next = this.SUBRULE2(this.declaration);
        this.ACTION(() => all.push(...next.declarations));
      });
      this.MANY2(() => this.SUBRULE2(this.separator));
    });
    return all;
  });

  private separator = this.RULE('separator', (): void => {
    this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]);
  });

  protected sum = this.RULE('sum', (): Ast => {
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
      GATE: () => !(this.normDepth > 0 && this.LA(1).tokenType === T.NormBar) && !(this.barDepth > 0 && this.LA(1).tokenType === T.Bar),
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
          return this.ACTION((): Ast => ({ kind: 'negate', operand, tight: true, span: spanOf(tokenSpan(minus), operand.span) }));
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
          return this.ACTION((): Ast => ({ kind: 'negate', operand, tight: true, span: spanOf(tokenSpan(minus), operand.span) }));
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
            const token = this.CONSUME(T.InverseTranspose);
            this.ACTION(() => {
              const span = spanOf(operand.span, tokenSpan(token));
              const inverse: Ast = { kind: 'inverse', operand, span, operatorSpan: tokenSpan(token) };
              operand = { kind: 'transpose', operand: inverse, span, operatorSpan: tokenSpan(token) };
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
          return this.ACTION((): Ast => ({ kind: 'number', value: VULGAR_FRACTIONS.get(token.image) ?? Number(token.image), span: tokenSpan(token) }));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(T.Word);
          let commutation: Ast | undefined;
          let close: IToken | undefined;
          // `K(X)` is the commutation matrix of X's shape (NOTATION.md), also after other letters: AK(X).
          this.OPTION({
            GATE: () => wordPieces(token.image).at(-1) === 'K',
            DEF: () => {
              this.CONSUME(T.LParen);
              commutation = this.SUBRULE(this.sum);
              close = this.CONSUME(T.RParen);
            },
          });
          return this.ACTION((): Ast => {
            const span = close ? spanOf(tokenSpan(token), tokenSpan(close)) : tokenSpan(token);
            return commutation ? { kind: 'word', text: token.image, span, commutation } : { kind: 'word', text: token.image, span };
          });
        },
      },
      {
        ALT: () => {
          const token = this.OR2([
            { ALT: () => this.CONSUME(T.GreekName) },
            { ALT: () => this.CONSUME(T.GreekLetter) },
          ]);
          // σ(…), sigma(…): the logistic function, as papers write it (the builder notes it).
          let argument: Ast | undefined;
          let close: IToken | undefined;
          this.OPTION5({
            GATE: () => canonicalSymbolName(token.image) === 'sigma' && this.LA(1).tokenType === T.LParen,
            DEF: () => {
              this.CONSUME3(T.LParen);
              argument = this.SUBRULE5(this.sum);
              close = this.CONSUME3(T.RParen);
            },
          });
          return this.ACTION((): Ast => argument
            ? { kind: 'call', name: 'sigmoid', args: [argument], span: spanOf(tokenSpan(token), tokenSpan(close!)), nameSpan: tokenSpan(token) }
            : { kind: 'symbol', name: canonicalSymbolName(token.image), span: tokenSpan(token) });
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(T.SizedZero);
          return this.ACTION((): Ast => {
            try {
              return { kind: 'zero', ...zeroShape(token.image), span: tokenSpan(token) };
            } catch (message) {
              throw new MatcalcError('syntax', String(message), { span: tokenSpan(token), expected: 'e.g. 0_n, 0_{n×m}' });
            }
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
          // Parentheses only group; the span widens so errors point at the whole group. A
          // group is a product of one factor, so that a word inside stays one factor: (By)'.
          return this.ACTION((): Ast => ({ kind: 'product', first: { ...inner, span: spanOf(tokenSpan(open), tokenSpan(close)) }, rest: [], span: spanOf(tokenSpan(open), tokenSpan(close)) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.NormBar);
          this.ACTION(() => this.normDepth++);
          const inner = this.SUBRULE3(this.sum);
          const close = this.CONSUME2(T.NormBar);
          this.ACTION(() => this.normDepth--);
          // ‖x‖_2, ‖X‖_F, ‖x‖₂ (the 2-norm, Frobenius for a matrix), ‖x‖_1, ‖x‖₁.
          let which: IToken | undefined;
          this.OPTION6(() => {
            which = this.CONSUME(T.NormSubscript);
          });
          return this.ACTION((): Ast => {
            const span = spanOf(tokenSpan(open), tokenSpan(which ?? close));
            const name = which && /1|₁/.test(which.image) ? 'norm1' : which && /2|₂/.test(which.image) ? 'norm2' : 'norm';
            return { kind: 'call', name, args: [inner], span, nameSpan: tokenSpan(open) };
          });
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.Bar);
          this.ACTION(() => this.barDepth++);
          const inner = this.SUBRULE4(this.sum);
          const close = this.CONSUME2(T.Bar);
          this.ACTION(() => this.barDepth--);
          return this.ACTION((): Ast => {
            const span = spanOf(tokenSpan(open), tokenSpan(close));
            return { kind: 'call', name: 'bars', args: [inner], span, nameSpan: tokenSpan(open) };
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
      return close ? { kind: 'call', name, args, span, nameSpan } : { kind: 'call', name, args, span, nameSpan, bare: true };
    });
  });
}

/** The same grammar with the entry points of rule files and batch files: a subclass, so
 *  that a run which reads neither (the CLI's usual one: its rules are compiled at build time)
 *  does not pay for analysing them. */
class FileLineParser extends NotationParser {
  constructor() {
    super(false);
    this.performSelfAnalysis();
  }

  /** A line of a rule file: `where` declarations, or `name: lhs = rhs [if condition(X), …]`. */
  public ruleFileLine = this.RULE('ruleFileLine', (): RuleLine | Declaration[] => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Where);
          return this.SUBRULE(this.declarations);
        },
      },
      { ALT: () => this.SUBRULE(this.rule) },
    ]);
  });

  private rule = this.RULE('rule', (): RuleLine => {
    const parts: IToken[] = [this.SUBRULE(this.ruleWord)];
    this.MANY(() => {
      this.CONSUME(T.Minus);
      parts.push(this.SUBRULE2(this.ruleWord));
    });
    this.CONSUME(T.Colon);
    const lhs = this.SUBRULE(this.sum);
    this.CONSUME(T.Equals);
    const rhs = this.SUBRULE2(this.sum);
    const conditions: RuleLine['conditions'][number][] = [];
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.AT_LEAST_ONE_SEP({
        SEP: T.Comma,
        DEF: () => {
          const predicate = this.OR([{ ALT: () => this.CONSUME(T.UnknownCall) }, { ALT: () => this.CONSUME(T.Word) }, { ALT: () => this.CONSUME(T.FunctionName) }]);
          this.CONSUME(T.LParen);
          const variable = this.SUBRULE3(this.name);
          const close = this.CONSUME(T.RParen);
          this.ACTION(() => conditions.push({ predicate: predicate.image, variable: canonicalSymbolName(variable.image), span: spanOf(tokenSpan(predicate), tokenSpan(close)) }));
        },
      });
    });
    return { name: parts.map((p) => p.image).join('-'), lhs, rhs, conditions };
  });

  private ruleWord = this.RULE('ruleWord', (): IToken =>
    this.OR([T.Word, T.FunctionName, T.GreekName, T.UnknownCall, T.Ones, T.If].map((type) => ({ ALT: () => this.CONSUME(type) }))),
  );

  /** A line of a batch file: `grad EXPR wrt VAR = CLAIM`, or `where[:] declarations`. */
  public batchLine = this.RULE('batchLine', (): BatchLine => {
    return this.OR([
      {
        ALT: () => {
          const where = this.CONSUME(T.Where);
          this.OPTION(() => this.CONSUME(T.Colon));
          const start = this.LA(1);
          this.SUBRULE(this.declarations);
          // To the end of the line, without a closing code quote.
          const end = this.source.replace(/[\s`]+$/, '').length;
          return this.ACTION((): BatchLine => ({ kind: 'where', declarations: { start: start.tokenType.name === 'EOF' ? tokenSpan(where).end : start.startOffset, end } }));
        },
      },
      {
        ALT: () => {
          const kind = this.CONSUME(T.DerivationKind);
          const expression = this.SUBRULE(this.expression);
          this.CONSUME(T.Wrt);
          const variable = this.SUBRULE(this.name);
          this.CONSUME(T.Equals);
          const claim = this.SUBRULE2(this.expression);
          return this.ACTION((): BatchLine => {
            return { kind: 'derivation', derivative: kind.image as 'grad', expression: expression.span, wrt: variable.image, claim: claim.span };
          });
        },
      },
    ]);
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

/** A cache of one: the parser holds the grammar (built once, ~ms) and nothing of a parse
 *  that outlives it (reset and input are set at the start of each). */
let parserInstance: NotationParser | undefined;
let fileParserInstance: FileLineParser | undefined;
function parserSingleton(): NotationParser {
  return (parserInstance ??= new NotationParser());
}
function fileParser(): FileLineParser {
  return (fileParserInstance ??= new FileLineParser());
}

export interface ParseOptions {
  /** Names read as whole words (declared with --where). */
  declared?: Iterable<string>;
  /** Accept `d(…)` as the differential (rule files). */
  differentials?: boolean;
  /** Told of each word that looks like a name but is read as one-letter symbols. */
  onSplitWord?: (word: string) => void;
}

/** ½, ⅓, ¼, … as the numbers they are. */
const VULGAR_FRACTIONS: ReadonlyMap<string, number> = new Map([['½', 1 / 2], ['⅓', 1 / 3], ['⅔', 2 / 3], ['¼', 1 / 4], ['¾', 3 / 4], ['⅕', 1 / 5], ['⅛', 1 / 8]]);

/** Deeper nesting is refused before parsing: recursion depth is the parser's stack. An
 *  expression is first rewritten to nest less (grammar/nesting.ts), so this refuses only
 *  what could not be: groups holding a call of several arguments at every level. */
export const MAX_NESTING = 200;
/** Terms of one sum, factors of one product: the constructors take their operands as
 *  arguments, and V8 refuses a call with many more than this. */
export const MAX_OPERANDS = 100_000;

/** Runs one entry point of the grammar on a text, with spans into it for every error. */
function run<R, P extends NotationParser = NotationParser>(text: string, entry: (parser: P) => R, context: T.LexContext, parser: P = parserSingleton() as P): R {
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
  parser.begin(text);
  parser.input = lexed.tokens;
  let result: R;
  try {
    result = entry(parser);
  } catch (error) {
    if (error instanceof MatcalcError) throw error.source === undefined ? error.withSource(text) : error;
    throw error;
  }
  if (parser.errors.length > 0) throw syntaxError(parser.errors[0]!, text);
  return result;
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
  const raw = run(text, (p) => p.expression(), { declared, differentials: options.differentials ?? false });
  return resolveWords(raw, knownNames(raw, declared), options.onSplitWord);
}

/** The declaration language (--where): "a, c: scalar; X: m×n; A: n×n symmetric". */
export function parseDeclarations(text: string): Declaration[] {
  if (text.trim() === '') return [];
  const declarations = run(text, (p) => p.declarations(), { declared: new Set(), differentials: false });
  return declarations;
}

/** One line of a rule file: undefined when it is blank or a comment. */
export function parseRuleLine(text: string, declared: Iterable<string>): RuleLine | Declaration[] | undefined {
  T.setLexContext({ declared: new Set(), differentials: true, mode: 'rules' });
  if (T.tokenize(text).tokens.length === 0) return undefined;
  checkNesting(text);
  const known = new Set(declared);
  const line = run(text, (p: FileLineParser) => p.ruleFileLine(), { declared: known, differentials: true, mode: 'rules' }, fileParser());
  if (Array.isArray(line)) return line;
  return { ...line, lhs: resolveWords(line.lhs, known), rhs: resolveWords(line.rhs, known) };
}

/** One line of a batch file: undefined when it is prose (no derivation, no declarations). */
export function parseBatchLine(text: string): BatchLine | undefined {
  try {
    checkNesting(text);
    return run(text, (p: FileLineParser) => p.batchLine(), { declared: new Set(), differentials: false, mode: 'batch' }, fileParser());
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
