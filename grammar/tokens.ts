// Every accepted spelling of every token, as token definitions (grammar/parser.ts reads them). A run of letters
// is one Word token (`Ax`, `hidden`, `W_{12}x`): whether it is one declared or bound name
// or a product of one-letter symbols is decided after parsing (grammar/resolve.ts), when the
// where clause has been read. Functions, Greek names, `where` and `ones` are whole words
// here. Rule files (`if`, `#` comments) and batch files (`grad … wrt …`, list markers,
// backticks) have a few keywords of their own, active only in their mode.

import { currentSession } from '../src/session.js';
import { FUNCTION_ALIASES, GREEK_BY_LETTER, GREEK_CAPITALS, greekLetter } from './names.js';

export type LexMode = 'expression' | 'rules' | 'batch';

/** How a token is recognised at an offset: a literal, a regular expression, or a function
 *  returning the match (chevrotain's shapes: the tests build chevrotain's Lexer from these
 *  definitions as the reference for tokenize). */
export type Pattern = string | RegExp | ((text: string, offset: number) => RegExpExecArray | null);

export interface TokenType {
  readonly name: string;
  readonly PATTERN: Pattern;
  /** Whitespace and comments: matched, then dropped. */
  readonly skipped?: boolean;
}

/** A token of the text: its type, its text and where it starts. */
export interface Token {
  readonly tokenType: TokenType;
  readonly image: string;
  readonly startOffset: number;
}

/** What the parser reads past the last token. */
export const EOF: TokenType = { name: 'EOF', PATTERN: () => null };
export const END: Token = { tokenType: EOF, image: '', startOffset: Number.NaN };

const SKIPPED = 'skipped';
function createToken(config: { name: string; pattern: Pattern; group?: typeof SKIPPED; line_breaks?: boolean }): TokenType {
  return config.group === SKIPPED ? { name: config.name, PATTERN: config.pattern, skipped: true } : { name: config.name, PATTERN: config.pattern };
}

/** What the current lexing needs to know beyond the text. */
export interface LexContext {
  /** Names declared by the caller (--where) that are function spellings too: read as names. */
  declared: ReadonlySet<string>;
  /** Rule files write the differential as `d(…)`. */
  differentials: boolean;
  mode?: LexMode;
}

const NO_WORDS: LexContext = { declared: new Set(), differentials: false, mode: 'expression' };

/** Lexing is synchronous: the active session's context is set just before each call and
 *  read by the matchers below (src/session.ts holds it). */
export function setLexContext(next: LexContext): void {
  currentSession().lexer = next;
}
const lexContext = (): LexContext => (currentSession().lexer as LexContext | undefined) ?? NO_WORDS;
const mode = (): LexMode => lexContext().mode ?? 'expression';

const wordChar = /[A-Za-z0-9_]/;

/** The whole word starting at offset: letters, digits, underscores and `{…}` after `_`. */
function wordAt(text: string, offset: number): string {
  let end = offset;
  while (end < text.length) {
    const c = text[end]!;
    if (wordChar.test(c)) end++;
    else if (c === '{' && text[end - 1] === '_') {
      const close = text.indexOf('}', end);
      if (close < 0) break;
      end = close + 1;
    } else break;
  }
  return text.slice(offset, end);
}

function nextNonSpace(text: string, offset: number): string | undefined {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text[i];
}

function matched(image: string): RegExpExecArray {
  return [image] as unknown as RegExpExecArray;
}

function isWordStart(text: string, offset: number): boolean {
  return /[A-Za-z]/.test(text[offset] ?? '') && !wordChar.test(text[offset - 1] ?? ' ');
}

/** A function name, whole word; before `(` any letter case is accepted (`ReLU(z)`, `Tr(A)`). */
function matchFunction(text: string, offset: number): RegExpExecArray | null {
  if (!isWordStart(text, offset)) return null;
  const word = wordAt(text, offset);
  const call = nextNonSpace(text, offset + word.length) === '(';
  const context = lexContext();
  if (context.declared.has(word)) return null;
  // A capital Greek name that is also a function (Phi, the normal CDF) is one only before (.
  if (FUNCTION_ALIASES.has(word) && (call || !GREEK_CAPITALS.has(word))) return matched(word);
  if (call && FUNCTION_ALIASES.has(word.toLowerCase())) return matched(word);
  if (call && context.differentials && word === 'd') return matched(word);
  return null;
}

