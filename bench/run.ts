// npm run bench: for the families of bench/families.ts at N = 1, 2, 4, … 1024, the time of
// each stage of a gradient (parse, derive = differentiate + isolate + simplify, print), the
// heap the derivation keeps, the result's DAG size and printed length, the fitted growth
// exponents; and, when python3 has sympy, SymPy's f.diff(v) on the same expression, whose
// timer covers differentiation only — so the ratio is taken against matcalc's derive
// stage, and the whole text-to-text time is reported beside it. Writes bench/results.md.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { derive as runPipeline } from '../src/derive.js';
import { dagSize } from '../src/expr/node.js';
import { grad } from '../src/index.js';
import { Session, within } from '../src/session.js';
import { FAMILIES, type Family, inlineNetwork, network } from './families.js';

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** Variants (symbol sets) the warm-up uses: none of the measured ones. */
const WARM_UP_VARIANT = 20;
const SYMPY_LIMIT_SECONDS = 60;
/** A family stops growing N once one derivation takes longer than this (so the run ends). */
const MATCALC_LIMIT_MS = 5_000;
const quick = process.argv.includes('--quick');
const maxN = quick ? 128 : 1024;

interface Stages { parse: number; derive: number; print: number; total: number }
interface Row extends Stages { n: number; heapMb: number; peakMb: number; dag: number; printed: number; sympyMs?: number | 'timeout' | 'error' | 'wrong' }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function hasSympy(): boolean {
  const probe = spawnSync('python3', ['-c', 'import sympy'], { encoding: 'utf8' });
  return probe.status === 0;
}

/** SymPy's answer checked against central differences of f at random values (for matrix
 *  symbols, random 3×3 matrices; for explicit matrices, random entries): prints 'right' or
 *  'wrong <deviation>'. */
const SYMPY_CHECK = `
import numpy as np
from sympy import Matrix, MatrixSymbol
rng = np.random.default_rng(7)
entries = list(v) if isinstance(v, Matrix) else None
values = {}
for s in sorted(f.free_symbols | ({v} if entries is None else set(entries)), key=str):
    values[s] = Matrix(rng.standard_normal(s.shape) / 2) if isinstance(s, MatrixSymbol) else float(rng.standard_normal() / 2)
def number(e, at):
    r = e.subs(at).doit()
    return float(r[0, 0]) if getattr(r, 'shape', None) == (1, 1) else float(r)
def as_array(e, at):
    r = e.subs(at).doit()
    return np.array(r.tolist() if hasattr(r, 'tolist') else r, dtype=float)
shape = (len(entries),) if entries is not None else v.shape
fd = np.zeros(shape)
for index in np.ndindex(shape):
    at = dict(values)
    step = 1e-6
    if entries is not None:
        s = entries[index[0]]
        at[s] = values[s] + step; plus = number(f, at)
        at[s] = values[s] - step; minus = number(f, at)
    else:
        e = np.zeros(shape); e[index] = step
        at[v] = Matrix(np.array(values[v].tolist(), dtype=float) + e); plus = number(f, at)
        at[v] = Matrix(np.array(values[v].tolist(), dtype=float) - e); minus = number(f, at)
    fd[index] = (plus - minus) / (2 * step)
got = as_array(d, values)
if got.size != fd.size:
    print('wrong shape', got.shape)
else:
    deviation = float(np.max(np.abs(got.reshape(fd.shape) - fd)) / max(1.0, float(np.max(np.abs(fd)))))
    print('right' if deviation < 1e-5 else f'wrong {deviation:.2g}')
`;

type SympyOutcome = number | 'timeout' | 'error' | 'wrong';

/** SymPy's f.diff(v) time (ms); with check, its answer is also checked numerically. */
function sympyTime(code: string, check = false): SympyOutcome {
  const script = `import time\n${code}\nt = time.perf_counter()\nd = f.diff(v)\nprint((time.perf_counter() - t) * 1000)\n${check ? SYMPY_CHECK : ''}`;
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: SYMPY_LIMIT_SECONDS * 1000 });
  if (result.error || result.signal) return 'timeout';
  if (result.status !== 0) return 'error';
  const [time, verdict] = result.stdout.trim().split('\n');
  if (check && verdict !== 'right') return 'wrong';
  return Number(time);
}

