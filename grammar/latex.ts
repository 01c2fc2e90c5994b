// The LaTeX reader: math as papers write it — \mathbf{x}^\top \mathbf{A}\mathbf{x},
// \frac{1}{2}\|\mathbf{A}\mathbf{x} - \mathbf{b}\|_2^2, \log\det X — read to the syntax tree
// the text notation reads to (grammar/ast.ts), with spans into the LaTeX source, so that the
// builder, its shape errors and every later stage are shared. Functions come from the
// operator table (each definition's LaTeX spellings, or its text spellings inside
// \operatorname{…}); a command it does not know is an error naming it, never a symbol.
//
// Hand-written recursive descent rather than a second Chevrotain grammar: LaTeX's groups,
// scripts and styling commands are a lexical world of their own, and the language read is
// small. Letters side by side are a product (LaTeX's convention: Ax is A·x); a name of
// several letters is written \mathrm{loss}, \text{loss} or \operatorname{loss}.

import { MatcalcError, type Span } from '../src/errors.js';
import { CORE, functionsNamed, readFunction, readLatexFunction } from '../src/ops/table.js';
import type { Ast, Binding, ProductFactor, ProductOperator, SumTerm } from './ast.js';
import type { Declaration, Property } from './declarations.js';
import { spanOf } from './ast.js';
import { canonicalSymbolName, GREEK_BY_LETTER, GREEK_CAPITALS, greekLetter } from './names.js';

/** What reading the LaTeX guessed or learned besides the tree. */
export interface LatexReading {
  readonly ast: Ast;
  /** Kinds that styling states: bold lowercase (and bold Greek lowercase) is a vector, bold
   *  uppercase a matrix. Declarations win over them. */
  readonly kinds: ReadonlyMap<string, 'vector' | 'matrix'>;
  /** Readings a reader should know about (σ(…) as the logistic function, …). */
  readonly notes: readonly string[];
}

interface Token {
  readonly kind: 'command' | 'char' | 'number' | 'end';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Whether a text is LaTeX rather than the text notation: it holds a backslash command. */
export function looksLikeLatex(text: string): boolean {
  return /\\(?:[A-Za-z]+|[|{},;!])/.test(text);
}

const MAX_DEPTH = 200;
const PROPERTIES: readonly Property[] = ['symmetric', 'spd', 'diagonal', 'orthogonal'];

/** Commands that only space, size or label: dropped before parsing. */
const IGNORED = new Set([
  '\\,', '\\;', '\\:', '\\!', '\\ ', '\\quad', '\\qquad', '\\left', '\\right', '\\middle',
  '\\big', '\\Big', '\\bigg', '\\Bigg', '\\bigl', '\\bigr', '\\Bigl', '\\Bigr', '\\biggl', '\\biggr', '\\Biggl', '\\Biggr',
  '\\displaystyle', '\\textstyle', '\\nonumber', '\\notag', '\\limits', '\\\\', '\\relax',
]);

/** \lVert x \rVert and friends: the norm's bars. */
const NORM_OPEN = new Set(['\\|', '\\lVert', '\\Vert', '‖']);
const NORM_CLOSE = new Set(['\\|', '\\rVert', '\\Vert', '‖']);

/** Styling that keeps a symbol's identity (\mathbf{A} is A) and may state its kind. */
const BOLD = new Set(['\\mathbf', '\\boldsymbol', '\\bm', '\\vec', '\\pmb', '\\textbf']);
const UPRIGHT = new Set(['\\mathrm', '\\mathsf', '\\mathit', '\\text', '\\textrm', '\\textit', '\\operatorname', '\\mathnormal']);
/** Decorations that make another symbol: \hat{x} is x_hat. */
const DECORATIONS = new Map([['\\hat', 'hat'], ['\\tilde', 'tilde'], ['\\bar', 'bar'], ['\\widehat', 'hat'], ['\\widetilde', 'tilde'], ['\\overline', 'bar']]);

/** Operators between factors. */
/** Operators between factors: the core operators' LaTeX spellings (src/ops/core.ts), and
 *  division and elementwise division, which are no operators of their own. */
const OPERATOR_OF_OP: Readonly<Record<string, ProductOperator>> = { multiply: '*', hadamard: '.*', kron: '⊗' };
const PRODUCT_COMMANDS = new Map<string, ProductOperator>([
  ...CORE.flatMap((d) => (d.latexInfix ?? []).map((command): [string, ProductOperator] => [command, OPERATOR_OF_OP[d.op]!])),
  ['\\div', '/'], ['\\oslash', './'],
]);
const PRODUCT_CHARS = new Map<string, ProductOperator>([['*', '*'], ['/', '/'], ['·', '*'], ['∘', '.*'], ['⊙', '.*'], ['⊗', '⊗'], ['×', '*']]);

const VARIANTS = new Map([['varepsilon', 'epsilon'], ['vartheta', 'theta'], ['varphi', 'phi'], ['varsigma', 'sigma'], ['varrho', 'rho'], ['varpi', 'pi']]);

/** The Greek letter a command names, as the symbol's ASCII identity (\Sigma → Sigma). */
function greekName(command: string): string | undefined {
  const word = command.slice(1);
  const name = VARIANTS.get(word) ?? word;
  return greekLetter(name) !== undefined ? name : undefined;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c) || c === '~' || c === '&') {
      i++;
      continue;
    }
    if (c === '%') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      let j = i + 1;
      if (/[A-Za-z]/.test(source[j] ?? '')) while (/[A-Za-z]/.test(source[j] ?? '')) j++;
      else j = Math.min(j + 1, source.length);
      tokens.push({ kind: 'command', text: source.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    const number = /^(?:\d+(?:\.\d+)?|\.\d+)/.exec(source.slice(i, i + 64));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], start: i, end: i + number[0].length });
      i += number[0].length;
      continue;
    }
    const char = String.fromCodePoint(source.codePointAt(i)!);
    tokens.push({ kind: 'char', text: char, start: i, end: i + char.length });
    i += char.length;
  }
  // Spacing, sizing and labels say nothing about the expression; nor does a sentence's
  // final punctuation after a display (… = 0.).
  const kept: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'command' && (t.text === '\\left' || t.text === '\\right' || t.text === '\\middle') && tokens[k + 1]?.text === '.') {
      k++;
      continue;
    }
    // \left\| opens a norm and \right\| closes one: said as \lVert and \rVert, so nested
    // norms, \left\| 2 \left\| B \right\| B \right\|, pair as written.
    const next = tokens[k + 1];
    if (t.kind === 'command' && (t.text === '\\left' || t.text === '\\right') && next && (next.text === '\\|' || next.text === '\\Vert' || next.text === '‖')) {
      kept.push({ ...next, kind: 'command', text: t.text === '\\left' ? '\\lVert' : '\\rVert' });
      k++;
      continue;
    }
    if (t.kind === 'command' && (t.text === '\\label' || t.text === '\\tag') && tokens[k + 1]?.text === '{') {
      let depth = 0;
      for (k++; k < tokens.length; k++) {
        if (tokens[k]!.text === '{') depth++;
        else if (tokens[k]!.text === '}' && --depth === 0) break;
      }
      continue;
    }
    if (t.kind === 'command' && IGNORED.has(t.text)) continue;
    kept.push(t);
  }
  while (kept.length > 0 && (kept[kept.length - 1]!.text === '.' || kept[kept.length - 1]!.text === ',') && kept[kept.length - 1]!.kind === 'char') kept.pop();
  kept.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return kept;
}

