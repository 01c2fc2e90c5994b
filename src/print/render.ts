// Renders a finished expression in one style. It decides nothing about the mathematics:
// it reads the node, the operator table (style.ts) and binding strengths, and writes.

import { fractionOf } from '../expr/rational.js';
import { isGrouped, isScalar, splitCoefficient } from '../expr/construct.js';
import { findDim } from '../expr/dims.js';
import { type Expr, postOrder } from '../expr/node.js';
import { definitionOf } from '../ops/table.js';
import { broadcastAllowed, broadcastFactors } from './broadcast.js';
import { sharedNames } from './share.js';
import { PREC, type Style, STYLES, type StyleName } from './style.js';

interface Printed {
  readonly text: string;
  readonly prec: number;
}

function formatNumber(value: number): string {
  return String(value);
}

/** c·𝟙 and c·𝟙𝟙ᵀ inside a sum are written as the bare scalar c (broadcast, NOTATION.md). */
function broadcastScalar(term: Expr): Expr | undefined {
  if (term.op === 'ones') return term.shape.rows === '1' ? undefined : ({ op: 'number', value: 1 } as Expr);
  const scalars = term.op === 'multiply' ? broadcastFactors(term) : undefined;
  return scalars && scalars.length > 0 ? multiplyView(scalars) : undefined;
}

/** A product of scalars as a printable node (without interning a new node). */
function multiplyView(scalars: Expr[]): Expr {
  return scalars.length === 1 ? scalars[0]! : ({ op: 'multiply', args: scalars, shape: scalars[0]!.shape } as unknown as Expr);
}

export interface RenderOptions {
  /** Print large pieces used more than once once, named (`… where t1 = …`). */
  share?: boolean;
  /** Write the size of every I and 𝟙 (I_n, 𝟙_{m·n}): for results whose text does not fix them. */
  sizes?: boolean;
  /** Shapes to declare after the bindings (`…; x: n; X: n×m`), where sized constants' size
   *  names come from. */
  declarations?: readonly DeclaredShape[];
}

export interface DeclaredShape {
  readonly name: string;
  readonly rows: string;
  readonly cols: string;
  readonly properties: readonly string[];
}

export class Renderer {
  private readonly memo = new Map<Expr, Printed>();
  /** Shared pieces printed by name; their definitions follow `where`. */
  private names = new Map<Expr, string>();
  private taken: Set<string> | undefined;
  private skipped = 0;
  private root: Expr | undefined;
  private shapes: string[] | undefined;

  /** The shapes of the symbols the text writes outside K (one per name, declarations too):
   *  K(X)'s argument is what K_{m,n} would leave out. Found when a K is printed. */
  private get symbolShapes(): string[] {
    if (this.shapes) return this.shapes;
    const symbols = new Map(this.root ? postOrder(this.root, (n) => n.op !== 'commutation').filter((n) => n.op === 'symbol').map((n) => [n.name, `${findDim(n.shape.rows)}×${findDim(n.shape.cols)}`]) : []);
    for (const d of this.options.declarations ?? []) if (!symbols.has(d.name)) symbols.set(d.name, `${findDim(d.rows)}×${findDim(d.cols)}`);
    return (this.shapes = [...symbols.values()]);
  }
  constructor(private readonly style: Style, private readonly options: RenderOptions = {}) {}

  render(expr: Expr): string {
    for (const node of postOrder(expr)) this.print(node); // children first: shallow recursion
    return this.print(expr).text;
  }

  /** The expression, with its shared pieces (option share) printed once as named bindings
   *  and its declarations after them: `… where t1 = …, t2 = …; x: n`. */
  renderAll(expr: Expr): string {
    if (this.options.share) this.names = sharedNames(expr);
    this.root = expr;
    const body = this.render(expr);
    const texts = new Map([...this.names].map(([node, name]) => [name, this.printNode(node).text]));
    // Names in reading order (the body's first, then each binding's, breadth first), and only
    // those the text uses: a piece printed through a view of it (a negated term) is not
    // referred to by its name, and its binding would stand unused.
    const order: string[] = [];
    const seen = new Set<string>();
    const scan = (text: string): void => {
      for (const match of text.matchAll(PLACEHOLDER)) {
        if (seen.has(match[1]!)) continue;
        seen.add(match[1]!);
        order.push(match[1]!);
      }
    };
    scan(body);
    for (let i = 0; i < order.length; i++) scan(texts.get(order[i]!)!);
    const final = new Map(order.map((name, i) => [name, this.style.symbol(this.freeName(i + 1))]));
    const named = (text: string): string => text.replace(PLACEHOLDER, (_, name: string) => final.get(name)!);
    const definitions = order.map((name) => `${final.get(name)!} = ${named(texts.get(name)!)}`);
    return this.finish(named(body), definitions);
  }