/** Least-squares slope of log(y) on log(N) over N ≥ 16 (small N are noise). */
function exponent(rows: Row[], pick: (r: Row) => number): number {
  const points = rows.filter((r) => r.n >= 16 && pick(r) > 0).map((r) => [Math.log(r.n), Math.log(pick(r))] as const);
  if (points.length < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return num / den;
}

/** One gradient through the pipeline, in a session of its own, as `grad(text, wrt,
 *  { verify: false })` runs it; the record (and so its session) is returned, so that what it
 *  holds can be measured while it is alive. */
function derive(family: Family, n: number, variant: number): { stages: Stages; dag: number; printed: number; kept: unknown } {
  const session = new Session();
  const record = within(session, () => runPipeline({ kind: 'grad', text: family.text(n, variant), wrt: family.variable(variant), verify: false }));
  const t = record.times;
  const derive = t.derive + t.simplify;
  return { stages: { parse: t.parse, derive, print: t.print, total: t.parse + derive + t.print }, dag: dagSize(record.result), printed: record.text.length, kept: record };
}

const sympy = !process.argv.includes('--no-sympy') && hasSympy();
const only = process.argv.find((a) => a.startsWith('--family='));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** One family in this process: its table lines, printed for the parent to collect. */
function runFamily(family: Family): string[] {
  const lines: string[] = [];
  // Steady state, as SymPy (no JIT) is from its first call: the JIT warmed on small
  // members of the family, in symbols of their own, before anything is timed.
  for (const n of [1, 2, 4, 8, 16]) for (let r = 0; r < 3; r++) derive(family, n, WARM_UP_VARIANT + r);
  const rows: Row[] = [];
  for (const n of SIZES.filter((s) => s <= maxN)) {
    if (rows.length > 0 && rows[rows.length - 1]!.total > MATCALC_LIMIT_MS) break;
    // Every repeat is a first derivation: its own symbols, nothing of it interned yet.
    const repeats = n <= 64 ? 9 : rows[rows.length - 1]!.total > 1000 ? 1 : 5;
    const measured: ReturnType<typeof derive>[] = [];
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let failure: string | undefined;
    for (let r = 0; r < repeats && !failure; r++) {
      try {
        measured.push(derive(family, n, r));
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
    gc();
    // The records are alive here (measured holds them): what one derivation keeps.
    const retained = (process.memoryUsage().heapUsed - heapBefore) / repeats;
    if (failure) {
      lines.push(`(${family.name}: N = ${n} failed: ${failure})`);
      process.stderr.write(`${family.name} N=${n}: failed: ${failure}\n`);
      break;
    }
    const stage = (pick: (s: Stages) => number): number => median(measured.map((m) => pick(m.stages)));
    const row: Row = {
      n, parse: stage((s) => s.parse), derive: stage((s) => s.derive), print: stage((s) => s.print), total: stage((s) => s.total),
      heapMb: Math.max(retained, 0) / 2 ** 20, peakMb: process.resourceUsage().maxRSS / 1024, dag: measured[0]!.dag, printed: measured[0]!.printed,
    };
    rows.push(row);
    process.stderr.write(`${family.name} N=${n}: derive ${row.derive.toFixed(2)} ms, total ${row.total.toFixed(2)} ms\n`);
  }
  // SymPy after matcalc, not between its sizes: idle for seconds while SymPy runs, this
  // process would resume with a heap V8 has shrunk, and time that instead of matcalc.
  // SymPy's answer is checked at N = 3 first: a wrong answer is not a baseline.
  const sympyAtThree = sympy ? sympyTime(family.sympy(3), true) : undefined;
  if (sympyAtThree !== undefined) process.stderr.write(`${family.name} N=3: sympy check ${typeof sympyAtThree === 'number' ? 'right' : sympyAtThree}\n`);
  for (const row of sympy && typeof sympyAtThree === 'number' ? rows : []) {
    row.sympyMs = sympyTime(family.sympy(row.n));
    process.stderr.write(`${family.name} N=${row.n}: sympy ${typeof row.sympyMs === 'number' ? row.sympyMs.toFixed(1) + ' ms' : row.sympyMs}\n`);
    if (row.sympyMs === 'timeout' || row.sympyMs === 'error') break;
  }
  lines.push(
    `## ${family.name}`, '',
    '| N | parse (ms) | derive (ms) | print (ms) | total (ms) | heap kept (MB) | peak RSS (MB) | DAG nodes | printed chars | SymPy diff (ms) | SymPy / derive |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    const s = r.sympyMs === undefined ? '' : typeof r.sympyMs === 'number' ? r.sympyMs.toFixed(1) : r.sympyMs;
    const ratio = typeof r.sympyMs === 'number' ? (r.sympyMs / r.derive).toFixed(0) + '×' : '';
    lines.push(`| ${r.n} | ${r.parse.toFixed(2)} | ${r.derive.toFixed(2)} | ${r.print.toFixed(2)} | ${r.total.toFixed(2)} | ${r.heapMb.toFixed(2)} | ${r.peakMb.toFixed(0)} | ${r.dag} | ${r.printed} | ${s} | ${ratio} |`);
  }
  const largest = rows[rows.length - 1]!;
  if (largest.n < maxN) lines.push('', `Stopped after N = ${largest.n}: one derivation took over ${MATCALC_LIMIT_MS / 1000} s.`);
  const finished = rows.filter((r) => typeof r.sympyMs === 'number');
  const last = finished[finished.length - 1];
  const sympySaid = sympyAtThree === undefined || typeof sympyAtThree === 'number' ? '' : `; SymPy ${sympyAtThree === 'wrong' ? 'wrong' : 'failed'} (its derivative at N = 3 ${sympyAtThree === 'wrong' ? 'disagrees with finite differences' : sympyAtThree === 'timeout' ? 'took over the time limit' : 'raised an error'}: no SymPy times)`;
  const versus = sympySaid !== '' ? sympySaid : last ? `; SymPy's largest N = ${last.n}: ${(last.sympyMs as number).toFixed(0)} ms, ${((last.sympyMs as number) / last.derive).toFixed(0)}× matcalc's derive (${((last.sympyMs as number) / last.total).toFixed(0)}× its total)` : '';
  lines.push('', `Growth exponents (N ≥ 16): time ${exponent(rows, (r) => r.total).toFixed(2)}, heap ${exponent(rows, (r) => r.heapMb).toFixed(2)}, DAG ${exponent(rows, (r) => r.dag).toFixed(2)}, printed ${exponent(rows, (r) => r.printed).toFixed(2)}; N = ${largest.n}: ${largest.total.toFixed(0)} ms total${versus}.`, '');
  return lines;
}

const lines: string[] = [
  '# matcalc benchmark', '',
  `Node ${process.version}; ${sympy ? 'SymPy comparison on' : 'no SymPy (python3 with sympy not found)'}; verification off; each family in a fresh process.`,
  'Times are medians over repeats, each a first derivation (the symbols renamed, so nothing is interned yet), after the JIT has warmed on small members of the family.',
  "*derive* is differentiation, isolation and simplification — what SymPy's timed `f.diff(v)` does; *total* adds parsing the text and printing the result (with the check that it reads back).",
  '*heap kept* is what one derivation holds on the heap after a garbage collection while its result is alive (its session: the nodes it built); *peak RSS* is the process\'s high-water mark so far (N grows within a family\'s process, so it is the peak at that N, Node\'s own ~50 MB included).', '',
];

/** 100,000 distinct gradients one after another through the library, each in the fresh
 *  session a call gets: the heap after a garbage collection, every 10,000, must stay flat. */
function runSessions(): string[] {
  const total = quick ? 20_000 : 100_000;
  const rows: { count: number; heapMb: number; ms: number }[] = [];
  const start = performance.now();
  for (let i = 1; i <= total; i++) {
    const result = grad(`sum(tanh(W${i}*x${i})) + x${i}'*A${i}*x${i}`, `x${i}`, { verify: false });
    if (result.text.length === 0) throw new Error('empty result');
    if (i % 10_000 === 0) {
      gc();
      rows.push({ count: i, heapMb: process.memoryUsage().heapUsed / 2 ** 20, ms: performance.now() - start });
      process.stderr.write(`sessions: ${i} gradients, heap ${rows[rows.length - 1]!.heapMb.toFixed(1)} MB\n`);
    }
  }
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const growth = (100 * (last.heapMb - first.heapMb)) / first.heapMb;
  return [
    '## Sessions: one process, distinct gradients one after another', '',
    `Each \`grad(\"sum(tanh(Wi*xi)) + xi'*Ai*xi\", \"xi\", { verify: false })\` with symbols of its own (i = 1, 2, …), in the fresh session a call gets; the heap after a garbage collection every 10,000.`, '',
    '| gradients | heap after GC (MB) | elapsed (s) |', '|---:|---:|---:|',
    ...rows.map((r) => `| ${r.count} | ${r.heapMb.toFixed(1)} | ${(r.ms / 1000).toFixed(1)} |`),
    '', `Heap growth from ${first.count} to ${last.count}: ${growth.toFixed(1)}% (target: under 10%).`, '',
  ];
}

/** Long chains (issue 17): the network written inline and as a where chain, to N = 10,000
 *  (one first derivation each, after a warm-up); the exponent fitted over N. */
function runLong(): string[] {
  const sizes = quick ? [256, 512, 1024] : [1250, 2500, 5000, 10_000];
  const kinds: [string, (n: number, v: number) => string][] = [['inline', inlineNetwork], ['where chain', network]];
  const out = ['## Long chains: the network sum(tanh(WN … tanh(W1 x))), ∂/∂W1, inline and as a where chain', '', '| N | inline (ms) | where chain (ms) |', '|---:|---:|---:|'];
  const times: Record<string, number[]> = { inline: [], 'where chain': [] };
  for (const [, text] of kinds) grad(text(64, WARM_UP_VARIANT), numbered1(WARM_UP_VARIANT), { verify: false });
  for (const n of sizes) {
    for (const [name, text] of kinds) {
      gc();
      const t = performance.now();
      grad(text(n, 0), numbered1(0), { verify: false });
      times[name]!.push(performance.now() - t);
      process.stderr.write(`long ${name} N=${n}: ${times[name]![times[name]!.length - 1]!.toFixed(0)} ms\n`);
    }
    out.push(`| ${n} | ${times.inline![times.inline!.length - 1]!.toFixed(0)} | ${times['where chain']![times['where chain']!.length - 1]!.toFixed(0)} |`);
  }
  const fit = (ys: number[]): number => exponent(sizes.map((n, i) => ({ n: Math.max(n, 16), total: ys[i]! }) as Row), (r) => r.total);
  out.push('', `Growth exponents: inline ${fit(times.inline!).toFixed(2)}, where chain ${fit(times['where chain']!).toFixed(2)}.`, '');
  return out;
}
const numbered1 = (variant: number): string => FAMILIES[1]!.variable(variant);

if (process.argv.includes('--long')) {
  process.stdout.write(JSON.stringify(runLong()));
  process.exit(0);
}
if (process.argv.includes('--sessions')) {
  process.stdout.write(JSON.stringify(runSessions()));
  process.exit(0);
}
if (only) {
  process.stdout.write(JSON.stringify(runFamily(FAMILIES[Number(only.split('=')[1])]!)));
  process.exit(0);
}
// Each family in its own process: the intern table of one does not weigh on the next.
const script = fileURLToPath(import.meta.url);
FAMILIES.forEach((family, index) => {
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', script, `--family=${index}`, ...process.argv.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  if (child.status === 0) lines.push(...(JSON.parse(child.stdout) as string[]));
  else lines.push(`## ${family.name}`, '', `(the run ended abnormally: exit ${child.status ?? child.signal}; see the log)`, '');
});
{
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', script, '--long', ...process.argv.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  if (child.status === 0) lines.push(...(JSON.parse(child.stdout) as string[]));
  else lines.push('## Long chains', '', `(the run ended abnormally: exit ${child.status ?? child.signal}; see the log)`, '');
}
{
  const child = spawnSync(process.execPath, ['--expose-gc', script, '--sessions', ...process.argv.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  if (child.status === 0) lines.push(...(JSON.parse(child.stdout) as string[]));
  else lines.push('## Sessions', '', `(the run ended abnormally: exit ${child.status ?? child.signal}; see the log)`, '');
}
const report = lines.join('\n');
writeFileSync('bench/results.md', report + '\n');
console.log(report);