/** Reads a LaTeX formula as an expression. */
export function parseLatex(source: string, options: { differentials?: boolean } = {}): LatexReading {
  if (source.trim() === '') throw new MatcalcError('syntax', 'empty expression', { span: { start: 0, end: Math.max(1, source.length) }, source });
  const reader = new Reader(source, tokenize(source), options.differentials ?? false);
  const ast = reader.expression();
  return { ast, kinds: reader.kinds, notes: [...reader.notes] };
}

type Closer = 'bar' | 'norm' | 'doublebar' | 'paren';

class Reader {
  private at = 0;
  private depth = 0;
  private readonly closers: Closer[] = [];
  readonly kinds = new Map<string, 'vector' | 'matrix'>();
  readonly notes = new Set<string>();
  /** Products that are one styled group of letters (\mathbf{AXB}). */
  private readonly letterGroups = new WeakSet<Ast>();

  constructor(private readonly source: string, private readonly tokens: readonly Token[], private readonly differentials = false) {}

  expression(): Ast {
    const body = this.sum();
    const ast = this.isWhere() ? this.whereClause(body) : body;
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next, 'an operator or the end of the formula');
    return ast;
  }

  /** `\text{where }`, as matcalc's own LaTeX writes a result's shared pieces and shapes. */
  private isWhere(): boolean {
    if (!this.is('\\text') || !this.is('{', 1)) return false;
    let word = '';
    for (let k = 2; this.peek(k).kind === 'char' && this.peek(k).text !== '}'; k++) word += this.peek(k).text;
    return word === 'where';
  }

  /** … \quad \text{where } t_{1} = …, \; x \in \mathbb{R}^{n \times m} \text{ symmetric}. */
  private whereClause(body: Ast): Ast {
    const start = this.next();
    this.group();
    const bindings: Binding[] = [];
    const declarations: Declaration[] = [];
    let end = this.span(start);
    do {
      if (bindings.length + declarations.length > 0) this.next(); // the comma
      const name = this.factor();
      if (name.kind !== 'symbol') throw this.error('a where clause binds names', name.span, 'name = expression, or name \\in \\mathbb{R}^{n}');
      if (this.is('=')) {
        this.next();
        const value = this.sum();
        bindings.push({ name: name.name, value, span: name.span });
        end = value.span;
      } else if (this.is('\\in')) {
        this.next();
        const space = this.peek();
        if (space.text !== '\\mathbb') throw this.unexpected(space, '\\mathbb{R}^{…}');
        this.next();
        const field = this.group();
        if (field.tokens.map((t) => t.text).join('') !== 'R') throw this.error('a shape is a real space, \\mathbb{R}^{…}', field.span);
        let rows = '1';
        let cols = '1';
        end = field.span;
        if (this.is('^')) {
          const marker = this.next();
          const script = this.script(marker);
          ({ rows, cols } = this.shape(script));
          end = script.span;
        }
        const properties: Property[] = [];
        while (this.is('\\text') && this.is('{', 1)) {
          this.next();
          const group = this.group();
          const word = group.tokens.map((t) => t.text).join('');
          if (!PROPERTIES.includes(word as Property)) throw this.error(`unknown property '${word}'`, group.span, `one of ${PROPERTIES.join(', ')}`);
          properties.push(word as Property);
          end = group.span;
        }
        const kind = rows === '1' && cols === '1' ? 'scalar' : cols === '1' ? 'vector' : 'matrix';
        declarations.push({ name: name.name, kind, rows, cols, properties });
      } else throw this.unexpected(this.peek(), "'=' or '\\in' after a name in a where clause");
    } while (this.is(','));
    return { kind: 'where', body, bindings, ...(declarations.length > 0 ? { declarations } : {}), span: spanOf(body.span, end) };
  }

  // ---- tokens ----

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.at + k, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.at++;
    return token;
  }
  private is(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind !== 'end' && t.text === text;
  }
  private expect(text: string, what: string): Token {
    const t = this.peek();
    if (t.text !== text || t.kind === 'end') throw this.unexpected(t, what);
    return this.next();
  }
  private span(token: Token): Span {
    return { start: token.start, end: Math.max(token.end, token.start + 1) };
  }
  private error(message: string, span: Span, expected?: string): MatcalcError {
    return new MatcalcError('syntax', message, { span, source: this.source, ...(expected ? { expected } : {}) });
  }
  private unexpected(token: Token, expected: string): MatcalcError {
    if (token.kind === 'end') return this.error('the formula ends too early', { start: this.source.length, end: this.source.length + 1 }, `expected ${expected}`);
    if (token.kind === 'command') return this.unknownCommand(token, expected);
    return this.error(`unexpected '${token.text}' at column ${token.start + 1}`, this.span(token), `expected ${expected}`);
  }
  private unknownCommand(token: Token, expected = 'an expression'): MatcalcError {
    const known = ['\\sum', '\\prod', '\\int', '\\partial', '\\nabla', '\\mathbb'].includes(token.text);
    return this.error(
      known ? `${token.text} at column ${token.start + 1} is not part of an expression matcalc reads` : `unknown LaTeX command ${token.text} at column ${token.start + 1}`,
      this.span(token),
      `expected ${expected}; matcalc reads \\mathbf, \\frac, \\|…\\|, \\top, \\log, \\det, \\operatorname{tr}, Greek letters, … (docs/NOTATION.md)`,
    );
  }
  private deeper<T>(token: Token, run: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new MatcalcError('limit', `the formula nests deeper than ${MAX_DEPTH} levels`, { span: this.span(token), source: this.source });
    try {
      return run();
    } finally {
      this.depth--;
    }
  }

  // ---- sums and products ----

  private sum(): Ast {
    const first = this.signedTerm();
    const terms: SumTerm[] = [{ sign: 1, term: first, operatorSpan: undefined }];
    while (this.is('+') || this.is('-') || this.is('−')) {
      const operator = this.next();
      terms.push({ sign: operator.text === '+' ? 1 : -1, term: this.signedTerm(), operatorSpan: this.span(operator) });
    }
    if (terms.length === 1) return first;
    return { kind: 'sum', terms, span: spanOf(first.span, terms[terms.length - 1]!.term.span) };
  }

  /** Unary minus, looser than products (as in the text notation: -x'Ax is -(x'Ax)). */
  private signedTerm(): Ast {
    const t = this.peek();
    if (t.text === '-' || t.text === '−') {
      this.next();
      return this.deeper(t, () => {
        const operand = this.signedTerm();
        return { kind: 'negate', operand, span: spanOf(this.span(t), operand.span) } as Ast;
      });
    }
    if (t.text === '+' && t.kind === 'char') this.next();
    return this.product();
  }

  private product(): Ast {
    const first = this.factor();
    const rest: ProductFactor[] = [];
    for (;;) {
      const t = this.peek();
      const operator = t.kind === 'command' ? PRODUCT_COMMANDS.get(t.text) : t.kind === 'char' ? PRODUCT_CHARS.get(t.text) : undefined;
      if (operator) {
        this.next();
        if (t.text === '\\otimes') this.notes.add('⊗ read as the Kronecker product');
        const operand = this.signedFactor();
        rest.push({ operator, operand, operatorSpan: this.span(t) });
      } else if (this.startsFactor(t)) {
        const operand = this.factor();
        rest.push({ operator: '*', operand, operatorSpan: { start: operand.span.start, end: operand.span.start } });
      } else break;
    }
    if (rest.length === 0) return first;
    return { kind: 'product', first, rest, span: spanOf(first.span, rest[rest.length - 1]!.operand.span) };
  }

  /** Factors side by side, without operators: what a bare matrix function applies to. */
  private juxtaposed(): Ast {
    const first = this.factor();
    const rest: ProductFactor[] = [];
    while (this.startsFactor(this.peek()) && !(this.peek().kind === 'command' && readLatexFunction(this.peek().text))) {
      const operand = this.factor();
      rest.push({ operator: '*', operand, operatorSpan: { start: operand.span.start, end: operand.span.start } });
    }
    return rest.length === 0 ? first : { kind: 'product', first, rest, span: spanOf(first.span, rest[rest.length - 1]!.operand.span) };
  }

  private signedFactor(): Ast {
    const t = this.peek();
    if (t.text === '-' || t.text === '−') {
      this.next();
      const operand = this.deeper(t, () => this.signedFactor());
      return { kind: 'negate', operand, tight: true, span: spanOf(this.span(t), operand.span) };
    }
    return this.factor();
  }

  private startsFactor(t: Token): boolean {
    if (t.kind === 'end') return false;
    if (t.kind === 'number') return true;
    const closer = this.closers[this.closers.length - 1];
    if (t.kind === 'char') {
      if (t.text === '|') return closer !== 'bar' && closer !== 'doublebar';
      if (t.text === '‖') return closer !== 'norm';
      return /^[A-Za-z(\[𝟙]$/u.test(t.text) || GREEK_BY_LETTER.has(t.text);
    }
    if (NORM_OPEN.has(t.text)) return closer !== 'norm' || !NORM_CLOSE.has(t.text);
    if (t.text === '\\rVert' || t.text === '\\}' || t.text === '\\in' || PRODUCT_COMMANDS.has(t.text)) return false;
    if (t === this.peek() && this.isWhere()) return false;
    return true; // any other command starts a factor, or is an error there
  }

  // ---- factors: a primary and its scripts ----

  private factor(): Ast {
    const first = this.peek();
    return this.deeper(first, () => {
      let base = this.primary();
      // \mathbf{ABA}^{T} is A·B·Aᵀ, as it is typeset: a script binds to the last letter.
      const onLast = (apply: (last: Ast) => Ast): Ast => {
        if (!this.letterGroups.has(base) || base.kind !== 'product') return apply(base);
        const rest = [...base.rest];
        const last = rest.pop()!;
        const applied = apply(last.operand);
        return { ...base, rest: [...rest, { ...last, operand: applied }], span: spanOf(base.span, applied.span) };
      };
      for (;;) {
        const t = this.peek();
        if (t.text === "'" || t.text === 'ᵀ' || t.text === '′') {
          this.next();
          base = onLast((b) => ({ kind: 'transpose', operand: b, span: spanOf(b.span, this.span(t)), operatorSpan: this.span(t) }));
        } else if (t.text === '^' && t.kind === 'char') {
          this.next();
          const script = this.script(t);
          base = onLast((b) => this.superscript(b, script));
        } else if (t.text === '_' && t.kind === 'char') {
          this.next();
          const script = this.script(t);
          base = onLast((b) => this.subscript(b, script));
        } else break;
      }
      return base;
    });
  }

  /** The tokens of a script: a {group}, or one token (a command with its group: \mathsf{T}). */
  private script(marker: Token): { tokens: Token[]; span: Span } {
    const t = this.peek();
    if (t.kind === 'end') throw this.unexpected(t, `a script after '${marker.text}'`);
    if (t.text === '{' && t.kind === 'char') {
      const group = this.group();
      return { tokens: group.tokens, span: group.span };
    }
    this.next();
    if (t.kind === 'command' && (UPRIGHT.has(t.text) || BOLD.has(t.text)) && this.is('{')) {
      const group = this.group();
      return { tokens: [t, ...group.tokens], span: spanOf(this.span(t), group.span) };
    }
    return { tokens: [t], span: this.span(t) };
  }

  /** A {…} group's tokens (without the braces), nested groups kept whole. */
  private group(): { tokens: Token[]; span: Span; open: Token; close: Token } {
    const open = this.expect('{', "'{'");
    const tokens: Token[] = [];
    let depth = 1;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'end') throw this.error(`the group opened at column ${open.start + 1} is not closed`, this.span(open), "expected '}'");
      this.next();
      if (t.kind === 'char' && t.text === '{') depth++;
      if (t.kind === 'char' && t.text === '}' && --depth === 0) return { tokens, span: spanOf(this.span(open), this.span(t)), open, close: t };
      tokens.push(t);
    }
  }

  /** An expression read from a group's tokens (a fraction's parts, an exponent). */
  private within(tokens: readonly Token[], span: Span): Ast {
    if (tokens.length === 0) throw this.error('an empty group', span, 'expected an expression inside the braces');
    const reader = new Reader(this.source, [...tokens, { kind: 'end', text: '', start: span.end, end: span.end }], this.differentials);
    reader.depth = this.depth;
    const ast = reader.sum();
    const rest = reader.peek();
    if (rest.kind !== 'end') throw reader.unexpected(rest, 'an operator or the end of the group');
    reader.kinds.forEach((kind, name) => this.kinds.set(name, kind));
    reader.notes.forEach((note) => this.notes.add(note));
    return ast;
  }

  private superscript(base: Ast, script: { tokens: Token[]; span: Span }): Ast {
    const texts = script.tokens.map((t) => t.text);
    const span = spanOf(base.span, script.span);
    const transposed = (list: readonly string[]): boolean =>
      (list.length === 1 && ['T', '\\top', '\\intercal', '\\prime', "'", '⊤', 'ᵀ', '\\mathsf{T}'].includes(list[0]!)) ||
      (list.length === 4 && (UPRIGHT.has(list[0]!) || BOLD.has(list[0]!)) && list[1] === '{' && list[2] === 'T' && list[3] === '}') ||
      (list.length === 2 && (UPRIGHT.has(list[0]!) || BOLD.has(list[0]!)) && list[1] === 'T');
    const scriptTexts = texts.filter((t) => t !== '{' && t !== '}');
    if (transposed(texts) || transposed(scriptTexts)) return { kind: 'transpose', operand: base, span, operatorSpan: script.span };
    if (texts.length === 2 && (texts[0] === '-' || texts[0] === '−') && texts[1] === '1') return { kind: 'inverse', operand: base, span, operatorSpan: script.span };
    if ((texts[0] === '-' || texts[0] === '−') && transposed(scriptTexts.slice(1))) {
      const inverse: Ast = { kind: 'inverse', operand: base, span, operatorSpan: script.span };
      return { kind: 'transpose', operand: inverse, span, operatorSpan: script.span };
    }
    if (texts.length === 1 && (texts[0] === '+' || texts[0] === '\\dagger' || texts[0] === '†')) {
      return { kind: 'call', name: 'pinv', args: [base], span, nameSpan: script.span };
    }
    if (texts[0] === '(' && texts[texts.length - 1] === ')' && base.kind === 'symbol') {
      // W^{(l)}: the layer's index is part of the name, not a power.
      return { kind: 'symbol', name: this.subscripted(base.name, script.tokens.slice(1, -1), script.span, '^'), span };
    }
    if (texts[0] === '\\circ') {
      const exponent = this.within(script.tokens.slice(1), script.span);
      return { kind: 'power', operator: '.^', base, exponent, span, operatorSpan: script.span };
    }
    const exponent = this.within(script.tokens, script.span);
    return { kind: 'power', operator: '^', base, exponent, span, operatorSpan: script.span };
  }

  private subscript(base: Ast, script: { tokens: Token[]; span: Span }): Ast {
    const span = spanOf(base.span, script.span);
    if (base.kind === 'symbol' && base.name === 'I') return { kind: 'symbol', name: `I_{${this.size(script)}}`, span };
    const comma = script.tokens.findIndex((t) => t.text === ',');
    if (base.kind === 'symbol' && base.name === 'K' && comma > 0) {
      // K_{m,n}, the commutation matrix of an m×n matrix: K(X) depends on X's shape alone.
      const rows = this.size({ tokens: script.tokens.slice(0, comma), span: script.span });
      const cols = this.size({ tokens: script.tokens.slice(comma + 1), span: script.span });
      return { kind: 'call', name: 'K', args: [{ kind: 'zero', rows, cols, span: script.span }], span, nameSpan: base.span };
    }
    if (base.kind === 'ones') return { kind: 'ones', size: this.size(script), span };
    if (base.kind === 'number' && base.value === 0) return { kind: 'zero', ...this.shape(script), span };
    if (base.kind === 'symbol') return { kind: 'symbol', name: this.subscripted(base.name, script.tokens, script.span, '_'), span };
    throw this.error('only a name, a norm or I, 𝟏 and 𝟎 take a subscript here', script.span, 'a subscript on a letter (x_i, W_{12}, \\theta_0), a norm (\\|x\\|_2) or a constant (I_n, \\mathbf{1}_n)');
  }

  /** A name with an index: x_i, W_{12}, \theta_0, W^{(l)} (→ W_l). */
  private subscripted(name: string, tokens: readonly Token[], span: Span, marker: '_' | '^'): string {
    if (name.includes('_') || /\d$/.test(name)) throw this.error(`${name} already has an index`, span, 'one subscript per name');
    const parts = tokens.map((t) => (t.kind === 'command' ? greekName(t.text) ?? (UPRIGHT.has(t.text) || BOLD.has(t.text) ? '' : undefined) : t.text)).filter((p) => p !== '{' && p !== '}');
    const index = parts.join('');
    if (parts.some((p) => p === undefined) || !/^[A-Za-z0-9]+$/.test(index)) {
      throw this.error(`'${this.source.slice(span.start, span.end)}' is not an index matcalc can make part of a name`, span, marker === '^' ? 'a layer index such as ^{(l)}' : 'letters and digits, as in x_i, W_{12}');
    }
    return canonicalSymbolName(`${name}_{${index}}`);
  }

  /** The size a constant's subscript states: n, 3, {mn} (m·n, as matcalc prints it). */
  private size(script: { tokens: Token[]; span: Span }): string {
    const parts = script.tokens.filter((t) => t.text !== '\\cdot' && t.text !== '\\times' && t.text !== '*' && t.text !== '·');
    if (parts.length === 0 || !parts.every((t) => t.kind === 'number' || (t.kind === 'char' && /^[A-Za-z]$/.test(t.text)))) {
      throw this.error(`'${this.source.slice(script.span.start, script.span.end)}' is not a size`, script.span, 'a number or size names, as in I_n, \\mathbf{1}_{mn}');
    }
    return parts.map((t) => t.text).join('·');
  }

  private shape(script: { tokens: Token[]; span: Span }): { rows: string; cols: string } {
    const by = script.tokens.findIndex((t) => t.text === '\\times' || t.text === '×');
    if (by < 0) return { rows: this.size(script), cols: '1' };
    return { rows: this.size({ tokens: script.tokens.slice(0, by), span: script.span }), cols: this.size({ tokens: script.tokens.slice(by + 1), span: script.span }) };
  }

  // ---- primaries ----

  private primary(): Ast {
    const t = this.peek();
    if (t.kind === 'end') throw this.unexpected(t, 'an expression');
    if (t.kind === 'number') {
      this.next();
      return { kind: 'number', value: Number(t.text), span: this.span(t) };
    }
    if (t.kind === 'char') return this.charPrimary(t);
    return this.commandPrimary(t);
  }

  private charPrimary(t: Token): Ast {
    if (/^[A-Za-z]$/.test(t.text)) {
      this.next();
      // K(X), K\left(X\right): the commutation matrix of X, as in the text notation.
      if (t.text === 'K' && this.is('(')) return this.application('K', t);
      return { kind: 'symbol', name: t.text, span: this.span(t) };
    }
    const greek = GREEK_BY_LETTER.get(t.text);
    if (greek) {
      this.next();
      return this.greek(greek, t);
    }
    if (t.text === '𝟙') {
      this.next();
      return { kind: 'ones', span: this.span(t) };
    }
    if (t.text === '(' || t.text === '[') {
      this.next();
      return this.parenthesised(t, t.text === '(' ? ')' : ']');
    }
    if (t.text === '|') {
      if (this.is('|', 1) && this.peek(1).start === t.end) return this.norm(t, 'doublebar');
      this.next();
      return this.bars(t);
    }
    if (t.text === '‖') return this.norm(t, 'norm');
    throw this.unexpected(t, 'an expression');
  }

  private parenthesised(open: Token, close: string): Ast {
    this.closers.push('paren'); // inside brackets a '|' or '‖' opens again
    let inner: Ast;
    try {
      inner = this.sum();
    } finally {
      this.closers.pop();
    }
    const end = this.peek();
    if (end.text !== close && !(close === ')' && end.text === ']') && !(close === ']' && end.text === ')')) {
      throw this.error(`'${open.text}' at column ${open.start + 1} is not closed`, this.span(end.kind === 'end' ? open : end), `expected '${close}'`);
    }
    this.next();
    const span = spanOf(this.span(open), this.span(end));
    return { kind: 'product', first: { ...inner, span }, rest: [], span };
  }

  /** |X|: the determinant of a matrix, the absolute value of a scalar (the builder decides
   *  by shape: call 'bars'). */
  private bars(open: Token): Ast {
    this.closers.push('bar');
    try {
      const inner = this.sum();
      const close = this.peek();
      if (close.text !== '|') throw this.error(`'|' at column ${open.start + 1} is not closed`, this.span(open), "expected '|'");
      this.next();
      const span = spanOf(this.span(open), this.span(close));
      return { kind: 'call', name: 'bars', args: [inner], span, nameSpan: this.span(open) };
    } finally {
      this.closers.pop();
    }
  }

  /** ‖x‖, \|x\|, \lVert x \rVert, ||x||, with _2, _F, _1 and powers after it. */
  private norm(open: Token, style: 'norm' | 'doublebar'): Ast {
    this.next();
    if (style === 'doublebar') this.next();
    this.closers.push(style);
    let inner: Ast;
    let close: Token;
    try {
      inner = this.sum();
      close = this.peek();
      if (style === 'doublebar' ? !(close.text === '|' && this.is('|', 1)) : !NORM_CLOSE.has(close.text)) {
        throw this.error(`the norm opened at column ${open.start + 1} is not closed`, this.span(open), `expected ${style === 'doublebar' ? "'||'" : "'\\|'"}`);
      }
      this.next();
      if (style === 'doublebar') close = this.next();
    } finally {
      this.closers.pop();
    }
    let span = spanOf(this.span(open), this.span(close));
    let name = 'norm';
    if (this.is('_')) {
      const marker = this.next();
      const script = this.script(marker);
      const kind = script.tokens.map((t) => (UPRIGHT.has(t.text) || BOLD.has(t.text) || t.text === '{' || t.text === '}' ? '' : t.text)).join('');
      if (kind === '1') name = 'norm1';
      else if (kind !== '2' && kind !== 'F') throw this.error(`the norm ‖·‖_${kind} is not one matcalc knows`, script.span, 'the 2-norm (‖x‖, ‖x‖_2), the Frobenius norm ‖X‖_F or the 1-norm ‖x‖_1');
      if (kind === '2') name = 'norm2'; // the builder notes it for a matrix
      span = spanOf(span, script.span);
    }
    return { kind: 'call', name, args: [inner], span, nameSpan: this.span(open) };
  }

  private greek(name: string, t: Token): Ast {
    // σ(…) is the logistic function as papers use it; σ alone, a symbol.
    if (name === 'sigma' && this.opensArguments()) {
      this.notes.add('σ(…) read as the logistic function sigmoid');
      return this.application('sigmoid', t);
    }
    // \Phi(…), \varphi(…): the normal CDF and density, before a bracket only.
    const reading = readLatexFunction(t.text) ?? readLatexFunction(`\\${name}`);
    if (reading && this.opensArguments()) return this.application(reading.name, t);
    return { kind: 'symbol', name, span: this.span(t) };
  }

  private opensArguments(): boolean {
    return this.is('(') || this.is('[');
  }

  private commandPrimary(t: Token): Ast {
    const command = t.text;
    if (NORM_OPEN.has(command)) return this.norm(t, 'norm');
    if (command === '\\{') {
      this.next();
      const inner = this.sum();
      const close = this.expect('\\}', "'\\}'");
      const span = spanOf(this.span(t), this.span(close));
      return { kind: 'product', first: { ...inner, span }, rest: [], span };
    }
    const greek = greekName(command);
    if (greek) {
      this.next();
      return this.greek(greek, t);
    }
    if (command === '\\frac' || command === '\\tfrac' || command === '\\dfrac' || command === '\\cfrac') {
      this.next();
      const numerator = this.group();
      const denominator = this.group();
      const top = this.within(numerator.tokens, numerator.span);
      const bottom = this.within(denominator.tokens, denominator.span);
      const span = spanOf(this.span(t), denominator.span);
      const first: Ast = { kind: 'product', first: { ...top, span: numerator.span }, rest: [], span: numerator.span };
      // A denominator that is a product divides by each factor, as a/b/c in the text notation.
      const divisors = bottom.kind === 'product' && bottom.rest.length > 0 && bottom.rest.every((r) => r.operator === '*') ? [bottom.first, ...bottom.rest.map((r) => r.operand)] : [{ kind: 'product', first: { ...bottom, span: denominator.span }, rest: [], span: denominator.span } as Ast];
      return { kind: 'product', first, rest: divisors.map((operand) => ({ operator: '/' as const, operand, operatorSpan: this.span(t) })), span };
    }
    if (command === '\\sqrt') {
      this.next();
      const argument = this.group();
      return { kind: 'call', name: 'sqrt', args: [this.within(argument.tokens, argument.span)], span: spanOf(this.span(t), argument.span), nameSpan: this.span(t) };
    }
    if (BOLD.has(command) || UPRIGHT.has(command) || command === '\\mathbb' || command === '\\mathcal' || DECORATIONS.has(command)) return this.styled(t);
    const reading = readLatexFunction(command);
    if (reading) {
      this.next();
      return this.application(reading.name, t);
    }
    throw this.unknownCommand(t);
  }

  /** \mathbf{x}, \boldsymbol{\theta}, \mathrm{tr}, \operatorname{softmax}, \text{loss}, \hat{x}, \mathbb{1}. */
  private styled(t: Token): Ast {
    this.next();
    const command = t.text;
    let tokens: Token[];
    let span: Span;
    if (this.is('{')) {
      const group = this.group();
      [tokens, span] = [group.tokens, spanOf(this.span(t), group.span)];
    } else {
      const single = this.next();
      if (single.kind === 'end') throw this.unexpected(single, `an argument for ${command}`);
      [tokens, span] = [[single], spanOf(this.span(t), this.span(single))];
    }
    const word = tokens.map((x) => x.text).join('');
    const decoration = DECORATIONS.get(command);
    if (decoration) {
      const inner = this.within(tokens, span);
      if (inner.kind !== 'symbol') throw this.error(`${command}{…} of something that is not a name`, span, `${command}{x}: a name of its own, x_${decoration}`);
      return { kind: 'symbol', name: canonicalSymbolName(`${inner.name}_{${decoration}}`), span };
    }
    if (command === '\\mathbb' || command === '\\mathcal') {
      if (word === '1') return { kind: 'ones', span };
      if (command === '\\mathcal' && /^[A-Za-z]$/.test(word)) return { kind: 'symbol', name: word, span };
      throw this.error(`${command}{${word}} is not an expression matcalc reads (a set or a space?)`, span, 'an expression; \\mathbb{1} is the ones vector');
    }
    // \mathrm{d}X, \mathrm{d}\left(…\right): a differential, as matcalc's steps write them.
    if (command === '\\mathrm' && word === 'd' && this.differentials && this.startsFactor(this.peek())) {
      // dX^{\top} is (dX)ᵀ: the differential takes the primary, its scripts apply after.
      let argument = this.primary();
      while (this.is('_')) argument = this.subscript(argument, this.script(this.next())); // dW_{1}
      return { kind: 'call', name: 'd', args: [argument], span: spanOf(span, argument.span), nameSpan: span };
    }
    // A word in upright type: a function, else one name of several letters.
    if (UPRIGHT.has(command) && /^[A-Za-z]{2,}$/.test(word)) {
      const reading = readLatexFunction(`${command}{${word}}`) ?? readFunction(word) ?? readFunction(word.toLowerCase());
      if (reading && reading.kind === 'function') return this.application(reading.name, t, span);
      if (reading && reading.kind === 'core') return this.application(reading.name, t, span);
      return { kind: 'symbol', name: word, span };
    }
    if (word === '1') return { kind: 'ones', span };
    if (word === '0') return { kind: 'number', value: 0, span };
    // Bold (or upright) letters: symbols whose kind bold states; several side by side are
    // their product (\mathbf{AXB}).
    const inner = this.within(tokens, span);
    if (BOLD.has(command)) this.hintKinds(inner);
    if (inner.kind !== 'product' && inner.kind !== 'symbol') return inner;
    const styled: Ast = { ...inner, span };
    if (styled.kind === 'product' && styled.rest.length > 0 && [styled.first, ...styled.rest.map((r) => r.operand)].every((f) => f.kind === 'symbol')) this.letterGroups.add(styled);
    return styled;
  }

  private hintKinds(ast: Ast): void {
    const mark = (name: string): void => {
      if (name === 'I') return;
      const head = name.split('_')[0]!;
      const capital = GREEK_CAPITALS.has(head) || /^[A-Z]/.test(head);
      this.kinds.set(name, capital ? 'matrix' : 'vector');
    };
    if (ast.kind === 'symbol') mark(ast.name);
    if (ast.kind === 'product') {
      for (const part of [ast.first, ...ast.rest.map((r) => r.operand)]) if (part.kind === 'symbol') mark(part.name);
    }
  }

  /** A function applied: to a parenthesised argument list, a {group}, or else the next factor
   *  (\log\det X is log(det(X)), as \log x is log(x)). */
  private application(name: string, t: Token, nameSpan: Span = this.span(t)): Ast {
    const open = this.peek();
    if (open.text === '(' || open.text === '[') {
      this.next();
      const close = open.text === '(' ? ')' : ']';
      const args = [this.sum()];
      while (this.is(',')) {
        this.next();
        args.push(this.sum());
      }
      const end = this.peek();
      if (end.text !== close && end.text !== ')' && end.text !== ']') throw this.error(`'${open.text}' at column ${open.start + 1} is not closed`, this.span(end.kind === 'end' ? open : end), `expected '${close}'`);
      this.next();
      return { kind: 'call', name, args, span: spanOf(nameSpan, this.span(end)), nameSpan };
    }
    if (open.text === '{' && open.kind === 'char') {
      const group = this.group();
      return { kind: 'call', name, args: [this.within(group.tokens, group.span)], span: spanOf(nameSpan, group.span), nameSpan };
    }
    if (!this.startsFactor(open)) throw this.unexpected(open, `an argument for ${this.source.slice(nameSpan.start, nameSpan.end)}`);
    // Without parentheses an elementwise function takes the next factor (\log x, \log\det X);
    // a matrix function the product that follows, as texts write tr AB for tr(AB).
    if (matrixFunctionNamed(name)) {
      const argument = this.juxtaposed();
      if (argument.kind === 'product') this.notes.add(`${this.source.slice(nameSpan.start, nameSpan.end)} without parentheses read as applied to the whole product after it`);
      return { kind: 'call', name, args: [argument], span: spanOf(nameSpan, argument.span), nameSpan, bare: true };
    }
    const argument = this.factor();
    return { kind: 'call', name, args: [argument], span: spanOf(nameSpan, argument.span), nameSpan, bare: true };
  }
}

const matrixFunctionNamed = (name: string): boolean => functionsNamed(name).some((d) => d.family === 'matrix');