  /** The i-th name t1, t2, … that no symbol of the result has. */
  private freeName(i: number): string {
    if (!this.taken) {
      this.taken = new Set(this.root ? postOrder(this.root).filter((n) => n.op === 'symbol').map((n) => n.name) : []);
      this.skipped = 0;
    }
    let candidate = `t${i + this.skipped}`;
    while (this.taken.has(candidate)) candidate = `t${i + ++this.skipped}`;
    return candidate;
  }

  private finish(body: string, definitions: string[]): string {
    const declared = (this.options.declarations ?? []).map((d) => this.style.declaration(this.style.symbol(d.name), findDim(d.rows), findDim(d.cols), d.properties));
    if (definitions.length === 0 && declared.length === 0) return body;
    if (this.style.name === 'latex') return `${body} \\quad \\text{where } ${[...definitions, ...declared].join(', \\; ')}`;
    return `${body} where ${[definitions.join(', '), ...declared].filter((part) => part !== '').join('; ')}`;
  }

  private wrap(p: Printed, min: number): string {
    return p.prec >= min ? p.text : `${this.style.open}${p.text}${this.style.close}`;
  }

  /** A postfix operator needs an atom; in LaTeX a superscripted base also needs braces. */
  private postfixBase(child: Expr): string {
    const printed = this.print(child);
    const base = this.wrap(printed, PREC.atom);
    // (Only a short atom can end in a superscript — a symbol, a sized constant — and testing a
    // long one, a call or a parenthesis, would flatten it at every level of a deep result.)
    if (this.style.name === 'latex' && printed.prec >= PREC.atom && base.length <= 4 * SHORT && /\^\{[^{}]*\}$/.test(base)) return `{${base}}`;
    return base;
  }

  private print(e: Expr): Printed {
    const known = this.memo.get(e);
    if (known) return known;
    const name = this.names.get(e);
    if (name !== undefined) {
      // A placeholder, numbered in reading order once the whole text is known (renderAll).
      const named = { text: `\u0001${name}\u0002`, prec: PREC.atom };
      this.memo.set(e, named);
      return named;
    }
    const printed = this.printNode(e);
    if (e.id !== undefined) this.memo.set(e, printed);
    return printed;
  }

  private printNode(e: Expr): Printed {
    const s = this.style;
    const atom = (text: string): Printed => ({ text, prec: PREC.atom });
    switch (e.op) {
      case 'number':
        return this.printNumber(e.value);
      case 'symbol':
        return atom(s.symbol(e.name));
      case 'dimension':
        return atom(s.symbol(findDim(e.name)));
      case 'identity':
        return atom(this.options.sizes ? s.sized(s.identity, findDim(e.shape.rows)) : s.identity);
      case 'ones':
        return atom(this.options.sizes ? s.sized(s.ones, findDim(e.shape.rows)) : s.ones);
      case 'zero':
        return atom(this.options.sizes ? s.sizedZero(findDim(e.shape.rows), findDim(e.shape.cols)) : '0');
      case 'commutation': {
        const x = e.args[0]!;
        // K_{m,n} says which matrix only when one symbol of the text has that shape.
        const named = x.op === 'symbol' && this.symbolShapes.filter((shape) => shape === `${findDim(x.shape.rows)}×${findDim(x.shape.cols)}`).length === 1;
        return atom(s.commutation(this.print(x).text, findDim(x.shape.rows), findDim(x.shape.cols), named));
      }
      case 'differential': {
        const inner = this.print(e.args[0]!);
        return atom(s.differential(inner.text, e.args[0]!.op === 'symbol'));
      }
      case 'add':
        return this.printSum(e);
      case 'multiply':
        return this.printProduct(e);
      case 'hadamard': {
        const numerators: string[] = [];
        const denominators: string[] = [];
        for (const factor of e.args) {
          if (factor.op === 'power' && factor.value < 0) {
            const base = factor.value === -1 ? factor.args[0]! : { ...factor, value: -factor.value };
            denominators.push(this.wrap(this.print(base as Expr), PREC.product + 1));
          } else numerators.push(this.wrap(this.print(factor), PREC.product + 1));
        }
        const text = (numerators.length > 0 ? concat(numerators, s.hadamard) : '1') + concat(denominators.map((d) => s.hadamardDivide + d), '');
        return { text, prec: PREC.product };
      }
      case 'kron':
        return { text: concat(e.args.map((a) => this.wrap(this.print(a), PREC.product + 1)), s.kron), prec: PREC.product };
      case 'transpose':
        return { text: s.transpose(this.postfixBase(e.args[0]!)), prec: PREC.postfix };
      case 'inverse':
        return s.name === 'text' ? atom(s.inverse(this.print(e.args[0]!).text)) : { text: s.inverse(this.postfixBase(e.args[0]!)), prec: PREC.postfix };
      case 'power': {
        if (e.args.length === 2) {
          // x.^θ, a^θ: LaTeX groups the exponent in braces; text wraps it unless atomic.
          const exponent = s.name === 'latex' ? this.print(e.args[1]!).text : this.wrap(this.print(e.args[1]!), PREC.atom);
          return { text: s.power(this.postfixBase(e.args[0]!), exponent, !isScalar(e)), prec: PREC.power };
        }
        if (e.value < 0 && isScalar(e)) return this.printProduct(e);
        const elementwise = !isScalar(e);
        return { text: s.power(this.postfixBase(e.args[0]!), this.exponent(e.value), elementwise), prec: PREC.power };
      }
      case 'matrixPower':
        return { text: s.power(this.postfixBase(e.args[0]!), e.value, false), prec: PREC.power };
      default: {
        // A function: how each style writes it is in its definition (src/ops).
        const definition = definitionOf(e);
        if (!definition) throw new Error(`no printed form for the operation ${e.op}`);
        const written = definition.write.nonScalar && !isScalar(e.args[0]!) ? { ...definition.write, ...definition.write.nonScalar } : definition.write;
        return atom(s.call(written, this.print(e.args[0]!).text));
      }
    }
  }