function matchWholeWord(test: (word: string) => boolean, only?: LexMode) {
  return (text: string, offset: number): RegExpExecArray | null => {
    if ((only && mode() !== only) || !isWordStart(text, offset)) return null;
    const word = wordAt(text, offset);
    return test(word) ? matched(word) : null;
  };
}

/** An unknown multi-letter word used as a function: `foo(x)` is an error, not f*o*o*x. */
function matchUnknownCall(text: string, offset: number): RegExpExecArray | null {
  if (!isWordStart(text, offset)) return null;
  const word = wordAt(text, offset);
  // All-capital runs stay products (`ABC(D)` is A*B*C*(D)); words with lower case are names.
  if (!/^[A-Za-z]{3,}$/.test(word) || !/[a-z]/.test(word)) return null;
  if (lexContext().declared.has(word) || nextNonSpace(text, offset + word.length) !== '(') return null;
  return matched(word);
}

/** A run of one-letter symbols, each with an optional subscript: `W1x`, `b_2`, `W_{12}`, `W₁`.
 *  Scanned by hand: a regular expression with a repeated group recurses per repetition in V8
 *  and overflows the stack on a run of millions of letters. */
function matchWord(text: string, offset: number): RegExpExecArray | null {
  const letter = (i: number): boolean => /[A-Za-z]/.test(text[i] ?? '');
  const run = (i: number, test: RegExp): number => {
    while (i < text.length && test.test(text[i]!)) i++;
    return i;
  };
  let end = offset;
  while (letter(end)) {
    end++;
    if (text[end] === '_' && text[end + 1] === '{') {
      const close = text.indexOf('}', end + 2);
      if (close >= 0) end = close + 1;
    } else if (text[end] === '_' && /[A-Za-z0-9]/.test(text[end + 1] ?? '')) end = run(end + 1, /[A-Za-z0-9]/);
    else if (/[0-9]/.test(text[end] ?? '')) end = run(end, /[0-9]/);
    else if (/[₀-₉]/.test(text[end] ?? '')) end = run(end, /[₀-₉]/);
  }
  return end > offset ? matched(text.slice(offset, end)) : null;
}

/** A Greek letter, optionally with a subscript: `λ`, `σ`, `θ_1`. */
const greekLetterPattern = new RegExp(`[${[...GREEK_BY_LETTER.keys()].join('')}](?:_\\{[^}]*\\}|_[A-Za-z0-9]+|[0-9]+)?`, 'y');
function matchGreekLetter(text: string, offset: number): RegExpExecArray | null {
  greekLetterPattern.lastIndex = offset;
  return greekLetterPattern.exec(text);
}

const greekWord = /^([a-z]+)(?:_\{[^}]*\}|_[A-Za-z0-9]+)?$/;
const capitalGreekWord = /^([A-Z][a-z]+)(?:_\{[^}]*\}|_[A-Za-z0-9]+)?$/;

