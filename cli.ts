// The command line. It turns arguments into library calls, results into text, and
// MatcalcError into a message with a caret and an exit code (0 ok, 1 bad input, 2 verification
// failed or check undecided, 3 check: incorrect, 4 time limit, 5 internal error: a bug in matcalc).

import { readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { isatty } from 'node:tty';
import { err, errLine, line, OutputFailed, out, red } from './cli-output.js';
import { fileClaims } from './src/check/document.js';
import { CODE_TARGETS, type CodeTarget, Session, check, type CheckResult, type DerivativeResult, differential, evaluate, formatError, grad, hessian, jacobian, MatcalcError, parse } from './src/index.js';
import { describeVerification, type Verification } from './src/numeric/verify.js';
import { stepsLatex, stepsText } from './src/print/steps.js';
import { FUNCTION_NAMES } from './src/ops/table.js';

declare const MATCALC_VERSION: string;
const version = typeof MATCALC_VERSION === 'string' ? MATCALC_VERSION : '0.0.0-dev';

const EXIT = { ok: 0, input: 1, verification: 2, incorrect: 3, timeout: 4, internal: 5 } as const;

const EXAMPLES = `
Examples:
  $ matcalc grad "x'Ax" x                             → (A + A')*x, verified numerically
  $ matcalc grad "x'Ax" x --where "A: symmetric"      → 2*A*x
  $ matcalc grad "log det(X)" X --steps               (the derivation, rule by rule)
  $ matcalc grad "tr(A*X*B)" X --format latex
  $ matcalc diff "x'Ax" x                             (the differential df)
  $ matcalc jacobian "A*X*B" X                        → B' ⊗ A   (J = ∂vec(F)/∂vec(X)ᵀ, column-major vec)
  $ matcalc hessian "x'Ax" x                          → A + A'   (H = ∂²f/∂vec(X)∂vec(X)ᵀ)
  $ matcalc grad "‖A*x - b‖²" x --format numpy         (a NumPy function returning f and its gradient; also torch, ts)
  $ matcalc check "x'Ax" x "2*A*x"                    → right only when A is symmetric
  $ matcalc check examples/seeds.md                   (every derivation in a file)
  $ matcalc parse "x'Ax"
  $ matcalc parse "tr(AB) + ‖Ax − b‖²" --format latex
  $ matcalc parse "x'A" --where "A: m×n; x: n"        (a shape error, with the position marked)
  $ matcalc eval "x'Ax" --at examples/values.json     (values: {"x": [1, 2], "A": [[1, 2], [3, 4]]})
  $ matcalc eval "x'x" --at '{"x": [1, 2]}'           (the values inline, or - for standard input)
  $ matcalc eval "-x'x" --at examples/values.json     (an expression may start with '-')
  $ matcalc grad -- "-x'x" x                          (… or stand after --, with no options after it)

Notation (docs/NOTATION.md; LaTeX is read too): x' A^T Aᵀ transpose; inv(A) A^-1 A⁻¹ inverse; A*B, AB, A B
product; A .* B, A ∘ B Hadamard; A ⊗ B Kronecker; ‖x‖ the norm; "… where t1 = W*x" names a piece;
I_n, ones_n are sized constants, and a result that needs them declares its shapes: "I_n where X: n×n".
Functions: ${FUNCTION_NAMES.join(' ')}.

Exit codes: 0 ok, 1 bad input, 2 verification failed (check: undecided), 3 check: the claim is
wrong, 4 time limit, 5 internal error (a bug in matcalc).`;

type Format = 'text' | 'unicode' | 'latex' | 'json';
type CodeFormat = CodeTarget;
const CODE_FORMATS: readonly string[] = CODE_TARGETS;

function formatOption(withCode = false): Option {
  const choices = ['text', 'unicode', 'latex', 'json', ...(withCode ? CODE_FORMATS : [])];
  const description = withCode ? 'output format; numpy, torch and ts print a function computing f and the derivative' : 'output format';
  return new Option('-f, --format <format>', description).choices(choices).default('text');
}

/** Inputs are read whole: a cap keeps a huge file a clear error, not an out-of-memory abort. */
const MAX_VALUES_BYTES = 64 * 2 ** 20;
const MAX_CHECK_FILE_BYTES = 16 * 2 ** 20;
const megabytes = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

/** A regular file, or `-` (standard input), read up to `cap` bytes. A FIFO or a device is
 *  refused before opening it: reading one may block forever or never end (/dev/zero). */
function readInput(file: string, what: string, cap: number): string {
  if (file === '-') {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(1 << 16);
    let total = 0;
    for (;;) {
      let read: number;
      try {
        read = readSync(0, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((error as NodeJS.ErrnoException).code === 'EOF') break;
        throw new MatcalcError('value', 'cannot read standard input');
      }
      if (read === 0) break;
      total += read;
      if (total > cap) throw new MatcalcError('limit', `standard input holds more than ${megabytes(cap)}; ${what} is read up to ${megabytes(cap)}`);
      chunks.push(Buffer.from(chunk.subarray(0, read)));
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  let stats;
  try {
    stats = statSync(file);
  } catch {
    throw new MatcalcError('value', `cannot read ${what} ${file}`);
  }
  if (!stats.isFile()) {
    const kind = stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'not a regular file';
    throw new MatcalcError('value', `${file} is ${kind}: ${what} must be a regular file (or - for standard input)`);
  }
  if (stats.size > cap) throw new MatcalcError('limit', `${file} is ${megabytes(stats.size)}; ${what} is read up to ${megabytes(cap)}`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new MatcalcError('value', `cannot read ${what} ${file}`);
  }
}

/** Values from `--at`: a JSON file, `-` for standard input, or the JSON object itself. */
function readValues(argument: string): Record<string, unknown> {
  const file = argument.trim(); // `-` arrives as ' -' (see protectExpressions)
  let content: string;
  if (file.trimStart().startsWith('{')) content = file;
  else {
    content = readInput(file, 'the values file', MAX_VALUES_BYTES);
  }
  content = content.replace(/^\uFEFF/, ''); // a byte-order mark is not part of the JSON
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    const what = file.trimStart().startsWith('{') ? 'the --at text' : file === '-' ? 'standard input' : file;
    throw new MatcalcError('value', `${what} is not a JSON object of values such as {"x": [1, 2], "A": [[1, 2], [3, 4]]}`);
  }
}

function printValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((x) => typeof x === 'number')) return `[${value.join(', ')}]`;
  return '[\n' + (value as number[][]).map((row) => `  [${row.join(', ')}]`).join(',\n') + '\n]';
}

function commandParse(expression: string, options: { where?: string; format: Format }): void {
  const result = parse(expression, { where: options.where, session, ...syntaxOption() });
  const symbols = Object.entries(result.symbols);
  switch (options.format) {
    case 'json':
      line(JSON.stringify({ input: expression, text: result.text, unicode: result.unicode, latex: result.latex, shape: result.shape, symbols: result.symbols, notes: result.notes }, null, 2));
      return;
    case 'latex':
      line(result.latex);
      break;
    case 'unicode':
      line(result.unicode);
      break;
    case 'text':
      line(`text:    ${result.text}`);
      line(`unicode: ${result.unicode}`);
      line(`latex:   ${result.latex}`);
      line(`shape:   ${result.shape}`);
      line(`symbols: ${symbols.map(([name, shape]) => `${name}: ${shape}`).join(', ') || '(none)'}`);
      break;
  }
  // What the reading guessed goes to stderr: stdout stays the expression alone.
  for (const note of result.notes) errLine(`note: ${note}`);
}

function commandEval(expression: string, options: { where?: string; format: Format; at?: string }): void {
  if (!options.at) throw new MatcalcError('value', 'eval needs values: --at FILE.json, --at - (standard input) or --at \'{"x": [1, 2]}\'');
  const value = evaluate(expression, readValues(options.at), { where: options.where, session, ...syntaxOption() });
  if (options.format === 'json') line(JSON.stringify({ input: expression, value }));
  else line(printValue(value));
}

interface DerivativeFlags {
  where?: string;
  format: Format | CodeFormat;
  steps?: boolean;
  verify: boolean;
  layout: 'denominator' | 'numerator';
  symmetricConvention: 'symmetric' | 'entries';
  seed: string;
  wrt2?: string;
}

/** --seed: an integer (every redraw derives from it; NaN would make them all the same). */
function seedOf(text: string): number {
  const seed = Number(text.trim());
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(seed)) throw new MatcalcError('value', `--seed takes an integer, got ${JSON.stringify(text.trim())}`);
  return seed;
}

