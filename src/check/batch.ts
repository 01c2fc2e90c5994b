// Batch files for `matcalc check FILE`: Markdown or plain text in which derivation lines
// are checked and everything else is prose. The format (README "Checking derivations"):
//
//   where A: n×n; x: n                       declarations for the lines that follow
//   grad x'*A*x wrt x = (A + A')*x           a claimed gradient
//
// A line may start with a list marker or a quote (-, *, >, 1.) and sit in a code block.

export interface BatchEntry {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly kind: 'grad' | 'jacobian' | 'hessian';
  readonly expression: string;
  readonly wrt: string;
  readonly claim: string;
  readonly where: string;
}

const PREFIX = /^\s*(?:[-*>]\s+|\d+[.)]\s+)*/;
const DERIVATION = /^(grad|jacobian|hessian)\s+(.+?)\s+wrt\s+(\S+)\s*=\s*(.+?)\s*$/;
const WHERE = /^where\s*:?\s+(.+?)\s*$/;

export function parseBatch(text: string): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let where = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(PREFIX, '').replace(/^`+|`+$/g, '').trim();
    const declaration = WHERE.exec(line);
    if (declaration) {
      where = declaration[1]!;
      return;
    }
    const match = DERIVATION.exec(line);
    if (!match) return;
    entries.push({ line: index + 1, kind: match[1] as BatchEntry['kind'], expression: match[2]!, wrt: match[3]!, claim: match[4]!, where });
  });
  return entries;
}
