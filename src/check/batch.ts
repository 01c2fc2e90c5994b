// Batch files for `matcalc check FILE`: Markdown or plain text in which derivation lines
// are checked and everything else is prose. The format (README "Checking derivations"):
//
//   where A: n×n; x: n                       declarations for the lines that follow
//   grad x'*A*x wrt x = (A + A')*x           a claimed gradient
//
// A line may start with a list marker or a quote (-, *, >, 1.) and sit in a code block.

import { parseBatchLine } from '../../grammar/parser.js';

export interface BatchEntry {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly kind: 'grad' | 'jacobian' | 'hessian';
  readonly expression: string;
  readonly wrt: string;
  readonly claim: string;
  readonly where: string;
}

/** Each line read by the grammar's batch-line entry point; a line it does not read is prose. */
export function parseBatch(text: string): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let where = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = parseBatchLine(raw);
    if (!line) return;
    const slice = (span: { start: number; end: number }): string => raw.slice(span.start, span.end).trim();
    if (line.kind === 'where') where = slice(line.declarations);
    else entries.push({ line: index + 1, kind: line.derivative, expression: slice(line.expression), wrt: line.wrt, claim: slice(line.claim), where });
  });
  return entries;
}
