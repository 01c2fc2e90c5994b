// The browser the page tests and the web benchmark drive: Debian's chromium (or $CHROMIUM),
// headless, through playwright-core (no browser download). Node side only: never in a
// bundle. Without a browser the tests skip on a developer's machine and fail under CI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import pw, { type Browser } from 'playwright-core';

export type { Browser, Page } from 'playwright-core';

export function browserPath(): string | undefined {
  if (process.env.CHROMIUM && existsSync(process.env.CHROMIUM)) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found !== '') return found;
  }
  return undefined;
}

export function launch(path: string): Promise<Browser> {
  return pw.chromium.launch({ executablePath: path, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
}

/** `matcalc web --port 0`, as a user starts it: resolves with the URL it prints. */
export function startServer(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/matcalc.js', 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
      if (url) resolve({ url, process: child });
    });
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`matcalc web exited (${code}): ${err}`)));
  });
}