function verificationLine(v: Verification, format: Format): string {
  const line = describeVerification(v);
  return format === 'latex' ? `% ${line}` : line;
}

type Derive = (expression: string, variable: string, options: DerivativeFlags) => DerivativeResult;

const deriveGradient: Derive = (expression, variable, options) =>
  grad(expression, variable, {
    session,
    ...syntaxOption(),
    ...(options.where !== undefined ? { where: options.where } : {}),
    verify: options.verify,
    layout: options.layout,
    symmetricConvention: options.symmetricConvention,
    seed: seedOf(options.seed),
  });
const deriveJacobian: Derive = (expression, variable, options) =>
  jacobian(expression, variable, { session, ...syntaxOption(), ...(options.where !== undefined ? { where: options.where } : {}), verify: options.verify, seed: seedOf(options.seed) });
const deriveHessian: Derive = (expression, variable, options) =>
  hessian(expression, variable, { session, ...syntaxOption(), ...(options.where !== undefined ? { where: options.where } : {}), ...(options.wrt2 !== undefined ? { wrt2: options.wrt2 } : {}), verify: options.verify, seed: seedOf(options.seed) });

function commandDerivative(derive: Derive) {
  return (expression: string, variable: string, options: DerivativeFlags): void => printDerivative(derive(expression, variable, options), options);
}