/** Batch files: a Markdown list marker or quote at the start of a line (`- `, `* `, `> `, `1. `). */
const markerPattern = /(?:[-*>]|\d+[.)])[ \t]+/y;
function matchListMarker(text: string, offset: number): RegExpExecArray | null {
  if (mode() !== 'batch') return null;
  // Only at the start of the line (after blanks): looking back over blanks alone keeps a
  // long line linear (slicing the whole prefix at every token made it quadratic).
  for (let i = offset - 1; i >= 0; i--) if (!/\s/.test(text[i]!)) return null;
  // Marker after marker (`> - `), one at a time: no repeated group (see matchWord).
  let end = offset;
  for (;;) {
    markerPattern.lastIndex = end;
    const next = markerPattern.exec(text);
    if (!next) break;
    end += next[0].length;
  }
  return end > offset ? matched(text.slice(offset, end)) : null;
}

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: SKIPPED });
export const Comment = createToken({
  name: 'Comment',
  pattern: (text: string, offset: number) => (mode() === 'rules' && text[offset] === '#' ? matched(text.slice(offset).split('\n')[0]!) : null),
  line_breaks: false,
  group: SKIPPED,
});
export const ListMarker = createToken({ name: 'ListMarker', pattern: matchListMarker, line_breaks: false, group: SKIPPED });
export const Backtick = createToken({ name: 'Backtick', pattern: (text: string, offset: number) => (mode() === 'batch' && text[offset] === '`' ? matched('`') : null), line_breaks: false, group: SKIPPED });
/** A zero with its shape: `0_n` (a column), `0_{n×m}`, `0_{m·n}`, as results print it. */
export const SizedZero = createToken({ name: 'SizedZero', pattern: /0_(?:\{[^}]*\}|[A-Za-z][A-Za-z0-9]*|\d+)/ });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[½⅓⅔¼¾⅕⅛]/ });
/** After a norm: ‖x‖_2, ‖X‖_F, ‖x‖_1, ‖x‖₂, ‖x‖₁. */
export const NormSubscript = createToken({ name: 'NormSubscript', pattern: /_\{?(?:F|2|1)\}?(?![A-Za-z0-9])|[₂₁](?![₀-₉])/ });
export const Where = createToken({ name: 'Where', pattern: matchWholeWord((w) => w === 'where' && !lexContext().declared.has(w)), line_breaks: false });
/** `ones`, `𝟙`, and with a size: `ones_n`, `𝟙_n`, `ones_{m·n}`, `𝟙₃`. */
const matchOnesWord = matchWholeWord((w) => /^ones(?:_[A-Za-z0-9]+|_\{[^}]*\})?$/.test(w) && !lexContext().declared.has(w));
const sizedOnesSymbol = /𝟙(?:_\{[^}]*\}|_[A-Za-z0-9]+|[₀-₉]+)?/y;
export const Ones = createToken({
  name: 'Ones',
  pattern: (text: string, offset: number) => {
    if (!text.startsWith('𝟙', offset)) return matchOnesWord(text, offset);
    sizedOnesSymbol.lastIndex = offset;
    return sizedOnesSymbol.exec(text);
  },
  line_breaks: false,
});
export const If = createToken({ name: 'If', pattern: matchWholeWord((w) => w === 'if', 'rules'), line_breaks: false });
export const Wrt = createToken({ name: 'Wrt', pattern: matchWholeWord((w) => w === 'wrt', 'batch'), line_breaks: false });
export const DerivationKind = createToken({ name: 'DerivationKind', pattern: matchWholeWord((w) => w === 'grad' || w === 'jacobian' || w === 'hessian', 'batch'), line_breaks: false });
export const FunctionName = createToken({ name: 'FunctionName', pattern: matchFunction, line_breaks: false });
export const GreekName = createToken({
  name: 'GreekName',
  pattern: matchWholeWord((w) => {
    const head = greekWord.exec(w)?.[1] ?? capitalGreekWord.exec(w)?.[1] ?? '';
    return greekLetter(head) !== undefined;
  }),
  line_breaks: false,
});
export const UnknownCall = createToken({ name: 'UnknownCall', pattern: matchUnknownCall, line_breaks: false });
export const GreekLetter = createToken({ name: 'GreekLetter', pattern: matchGreekLetter, line_breaks: false });
export const Word = createToken({ name: 'Word', pattern: matchWord, line_breaks: false });
/** A^-T, A^{-T}, A⁻ᵀ: the inverse transpose (before Inverse and Transpose, which would take
 *  its pieces). */
