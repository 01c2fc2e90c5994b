// npm run bench:startup: how much longer `matcalc grad "x'Ax" x` (with its verification)
// takes than a bare `node -e 0` (issue 17's target: at most 1.5×). Whole processes, started
// in turn (A B A B …, the order of each pair alternating) so that the machine's drift moves
// both; the ratio is taken pair by pair and its median reported, for three rounds. Also
// `--version` (loading the bundle alone). Writes bench/startup-results.md.
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';

const PAIRS = 15;
const ROUNDS = 3;
const TARGET = 1.5;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Wall seconds of one whole run of `node args`, output discarded. */
function time(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(run.status)}`);
  return seconds;
}

interface Round {
  readonly ratio: number;
  readonly command: number;
  readonly bare: number;
}

function round(args: readonly string[]): Round {
  const bare = ['-e', '0'];
  time(args); // warm the file cache
  time(bare);
  const ratios: number[] = [];
  const commands: number[] = [];
  const bares: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    let command: number;
    let baseline: number;
    if (i % 2 === 0) {
      command = time(args);
      baseline = time(bare);
    } else {
      baseline = time(bare);
      command = time(args);
    }
    commands.push(command);
    bares.push(baseline);
    ratios.push(command / baseline);
  }
  return { ratio: median(ratios), command: median(commands), bare: median(bares) };
}

function main(): void {
  const grad = ['bin/matcalc.js', 'grad', "x'Ax", 'x'];
  const rounds = Array.from({ length: ROUNDS }, () => round(grad));
  const version = round(['bin/matcalc.js', '--version']);
  const kb = (file: string): string => (statSync(file).size / 1024).toFixed(0);
  const ratios = rounds.map((r) => r.ratio.toFixed(2) + '×').join(', ');
  const worst = Math.max(...rounds.map((r) => r.ratio));
  const lines = [
    '# Start-up',
    '',
    `\`npm run bench:startup\` (bench/startup.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: ${ROUNDS} rounds of ${PAIRS} interleaved pairs of whole-process runs; each round's median of the pairs' ratios.`,
    '',
    '| command | rounds: median ratio to `node -e 0` | its median wall time | `node -e 0` |',
    '|---|---|---:|---:|',
    `| \`matcalc grad "x'Ax" x\` (with verification) | ${ratios} | ${rounds.map((r) => (r.command * 1000).toFixed(0)).join(', ')} ms | ${rounds.map((r) => (r.bare * 1000).toFixed(0)).join(', ')} ms |`,
    `| \`matcalc --version\` | ${version.ratio.toFixed(2)}× | ${(version.command * 1000).toFixed(0)} ms | ${(version.bare * 1000).toFixed(0)} ms |`,
    '',
    `Target (issue 17): at most ${TARGET}× — ${worst <= TARGET ? 'met' : 'missed'} (the slowest round ${worst.toFixed(2)}×). dist/cli.cjs ${kb('dist/cli.cjs')} KB, its code cache ${kb('dist/cli.cjs.cache')} KB.`,
    '',
  ];
  writeFileSync('bench/startup-results.md', lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

main();