function printDerivative(result: DerivativeResult, options: DerivativeFlags): void {
  if (CODE_FORMATS.includes(options.format)) {
    // The code's header says how the derivative was verified; a failure never gets here.
    out(result.code(options.format as CodeFormat));
    return;
  }
  const format = options.format as Format;
  if (options.format === 'json') {
    const json = {
      input: result.input,
      wrt: result.wrt,
      result: { text: result.text, unicode: result.unicode, latex: result.latex },
      verification: result.verification,
      layout: result.layout,
      ...(result.convention ? { convention: result.convention } : {}),
      notes: result.notes,
      stops: result.stops,
      ...(options.steps ? { steps: result.steps } : {}),
    };
    line(JSON.stringify(json, null, 2));
    return;
  }
  if (options.steps) {
    line(options.format === 'latex' ? stepsLatex(result.steps, result.wrt) : stepsText(result.steps, result.wrt));
    line();
  }
  line(options.format === 'latex' ? result.latex : options.format === 'unicode' ? result.unicode : result.text);
  // Notes on stderr: what stdout holds is the result and its verification alone.
  for (const note of result.notes) errLine(options.format === 'latex' ? `% note: ${note}` : `note: ${note}`);
  line(verificationLine(result.verification, format));
}

function commandDiff(expression: string, variable: string, options: { where?: string; format: Format }): void {
  const result = differential(expression, variable, { session, ...(options.where !== undefined ? { where: options.where } : {}) });
  if (options.format === 'json') line(JSON.stringify({ input: expression, wrt: variable, result: { text: result.text, unicode: result.unicode, latex: result.latex } }, null, 2));
  else line(options.format === 'latex' ? result.latex : options.format === 'unicode' ? result.unicode : result.text);
}

function describeCheck(result: CheckResult): string {
  const mark = result.verdict === 'correct' ? '✓ correct' : result.verdict === 'undecided' ? '? undecided' : '✗ incorrect';
  if (result.verdict === 'undecided') return `${mark}: ${result.diagnosis.message}`;
  return `${mark} (decided ${result.decidedBy === 'symbolic' ? 'symbolically' : 'numerically'}): ${result.diagnosis.message}`;
}

function formatPlain(value: unknown): string {
  return JSON.stringify(value);
}

interface CheckFlags { where?: string; format: Format; jacobian?: boolean; hessian?: boolean; seed: string; layout?: FileLayout }