export const InverseTranspose = createToken({ name: 'InverseTranspose', pattern: /⁻ᵀ|\^\s*(?:\{\s*-\s*(?:T|\\top)\s*\}|-\s*T(?![A-Za-z0-9_]))/ });
/** x', xᵀ, x^T, x^{\top}, and NumPy's x.T. */
export const Transpose = createToken({ name: 'Transpose', pattern: /'|ᵀ|⊤|\.T(?![A-Za-z0-9_])|\^\s*(?:\{\s*(?:T|\\top|\\intercal|\\mathsf\{T\}|⊤)\s*\}|T|\\top|\\intercal|⊤)/ });
export const Inverse = createToken({ name: 'Inverse', pattern: /⁻¹|\^\s*(?:\{\s*-\s*1\s*\}|\(\s*-\s*1\s*\)|-\s*1(?![0-9.]))/ });
export const Superscript = createToken({ name: 'Superscript', pattern: /[²³]/ });
export const DotCaret = createToken({ name: 'DotCaret', pattern: '.^' });
export const DotStar = createToken({ name: 'DotStar', pattern: '.*' });
export const DotSlash = createToken({ name: 'DotSlash', pattern: './' });
export const Caret = createToken({ name: 'Caret', pattern: '^' });
export const Hadamard = createToken({ name: 'Hadamard', pattern: /[∘⊙]/ });
export const Kron = createToken({ name: 'Kron', pattern: '⊗' });
/** `@` is NumPy's matrix product. */
export const Star = createToken({ name: 'Star', pattern: /[*·⋅@]/ });
/** Only in declarations, between a size's rows and columns: m×n. */
export const Times = createToken({ name: 'Times', pattern: '×' });
export const Slash = createToken({ name: 'Slash', pattern: '/' });
export const Plus = createToken({ name: 'Plus', pattern: '+' });
export const Minus = createToken({ name: 'Minus', pattern: /[-−]/ });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const NormBar = createToken({ name: 'NormBar', pattern: /‖|\|\|/ });
/** A single bar, |X|: the determinant of a matrix, the absolute value of a scalar. */
export const Bar = createToken({ name: 'Bar', pattern: '|' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const Equals = createToken({ name: 'Equals', pattern: '=' });

/** Order matters: tokenize takes the first definition that matches. */
export const allTokens: TokenType[] = [
  WhiteSpace, Comment, ListMarker, Backtick, SizedZero, NumberLiteral, Where, Ones, If, Wrt, DerivationKind, FunctionName, GreekName,
  UnknownCall, GreekLetter, NormSubscript, Word, InverseTranspose, Transpose, Inverse, Superscript, DotCaret, DotStar, DotSlash, Caret, Hadamard, Kron, Star,
  Times, Slash, Plus, Minus, LParen, RParen, NormBar, Bar, Comma, Semicolon, Colon, Equals,
];

/** Where the text holds a character no token starts with. */
export interface LexError {
  readonly offset: number;
}

type Matcher = (text: string, offset: number) => string | undefined;

/** Each token type's pattern as a function of (text, offset) → the image it matches. */
function matcherOf(type: TokenType): Matcher {
  const pattern = type.PATTERN;
  if (typeof pattern === 'string') return (text, offset) => (text.startsWith(pattern, offset) ? pattern : undefined);
  if (pattern instanceof RegExp) {
    const sticky = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'y');
    return (text, offset) => {
      sticky.lastIndex = offset;
      return sticky.exec(text)?.[0];
    };
  }
  return (text, offset) => pattern(text, offset)?.[0];
}

let matchers: readonly (readonly [TokenType, Matcher, boolean])[] | undefined;

/** The tokens of a text: at each offset the first definition of allTokens that matches,
 *  skipped tokens dropped, as chevrotain's Lexer reads the same definitions in safe mode (a
 *  test holds the two equal). */
export function tokenize(text: string): { tokens: Token[]; errors: LexError[] } {
  matchers ??= allTokens.map((type) => [type, matcherOf(type), type.skipped === true] as const);
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let offset = 0;
  let inError = false;
  scan: while (offset < text.length) {
    for (const [type, match, skipped] of matchers) {
      const image = match(text, offset);
      if (image === undefined || image === '') continue;
      if (!skipped) tokens.push({ image, startOffset: offset, tokenType: type });
      offset += image.length;
      inError = false;
      continue scan;
    }
    // One error for each run of characters nothing matches, as chevrotain reports them.
    if (!inError) errors.push({ offset });
    inError = true;
    offset++;
  }
  return { tokens, errors };
}
