// Derivative claims in documents people write (issue 14, item 7): Markdown and LaTeX
// lecture notes. Display and inline math ($…$, $$…$$, \[…\], \(…\), equation, align, gather,
// multline and their starred forms, aligned inside them) is split into relation chains
// (a = b = c; align rows `&= …` continue the row above), and a chain whose first member is
// a derivative — \frac{\partial f}{\partial x}, \frac{\partial}{\partial X} f, \nabla_x f,
// \frac{df}{dx} — makes every later member a claim. In prose, the batch lines of
// src/check/batch.ts (grad f wrt x = …) and ∇_x f = …, df/dx = …. An earlier equation whose
// left side is a name or a function application (J(w) = …, L = …, f(x) := …) and which holds
// no derivative defines that name for the claims below it; `where A: n×n symmetric` (in
// prose, or in a LaTeX comment `% where …`) declares shapes for what follows.
//
// This module only finds and splits; the checking is src/check/check.ts's, per claim.

import { parseBatchLine } from '../../grammar/parser.js';
import { type BatchEntry, parseBatch } from './batch.js';

export interface DocumentClaim {
  readonly kind: 'claim';
  /** 1-based line of the claim's member. */
  readonly line: number;
  readonly derivative: 'grad' | 'jacobian' | 'hessian';
  /** What is differentiated, as written (a definition's right side when the document named it). */
  readonly expression: string;
  readonly wrt: string;
  readonly claim: string;
  readonly where: string;
  /** The chain member as written, for the report. */
  readonly written: string;
}

export interface NotUnderstood {
  readonly kind: 'not-understood';
  readonly line: number;
  readonly written: string;
  readonly reason: string;
}

export type DocumentEntry = DocumentClaim | NotUnderstood;

interface Segment {
  readonly text: string;
  /** Line of the segment's first character. */
  readonly line: number;
}

const ENVIRONMENTS = /\\begin\{(equation|align|gather|multline|eqnarray|displaymath|math)(\*?)\}([\s\S]*?)\\end\{\1\2\}/g;

/** The math of a document, each piece with the line it starts on. */
function mathSegments(document: string): Segment[] {
  const segments: { start: number; text: string }[] = [];
  const taken: [number, number][] = [];
  const add = (start: number, end: number, inner: string, innerStart: number): void => {
    if (taken.some(([a, b]) => start < b && end > a)) return;
    taken.push([start, end]);
    segments.push({ start: innerStart, text: inner });
  };
  for (const match of document.matchAll(ENVIRONMENTS)) {
    const start = match.index!;
    add(start, start + match[0].length, match[3]!, start + match[0].indexOf(match[3]!));
  }
  for (const [pattern, open] of [[/\$\$([\s\S]+?)\$\$/g, 2], [/\\\[([\s\S]+?)\\\]/g, 2], [/\\\(([\s\S]+?)\\\)/g, 2], [/(?<![\\$])\$([^$\n]+?)\$(?!\$)/g, 1]] as const) {
    for (const match of document.matchAll(pattern)) add(match.index!, match.index! + match[0].length, match[1]!, match.index! + open);
  }
  const lineAt = (offset: number): number => document.slice(0, offset).split('\n').length;
  return segments.sort((a, b) => a.start - b.start).map((s) => ({ text: s.text, line: lineAt(s.start) }));
}

/** The top-level relation members of a chain: a = b := c → [a, b, c] (not inside braces or brackets). */
function members(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (depth === 0 && (c === '=' || (c === ':' && text[i + 1] === '='))) {
      parts.push(text.slice(from, i));
      if (c === ':') i++;
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts.map((p) => p.replace(/&/g, ' ').trim());
}

/** The rows of an align-like body, each with its line; `&= …` rows continue the one before. */
function chains(segment: Segment): { text: string; lines: number[] }[] {
  const rows: { text: string; line: number }[] = [];
  let line = segment.line;
  // aligned, split, gathered inside a display are rows of the same chains.
  const body = segment.text.replace(/\\(?:begin|end)\{(?:aligned|split|gathered|alignedat)\}(?:\{\d+\})?/g, ' ');
  for (const row of body.split(/\\\\/)) {
    const lead = row.match(/^\s*/)![0];
    rows.push({ text: row.replace(/\\label\{[^}]*\}|\\nonumber|\\notag/g, ''), line: line + lead.split('\n').length - 1 });
    line += row.split('\n').length - 1;
  }
  const result: { text: string; lines: number[] }[] = [];
  for (const row of rows) {
    if (row.text.trim() === '') continue;
    const continues = /^\s*&?\s*(?:=|:=)/.test(row.text) && result.length > 0;
    if (continues) {
      const last = result[result.length - 1]!;
      last.text += ` ${row.text}`;
      last.lines.push(row.line);
    } else result.push({ text: row.text, lines: [row.line] });
  }
  return result;
}