function commandCheck(first: string, variable: string | undefined, claim: string | undefined, options: CheckFlags): number {
  const kind = options.jacobian ? 'jacobian' : options.hessian ? 'hessian' : 'grad';
  const seed = seedOf(options.seed);
  if (variable === undefined || claim === undefined) {
    const file = first.trim() === '-' ? '-' : first; // `-`: the file on standard input
    if (variable !== undefined || (file !== '-' && !existsSync(file))) {
      throw new MatcalcError('value', variable === undefined ? `no file ${first}; to check one derivation give EXPR VAR CLAIM` : 'check needs EXPR VAR CLAIM, or one FILE');
    }
    if (options.jacobian || options.hessian) throw new MatcalcError('value', "--jacobian and --hessian are for one claim; a file's lines say their own kind (grad, jacobian, hessian)");
    return checkFile(file, options.format, options.where, seed, options.layout);
  }
  const result = check(first, variable, claim, { session, ...(options.where !== undefined ? { where: options.where } : {}), kind, seed, ...(options.format === 'unicode' ? { style: 'unicode' as const } : {}) });
  if (options.format === 'json') {
    line(JSON.stringify({ input: first, wrt: variable, claim, ...result }, null, 2));
  } else {
    line(describeCheck(result));
    if (result.verdict === 'incorrect') line(`  correct: ${options.format === 'latex' ? result.truthLatex : options.format === 'unicode' ? result.truthUnicode : result.truth}`);
    const example = result.counterexample;
    if (example) {
      const sizes = Object.entries(example.sizes).map(([d, n]) => `${d}=${n}`).join(', ');
      line(`  counterexample (sizes ${sizes}, seed ${example.seed}): largest deviation ${example.deviation.toPrecision(3)}`);
      for (const [name, value] of Object.entries(example.point)) line(`    ${name} = ${formatPlain(value)}`);
      line(`    claim → ${formatPlain(example.claim)}`);
      line(`    truth → ${formatPlain(example.truth)}`);
    }
  }
  return result.verdict === 'correct' ? EXIT.ok : result.verdict === 'undecided' ? EXIT.verification : EXIT.incorrect;
}

type FileLayout = 'auto' | 'numerator' | 'denominator';

/** The claims of a file: a document's math (Markdown, LaTeX) or a batch file's lines. */
/** Each line in a session of its own, with the whole --timeout: one slow line does not use
 *  up the others' time; --where gives declarations every line starts with. */
function checkFile(file: string, format: Format, where: string | undefined, seed: number, asked?: FileLayout): number {
  const content = readInput(file, 'a file to check', MAX_CHECK_FILE_BYTES);
  const { entries, unread, document } = fileClaims(content);
  // A document's layout is found out; a batch file's lines are gradients in denominator layout.
  const layout: FileLayout = asked ?? (document ? 'auto' : 'denominator');
  if (entries.length === 0 && unread.length === 0) throw new MatcalcError('value', `${file} holds no derivation lines such as "grad x'*A*x wrt x = (A + A')*x" and no derivative in its math ($\\frac{\\partial f}{\\partial x} = …$)`);
  const rows: { line: number; ok: boolean | undefined; text: string; result?: CheckResult; error?: string; numerator?: boolean }[] = [];
  for (const u of unread) rows.push({ line: u.line, ok: undefined, text: u.written, error: `not understood: ${u.reason}` });
  const progress = isatty(2) && entries.length > 3;
  entries.forEach((entry, index) => {
    if (progress) {
      const done = Math.round((20 * index) / entries.length);
      err(`\r[${'#'.repeat(done)}${' '.repeat(20 - done)}] ${index}/${entries.length}`);
    }
    const text = entry.written ?? `${entry.kind} ${entry.expression} wrt ${entry.wrt} = ${entry.claim}`;
    try {
      const declarations = [where, entry.where].filter((w) => w !== undefined && w.trim() !== '').join('; ');
      const result = check(entry.expression, entry.wrt, entry.claim, { session: new Session({ timeLimit: session.timeLimit }), where: declarations, kind: entry.kind, seed, layout });
      const numerator = result.layout === 'numerator';
      rows.push({ line: entry.line, ok: result.verdict === 'undecided' ? undefined : result.correct, text, result, numerator });
    } catch (error) {
      if (!(error instanceof MatcalcError)) throw error;
      // In a document, a claim matcalc cannot read is not understood (with why), not bad input.
      rows.push({ line: entry.line, ok: undefined, text, error: entry.written !== undefined ? `not understood: ${error.message}` : error.message });
    }
  });
  rows.sort((a, b) => a.line - b.line);
  if (progress) err(`\r${' '.repeat(40)}\r`);
  if (format === 'json') {
    line(JSON.stringify({ file, entries: rows.map((r) => ({ line: r.line, derivation: r.text, correct: r.ok ?? null, ...(r.result ? { decidedBy: r.result.decidedBy, diagnosis: r.result.diagnosis, truth: r.result.truth } : { error: r.error }) })) }, null, 2));
  } else {
    const width = String(Math.max(...rows.map((r) => r.line))).length;
    line(`${'line'.padStart(Math.max(4, width))}    diagnosis`);
    for (const r of rows) {
      const mark = r.ok === true ? '✓' : r.ok === false ? '✗' : '?';
      const why = r.result ? `${r.result.diagnosis.kind}: ${r.result.diagnosis.message}` : r.error!.startsWith('not understood') ? r.error! : `error: ${r.error}`;
      line(`${String(r.line).padStart(Math.max(4, width))}  ${mark}  ${r.text}`);
      line(`${' '.repeat(Math.max(4, width) + 5)}${why}`);
    }
    const holding = rows.filter((r) => r.ok === true).length;
    const undecided = rows.filter((r) => r.result?.verdict === 'undecided').length;
    const outOfTime = rows.filter((r) => r.error?.startsWith('stopped after the time limit')).length;
    const extra = [undecided > 0 ? `${undecided} undecided` : '', outOfTime > 0 ? `${outOfTime} ran out of time` : ''].filter((x) => x !== '');
    line(`${holding} of ${rows.length} derivations hold${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`);
    const inNumerator = rows.filter((r) => r.ok === true && r.numerator).map((r) => r.line);
    if (layout === 'auto' && inNumerator.length > 0) {
      const inDenominator = rows.filter((r) => r.ok === true && !r.numerator).length;
      line(`layout: ${inDenominator === 0 ? 'the document writes gradients in numerator layout' : 'mixed'} (numerator layout on line${inNumerator.length > 1 ? 's' : ''} ${inNumerator.join(', ')})`);
    }
  }
  if (rows.some((r) => r.ok === false)) return EXIT.incorrect;
  if (rows.some((r) => r.error !== undefined)) return EXIT.input;
  return rows.some((r) => r.result?.verdict === 'undecided') ? EXIT.verification : EXIT.ok;
}

