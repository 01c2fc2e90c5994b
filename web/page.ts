// The playground page: reads the inputs, keeps them in the URL fragment, hands each
// derivation to a Web Worker (which alone runs the library) and typesets the answer with
// KaTeX. The page decides no mathematics: it shows what the library answered.

import katex from 'katex';
import { EXAMPLES } from './examples.js';
import { type Answer, type Field, fragmentToState, type Job, type State, stateToFragment } from './protocol.js';

/** The worker's bundle, as text (scripts/build.js): a page opened as a file cannot load a
 *  worker from a URL, but it can from a Blob. */
declare const MATCALC_WORKER: string;

/** Seconds a derivation may take before the worker is stopped and replaced. */
const TIME_LIMIT = 10;
/** Milliseconds of quiet typing after which the result follows the input. */
const DEBOUNCE = 300;

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

const fields = {
  f: $<HTMLInputElement>('f'), wrt: $<HTMLInputElement>('wrt'), where: $<HTMLInputElement>('where'), claim: $<HTMLInputElement>('claim'),
  op: $<HTMLSelectElement>('op'), kind: $<HTMLSelectElement>('kind'), steps: $<HTMLInputElement>('steps'),
  layout: $<HTMLSelectElement>('layout'), convention: $<HTMLSelectElement>('convention'),
};

/** Runs jobs in a worker, one at a time: a new job or the deadline replaces a busy worker. */
class Runner {
  private readonly url = URL.createObjectURL(new Blob([MATCALC_WORKER], { type: 'text/javascript' }));
  private worker!: Worker;
  /** Settles once the worker has loaded the library: a job's time starts then. */
  private ready!: Promise<void>;
  private pending: { id: number; timer: number; settle: (a: Answer | 'timeout' | 'superseded') => void } | undefined;
  private next = 1;

  constructor() {
    this.start();
  }

  private start(): void {
    const worker = new Worker(this.url);
    this.worker = worker;
    this.ready = new Promise((ready) => {
      worker.onmessage = (event: MessageEvent<Answer | 'ready'>) => {
        if (event.data === 'ready') return ready();
        const p = this.pending;
        if (!p || event.data.id !== p.id) return;
        clearTimeout(p.timer);
        this.pending = undefined;
        p.settle(event.data);
      };
    });
    worker.onerror = (event) => {
      event.preventDefault();
      const p = this.pending;
      if (!p) return;
      clearTimeout(p.timer);
      this.pending = undefined;
      this.restart();
      p.settle({ id: p.id, op: 'grad', milliseconds: 0, error: { kind: 'internal', message: `internal error — this is a bug in matcalc (the worker failed: ${event.message})` } });
    };
  }

  private restart(): void {
    this.worker.terminate();
    this.start();
  }

  run(state: State, seconds: number): Promise<Answer | 'timeout' | 'superseded'> {
    if (this.pending) {
      // The worker is busy with work nobody wants any more: stop it.
      const old = this.pending;
      clearTimeout(old.timer);
      this.pending = undefined;
      this.restart();
      old.settle('superseded');
    }
    const id = this.next++;
    return new Promise((settle) => {
      this.pending = { id, timer: 0, settle };
      const job: Job = { id, state, timeLimit: seconds + 1 };
      this.worker.postMessage(job);
      // The page's timer decides, from when the worker is ready; the library's own limit,
      // a second later, only keeps a worker the page could not stop from running on.
      void this.ready.then(() => {
        if (this.pending?.id !== id) return;
        this.pending.timer = window.setTimeout(() => {
          if (this.pending?.id !== id) return;
          this.pending = undefined;
          this.restart();
          settle('timeout');
        }, seconds * 1000);
      });
    });
  }
}

function readFields(): State {
  return {
    f: fields.f.value, wrt: fields.wrt.value.trim(), where: fields.where.value, claim: fields.claim.value,
    op: fields.op.value as State['op'], kind: fields.kind.value as State['kind'], steps: fields.steps.checked,
    layout: fields.layout.value as State['layout'], convention: fields.convention.value as State['convention'],
  };
}

function writeFields(state: State): void {
  fields.f.value = state.f;
  fields.wrt.value = state.wrt;
  fields.where.value = state.where;
  fields.claim.value = state.claim;
  fields.op.value = state.op;
  fields.kind.value = state.kind;
  fields.steps.checked = state.steps;
  fields.layout.value = state.layout;
  fields.convention.value = state.convention;
  showOperation(state.op);
}

/** Which inputs and toggles the operation reads. */
function showOperation(op: State['op']): void {
  $('claim-row').hidden = op !== 'check';
  $('kind-row').hidden = op !== 'check';
  for (const id of ['layout', 'convention']) for (const element of [fields[id as 'layout'], document.querySelector(`label[for=${id}]`)]) (element as HTMLElement).hidden = op !== 'grad';
  fields.steps.parentElement!.hidden = op === 'diff' || op === 'check';
}

