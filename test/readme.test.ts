// README's examples are true: every `$ matcalc …` in a code block of README.md runs, and
// prints what README shows under it (or after its →). A line `…` in README stands for
// lines it leaves out.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';

const dir = mkdtempSync(join(tmpdir(), 'matcalc-readme-'));

interface Example { readonly line: number; readonly args: string[]; readonly expected: string[]; readonly firstLineOnly: boolean }

/** A command line's words, as a POSIX shell splits "…" and '…'. */
function words(command: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === '"' || c === "'") {
      const close = command.indexOf(c, i + 1);
      current = (current ?? '') + command.slice(i + 1, close);
      i = close;
    } else if (c === ' ') {
      if (current !== undefined) out.push(current);
      current = undefined;
    } else current = (current ?? '') + c;
  }
  if (current !== undefined) out.push(current);
  return out;
}

function examples(): Example[] {
  const lines = readFileSync('README.md', 'utf8').split('\n');
  const found: Example[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      continue;
    }
    const command = inBlock ? /^\$ (?:npx )?matcalc (.*)$/.exec(line) : null;
    if (!command) continue;
    const [invocation, arrow] = command[1]!.split(/\s+→\s+/);
    if (arrow !== undefined) {
      found.push({ line: i + 1, args: words(invocation!.trim()), expected: [arrow.trim()], firstLineOnly: true });
      continue;
    }
    const expected: string[] = [];
    for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('$ ') && !lines[j]!.startsWith('```'); j++) expected.push(lines[j]!);
    while (expected.length > 0 && expected[expected.length - 1]!.trim() === '') expected.pop();
    found.push({ line: i + 1, args: words(invocation!.trim()), expected, firstLineOnly: false });
  }
  return found;
}

/** Whether the output matches README's lines, a `…` line standing for any lines. */
function matches(output: string[], expected: readonly string[]): boolean {
  const [head, ...rest] = expected;
  if (head === undefined) return output.length === 0;
  if (head.trim().startsWith('…')) return rest.length === 0 || output.some((_, k) => matches(output.slice(k), rest));
  return output[0] === head && matches(output.slice(1), rest);
}

const all = examples();

describe('README examples', () => {
  test('there are examples to run', () => expect(all.length).toBeGreaterThan(15));
  test.each(all.map((e) => [`README.md:${e.line} matcalc ${e.args.join(' ')}`, e] as const))('%s', (_, example) => {
    // stdout and stderr into one file, in the order they were written (notes go to stderr),
    // as a terminal shows them.
    const file = join(dir, `out-${example.line}`);
    const fd = openSync(file, 'w');
    spawnSync(process.execPath, ['bin/matcalc.js', ...example.args], { stdio: ['ignore', fd, fd], env: { ...process.env, NO_COLOR: '1' } });
    closeSync(fd);
    const output = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
    const shown = example.firstLineOnly ? output.slice(0, 1) : output;
    expect({ output: shown, ok: matches(shown, example.expected) }).toEqual({ output: shown, ok: true });
  });
});