/** The playground's folder: beside this bundle (dist/cli.cjs), built by `npm run build`. */
function commandWeb(options: { port?: string }): void {
  const root = join(__dirname, 'web');
  if (!existsSync(join(root, 'index.html'))) throw new MatcalcError('value', `the playground is not built (no ${join(root, 'index.html')}): run npm run build`);
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new MatcalcError('value', `--port takes a port number 0–65535, got ${JSON.stringify(options.port)}`);
  const listen = (at: number, fallback: boolean): void => {
    // Loaded only here: node:http and its streams are a measurable part of every other run's start-up.
    import('./web/serve.js').then(({ serveStatic }) => serveStatic(root, at)).then(({ url }) => {
      out(`matcalc playground: ${url}\n(or open ${join(root, 'index.html')} as a file; Ctrl+C stops the server)\n`);
    }, (error: NodeJS.ErrnoException) => {
      if (fallback && error.code === 'EADDRINUSE') return listen(0, false);
      err(`cannot serve on 127.0.0.1:${at}: ${error.message}\n`);
      process.exitCode = EXIT.input;
    });
  };
  listen(port ?? 8421, port === undefined);
}

/** A second --where adds to the first (a name declared twice is then an error of its own). */
function mergeWhere(value: string, previous: string | undefined): string {
  return previous === undefined ? value : `${previous}; ${value}`;
}

function derivativeCommand(cli: Command, name: string, description: string): Command {
  return cli
    .command(name)
    .description(description)
    .argument('<expression>')
    .argument('<variable>')
    .option('-w, --where <declarations>', 'declare kinds, sizes and assumptions, e.g. "A: n×n symmetric; a: scalar" (given twice: both, merged)', mergeWhere)
    .addOption(formatOption(true))
    .option('--steps', 'print the derivation step by step, with the rule used at each step')
    .option('--no-verify', 'skip the numerical check against finite differences')
    .addOption(new Option('--layout <layout>', 'denominator: ∂f/∂X has the shape of X; numerator: its transpose').choices(['denominator', 'numerator']).default('denominator'))
    .addOption(new Option('--symmetric-convention <convention>', 'for a symmetric variable: symmetric part (G + Gᵀ)/2, or the entrywise form G + Gᵀ − G∘I').choices(['symmetric', 'entries']).default('symmetric'))
    .option('--seed <n>', 'seed of the random instances used by verification', '1');
}

