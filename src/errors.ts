// The one error type the library throws. Its kind says whose fault it is: the input's
// (syntax … limit), the caller's (argument), or matcalc's own (verification, internal). It
// carries a source span; only cli.ts turns it into text and an exit code.

export type ErrorKind =
  | 'syntax' // the text does not parse
  | 'unknown-function' // a word followed by '(' that names no function
  | 'shape' // operands whose shapes do not fit
  | 'declaration' // a bad --where declaration
  | 'value' // bad numeric input (values file, sizes)
  | 'unsupported' // a well-formed request matcalc cannot do (yet)
  | 'limit' // input or work beyond a stated limit
  | 'verification' // a derived result disagreed with finite differences (a bug in matcalc)
  | 'argument' // the library was called wrongly: a non-string text, an unknown code target, …
  | 'internal'; // anything else that went wrong: a bug in matcalc, never the user's input

export interface Span {
  readonly start: number; // offset of the first character
  readonly end: number; // offset after the last character
}

export class MatcalcError extends Error {
  readonly kind: ErrorKind;
  readonly span: Span | undefined;
  /** The text the span points into (the expression, or the --where declaration). */
  readonly source: string | undefined;
  /** What was expected instead, in words; printed under the caret. */
  readonly expected: string | undefined;
  /** With kind 'verification': the numeric report that failed. */
  readonly report: unknown;

  constructor(kind: ErrorKind, message: string, options: { span?: Span; source?: string; expected?: string; report?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MatcalcError';
    this.kind = kind;
    this.span = options.span;
    this.source = options.source;
    this.expected = options.expected;
    this.report = options.report;
  }

  /** The same error, located in `source` (used when a lower layer raised it without one). */
  withSource(source: string, span?: Span): MatcalcError {
    return new MatcalcError(this.kind, this.message, {
      span: this.span ?? span,
      source: this.source ?? source,
      expected: this.expected,
      report: this.report,
      cause: this.cause,
    });
  }
}

/** A message with the source echoed and a caret under the span (what the CLI prints). */
export function formatError(error: MatcalcError): string {
  const lines = [`error: ${error.message}`];
  if (error.source !== undefined && error.span !== undefined) {
    // Line breaks and tabs as spaces, other control characters (a terminal's escape
    // sequences) as their visible pictures (␛ for ESC): one column each, so the caret stays put.
    const source = error.source.replace(/[\r\n\t]/g, ' ').replace(/[\u0000-\u001f\u007f]/g, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
    // Show a window around long inputs so the caret stays on screen.
    const width = 100;
    let from = 0;
    if (source.length > width) from = Math.max(0, Math.min(error.span.start - width / 2, source.length - width));
    const prefix = from > 0 ? '…' : '';
    const shown = prefix + source.slice(from, from + width) + (from + width < source.length ? '…' : '');
    const caretStart = error.span.start - from + prefix.length;
    const caretLength = Math.max(1, Math.min(error.span.end - error.span.start, width));
    lines.push('  ' + shown);
    lines.push('  ' + ' '.repeat(Math.max(0, caretStart)) + '^'.repeat(caretLength));
  }
  if (error.expected) lines.push(error.expected);
  return lines.join('\n');
}