/** f and x of a derivative written in LaTeX, if the member is one. */
function derivativeHead(member: string): { f: string; wrt: string; hessian: boolean } | undefined {
  const m = member.trim();
  const group = (text: string, at: number): [string, number] | undefined => {
    if (text[at] !== '{') return undefined;
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) return [text.slice(at + 1, i), i + 1];
    }
    return undefined;
  };
  const frac = /^\\[dt]?frac\s*/.exec(m);
  if (frac) {
    const top = group(m, frac[0].length);
    const bottom = top && group(m, top[1]);
    if (top && bottom) {
      const operator = /^\s*(\\partial|\\mathrm\{d\}|d)(\^\{?2\}?)?\s*/;
      const up = operator.exec(top[0]);
      const down = operator.exec(bottom[0]);
      if (up && down) {
        const f = withoutSpacing(top[0].slice(up[0].length)) || withoutSpacing(m.slice(bottom[1]));
        const hessian = up[2] !== undefined;
        let wrt = bottom[0].slice(down[0].length).trim();
        if (hessian) wrt = wrt.split(/\\partial/)[0]!.replace(/\^\{?(?:T|\\top)\}?$/, '').trim();
        if (f !== '' && wrt !== '') return { f, wrt, hessian };
      }
    }
  }
  if (m.startsWith('\\nabla_')) {
    // The variable: a {group}, a command with its group (\mathbf{x}), a command or a letter.
    let at = '\\nabla_'.length;
    let wrt: string | undefined;
    const braced = group(m, at);
    if (braced) [wrt, at] = braced;
    else {
      const command = /^\\[A-Za-z]+/.exec(m.slice(at));
      if (command) {
        const argument = group(m, at + command[0].length);
        [wrt, at] = argument ? [`${command[0]}{${argument[0]}}`, argument[1]] : [command[0], at + command[0].length];
      } else if (/[A-Za-z]/.test(m[at] ?? '')) [wrt, at] = [m[at]!, at + 1];
    }
    const f = withoutSpacing(m.slice(at));
    if (wrt !== undefined && f !== '') return { f, wrt, hessian: false };
  }
  return undefined;
}

const withoutSpacing = (text: string): string => text.replace(/^(?:\s|\\[,;:! ]|\\q?quad\b)+/, '').trim();

