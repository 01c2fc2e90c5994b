// From the parser's raw tree to the AST: each word is read, now that every name the text
// knows is known (declared by the caller, declared or bound in its where clause). A known
// name is one symbol; any other word is its one-letter symbols side by side (NOTATION.md:
// `Ax` is A*x). An operator that binds tighter than juxtaposition binds to the letter next
// to it: `Ax'` is A*x', `Ax^2` is A*x^2, `tr AB` is tr(A)*B — as if each letter were a token.

import type { Ast, ProductFactor } from './ast.js';
import { spanOf } from './ast.js';
import { canonicalSymbolName } from './names.js';

/** The one-letter symbols a word is made of, each with its optional subscript. */
const piece = /[A-Za-z](?:_\{[^}]*\}|_[A-Za-z0-9]+|[0-9]+|[₀-₉]+)?/g;

/** The one-letter symbols of a word, as written. */
export const wordPieces = (text: string): string[] => [...text.matchAll(piece)].map((m) => m[0]);

/** `split`: told of each word read as letters side by side that looks like a name (three
 *  letters or more, two of them lowercase: loss, theta_hat), so that a note can say it. */
export function resolveWords(root: Ast, known: ReadonlySet<string>, split?: (word: string) => void): Ast {
  /** The factors a node stands for, side by side. */
  const factors = (node: Ast): Ast[] => {
    switch (node.kind) {
      case 'word': {
        const name = canonicalSymbolName(node.text);
        let list: Ast[];
        if (known.has(name)) list = [{ kind: 'symbol', name, span: node.span }];
        else {
          if (split && node.text.length >= 3 && (node.text.match(/[a-z]/g) ?? []).length >= 2 && wordPieces(node.text).length >= 3) split(node.text);
          list = [...node.text.matchAll(piece)].map((m): Ast => {
            const start = node.span.start + m.index!;
            return { kind: 'symbol', name: canonicalSymbolName(m[0]), span: { start, end: start + m[0].length } };
          });
        }
        if (node.commutation) {
          const last = list[list.length - 1]!;
          list[list.length - 1] = { kind: 'call', name: 'K', args: [resolve(node.commutation)], span: spanOf(last.span, node.span), nameSpan: last.span };
        }
        return list;
      }
      case 'transpose':
      case 'inverse': {
        const inner = factors(node.operand);
        const last = inner.pop()!;
        return [...inner, { ...node, operand: last, span: spanOf(last.span, node.operatorSpan) }];
      }
      case 'power': {
        const base = factors(node.base);
        const exponent = factors(node.exponent);
        const last = base.pop()!;
        const first = exponent.shift()!;
        return [...base, { ...node, base: last, exponent: first, span: spanOf(last.span, first.span) }, ...exponent];
      }
      case 'negate': {
        if (!node.tight) return [resolve(node)];
        const inner = factors(node.operand);
        const first = inner.shift()!;
        return [{ ...node, operand: first, span: { start: node.span.start, end: first.span.end } }, ...inner];
      }
      case 'call': {
        if (!node.bare) return [resolve(node)];
        const inner = factors(node.args[0]!);
        const first = inner.shift()!;
        return [{ ...node, args: [first], span: spanOf(node.nameSpan, first.span) }, ...inner];
      }
      default:
        return [resolve(node)];
    }
  };

  /** Factors side by side as one node: a product, unless there is one. */
  const juxtapose = (list: Ast[]): Ast => {
    if (list.length === 1) return list[0]!;
    const rest = list.slice(1).map((operand): ProductFactor => ({ operator: '*', operand, operatorSpan: { start: operand.span.start, end: operand.span.start } }));
    return { kind: 'product', first: list[0]!, rest, span: spanOf(list[0]!.span, list[list.length - 1]!.span) };
  };

  const resolve = (node: Ast): Ast => {
    switch (node.kind) {
      case 'word': case 'transpose': case 'inverse': case 'power':
        return juxtapose(factors(node));
      case 'negate':
        return node.tight ? juxtapose(factors(node)) : { ...node, operand: resolve(node.operand) };
      case 'call':
        return node.bare ? juxtapose(factors(node)) : { ...node, args: node.args.map(resolve) };
      case 'product': {
        // Every operator of the product level binds left to right: A/Bx is (A/B)*x. (A
        // product of one factor is a parenthesized group: it is one factor to its users.)
        const [first, ...leading] = factors(node.first);
        const rest: ProductFactor[] = leading.map((operand) => ({ operator: '*', operand, operatorSpan: { start: operand.span.start, end: operand.span.start } }));
        for (const factor of node.rest) {
          const [head, ...tail] = factors(factor.operand);
          rest.push({ ...factor, operand: head! });
          for (const operand of tail) rest.push({ operator: '*', operand, operatorSpan: { start: operand.span.start, end: operand.span.start } });
        }
        return rest.length === 0 ? first! : { ...node, first: first!, rest };
      }
      case 'sum':
        return { ...node, terms: node.terms.map((t) => ({ ...t, term: resolve(t.term) })) };
      case 'where':
        return { ...node, body: resolve(node.body), bindings: node.bindings.map((b) => ({ ...b, value: resolve(b.value) })) };
      default:
        return node;
    }
  };
  return resolve(root);
}
