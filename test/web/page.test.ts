// The playground in a real browser (headless Chromium): served by `matcalc web` and opened
// as a file. Each test drives the page as a person would — types, picks, clicks — and
// compares what it shows with what the library answers for the same input.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { check, describeVerification, grad, hessian, jacobian, differential, stepsLatex, type DerivativeResult } from '../../src/index.js';
import { EXAMPLES } from '../../web/examples.js';
import { DEFAULT_STATE, DIFFERENTIAL_UNVERIFIED, stateToFragment, type State } from '../../web/protocol.js';
import { type Browser, browserPath, launch, type Page, startServer } from '../../web/driver.js';
import { thrown } from '../support/errors.js';

jest.setTimeout(60_000);

const path = browserPath();
const FILE_URL = pathToFileURL(resolve('dist/web/index.html')).href;

if (!path && process.env.CI) {
  test('a browser is installed (CI)', () => {
    throw new Error('no chromium: the page tests need one under CI (.ci/run installs Debian\'s chromium)');
  });
}

(path ? describe : describe.skip)('the playground in Chromium', () => {
  let browser: Browser;
  let server: { url: string; process: ChildProcess };
  /** What went wrong in the page the test opened: console errors, uncaught errors, and
   *  requests for anything but the page's own folder. */
  let problems: string[] = [];
  let pages: Page[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launch(path!), startServer()]);
  });
  afterAll(async () => {
    await browser?.close();
    server?.process.kill();
  });
  afterEach(async () => {
    await Promise.all(pages.map((p) => p.context().close()));
    pages = [];
    const seen = problems;
    problems = [];
    expect(seen).toEqual([]);
  });

  async function open(fragment = '', options: { file?: boolean; width?: number; dark?: boolean; clipboard?: boolean } = {}): Promise<Page> {
    const base = options.file ? FILE_URL : `${server.url}index.html`;
    const context = await browser.newContext({ viewport: { width: options.width ?? 1000, height: 900 }, colorScheme: options.dark ? 'dark' : 'light', deviceScaleFactor: 1 });
    if (options.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
    const page = await context.newPage();
    pages.push(page);
    const own = options.file ? pathToFileURL(resolve('dist/web')).href : server.url;
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(own) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) problems.push(`request outside the page: ${r.url()}`);
    });
    await page.goto(fragment === '' ? base : `${base}#${fragment}`);
    return page;
  }

  /** The TeX source KaTeX typeset in an element (its MathML annotation). */
  const typeset = (page: Page, selector: string): Promise<string | null> => page.locator(`${selector} annotation`).first().textContent();

  /** Waits until the page shows the answer to its current inputs (a result, a verdict or an error). */
  async function settled(page: Page): Promise<void> {
    await page.waitForFunction(() => {
      const busy = document.getElementById('status')?.textContent === 'working…';
      const answer = !document.getElementById('answer')!.hidden || !document.getElementById('error')!.hidden;
      return answer && !busy;
    });
  }

  /** Waits until the typeset result is `latex`. */
  async function showsResult(page: Page, latex: string, selector = '#result'): Promise<void> {
    await page.waitForFunction(([s, l]) => document.querySelector(`${s} annotation`)?.textContent === l, [selector, latex] as const);
  }

  function derived(state: State): DerivativeResult | ReturnType<typeof differential> {
    const where = state.where ? { where: state.where } : {};
    switch (state.op) {
      case 'grad': return grad(state.f, state.wrt, { ...where, layout: state.layout, symmetricConvention: state.convention });
      case 'jacobian': return jacobian(state.f, state.wrt, where);
      case 'hessian': return hessian(state.f, state.wrt, where);
      case 'diff': return differential(state.f, state.wrt, where);
      default: throw new Error('not a derivative');
    }
  }

  test("served by matcalc web: x'Ax w.r.t. x is typeset as the library prints it, with its verification line", async () => {
    const page = await open("f=x'Ax&wrt=x");
    const expected = grad("x'Ax", 'x');
    await showsResult(page, expected.latex);
    expect(expected.latex).toBe('\\left(A + A^{\\top}\\right) x');
    sameVerification((await page.locator('#verification').textContent()) ?? '', describeVerification(expected.verification));
    await expect(page.locator('#verification').getAttribute('class')).resolves.toContain('verified');
    await expect(page.locator('#result-head').textContent()).resolves.toBe('∂f/∂x =');
  });

  test('opened as a file: the same result, and nothing fetched outside its folder', async () => {
    const page = await open("f=x'Ax&wrt=x", { file: true });
    const expected = grad("x'Ax", 'x');
    await showsResult(page, expected.latex);
    sameVerification((await page.locator('#verification').textContent()) ?? '', describeVerification(expected.verification));
    // KaTeX's fonts came from the folder: the typeset x is in KaTeX_Math.
    await page.waitForFunction(() => document.fonts.check('italic 16px KaTeX_Math'));
  });

  test('a first visit shows the classic example', async () => {
    const page = await open();
    await showsResult(page, grad("x'Ax", 'x').latex);
    expect(page.url()).toContain("#f=x'Ax&wrt=x");
  });

  test('typing updates the result and the URL; Enter derives at once', async () => {
    const page = await open("f=x'Ax&wrt=x");
    await settled(page);
    await page.fill('#f', 'tr(A*X*B)');
    await page.fill('#wrt', 'X');
    await showsResult(page, grad('tr(A*X*B)', 'X').latex);
    await page.waitForFunction(() => location.hash === '#f=tr(A*X*B)&wrt=X');
    await page.fill('#f', "a'*inv(X)*b");
    await page.press('#f', 'Enter');
    await showsResult(page, grad("a'*inv(X)*b", 'X').latex);
    await page.fill('#f', 'log(det(X))');
    await page.press('#f', 'Control+Enter');
    await showsResult(page, grad('log(det(X))', 'X').latex);
  });

  /** The page's line says what the library's says. Its error figure is the browser's
   *  arithmetic: Chromium's V8 rounds Math.tanh, exp, … in the last bit where Node's does
   *  not always, so the figure agrees within a factor of two, the rest word for word. */
  const sameVerification = (shown: string, library: string): void => {
    const figure = /max rel\. error (\S+)/;
    expect(shown.replace(figure, 'max rel. error …')).toBe(library.replace(figure, 'max rel. error …'));
    const [a, b] = [Number(figure.exec(shown)?.[1]), Number(figure.exec(library)?.[1])];
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(2);
  };

  test('every example of the menu shows what the library answers', async () => {
    const page = await open();
    await settled(page);
    for (const [i, example] of EXAMPLES.entries()) {
      await page.selectOption('#examples', String(i));
      const state = example.state;
      await page.waitForFunction((fragment) => location.hash === `#${fragment}`, stateToFragment(state));
      if (state.op === 'check') {
        const r = check(state.f, state.wrt, state.claim, { layout: 'auto', ...(state.where ? { where: state.where } : {}) });
        await showsResult(page, r.truthLatex, '#truth');
        await expect(page.locator('#verdict-line').getAttribute('class')).resolves.toContain(r.verdict);
        await expect(page.locator('#diagnosis').textContent()).resolves.toBe(r.diagnosis.message);
        continue;
      }
      const r = derived(state);
      await showsResult(page, r.latex);
      if ('verification' in r) {
        expect(r.verification.status).toBe('verified');
        sameVerification((await page.locator('#verification').textContent()) ?? '', describeVerification(r.verification));
      } else {
        await expect(page.locator('#verification').textContent()).resolves.toBe(DIFFERENTIAL_UNVERIFIED);
      }
    }
  });

  test('check: a wrong claim gets its verdict, the diagnosis, the right derivative and a counterexample', async () => {
    const state: State = { ...DEFAULT_STATE, op: 'check', f: "tr(X'*A*X)", wrt: 'X', claim: '2*A*X' };
    const page = await open(stateToFragment(state));
    const r = check(state.f, state.wrt, state.claim, { layout: 'auto' });
    expect(r.verdict).toBe('incorrect');
    await showsResult(page, r.truthLatex, '#truth');
    await expect(page.locator('#verdict-line').textContent()).resolves.toContain('incorrect');
    await expect(page.locator('#diagnosis').textContent()).resolves.toBe(r.diagnosis.message);
    await expect(page.locator('#counterexample').isVisible()).resolves.toBe(true);
    await expect(page.locator('#counterexample-line').textContent()).resolves.toContain(`seed ${r.counterexample!.seed}`);
    const point = (await page.locator('#counterexample-point').textContent())!.split('\n').map((line) => line.split(/ = | → /)[0]);
    expect(point).toEqual([...Object.keys(r.counterexample!.point), 'claim', 'truth']);
    // The claim field is shown for check, and a right claim is said to be right.
    await expect(page.locator('#claim').isVisible()).resolves.toBe(true);
    await page.fill('#claim', "(A + A')*X");
    await page.press('#claim', 'Enter');
    await page.waitForFunction(() => document.getElementById('verdict-line')!.className.includes('correct') && !document.getElementById('verdict-line')!.className.includes('incorrect'));
    await expect(page.locator('#verdict-line').textContent()).resolves.toMatch(/^✓ correct/);
  });

  test('an error is shown in place: the message, the input with the offending part marked, what was expected', async () => {
    const page = await open("f=x'Ax&wrt=x");
    await settled(page);
    const f = "x'*(A*x + ";
    await page.fill('#f', f);
    await page.press('#f', 'Enter');
    const error = thrown(() => grad(f, 'x'));
    await page.locator('#error').waitFor();
    await expect(page.locator('#error-message').textContent()).resolves.toBe(`${error.kind} error: ${error.message}`);
    await expect(page.locator('#error-echo').getAttribute('data-field')).resolves.toBe('f');
    const mark = page.locator('#error-echo mark');
    await expect(mark.getAttribute('data-start')).resolves.toBe(String(error.span!.start));
    await expect(page.locator('#error-expected').textContent()).resolves.toBe(error.expected);
    await expect(page.locator('#f').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#answer').isHidden()).resolves.toBe(true);
    // An error in the declarations marks the declarations.
    await page.fill('#f', "x'Ax");
    await page.fill('#where', 'A: n×');
    await page.press('#where', 'Enter');
    const whereError = thrown(() => grad("x'Ax", 'x', { where: 'A: n×' }));
    await page.waitForFunction(() => document.getElementById('error-echo')?.dataset.field === 'where');
    await expect(mark.getAttribute('data-start')).resolves.toBe(String(whereError.span!.start));
    await expect(page.locator('#error-message').textContent()).resolves.toBe(`${whereError.kind} error: ${whereError.message}`);
    // Fixing the input clears the error.
    await page.fill('#where', '');
    await page.press('#where', 'Enter');
    await showsResult(page, grad("x'Ax", 'x').latex);
    await expect(page.locator('#error').isHidden()).resolves.toBe(true);
    await expect(page.locator('#f').getAttribute('aria-invalid')).resolves.toBe(null);
  });

  test('the URL holds every input: a link reproduces the result; back and forward work', async () => {
    const state: State = { ...DEFAULT_STATE, f: "x'*A*x + c*x'*x", wrt: 'x', where: 'A: n×n symmetric; c: scalar', op: 'hessian', steps: true };
    const page = await open(stateToFragment(state), { file: true });
    await showsResult(page, hessian(state.f, state.wrt, { where: state.where }).latex);
    await expect(page.locator('#f').inputValue()).resolves.toBe(state.f);
    await expect(page.locator('#where').inputValue()).resolves.toBe(state.where);
    await expect(page.locator('#op').inputValue()).resolves.toBe('hessian');
    await expect(page.locator('#steps').isChecked()).resolves.toBe(true);
    await page.selectOption('#op', 'grad');
    const g = grad(state.f, state.wrt, { where: state.where });
    await showsResult(page, g.latex);
    expect(page.url()).toContain('steps=1');
    expect(page.url()).not.toContain('op=');
    await showsResult(page, stepsLatex(g.steps, 'x'), '#steps-out');
    await page.goBack();
    await showsResult(page, hessian(state.f, state.wrt, { where: state.where }).latex);
    await expect(page.locator('#op').inputValue()).resolves.toBe('hessian');
    await page.goForward();
    await showsResult(page, g.latex);
    await expect(page.locator('#op').inputValue()).resolves.toBe('grad');
    // A hand-written link: `+` is a plus, not a space.
    await page.goto(`${FILE_URL}#f=a'x+b'x&wrt=x`);
    await showsResult(page, grad("a'x + b'x", 'x').latex);
  });

  test('toggles: layout and the symmetric convention', async () => {
    const page = await open(stateToFragment({ ...DEFAULT_STATE, f: 'tr(A*X)', wrt: 'X', where: 'X: n×n symmetric' }));
    await showsResult(page, grad('tr(A*X)', 'X', { where: 'X: n×n symmetric' }).latex);
    await page.selectOption('#convention', 'entries');
    const entries = grad('tr(A*X)', 'X', { where: 'X: n×n symmetric', symmetricConvention: 'entries' });
    await showsResult(page, entries.latex);
    await expect(page.locator('#notes').textContent()).resolves.toBe(entries.notes.join(''));
    await page.selectOption('#layout', 'numerator');
    await page.selectOption('#convention', 'symmetric');
    await page.fill('#f', "a'*X*b");
    await page.fill('#where', '');
    await page.press('#f', 'Enter');
    await showsResult(page, grad("a'*X*b", 'X', { layout: 'numerator' }).latex);
    expect(page.url()).toContain('layout=numerator');
  });

  test('copy buttons put the text, the LaTeX and the generated code on the clipboard', async () => {
    const page = await open("f=x'Ax&wrt=x", { clipboard: true });
    const r = grad("x'Ax", 'x');
    await showsResult(page, r.latex);
    const copied: Record<string, string> = { text: r.text, latex: r.latex, numpy: r.code('numpy'), torch: r.code('torch'), ts: r.code('ts') };
    for (const [what, expected] of Object.entries(copied)) {
      await page.click(`#copy button[data-copy=${what}]`);
      await page.waitForFunction(() => document.getElementById('copied')!.textContent !== '');
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(expected);
      await page.evaluate(() => (document.getElementById('copied')!.textContent = ''));
    }
    await page.click('#code-details summary');
    await page.selectOption('#code-target', 'torch');
    await expect(page.locator('#code').textContent()).resolves.toBe(r.code('torch'));
  });

  test('a derivation past the time limit is stopped and said so; the page goes on working', async () => {
    const n = 400;
    const layers = Array.from({ length: n }, (_, k) => n - k).map((i) => `h${i} = ${i === 1 ? 'x' : `h${i - 1}`} + tanh(W${i}*${i === 1 ? 'x' : `h${i - 1}`})`);
    const slow = `sum(h${n}) where ${layers.join(', ')}`;
    const page = await open(`f=${encodeURIComponent(slow)}&wrt=W1&timeout=0.3`);
    await page.locator('#error').waitFor();
    await expect(page.locator('#error-message').textContent()).resolves.toContain('ran past the time limit of 0.3 s');
    // The stopped worker was replaced: the next derivation works (in the same page, with a
    // time limit a cold worker on a loaded machine cannot miss).
    await page.evaluate(() => (location.hash = "f=x'Ax&wrt=x&timeout=20"));
    await showsResult(page, grad("x'Ax", 'x').latex);
    await expect(page.locator('#f').inputValue()).resolves.toBe("x'Ax");
  });

  test('a phone-sized window: a long result scrolls inside its box, the page does not', async () => {
    const f = '||W2*tanh(W1*x + b1) + b2 - y||^2';
    const page = await open(`f=${encodeURIComponent(f)}&wrt=W1`, { width: 390 });
    await showsResult(page, grad(f, 'W1').latex);
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, result: document.getElementById('result')!.scrollWidth, box: document.getElementById('result')!.clientWidth }));
    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.box).toBeLessThanOrEqual(390);
  });

  test('dark mode follows prefers-color-scheme', async () => {
    const light = await open("f=x'Ax&wrt=x");
    const dark = await open("f=x'Ax&wrt=x", { dark: true });
    const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const luminance = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
    expect(luminance(await background(light))).toBeGreaterThan(200);
    expect(luminance(await background(dark))).toBeLessThan(60);
  });

  test('every control has a label and is reached by the keyboard', async () => {
    const page = await open("f=x'Ax&wrt=x");
    await settled(page);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')].filter((e) => !(e as HTMLInputElement).hidden && (e as HTMLInputElement).labels!.length === 0).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    const reached = new Set<string>();
    await page.focus('#f');
    for (let i = 0; i < 20; i++) {
      reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || ''));
      await page.keyboard.press('Tab');
    }
    for (const id of ['f', 'wrt', 'op', 'where', 'steps', 'layout', 'convention', 'derive', 'examples']) expect(reached).toContain(id);
  });

  // A few element screenshots against committed baselines (KaTeX's own fonts, so the
  // pixels depend on the page and KaTeX, not on the machine's fonts). UPDATE_BASELINES=1
  // writes them; a mismatch saves the diff image beside the test run's output.
  const BASELINES = 'test/web/baselines';
  const DIFFS = 'test/web/__diff__';
  const shots: [string, string, string][] = [
    ['gradient', "f=x'Ax&wrt=x", '#result'],
    ['hessian', `f=${encodeURIComponent('sum(log(1 + exp(X*w)))')}&wrt=w&op=hessian`, '#result'],
    ['check-truth', stateToFragment({ ...DEFAULT_STATE, op: 'check', f: "tr(X'*A*X)", wrt: 'X', claim: '2*A*X' }), '#truth'],
  ];
  test.each(shots)('screenshot of the %s matches its baseline', async (name, fragment, selector) => {
    const page = await open(fragment);
    await page.locator(`${selector} .katex`).waitFor();
    await page.evaluate(() => document.fonts.ready);
    const shot = PNG.sync.read(await page.locator(selector).screenshot());
    const file = join(BASELINES, `${name}.png`);
    if (process.env.UPDATE_BASELINES === '1') {
      mkdirSync(BASELINES, { recursive: true });
      writeFileSync(file, PNG.sync.write(shot));
      return;
    }
    expect(existsSync(file)).toBe(true);
    const baseline = PNG.sync.read(readFileSync(file));
    expect([shot.width, shot.height]).toEqual([baseline.width, baseline.height]);
    const diff = new PNG({ width: shot.width, height: shot.height });
    const differing = pixelmatch(shot.data, baseline.data, diff.data, shot.width, shot.height, { threshold: 0.2 });
    if (differing > 0.005 * shot.width * shot.height) {
      mkdirSync(DIFFS, { recursive: true });
      writeFileSync(join(DIFFS, `${name}.png`), PNG.sync.write(diff));
      writeFileSync(join(DIFFS, `${name}.actual.png`), PNG.sync.write(shot));
    }
    expect(differing).toBeLessThanOrEqual(0.005 * shot.width * shot.height);
  });
});