  /** A number: a rational with a small denominator as a fraction (½ stays ½, issue 15). */
  private printNumber(value: number): Printed {
    const fraction = fractionOf(Math.abs(value));
    if (!fraction) return { text: formatNumber(value), prec: value < 0 ? PREC.negation : PREC.atom };
    const text = this.style.rational(fraction.p, fraction.q);
    if (value < 0) return { text: '-' + text, prec: PREC.negation };
    return { text, prec: this.style.name === 'text' || !/^[½⅓⅔¼¾⅕⅛]$|^\\frac/.test(text) ? PREC.product : PREC.atom };
  }

  /** A number exponent as the style writes it: 2, -1, (3/2). */
  private exponent(value: number): number | string {
    const fraction = fractionOf(Math.abs(value));
    return fraction ? this.style.rationalExponent(value < 0 ? -fraction.p : fraction.p, fraction.q) : value;
  }

  private printSum(e: Expr): Printed {
    const s = this.style;
    let text = '';
    const broadcast = broadcastAllowed(e);
    e.args.forEach((term, index) => {
      if (this.names.has(term)) {
        // A named term is written by its name, its sign inside the binding.
        text += (index === 0 ? '' : s.plus) + this.print(term).text;
        return;
      }
      const view = (broadcast ? broadcastScalar(term) : undefined) ?? term;
      const [coefficient] = view.op === 'number' ? [view.value] : splitCoefficient(view);
      if (coefficient < 0) {
        const positive = this.printNegated(view);
        text += (index === 0 ? '-' : s.minus) + this.wrap(positive, PREC.product);
      } else {
        text += (index === 0 ? '' : s.plus) + this.wrap(this.print(view), PREC.negation);
      }
    });
    return { text, prec: PREC.sum };
  }

  /** The term with its negative coefficient made positive (printed after a minus sign). */
  private printNegated(term: Expr): Printed {
    if (term.op === 'number') return this.printNumber(-term.value);
    const args = term.args;
    const coefficient = -args[0]!.value;
    const rest = args.slice(1);
    const view = coefficient === 1 ? (rest.length === 1 ? rest[0]! : multiplyView(rest)) : multiplyView([{ op: 'number', value: coefficient } as Expr, ...rest]);
    return this.print(view);
  }

