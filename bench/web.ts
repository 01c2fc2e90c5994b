// npm run bench:web: the playground's budgets (issue: page bundle ≤ 250 KB gzip including
// KaTeX; first result ≤ 1 s after navigation on this machine). Sizes are gzip -9 of what
// dist/web serves; the first result is the page's own mark 'matcalc:first-result' (set
// when the first answer is on the page), read over repeated fresh loads, served and as a
// file; warm derivations are the page's "derived in" times for the examples. Writes
// bench/web-results.md.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { browserPath, launch, startServer } from '../web/driver.js';

const RUNS = 9;
const BUDGET_KB = 250;
const BUDGET_FIRST_MS = 1000;
const DIR = 'dist/web';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const gz = (file: string): number => gzipSync(readFileSync(join(DIR, file)), { level: 9 }).length;

async function main(): Promise<void> {
  const code = ['index.html', 'page.js', 'style.css', 'katex/katex.min.css'];
  const sizes = code.map((file) => ({ file, raw: statSync(join(DIR, file)).size, gzip: gz(file) }));
  const bundle = sizes.reduce((sum, s) => sum + s.gzip, 0);
  const fonts = readdirSync(join(DIR, 'katex/fonts'));

  const chromium = browserPath();
  if (!chromium) throw new Error('no chromium (apt-get install -y --no-install-recommends chromium)');
  const [browser, server] = await Promise.all([launch(chromium), startServer()]);
  const url = server.url;
  const fontsLoaded = new Set<string>();
  const first = async (base: string): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('request', (r) => {
        if (r.url().endsWith('.woff2')) fontsLoaded.add(r.url().split('/').pop()!);
      });
      await page.goto(`${base}#f=x'Ax&wrt=x`);
      await page.waitForFunction(() => performance.getEntriesByName('matcalc:first-result').length > 0);
      times.push(await page.evaluate(() => performance.getEntriesByName('matcalc:first-result')[0]!.startTime));
      await context.close();
    }
    return times;
  };
  const served = await first(`${url}index.html`);
  const asFile = await first(pathToFileURL(resolve(DIR, 'index.html')).href);

  // Warm: each example in one page, as a user goes through the menu.
  const page = await browser.newPage();
  await page.goto(`${url}index.html`);
  await page.waitForFunction(() => performance.getEntriesByName('matcalc:first-result').length > 0);
  const count = await page.locator('#examples option').count();
  const warm: { title: string; ms: number }[] = [];
  for (let i = 0; i < count - 1; i++) {
    await page.evaluate(() => (document.getElementById('status')!.textContent = ''));
    await page.selectOption('#examples', String(i));
    await page.waitForFunction(() => /^derived in \d+ ms$/.test(document.getElementById('status')!.textContent ?? ''));
    const ms = Number((await page.locator('#status').textContent())!.match(/\d+/)![0]);
    warm.push({ title: (await page.locator(`#examples option[value="${i}"]`).textContent())!, ms });
  }
  await browser.close();
  server.process.kill();

  const fontBytes = [...fontsLoaded].reduce((sum, f) => sum + statSync(join(DIR, 'katex/fonts', f)).size, 0);
  const firstServed = median(served);
  const firstFile = median(asFile);
  const lines = [
    '# Playground benchmark', '',
    `Chromium ${spawnSync(chromium, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^Chromium /, '')}, headless; ${RUNS} fresh loads each; ${new Date().toISOString().slice(0, 10)}.`, '',
    '## Size (gzip -9)', '',
    '| file | bytes | gzip (KB) |', '|---|---:|---:|',
    ...sizes.map((s) => `| ${s.file} | ${s.raw} | ${kb(s.gzip)} |`),
    `| **page: HTML, JS (with the worker and KaTeX), CSS** | | **${kb(bundle)}** |`, '',
    `Budget ≤ ${BUDGET_KB} KB: ${bundle / 1024 <= BUDGET_KB ? 'met' : 'MISSED'}.`,
    `KaTeX's woff2 fonts (already compressed) are fetched only when a glyph needs one: ${fontsLoaded.size} of ${fonts.length} for the first result (${kb(fontBytes)} KB: ${[...fontsLoaded].sort().join(', ')}).`, '',
    '## First result after navigation (ms, the page\'s mark)', '',
    '| opened | median | min | max |', '|---|---:|---:|---:|',
    `| served (matcalc web) | ${firstServed.toFixed(0)} | ${Math.min(...served).toFixed(0)} | ${Math.max(...served).toFixed(0)} |`,
    `| as a file | ${firstFile.toFixed(0)} | ${Math.min(...asFile).toFixed(0)} | ${Math.max(...asFile).toFixed(0)} |`, '',
    `Budget ≤ ${BUDGET_FIRST_MS} ms: ${Math.max(firstServed, firstFile) <= BUDGET_FIRST_MS ? 'met' : 'MISSED'}.`, '',
    '## Warm derivations (the page\'s "derived in", worker time incl. verification)', '',
    '| example | ms |', '|---|---:|', ...warm.map((w) => `| ${w.title} | ${w.ms} |`), '',
  ];
  writeFileSync('bench/web-results.md', lines.join('\n'));
  console.log(lines.join('\n'));
}

await main();