function program(): Command {
  const cli = new Command('matcalc')
    .description('Symbolic matrix calculus: parse, evaluate and differentiate matrix expressions.')
    .version(version, '-V, --version')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError()
    .option('--timeout <seconds>', 'stop work that runs longer than this', '60')
    .addOption(new Option('--syntax <syntax>', 'read expressions as text or LaTeX (default: LaTeX when they hold a backslash command)').choices(['text', 'latex']))
    .hook('preAction', (command) => {
      syntax = command.opts<{ syntax?: 'text' | 'latex' }>().syntax;
      const limit = Number(command.opts<{ timeout: string }>().timeout);
      if (!(limit > 0) || !Number.isFinite(limit)) throw new MatcalcError('value', `--timeout takes a number of seconds > 0, got ${command.opts<{ timeout: string }>().timeout.trim()}`);
      session = new Session({ timeLimit: limit });
    })
    .exitOverride();
  cli
    .command('parse')
    .description('print an expression in canonical text, Unicode and LaTeX, with the shape of every symbol')
    .argument('<expression>')
    .option('-w, --where <declarations>', 'declare kinds, sizes and assumptions, e.g. "A: n×n symmetric; a: scalar" (given twice: both, merged)', mergeWhere)
    .addOption(formatOption())
    .action(commandParse);
  derivativeCommand(cli, 'grad', 'the gradient ∂f/∂X of a scalar expression, simplified and verified numerically').action(commandDerivative(deriveGradient));
  derivativeCommand(cli, 'jacobian', 'J = ∂vec(F)/∂vec(X)ᵀ (|F|×|X|, column-major vec; for vectors rows = outputs), verified').action(commandDerivative(deriveJacobian));
  derivativeCommand(cli, 'hessian', 'H = ∂²f/∂vec(X)∂vec(X)ᵀ of a scalar f (the Jacobian of its gradient), verified')
    .option('--wrt2 <variable>', 'the mixed second derivative ∂²f/∂vec(X)∂vec(Y)ᵀ')
    .action(commandDerivative(deriveHessian));
  cli
    .command('check')
    .description('is CLAIM the derivative of EXPR w.r.t. VAR? If not, why (exit 0 correct, 3 incorrect); or check every derivation in FILE')
    .argument('<expression-or-file>')
    .argument('[variable]')
    .argument('[claim]')
    .option('-w, --where <declarations>', 'declare kinds, sizes and assumptions (given twice: both, merged)', mergeWhere)
    .addOption(formatOption())
    .addOption(new Option('--jacobian', 'CLAIM is the Jacobian ∂vec(F)/∂vec(X)ᵀ (for a FILE: its lines without a kind… all have one)').conflicts('hessian'))
    .option('--hessian', 'CLAIM is the Hessian ∂²f/∂vec(X)∂vec(X)ᵀ')
    .option('--seed <n>', 'seed of the random instances the numeric decision uses', '1')
    .addOption(new Option('--layout <layout>', "a FILE's gradients: auto (a claim exactly in numerator layout is right in that layout; the default for documents), numerator or denominator (the default for batch files)").choices(['auto', 'numerator', 'denominator']))
    .action((first: string, variable: string | undefined, claim: string | undefined, options: CheckFlags) => {
      checkExit = commandCheck(first, variable, claim, options);
    });
  cli
    .command('diff')
    .description('the differential df of an expression w.r.t. a variable')
    .argument('<expression>')
    .argument('<variable>')
    .option('-w, --where <declarations>', 'declare kinds, sizes and assumptions (given twice: both, merged)', mergeWhere)
    .addOption(formatOption())
    .action(commandDiff);
  cli
    .command('eval')
    .description('evaluate an expression on values from a JSON file')
    .argument('<expression>')
    .option('-w, --where <declarations>', 'declare kinds, sizes and assumptions (given twice: both, merged)', mergeWhere)
    .option('--at <values>', 'a JSON object of values (a file, - for standard input, or the JSON itself): scalars as numbers, vectors as flat arrays, matrices as arrays of rows')
    .addOption(formatOption())
    .action(commandEval);
  cli
    .command('web')
    .description('serve the playground page (dist/web) on 127.0.0.1; it also works opened as a file')
    .option('--port <n>', 'the port (0: any free port; default 8421, or a free one when that is taken)')
    .action(commandWeb);
  return cli;
}