  private printProduct(e: Expr): Printed {
    const s = this.style;
    const factors = e.op === 'multiply' ? e.args : [e];
    let coefficient = 1;
    const numerators: Printed[] = [];
    const denominators: Printed[] = [];
    for (const factor of factors) {
      if (factor.op === 'number') coefficient *= factor.value;
      else if (factor.op === 'power' && factor.value < 0 && isScalar(factor)) {
        const base = factor.args[0]!;
        const printed = factor.value === -1 ? this.print(base) : { text: s.power(this.postfixBase(base), this.exponent(-factor.value), false), prec: PREC.power };
        denominators.push(printed);
      } else if (isGrouped(factor) && !this.names.has(factor)) {
        // A grouped product is a product: inside another one it needs no parentheses.
        numerators.push({ text: this.print(factor).text, prec: PREC.atom });
      } else numerators.push(this.print(factor));
    }
    const negative = coefficient < 0;
    let magnitude = Math.abs(coefficient);
    // A fraction's denominator joins the others: X'*(X*w - y)/(2*n), \frac{x}{2 s}.
    const rational = numerators.length + denominators.length > 0 ? fractionOf(magnitude) : undefined;
    if (rational) {
      magnitude = rational.p;
      denominators.unshift({ text: String(rational.q), prec: PREC.atom });
    }
    const parts: string[] = [];
    if (magnitude !== 1 || (numerators.length === 0 && denominators.length === 0) || (numerators.length === 0 && s.name !== 'latex')) {
      parts.push(formatNumber(magnitude));
    }
    // A lone factor after a sign needs no parentheses: -(X*w) ∘ y reads as -((X*w) ∘ y).
    const alone = parts.length === 0 && numerators.length === 1 && denominators.length === 0;
    for (const n of numerators) parts.push(this.wrap(n, alone ? PREC.product : PREC.product + 1));
    let text = this.joinFactors(parts);
    if (denominators.length > 0) {
      // Several denominators are a product: each wrapped as a factor (‖2B‖·(2 + t)).
      const fraction = s.fraction(text === '' ? '1' : text, this.joinFactors(denominators.map((d) => (denominators.length > 1 ? this.wrap(d, PREC.product + 1) : d.text))));
      // In text, several denominators are one product: x/(2*s), not x/2/s.
      const over = denominators.length === 1 ? this.wrap(denominators[0]!, PREC.product + 1) : s.open + this.joinFactors(denominators.map((d) => this.wrap(d, PREC.product + 1))) + s.close;
      text = fraction ?? text + '/' + over;
    }
    return negative ? { text: '-' + text, prec: PREC.negation } : { text, prec: PREC.product };
  }

  private joinFactors(parts: string[]): string {
    const s = this.style;
    if (s.name !== 'unicode') return concat(parts, s.times);
    // Juxtaposition is judged on short neighbours only: reading a character of a long string
    // being concatenated flattens it (a copy per level of a deep product: quadratic); a long
    // factor gets a · between it and its neighbour, which reads back the same.
    let text = '';
    let tail = ''; // the end of text when it is known to be short, else ''
    for (const part of parts) {
      const short = part.length <= SHORT;
      if (text === '') {
        text = part;
        tail = short ? part : '';
        continue;
      }
      const join = tail !== '' && short && juxtaposable(tail, part) ? '' : '·';
      text += join + part;
      tail = short ? (tail + join + part).slice(-SHORT) : '';
    }
    return text;
  }
}

const SHORT = 64;

/** A shared piece's name while the text is being written: \u0001key\u0002. */
const PLACEHOLDER = /\u0001([^\u0002]*)\u0002/g;

/** parts joined by `separator`, by concatenation: Array.join copies every part into a flat
 *  string, so a product nested N deep (each level joining the text of the one inside) would
 *  copy O(N²) characters; + keeps V8's rope and flattens once, at the end. */
function concat(parts: readonly string[], separator: string): string {
  let text = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) text = text + separator + parts[i]!;
  return text;
}

/** Whether two Unicode factors can stand side by side and still read back as a product. */
function juxtaposable(left: string, rightText: string): boolean {
  // A shared piece's placeholder stands for its name, t₁: a letter.
  const right = rightText.replace(/^\u0001[^\u0002]*\u0002/, 'x');
  if (/[0-9.]$/.test(left) && /^[0-9.]/.test(right)) return false;
  if (/_[A-Za-z0-9]+$/.test(left) || /[A-Za-z]{2,}$/.test(left)) return false;
  return /^(?:[A-Za-z](?![A-Za-z(])|[(‖𝟙α-ω])/u.test(right);
}


/** Renders in a style. With `share`, large pieces used more than once are printed once,
 *  named (`… where t1 = …`), so the printed size follows the DAG's. */
export function render(expr: Expr, style: StyleName = 'text', options: RenderOptions = {}): string {
  return new Renderer(STYLES[style], options).renderAll(expr);
}