/** A definition's head: `J(\mathbf{w})`, `L`, `f(x)`, `\mathcal{L}` — a name and maybe its arguments. */
function definitionName(member: string): string | undefined {
  const m = member.trim();
  const match = /^((?:\\mathcal\{[A-Za-z]\}|\\mathrm\{[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z])(?:_\{?[A-Za-z0-9]+\}?)?)\s*(?:\\left)?(?:\((.*)\))?\s*(?:\\right)?$/.exec(m);
  if (!match) return undefined;
  if (/^\\(?:frac|partial|nabla|sum|int)/.test(match[1]!)) return undefined;
  return match[1]!.replace(/\s+/g, '');
}

/** The name of a member that is a defined name or its application (J(\mathbf{w}) → J). */
function usesDefinition(member: string, definitions: ReadonlyMap<string, string>): string | undefined {
  const name = definitionName(member);
  return name !== undefined && definitions.has(name) ? definitions.get(name) : undefined;
}

const DERIVATIVE = /\\partial|\\nabla|∇|\\frac\{\s*(?:d|\\mathrm\{d\})|\bd[A-Za-z]*\s*\/\s*d/;

/** Every claim in a document, in order, and every line that holds a derivative and a
 *  relation but could not be read as a claim. */
/** The document's own macros (\newcommand, \renewcommand, \def; up to 9 arguments),
 *  expanded in its math before it is read: \newcommand{\R}{\mathbb{R}}, \newcommand{\norm}[1]{\left\|#1\right\|}. */
function expandMacros(document: string): string {
  const macros = new Map<string, { arity: number; body: string }>();
  const definition = /\\(?:re)?newcommand\*?\s*\{?\s*(\\[A-Za-z]+)\s*\}?\s*(?:\[(\d)\])?\s*\{/g;
  const braced = (text: string, open: number): [string, number] | undefined => {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) return [text.slice(open + 1, i), i + 1];
    }
    return undefined;
  };
  let stripped = document;
  for (const match of document.matchAll(definition)) {
    const body = braced(document, match.index! + match[0].length - 1);
    if (body) {
      macros.set(match[1]!, { arity: Number(match[2] ?? 0), body: body[0] });
      stripped = stripped.replace(document.slice(match.index!, body[1]), (whole) => whole.replace(/[^\n]/g, ' '));
    }
  }
  for (const match of document.matchAll(/\\def\s*(\\[A-Za-z]+)\s*\{/g)) {
    const body = braced(document, match.index! + match[0].length - 1);
    if (body) {
      macros.set(match[1]!, { arity: 0, body: body[0] });
      stripped = stripped.replace(document.slice(match.index!, body[1]), (whole) => whole.replace(/[^\n]/g, ' '));
    }
  }
  if (macros.size === 0) return document;
  let text = stripped;
  for (let round = 0; round < 10; round++) {
    let changed = false;
    text = text.replace(/\\[A-Za-z]+/g, (name, offset: number) => {
      const macro = macros.get(name);
      if (!macro) return name;
      changed = true;
      if (macro.arity === 0) return `${macro.body} `;
      return `\u0000${name}`; // arguments: expanded below, where the groups are known
    });
    // Macros with arguments: take the groups after each marked use.
    for (let at = text.indexOf('\u0000'); at >= 0; at = text.indexOf('\u0000')) {
      const name = /^\u0000(\\[A-Za-z]+)/.exec(text.slice(at))![1]!;
      const macro = macros.get(name)!;
      let position = at + 1 + name.length;
      const args: string[] = [];
      for (let k = 0; k < macro.arity; k++) {
        while (/\s/.test(text[position] ?? '')) position++;
        const group = text[position] === '{' ? braced(text, position) : text[position] !== undefined ? [text[position]!, position + 1] as [string, number] : undefined;
        if (!group) break;
        args.push(group[0]);
        position = group[1];
      }
      const body = macro.body.replace(/#(\d)/g, (_, d: string) => args[Number(d) - 1] ?? '');
      text = text.slice(0, at) + body + text.slice(position);
    }
    if (!changed) break;
  }
  return text;
}

export function documentClaims(original: string): DocumentEntry[] {
  const document = expandMacros(original);
  const entries: DocumentEntry[] = [];
  const definitions = new Map<string, string>();
  let where = '';
  const lines = document.split(/\r?\n/);
  // Declarations and prose claims by line; math segments in the same pass, in order.
  const segments = mathSegments(document);
  const inMath = new Set<number>();
  for (const s of segments) for (let k = 0; k <= s.text.split('\n').length - 1; k++) inMath.add(s.line + k);
  const events: { line: number; run: () => void }[] = [];
  lines.forEach((raw, index) => {
    const line = index + 1;
    const declaration = /^\s*(?:%|>|-|\*)?\s*where\s+(.+?)\s*$/i.exec(raw);
    if (declaration && /:/.test(declaration[1]!)) {
      events.push({ line, run: () => (where = declaration[1]!) });
      return;
    }
    if (inMath.has(line) && /[$\\]/.test(raw)) return;
    const batch = parseBatchLine(raw);
    if (batch && batch.kind === 'derivation') {
      const slice = (span: { start: number; end: number }): string => raw.slice(span.start, span.end).trim();
      events.push({ line, run: () => entries.push({ kind: 'claim', line, derivative: batch.derivative, expression: slice(batch.expression), wrt: batch.wrt, claim: slice(batch.claim), where, written: raw.trim() }) });
      return;
    }
    if (batch && batch.kind === 'where') {
      events.push({ line, run: () => (where = raw.slice(batch.declarations.start, batch.declarations.end).trim()) });
      return;
    }
    // LaTeX written without $ around it (a plain-text file, a chat): the line is its math.
    if (!/\$/.test(raw) && /\\(?:nabla|frac\s*\{\s*\\partial|partial)/.test(raw) && /=/.test(raw)) {
      events.push({ line, run: () => readChains({ text: raw, line }) });
      return;
    }
    // ∇_x f = …, df/dx = … in prose (outside $…$).
    const prose = /^\s*(?:[-*>]\s*)?(?:∇_\{?([A-Za-zα-ωΑ-Ω][A-Za-z0-9_]*)\}?\s*(.+?)|d(.+?)\s*\/\s*d([A-Za-zα-ω][A-Za-z0-9_]*))\s*=\s*(.+?)\s*$/.exec(raw);
    if (prose && !/\$/.test(raw)) {
      const [wrt, f] = prose[1] !== undefined ? [prose[1], prose[2]!] : [prose[4]!, prose[3]!];
      events.push({ line, run: () => entries.push({ kind: 'claim', line, derivative: 'grad', expression: f.trim(), wrt, claim: prose[5]!, where, written: raw.trim() }) });
      return;
    }
    // Anything else with a derivative and a relation is reported, never skipped silently.
    if (!inMath.has(line) && /=/.test(raw) && /∇|∂|\bd\s*\/\s*d/.test(raw)) {
      events.push({ line, run: () => entries.push({ kind: 'not-understood', line, written: raw.trim(), reason: 'a derivative in prose matcalc cannot read: write ∇_x f = …, df/dx = …, grad f wrt x = …, or the LaTeX in $…$' }) });
    }
  });
  const readChains = (segment: Segment): void => {
    for (const chain of chains(segment)) {
      const parts = members(chain.text);
      if (parts.length < 2) continue;
      const head = derivativeHead(parts[0]!);
      const line = chain.lines[0]!;
      if (!head) {
        const name = definitionName(parts[0]!);
        if (name !== undefined && !DERIVATIVE.test(chain.text)) definitions.set(name, parts[1]!);
        else if (DERIVATIVE.test(parts[0]!)) entries.push({ kind: 'not-understood', line, written: chain.text.trim(), reason: 'a derivative matcalc cannot read: write \\frac{\\partial f}{\\partial x}, \\frac{\\partial}{\\partial x} f or \\nabla_x f' });
        continue;
      }
      const expression = usesDefinition(head.f, definitions) ?? head.f;
      parts.slice(1).forEach((claim, k) => {
        if (claim.trim() === '') return;
        entries.push({ kind: 'claim', line: chain.lines[Math.min(k, chain.lines.length - 1)] ?? line, derivative: head.hessian ? 'hessian' : 'grad', expression, wrt: head.wrt, claim, where, written: `${parts[0]!.trim()} = ${claim.trim()}` });
      });
    }
  };
  for (const segment of segments) events.push({ line: segment.line, run: () => readChains(segment) });
  events.sort((a, b) => a.line - b.line).forEach((e) => e.run());
  return entries;
}

/** Whether a file is a document to read for math (Markdown, LaTeX) rather than a batch file. */
export function isDocument(text: string): boolean {
  return /\$|\\begin\{|\\\[|\\\(|\\nabla|\\frac\s*\{\s*\\partial|∇/.test(text);
}

/** The claims of a file to check: a document's math (Markdown, LaTeX), or a batch file's
 *  lines (src/check/batch.ts); `written` is a document claim as the document writes it. */
export function fileClaims(text: string): { entries: (BatchEntry & { written?: string })[]; unread: { line: number; written: string; reason: string }[]; document: boolean } {
  if (!isDocument(text)) return { entries: parseBatch(text), unread: [], document: false };
  const found = documentClaims(text);
  return {
    entries: found.flatMap((e) => (e.kind === 'claim' ? [{ line: e.line, kind: e.derivative, expression: e.expression, wrt: e.wrt, claim: e.claim, where: e.where, written: e.written }] : [])),
    unread: found.flatMap((e) => (e.kind === 'not-understood' ? [{ line: e.line, written: e.written, reason: e.reason }] : [])),
    document: true,
  };
}
