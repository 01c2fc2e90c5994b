// Deep nesting without a deep stack. The parser is recursive descent: each level of
// parentheses is a handful of stack frames, and V8's stack ends between 800 and 1,600
// levels (measured; at about 130 with the chevrotain parser it replaced). Text
// nested deeper is rewritten before it is parsed: every group at a depth that is a multiple
// of CHUNK is named by a `where` binding, innermost first, so no part of the rewritten text
// nests deeper than about 2·CHUNK. A binding means exactly its text in parentheses (where
// bindings are inlined when the expression is built), so nothing about the meaning changes
// and no note is needed. Each character of the rewritten text remembers where it came from,
// so an error's position still points into what the user wrote.

/** Depth from which text is rewritten (below it, the parser's stack suffices). */
export const FLATTEN_DEPTH = 96;
/** Groups at depths that are multiples of this are named. */
const CHUNK = 48;

export interface Flattened {
  readonly text: string;
  /** The offset in the original text of an offset in the rewritten one. */
  origin(offset: number): number;
}

/** The deepest parenthesis nesting of a text. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) deepest = Math.max(deepest, ++depth);
    else if (c === 41) depth--;
  }
  return deepest;
}

/** Characters with the original offset of each (inserted ones point at their group). */
class Piece {
  text = '';
  readonly origins: number[] = [];
  add(text: string, origin: number | ((i: number) => number)): void {
    this.text += text;
    for (let i = 0; i < text.length; i++) this.origins.push(typeof origin === 'number' ? origin : origin(i));
  }
  append(other: Piece): void {
    this.text += other.text;
    for (const o of other.origins) this.origins.push(o);
  }
}

/** The text with deep groups named by where bindings; undefined when it is shallow enough
 *  or unbalanced (the parser then reports what is wrong with it, as for any text). */
export function flattenNesting(text: string): Flattened | undefined {
  if (nestingDepth(text) <= FLATTEN_DEPTH) return undefined;
  let prefix = 'nest_';
  while (text.includes(prefix)) prefix += '_';
  const stack: { piece: Piece; open: number; commas: boolean; where: boolean }[] = [{ piece: new Piece(), open: -1, commas: false, where: false }];
  const bindings: Piece[] = [];
  let run = 0;
  const flush = (i: number): void => {
    if (i > run) stack[stack.length - 1]!.piece.add(text.slice(run, i), (k) => run + k);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      flush(i + 1);
      run = i + 1;
      stack.push({ piece: new Piece(), open: i, commas: false, where: false });
    } else if (c === ')') {
      if (stack.length === 1) return undefined;
      flush(i);
      run = i;
      const group = stack.pop()!;
      const depth = stack.length;
      const parent = stack[stack.length - 1]!.piece;
      // A call's argument list (a comma at its top level) or a where clause is not one expression.
      if (depth % CHUNK === 0 && !group.commas && !group.where && group.piece.text.trim() !== '') {
        const name = `${prefix}${bindings.length + 1}`;
        const binding = new Piece();
        binding.add(`${name} = `, group.open);
        binding.append(group.piece);
        bindings.push(binding);
        parent.add(name, group.open);
      } else parent.append(group.piece);
    } else if (c === ',' && stack.length > 1) stack[stack.length - 1]!.commas = true;
    else if (c === 'w' && text.startsWith('where', i) && !/\w/.test(text[i - 1] ?? ' ') && !/\w/.test(text[i + 5] ?? ' ')) stack[stack.length - 1]!.where = true;
  }
  if (stack.length !== 1) return undefined;
  flush(text.length);
  const out = stack[0]!.piece;
  if (bindings.length === 0) return undefined;
  out.add(stack[0]!.where ? ', ' : ' where ', text.length);
  bindings.forEach((binding, k) => {
    if (k > 0) out.add(', ', binding.origins[0]!);
    out.append(binding);
  });
  const origins = out.origins;
  return { text: out.text, origin: (offset) => (offset >= origins.length ? text.length : origins[Math.max(0, offset)]!) };
}
