// The command line as a user runs it: the built bundle, real arguments, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';

const run = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['bin/matcalc.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

const dir = mkdtempSync(join(tmpdir(), 'matcalc-'));
const values = join(dir, 'v.json');
writeFileSync(values, JSON.stringify({ x: [1, 2], A: [[1, 2], [3, 4]] }));

describe('matcalc parse', () => {
  test('prints canonical text, Unicode, LaTeX and every symbol shape', () => {
    const { code, out } = run('parse', "x'Ax");
    expect(code).toBe(0);
    expect(out).toBe(["text:    x'*A*x", 'unicode: xᵀAx', 'latex:   x^{\\top} A x', 'shape:   1×1', 'symbols: x: n×1, A: n×n', ''].join('\n'));
  });
  test('--format latex and json, --where', () => {
    expect(run('parse', 'tr(AB)', '--format', 'latex').out.trim()).toBe('\\operatorname{tr}\\left(A B\\right)');
    const json = JSON.parse(run('parse', 'X*y', '--where', 'X: 3×4', '--format', 'json').out);
    expect(json.symbols).toEqual({ X: '3×4', y: '4×1' });
    expect(json.text).toBe('X*y');
  });
  test('an expression that starts with a minus sign', () => {
    expect(run('parse', "-x'x", '--format', 'text').out).toContain("text:    -x'*x");
    expect(run('parse', '--', "-x'x").out).toContain("text:    -x'*x");
  });
});

describe('matcalc eval', () => {
  test("x'Ax at values.json", () => {
    const { code, out } = run('eval', "x'Ax", '--at', values);
    expect(code).toBe(0);
    expect(out.trim()).toBe('27');
  });
  test('vectors and matrices print in the input convention; json too', () => {
    expect(run('eval', 'A*x', '--at', values).out.trim()).toBe('[5, 11]');
    expect(run('eval', "A'", '--at', values).out).toBe('[\n  [1, 3],\n  [2, 4]\n]\n');
    expect(JSON.parse(run('eval', 'A*x', '--at', values, '--format', 'json').out)).toEqual({ input: 'A*x', value: [5, 11] });
  });
});

describe('errors: a message with a caret, exit 1, never a stack trace', () => {
  test.each([
    [['parse', 'tr(AB))'], "error: unexpected ')' at column 7\n  tr(AB))\n        ^\nexpected an operator or the end of the expression\n"],
    [['parse', "x'A", '--where', 'A: m×n; x: n'], "error: shape mismatch in product: x' is 1×n, A is m×n\n  x'A\n    ^\n"],
    [['parse', 'foo(x)'], "error: unknown function 'foo'\n  foo(x)\n  ^^^\n"],
    [['parse', ''], 'error: empty expression\n'],
    [['parse', 'A', '--where', 'A: m×n frob'], "error: unknown word 'frob' in the declaration of A\n  A: m×n frob\n         ^^^^\n"],
    [['eval', "x'Ax", '--at', '/nonexistent.json'], 'error: cannot read the values file /nonexistent.json\n'],
    [['eval', "x'Ax", '--at', values, '--where', 'x: 3'], "error: the value of x is 2×1, but x is declared 3\n  x'Ax\n  ^\n"],
    [['nonsense'], "error: unknown command 'nonsense'"],
  ])('%j', (args, expected) => {
    const { code, err, out } = run(...args);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.startsWith(expected)).toBe(true);
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe('help and version', () => {
  test('--help shows examples; --version the version', () => {
    const help = run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:');
    expect(help.out).toContain("matcalc parse \"x'Ax\"");
    expect(run('--version').out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('matcalc grad and diff', () => {
  test("grad x'Ax x prints (A + A')*x and its verification line", () => {
    const { code, out } = run('grad', "x'Ax", 'x');
    expect(code).toBe(0);
    const [result, verification] = out.trim().split('\n');
    expect(result).toBe("(A + A')*x");
    expect(verification).toMatch(/^verified: finite differences agree \(max rel\. error [\d.e+-]+ at n=2, seed 1; 2 draws × 3 directions\)$/);
  });
  test('--where, --format unicode and latex', () => {
    expect(run('grad', "x'Ax", 'x', '--where', 'A: symmetric').out.split('\n')[0]).toBe('2*A*x');
    expect(run('grad', "x'Ax", 'x', '--format', 'unicode').out.split('\n')[0]).toBe('(A + Aᵀ)x');
    const latex = run('grad', "x'Ax", 'x', '--format', 'latex').out.split('\n');
    expect(latex[0]).toBe('\\left(A + A^{\\top}\\right) x');
    expect(latex[1]).toMatch(/^% verified/);
  });
  test('--format json has input, wrt, result, verification (and steps with --steps)', () => {
    const json = JSON.parse(run('grad', 'tr(A*X*B)', 'X', '--format', 'json', '--steps').out);
    expect(json.input).toBe('tr(A*X*B)');
    expect(json.wrt).toBe('X');
    expect(json.result).toEqual({ text: "A'*B'", unicode: 'AᵀBᵀ', latex: 'A^{\\top} B^{\\top}' });
    expect(json.verification.status).toBe('verified');
    expect(json.verification.sizes).toEqual({ n: 2, m: 3, p: 4 });
    expect(json.steps.map((s: { label: string }) => s.label)).toEqual(['f', 'df', 'trace form', 'gradient']);
  });
  test('--steps prints the derivation with the rule names', () => {
    const out = run('grad', 'log(det(X))', 'X', '--steps').out;
    expect(out).toContain('    f = log(det(X))');
    expect(out).toContain('   df = tr(inv(X)*d(X))    [det, log]');
    expect(out).toContain("∂f/∂X = inv(X)'");
    const latex = run('grad', 'log(det(X))', 'X', '--steps', '--format', 'latex').out;
    expect(latex).toContain('\\begin{align*}');
    expect(latex).toContain('\\end{align*}');
  });
  test('--no-verify, --layout numerator, symmetric conventions', () => {
    expect(run('grad', "x'Ax", 'x', '--no-verify').out.split('\n')[1]).toBe('not verified (--no-verify)');
    expect(run('grad', "a'*X*b", 'X', '--layout', 'numerator').out.split('\n')[0]).toBe("b*a'");
    // Notes go to stderr: stdout is the result and its verification.
    const symmetric = run('grad', 'tr(A*X)', 'X', '--where', 'X: symmetric');
    expect(symmetric.err).toContain('note: X is symmetric: this is the gradient for the trace inner product');
    expect(symmetric.out).not.toContain('note:');
    const entries = run('grad', 'tr(A*X)', 'X', '--where', 'X: symmetric', '--symmetric-convention', 'entries').err;
    expect(entries).toContain("Matrix Cookbook's entrywise form");
  });
  test('an expression starting with - (with or without --)', () => {
    expect(run('grad', "-x'x", 'x').out.split('\n')[0]).toBe('-2*x');
    expect(run('grad', '--', "-x'x", 'x').out.split('\n')[0]).toBe('-2*x');
  });
  test('diff prints df', () => {
    expect(run('diff', "x'Ax", 'x').out.trim()).toBe("d(x)'*A*x + x'*A*d(x)");
  });
  test('unsupported and bad variables exit 1 with a message', () => {
    const unsupported = run('grad', 'A^k', 'A');
    expect(unsupported.code).toBe(1);
    expect(unsupported.err).toContain('A^k: a matrix power needs an integer exponent');
    expect(run('grad', "x'x", 'q').code).toBe(1);
  });
});

describe('code formats', () => {
  test('grad --format numpy prints a function', () => {
    const { code, out } = run('grad', "x'Ax", 'x', '--format', 'numpy');
    expect(code).toBe(0);
    expect(out).toMatch(/^import numpy as np\n/);
    expect(out).toContain('def f_and_grad(x, A):');
    expect(out).toContain('grad = (A + A.T) @ x');
  });

  test('jacobian --format ts and hessian --format torch', () => {
    expect(run('jacobian', 'A*X*B', 'X', '-f', 'ts').out).toContain('const J = kron(transpose(B), A);');
    expect(run('hessian', "x'Ax", 'x', '-f', 'torch').out).toContain('H = A + A.T');
  });

  test('code formats are refused where there is no derivative', () => {
    const { code, err } = run('parse', "x'Ax", '--format', 'numpy');
    expect(code).toBe(1);
    expect(err).toMatch(/numpy/);
  });
});

describe('the small things a user trips on (issue 18, items 8 and 9)', () => {
  const runWith = (input: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, ['bin/matcalc.js', ...args], { encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' } });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
  test('--at takes a file, - for standard input, or the JSON itself; a byte-order mark is fine', () => {
    expect(run('eval', "x'Ax", '--at', 'examples/values.json').out.trim()).toBe('27');
    expect(runWith('{"x": [1, 2], "A": [[1, 2], [3, 4]]}', 'eval', "x'Ax", '--at', '-').out.trim()).toBe('27');
    expect(run('eval', "x'x", '--at', '{"x": [3, 4]}').out.trim()).toBe('25');
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\uFEFF{"x": [3, 4]}');
    expect(run('eval', "x'x", '--at', bom).out.trim()).toBe('25');
  });
  test('--seed takes integers only; --timeout a positive number, and its message is clean', () => {
    const seed = run('grad', "x'x", 'x', '--seed', 'abc');
    expect([seed.code, seed.err.trim()]).toEqual([1, 'error: --seed takes an integer, got "abc"']);
    expect(run('grad', "x'x", 'x', '--seed', 'NaN').code).toBe(1);
    expect(run('--timeout', '-5', 'grad', "x'x", 'x').err.trim()).toBe('error: --timeout takes a number of seconds > 0, got -5');
    expect(run('--timeout', '0.5', 'grad', "x'x", 'x').code).toBe(0);
  });
  test('a second --where adds to the first; conflicting kinds are refused', () => {
    expect(run('parse', "x'A", '--where', 'x: n', '--where', 'A: n×m').out).toContain('symbols: x: n×1, A: n×m');
    const both = run('check', "x'Ax", 'x', '2*A*x', '--jacobian', '--hessian');
    expect(both.code).toBe(1);
    expect(both.err).toContain("cannot be used with option '--hessian'");
  });
  test('check says "correct" once, takes --seed, and a hessian of a vector says hessian', () => {
    expect(run('check', "x'Ax", 'x', "(A + A')*x").out.trim()).toBe("✓ correct (decided symbolically): the claim simplifies to the gradient (A + A')*x");
    expect(run('check', "x'Ax", 'x', '2*A*x', '--seed', '7').out).toContain('seed 7');
    expect(run('hessian', 'A*x', 'x').err).toContain('hessian needs a scalar expression');
  });
  test('check FILE takes --where as declarations for every line', () => {
    const file = join(dir, 'claims.md');
    writeFileSync(file, "grad x'*A*x wrt x = 2*A*x\n");
    expect(run('check', file).out).toContain('0 of 1 derivations hold');
    expect(run('check', file, '--where', 'A: symmetric').out).toContain('1 of 1 derivations hold');
  });
});

describe('--syntax (issue 14)', () => {
  test('latex reads an input without a backslash command as LaTeX; text keeps the text notation', () => {
    expect(run('--syntax', 'latex', 'parse', 'K_{n,m}').out.split('\n')[0]).toBe('text:    K(0_{n×m})');
    expect(run('parse', 'K_{n,m}').out.split('\n')[0]).not.toBe('text:    K(0_{n×m})');
    expect(run('--syntax', 'text', 'grad', "x'x", 'x').out.split('\n')[0]).toBe('2*x');
  });
});

describe('inputs that would block, abort or run for minutes (issue 18, item 6)', () => {
  const runInput = (input: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, ['bin/matcalc.js', ...args], { encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 2 ** 20 });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
  test('a FIFO, a device or a directory is refused before it is opened', () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(run('eval', "x'x", '--at', fifo)).toEqual({ code: 1, out: '', err: `error: ${fifo} is a FIFO: the values file must be a regular file (or - for standard input)\n` });
    expect(run('eval', "x'x", '--at', '/dev/zero').err).toBe('error: /dev/zero is a device: the values file must be a regular file (or - for standard input)\n');
    expect(run('check', fifo).err).toBe(`error: ${fifo} is a FIFO: a file to check must be a regular file (or - for standard input)\n`);
    expect(run('eval', "x'x", '--at', dir).err).toBe(`error: ${dir} is a directory: the values file must be a regular file (or - for standard input)\n`);
  });
  test('files are read up to a size, said in the message', () => {
    const big = join(dir, 'big.md');
    writeFileSync(big, '');
    truncateSync(big, 17 * 2 ** 20);
    expect(run('check', big)).toEqual({ code: 1, out: '', err: `error: ${big} is 17 MB; a file to check is read up to 16 MB\n` });
  });
  test('standard input: --at - and check -', () => {
    expect(runInput('{"x": [1, 2]}', 'eval', "x'x", '--at', '-').out).toBe('5\n');
    const checked = runInput("grad x'x wrt x = 2*x\n", 'check', '-');
    expect([checked.code, checked.out.trim().split('\n').pop()]).toEqual([0, '1 of 1 derivations hold']);
  });
  test('1 MB lines: prose, a run of spaces inside a derivation, a long expression', () => {
    const lines = join(dir, 'long.md');
    writeFileSync(lines, `${'x'.repeat(2 ** 20)}\ngrad x'x ${' '.repeat(2 ** 20)}wrt x = 2*x\n${'- '.repeat(2 ** 19)}grad x'x wrt x = 2*x\n`);
    const checked = run('check', lines);
    expect(checked.code).toBe(0);
    expect(checked.out.trim().split('\n').pop()).toBe('2 of 2 derivations hold');
    // An argument is at most 128 KB (the kernel's limit): 100 KB of blanks inside one.
    expect(run('parse', `x'${' '.repeat(100_000)}x`, '--format', 'unicode').out).toBe('xᵀx\n');
  });
});

describe('matcalc web', () => {
  test('a port that is not one is refused, with exit 1', () => {
    const r = run('web', '--port', 'eighty');
    expect(r.code).toBe(1);
    expect(r.err).toContain('--port takes a port number 0–65535, got "eighty"');
  });
  test('a port already taken is said so (an explicit --port does not move)', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['bin/matcalc.js', 'web', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    taken.close();
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot serve on 127.0.0.1:${port}`);
  });
});

// Output is written straight to the descriptors (cli-output.ts), not through node's streams.
describe('writing the output', () => {
  test('a reader that stops early ends the output quietly', () => {
    const head = spawnSync('sh', ['-c', `"${process.execPath}" bin/matcalc.js hessian "log det(X)" X --format numpy | head -1`], { encoding: 'utf8' });
    expect(head.stdout).toBe('import numpy as np\n');
    expect(head.stderr).toBe('');
    const closed = spawnSync('sh', ['-c', `"${process.execPath}" bin/matcalc.js check examples/lecture-notes.tex --format json | head -c 10 >/dev/null`], { encoding: 'utf8' });
    expect(closed.stderr).toBe('');
  });
  test('output that cannot be written is said, with exit 1, not reported as a bug', () => {
    const full = spawnSync('sh', ['-c', `"${process.execPath}" bin/matcalc.js grad "x'Ax" x > /dev/full`], { encoding: 'utf8' });
    expect(full.status).toBe(1);
    expect(full.stderr).toMatch(/^error: cannot write to standard output: ENOSPC/);
  });
  test('a large result reaches a slow reader whole', () => {
    const big = spawnSync('sh', ['-c', `"${process.execPath}" bin/matcalc.js jacobian "A*X*B*C*X" X --format ts | (sleep 0.3; wc -c)`], { encoding: 'utf8' });
    const direct = run('jacobian', 'A*X*B*C*X', 'X', '--format', 'ts');
    expect(direct.out.length).toBeGreaterThan(1000);
    expect(Number(big.stdout.trim())).toBe(Buffer.byteLength(direct.out));
  });
  test('errors are red on request (FORCE_COLOR) and plain under NO_COLOR', () => {
    const coloured = spawnSync(process.execPath, ['bin/matcalc.js', 'grad'], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(coloured.stderr).toContain('\x1b[31merror: missing required argument');
    expect(run('grad').err).toMatch(/^error: missing required argument/);
  });
});
