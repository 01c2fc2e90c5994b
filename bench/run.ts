// npm run bench: derivation time, memory, result DAG size and printed length for the
// families of bench/families.ts at N = 1, 2, 4, … 1024; the fitted growth exponent; and,
// when python3 has sympy, SymPy's time on the same expression. Writes bench/results.md.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dagSize } from '../src/expr/node.js';
import { grad } from '../src/index.js';
import { FAMILIES } from './families.js';

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const SYMPY_LIMIT_SECONDS = 60;
/** A family stops growing N once one derivation takes longer than this (so the run ends). */
const MATCALC_LIMIT_MS = 5_000;
const quick = process.argv.includes('--quick');
const maxN = quick ? 128 : 1024;

interface Row { n: number; ms: number; heapMb: number; dag: number; printed: number; sympyMs?: number | 'timeout' | 'error' }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function hasSympy(): boolean {
  const probe = spawnSync('python3', ['-c', 'import sympy'], { encoding: 'utf8' });
  return probe.status === 0;
}

function sympyTime(code: string): number | 'timeout' | 'error' {
  const script = `import time\n${code}\nt = time.perf_counter()\nd = f.diff(v)\nprint((time.perf_counter() - t) * 1000)\n`;
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: SYMPY_LIMIT_SECONDS * 1000 });
  if (result.error || result.signal) return 'timeout';
  if (result.status !== 0) return 'error';
  return Number(result.stdout.trim());
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

const sympy = !process.argv.includes('--no-sympy') && hasSympy();
const only = process.argv.find((a) => a.startsWith('--family='));

/** One family in this process: its table lines, printed for the parent to collect. */
function runFamily(family: (typeof FAMILIES)[number]): string[] {
  const lines: string[] = [];

  const rows: Row[] = [];
  let sympyStopped = !sympy;
  for (const n of SIZES.filter((s) => s <= maxN)) {
    if (rows.length > 0 && rows[rows.length - 1]!.ms > MATCALC_LIMIT_MS) break;
    const text = family.text(n);
    const repeats = n <= 64 ? 5 : rows[rows.length - 1]!.ms > 1000 ? 1 : 3;
    const times: number[] = [];
    let result: ReturnType<typeof grad> | undefined;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    let failure: string | undefined;
    for (let r = 0; r < repeats && !failure; r++) {
      const start = performance.now();
      try {
        result = grad(text, family.variable, { verify: false });
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      times.push(performance.now() - start);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    if (failure) {
      lines.push(`(${family.name}: N = ${n} failed: ${failure})`);
      process.stderr.write(`${family.name} N=${n}: failed: ${failure}\n`);
      break;
    }
    const row: Row = { n, ms: median(times), heapMb: (heapPeak - heapBefore) / 2 ** 20, dag: dagSize(result!.expr), printed: result!.text.length };
    if (!sympyStopped) {
      row.sympyMs = sympyTime(family.sympy(n));
      if (row.sympyMs === 'timeout' || row.sympyMs === 'error') sympyStopped = true;
    }
    rows.push(row);
    process.stderr.write(`${family.name} N=${n}: ${row.ms.toFixed(2)} ms${row.sympyMs !== undefined ? `, sympy ${typeof row.sympyMs === 'number' ? row.sympyMs.toFixed(1) + ' ms' : row.sympyMs}` : ''}\n`);
  }
  lines.push(`## ${family.name}`, '', '| N | time (ms) | heap (MB) | DAG nodes | printed chars | SymPy (ms) | SymPy / matcalc |', '|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const s = r.sympyMs === undefined ? '' : typeof r.sympyMs === 'number' ? r.sympyMs.toFixed(1) : r.sympyMs;
    const ratio = typeof r.sympyMs === 'number' ? (r.sympyMs / r.ms).toFixed(0) + '×' : '';
    lines.push(`| ${r.n} | ${r.ms.toFixed(2)} | ${r.heapMb.toFixed(1)} | ${r.dag} | ${r.printed} | ${s} | ${ratio} |`);
  }
  const largest = rows[rows.length - 1]!;
  if (largest.n < maxN) lines.push('', `Stopped after N = ${largest.n}: one derivation took over ${MATCALC_LIMIT_MS / 1000} s.`);
  lines.push('', `Growth exponent (N ≥ 16): time ${exponent(rows, (r) => r.ms).toFixed(2)}, DAG ${exponent(rows, (r) => r.dag).toFixed(2)}, printed ${exponent(rows, (r) => r.printed).toFixed(2)}; N = ${largest.n}: ${largest.ms.toFixed(0)} ms.`, '');
  return lines;
}

const lines: string[] = ['# matcalc benchmark', '', `Node ${process.version}; ${sympy ? 'SymPy comparison on' : 'no SymPy (python3 with sympy not found)'}; verification off; time is the median of repeats; each family in a fresh process.`, ''];
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
const report = lines.join('\n');
writeFileSync('bench/results.md', report + '\n');
console.log(report);