const runner = new Runner();
let timeLimit = TIME_LIMIT;
/** The fragment the page last wrote or read (its own writes are not news). */
let shownFragment = '';
let lastRun = '';
let typing: number | undefined;
let current: { text: string; latex: string; code?: Readonly<Record<string, string>> } | undefined;

function fragmentOf(state: State): string {
  return stateToFragment(state) + (timeLimit !== TIME_LIMIT ? `&timeout=${timeLimit}` : '');
}

/** Reads the inputs, records them in the URL (a new history entry, or in place while the
 *  user types) and derives. */
function commit(history: 'push' | 'replace', force = false): void {
  clearTimeout(typing);
  const state = readFields();
  const fragment = fragmentOf(state);
  if (fragment !== shownFragment) {
    shownFragment = fragment;
    if (history === 'push') location.hash = fragment;
    else location.replace(`#${fragment}`);
  }
  void derive(state, force);
}

function fromLocation(): void {
  const fragment = location.hash.replace(/^#/, '');
  if (fragment === shownFragment) return;
  shownFragment = fragment;
  const { state, timeout } = fragmentToState(fragment);
  if (timeout !== undefined) timeLimit = timeout;
  writeFields(state);
  void derive(state, false);
}

const status = $('status');

async function derive(state: State, force: boolean): Promise<void> {
  const key = JSON.stringify(state);
  if (key === lastRun && !force) return;
  lastRun = key;
  if (state.f.trim() === '' || state.wrt === '' || (state.op === 'check' && state.claim.trim() === '')) {
    clearOutput();
    status.textContent = state.op === 'check' ? 'Type an expression, its variable and the claimed derivative.' : 'Type an expression and the variable to differentiate by.';
    return;
  }
  const slow = window.setTimeout(() => {
    status.textContent = 'working…';
  }, 150);
  const answer = await runner.run(state, timeLimit);
  clearTimeout(slow);
  if (answer === 'superseded') return;
  if (answer === 'timeout') {
    clearOutput();
    showError({ kind: 'limit', message: `stopped: the derivation ran past the time limit of ${timeLimit} s (the work was stopped; the page is ready for the next one)` }, state);
    status.textContent = '';
    return;
  }
  show(answer, state);
}

function clearOutput(): void {
  $('answer').hidden = true;
  $('error').hidden = true;
  for (const input of [fields.f, fields.where, fields.claim, fields.wrt]) input.removeAttribute('aria-invalid');
  current = undefined;
}

/** Typesets LaTeX; our LaTeX that KaTeX cannot read is a bug of ours, shown as one. */
function typeset(element: HTMLElement, latex: string): void {
  try {
    katex.render(latex, element, { displayMode: true, throwOnError: true, output: 'htmlAndMathml' });
  } catch (error) {
    element.textContent = latex;
    console.error(`matcalc printed LaTeX that KaTeX cannot typeset (a bug): ${String(error)}`);
  }
}

const HEADS: Record<State['op'], (x: string) => string> = {
  grad: (x) => `∂f/∂${x} =`,
  diff: () => 'df =',
  jacobian: (x) => `∂vec F/∂vec ${x}ᵀ =`,
  hessian: (x) => `∂²f/∂vec ${x} ∂vec ${x}ᵀ =`,
  check: () => '',
};

function show(answer: Answer, state: State): void {
  clearOutput();
  if (answer.error) {
    showError(answer.error, state);
    status.textContent = '';
    return;
  }
  status.textContent = `derived in ${answer.milliseconds.toFixed(0)} ms`;
  // What the web benchmark reads: when the first answer was on the page.
  if (performance.getEntriesByName('matcalc:first-result').length === 0) performance.mark('matcalc:first-result');
  $('answer').hidden = false;
  const check = answer.check;
  $('verdict').hidden = !check;
  $('result').hidden = !!check;
  $('result-head').hidden = !!check;
  const verification = $('verification');
  verification.hidden = !answer.verification;
  if (answer.verification) {
    verification.textContent = answer.verification.line;
    verification.className = `verification ${answer.verification.status}`;
  }
  if (check) {
    const line = $('verdict-line');
    const layout = check.layout === 'numerator' ? ' (in numerator layout)' : '';
    line.textContent = check.verdict === 'correct' ? `✓ correct${layout} — decided ${check.decidedBy === 'symbolic' ? 'symbolically' : 'numerically'}` : check.verdict === 'incorrect' ? '✗ incorrect' : '? undecided — no informative evidence could be had';
    line.className = `verdict-line ${check.verdict}`;
    $('diagnosis').textContent = check.diagnosis;
    typeset($('truth'), check.truthLatex);
    const c = check.counterexample;
    $('counterexample').hidden = !c;
    if (c) {
      $('counterexample-line').textContent = `counterexample at ${c.sizes}, seed ${c.seed}: the claim is off by up to ${c.deviation.toPrecision(3)}`;
      $('counterexample-point').textContent = c.point;
    }
    const v = $('check-verification');
    v.textContent = check.verification ? `the claim against finite differences: ${check.verification}` : '';
    v.hidden = !check.verification;
    current = { text: check.truthText, latex: check.truthLatex };
  } else {
    $('result-head').textContent = HEADS[state.op](state.wrt);
    typeset($('result'), answer.latex ?? '');
    current = { text: answer.text ?? '', latex: answer.latex ?? '', ...(answer.code ? { code: answer.code } : {}) };
  }
  const notes = $('notes');
  notes.replaceChildren(...(answer.notes ?? []).map((note) => Object.assign(document.createElement('li'), { textContent: note })));
  const steps = $('steps-out');
  steps.hidden = !answer.steps;
  if (answer.steps) typeset(steps, answer.steps);
  for (const button of document.querySelectorAll<HTMLButtonElement>('#copy button')) {
    const what = button.dataset.copy!;
    button.hidden = what !== 'text' && what !== 'latex' && !current.code;
  }
  $('code-details').hidden = !current.code;
  showCode();
}

function showCode(): void {
  const target = $<HTMLSelectElement>('code-target').value;
  $('code').textContent = current?.code?.[target] ?? '';
}

/** The message, and the input it is about with the offending part marked. */
function showError(error: NonNullable<Answer['error']>, state: State): void {
  $('error').hidden = false;
  $('error-message').textContent = `${error.kind === 'internal' ? '' : `${error.kind} error: `}${error.message}`;
  $('error-expected').textContent = error.expected ?? error.verification ?? '';
  const echo = $('error-echo');
  echo.replaceChildren();
  echo.hidden = true;
  delete echo.dataset.field;
  if (error.field && error.span) {
    const text = state[error.field];
    const { start, end } = error.span;
    const mark = document.createElement('mark');
    // An empty span (a missing piece at the end) marks the place with a space.
    mark.textContent = end > start ? text.slice(start, end) : ' ';
    mark.dataset.start = String(start);
    mark.dataset.end = String(end);
    echo.append(`${labelOf(error.field)}: `, text.slice(0, start), mark, text.slice(Math.max(start, end)));
    echo.dataset.field = error.field;
    echo.hidden = false;
    fields[error.field].setAttribute('aria-invalid', 'true');
  }
}

function labelOf(field: Field): string {
  return { f: 'expression', wrt: 'variable', where: 'where', claim: 'claim' }[field];
}

async function copy(what: string): Promise<void> {
  if (!current) return;
  const text = what === 'text' ? current.text : what === 'latex' ? current.latex : current.code?.[what] ?? '';
  let done = false;
  try {
    await navigator.clipboard.writeText(text);
    done = true;
  } catch {
    // No clipboard API (a page opened as a file, or no permission): the old way.
    const area = Object.assign(document.createElement('textarea'), { value: text });
    document.body.append(area);
    area.select();
    done = document.execCommand('copy');
    area.remove();
  }
  $('copied').textContent = done ? `copied ${({ text: 'text', latex: 'LaTeX', numpy: 'NumPy', torch: 'PyTorch', ts: 'TypeScript' } as Record<string, string>)[what]}` : 'could not copy';
}

function setUp(): void {
  const menu = $<HTMLSelectElement>('examples');
  EXAMPLES.forEach((example, i) => menu.append(new Option(example.title, String(i))));
  menu.addEventListener('change', () => {
    const example = EXAMPLES[Number(menu.value)];
    menu.value = '';
    if (!example) return;
    writeFields(example.state);
    commit('push');
  });
  for (const input of [fields.f, fields.wrt, fields.where, fields.claim]) {
    input.addEventListener('input', () => {
      clearTimeout(typing);
      typing = window.setTimeout(() => commit('replace'), DEBOUNCE);
    });
  }
  for (const control of [fields.op, fields.kind, fields.steps, fields.layout, fields.convention]) {
    control.addEventListener('change', () => {
      showOperation(fields.op.value as State['op']);
      commit('push');
    });
  }
  $('form').addEventListener('submit', (event) => {
    event.preventDefault();
    commit('push', true);
  });
  $('form').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      commit('push', true);
    }
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('#copy button')) button.addEventListener('click', () => void copy(button.dataset.copy!));
  $('code-target').addEventListener('change', showCode);
  window.addEventListener('hashchange', fromLocation);
  window.addEventListener('popstate', fromLocation);
  if (location.hash.replace(/^#/, '') === '') {
    // A first visit shows the classic example.
    writeFields({ ...fragmentToState('').state, f: "x'Ax", wrt: 'x' });
    commit('replace');
  } else fromLocation();
}

setUp();