/** `-x'x` is an expression, not an option: a leading space keeps commander from reading
 *  it as one (the parser ignores the space). Option-shaped words (`-x`, `--at`) stay. */
function protectExpressions(argv: string[], flags: ReadonlySet<string>): string[] {
  const end = argv.indexOf('--');
  // A word shaped like an option that is none of ours (-x, -y'y) is an expression too.
  const isFlag = (arg: string): boolean => /^--?[A-Za-z][\w-]*(=.*)?$/.test(arg) && flags.has(arg.split('=')[0]!);
  return argv.map((arg, i) => ((end < 0 || i < end) && /^-/.test(arg) && !isFlag(arg) ? ' ' + arg : arg));
}

/** Every option flag the program knows, short and long. */
function knownFlags(cli: Command): Set<string> {
  const flags = new Set(['-h', '--help', '-V', '--version']);
  for (const command of [cli, ...cli.commands]) for (const option of command.options) for (const flag of [option.short, option.long]) if (flag) flags.add(flag);
  for (const command of cli.commands) for (const option of command.options) if (option.negate && option.long) flags.add(option.long);
  return flags;
}

/** The one session of this run: its deadline is --timeout, set before the command runs. */
let session = new Session();
/** --syntax: how expressions are read (default: LaTeX when they hold a backslash command). */
let syntax: 'text' | 'latex' | undefined;
const syntaxOption = (): { syntax?: 'text' | 'latex' } => (syntax ? { syntax } : {});

/** Set by `check`: its verdict is an exit code of its own (3: incorrect). */
let checkExit: number = EXIT.ok;

function main(rawArgv: string[]): number {
  const cli = program();
  const argv = protectExpressions(rawArgv, knownFlags(cli));
  // Each command has its own output settings (commander copies them when a command is made).
  for (const command of [cli, ...cli.commands]) command.configureOutput({ writeOut: out, writeErr: err, outputError: (text, write) => write(red(text)) });
  for (const command of cli.commands) command.exitOverride();
  try {
    // A fault on purpose, so the tests can see how a bug of ours is reported (README).
    if (process.env.MATCALC_FAULT === 'internal') throw new TypeError('a fault injected by MATCALC_FAULT=internal');
    cli.parse(argv, { from: 'user' });
    return checkExit;
  } catch (error) {
    if (error instanceof MatcalcError && error.kind === 'internal') return reportInternal(error.cause ?? error, rawArgv);
    if (error instanceof MatcalcError) {
      err(formatError(error) + '\n');
      if (error.kind === 'limit' && error.message.startsWith('stopped after the time limit')) return EXIT.timeout;
      if (error.kind === 'verification') {
        err(describeVerification(error.report as Verification) + '\n');
        return EXIT.verification;
      }
      return EXIT.input;
    }
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      if (error.code === 'commander.unknownOption' && argv.some((a) => a.startsWith('-') && /['*()]/.test(a))) {
        err("hint: an expression that starts with '-' goes after --, e.g. matcalc eval -- \"-x'x\" --at v.json\n");
      }
      return error.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    if (error instanceof OutputFailed) {
      // Said on standard error unless that is what failed.
      if (error.fd === 1) tryWrite(() => errLine(`error: ${error.message}`));
      return EXIT.input;
    }
    return reportInternal(error, rawArgv);
  }
}

const tryWrite = (write: () => void): void => {
  try {
    write();
  } catch {
    // Nowhere left to say it.
  }
};

/** A bug of ours, not the user's input: said so, with the command that reproduces it. */
function reportInternal(error: unknown, argv: readonly string[]): number {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const command = ['matcalc', ...argv.map((a) => (/^[\w.=:/-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))].join(' ');
  err(`internal error — this is a bug in matcalc: ${message}\nto reproduce: ${command}\nplease report it with that command\n`);
  return EXIT.internal;
}

process.exitCode = main(process.argv.slice(2));
