// npm run bench:code: how fast the generated code runs. For each problem (issue 17's table,
// plus least squares, ridge, softmax cross-entropy, a 2-layer MLP, the inverse's Jacobian
// and the Gaussian Hessian), matcalc derives the derivative and writes NumPy and PyTorch;
// bench/code.py runs them beside a hand-written NumPy formula and torch autodiff, checks
// that all agree, and times them interleaved in one process with one BLAS thread (medians).
// It uses the first python3 that can import torch (else numpy) and says what it skipped.
// Writes bench/code-results.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grad, hessian, jacobian } from '../src/index.js';
import { interpreterWith } from './python.js';

type Kind = 'grad' | 'hessian' | 'jacobian';

interface Problem {
  readonly name: string;
  readonly kind: Kind;
  readonly f: string;
  readonly wrt: string;
  readonly where?: string;
  /** Python: fills `values` (by symbol name) from `rng`. */
  readonly setup: string;
  /** Python: `def hand(<symbols>): return f, derivative` — the formula a person writes. */
  readonly hand: string;
  /** Python: `def f(<symbols>)` in torch, what autodiff differentiates. */
  readonly ad: string;
}

const lines = (...text: string[]): string => text.join('\n');
/** A matrix with positive determinant, well conditioned: 2I + G/√n (eigenvalues in a disc about 2 of radius ≈ 1). */
const invertible = (name: string, n: number): string => `values['${name}'] = 2 * np.eye(${n}) + rng.standard_normal((${n}, ${n})) / math.sqrt(${n})`;
const spd = (name: string, n: number): string => `G = rng.standard_normal((${n}, ${2 * n})); values['${name}'] = G @ G.T / ${2 * n} + np.eye(${n})`;
const normal = (name: string, ...shape: number[]): string => `values['${name}'] = rng.standard_normal((${shape.join(', ')},))${shape.length === 2 ? ` / math.sqrt(${shape[1]})` : ''}`;

export const PROBLEMS: readonly Problem[] = [
  {
    name: "x'Ax Hessian, n=2048", kind: 'hessian', f: "x'*A*x", wrt: 'x',
    setup: lines(normal('A', 2048, 2048), normal('x', 2048)),
    hand: lines('def hand(x, A):', '    return x @ A @ x, A + A.T'),
    ad: lines('def f(x, A):', '    return x @ A @ x'),
  },
  {
    name: "tr(X'AX) Hessian, 32×32", kind: 'hessian', f: "tr(X'*A*X)", wrt: 'X',
    setup: lines(normal('A', 32, 32), normal('X', 32, 32)),
    hand: lines('def hand(X, A):', '    return np.trace(X.T @ A @ X), np.kron(np.eye(X.shape[1]), A + A.T)'),
    ad: lines('def f(X, A):', '    return torch.trace(X.T @ A @ X)'),
  },
  {
    name: 'logistic-regression Hessian, X 2048×256', kind: 'hessian', f: 'sum(log(1 + exp(X*w)))', wrt: 'w',
    setup: lines(normal('X', 2048, 256), normal('w', 256)),
    hand: lines('def hand(X, w):', '    z = X @ w', '    s = 1 / (1 + np.exp(-z))', '    return np.sum(np.log(1 + np.exp(z))), X.T @ ((s * (1 - s))[:, None] * X)'),
    ad: lines('def f(X, w):', '    return torch.sum(torch.log(1 + torch.exp(X @ w)))'),
  },
  {
    name: 'sum(tanh(W*x)) Hessian, W 2048×256', kind: 'hessian', f: 'sum(tanh(W*x))', wrt: 'x',
    setup: lines(normal('W', 2048, 256), normal('x', 256)),
    hand: lines('def hand(W, x):', '    t = np.tanh(W @ x)', '    return np.sum(t), -2 * (W.T @ ((t * (1 - t ** 2))[:, None] * W))'),
    ad: lines('def f(W, x):', '    return torch.sum(torch.tanh(W @ x))'),
  },
  {
    name: 'softmax cross-entropy Hessian, W 1000×512', kind: 'hessian', f: "-y'*log(softmax(W*x))", wrt: 'x',
    setup: lines(normal('W', 1000, 512), normal('x', 512), "values['y'] = rng.random(1000)"),
    hand: lines('def hand(W, x, y):', '    z = W @ x', '    p = np.exp(z - z.max()); p /= p.sum()', '    Wp = p @ W',
      '    return -(y @ np.log(p)), np.sum(y) * (W.T @ (p[:, None] * W) - np.outer(Wp, Wp))'),
    ad: lines('def f(W, x, y):', '    return -(y @ torch.log(torch.softmax(W @ x, 0)))'),
  },
  {
    name: 'log det Hessian, n=48', kind: 'hessian', f: 'log(det(X))', wrt: 'X',
    setup: invertible('X', 48),
    hand: lines('def hand(X):', '    Xi = np.linalg.inv(X)', '    M = einsum_pair(Xi, Xi)', '    return np.linalg.slogdet(X)[1], -(M + M.T) / 2'),
    ad: lines('def f(X):', '    return torch.logdet(X)'),
  },
  {
    name: 'tr(inv X) Hessian, n=32', kind: 'hessian', f: 'tr(inv(X))', wrt: 'X',
    setup: invertible('X', 32),
    hand: lines('def hand(X):', '    Xi = np.linalg.inv(X)', '    M = einsum_pair(Xi, Xi @ Xi)', '    return np.trace(Xi), M + M.T'),
    ad: lines('def f(X):', '    return torch.trace(torch.linalg.inv(X))'),
  },
  {
    name: 'Gaussian log-likelihood gradient wrt Σ, d=256, 2048 samples', kind: 'grad', f: "c*logdet(S) + tr(Y'*inv(S)*Y)/2", wrt: 'S', where: 'S: spd; c: scalar',
    setup: lines(spd('S', 256), "values['Y'] = rng.standard_normal((256, 2048))", "values['c'] = 1024.0"),
    hand: lines('def hand(S, Y, c):', '    PY = np.linalg.solve(S, Y)', '    return c * np.linalg.slogdet(S)[1] + 0.5 * np.sum(Y * PY), c * np.linalg.inv(S) - 0.5 * (PY @ PY.T)'),
    ad: lines('def f(S, Y, c):', '    return c * torch.logdet(S) + 0.5 * torch.sum(Y * torch.linalg.solve(S, Y))'),
  },
  {
    name: 'Gaussian log-likelihood Hessian wrt Σ, d=24, 256 samples', kind: 'hessian', f: "c*logdet(S) + tr(Y'*inv(S)*Y)/2", wrt: 'S', where: 'c: scalar',
    setup: lines(spd('S', 24), "values['Y'] = rng.standard_normal((24, 256))", "values['c'] = 128.0"),
    hand: lines('def hand(S, Y, c):', '    P = np.linalg.inv(S)', '    PY = P @ Y', '    T = -c * einsum_pair(P, P) + einsum_pair(PY @ PY.T, P)',
      '    return c * np.linalg.slogdet(S)[1] + 0.5 * np.sum(Y * PY), (T + T.T) / 2'),
    ad: lines('def f(S, Y, c):', '    return c * torch.logdet(S) + 0.5 * torch.sum(Y * torch.linalg.solve(S, Y))'),
  },
  {
    name: 'logistic-regression gradient, X 2048×256', kind: 'grad', f: 'sum(log(1 + exp(-y .* (X*w))))', wrt: 'w',
    setup: lines(normal('X', 2048, 256), normal('w', 256), "values['y'] = np.sign(rng.standard_normal(2048))"),
    hand: lines('def hand(X, w, y):', '    z = -y * (X @ w)', '    s = 1 / (1 + np.exp(-z))', '    return np.sum(np.log(1 + np.exp(z))), -(X.T @ (s * y))'),
    ad: lines('def f(X, w, y):', '    return torch.sum(torch.log(1 + torch.exp(-y * (X @ w))))'),
  },
  {
    name: 'log det gradient, n=1024 (det overflows)', kind: 'grad', f: 'log(det(X))', wrt: 'X',
    setup: invertible('X', 1024),
    hand: lines('def hand(X):', '    return np.linalg.slogdet(X)[1], np.linalg.inv(X).T'),
    ad: lines('def f(X):', '    return torch.logdet(X)'),
  },
  {
    name: 'least-squares gradient, X 2048×256', kind: 'grad', f: '||X*w - y||^2', wrt: 'w',
    setup: lines(normal('X', 2048, 256), normal('w', 256), normal('y', 2048)),
    hand: lines('def hand(X, w, y):', '    r = X @ w - y', '    return r @ r, 2 * (X.T @ r)'),
    ad: lines('def f(X, w, y):', '    r = X @ w - y', '    return r @ r'),
  },
  {
    name: 'ridge gradient, X 2048×256', kind: 'grad', f: '||X*w - y||^2 + c*||w||^2', wrt: 'w', where: 'c: scalar',
    setup: lines(normal('X', 2048, 256), normal('w', 256), normal('y', 2048), "values['c'] = 0.1"),
    hand: lines('def hand(X, w, y, c):', '    r = X @ w - y', '    return r @ r + c * (w @ w), 2 * (X.T @ r) + 2 * c * w'),
    ad: lines('def f(X, w, y, c):', '    r = X @ w - y', '    return r @ r + c * (w @ w)'),
  },
  {
    name: 'ridge Hessian, X 2048×256', kind: 'hessian', f: '||X*w - y||^2 + c*||w||^2', wrt: 'w', where: 'c: scalar',
    setup: lines(normal('X', 2048, 256), normal('w', 256), normal('y', 2048), "values['c'] = 0.1"),
    hand: lines('def hand(X, w, y, c):', '    r = X @ w - y', '    return r @ r + c * (w @ w), 2 * (X.T @ X) + 2 * c * np.eye(w.shape[0])'),
    ad: lines('def f(X, w, y, c):', '    r = X @ w - y', '    return r @ r + c * (w @ w)'),
  },
  {
    name: 'softmax cross-entropy gradient, W 1000×512', kind: 'grad', f: "-y'*log(softmax(W*x))", wrt: 'x',
    setup: lines(normal('W', 1000, 512), normal('x', 512), "values['y'] = rng.random(1000)"),
    hand: lines('def hand(W, x, y):', '    z = W @ x', '    p = np.exp(z - z.max()); p /= p.sum()', '    return -(y @ np.log(p)), W.T @ (np.sum(y) * p - y)'),
    ad: lines('def f(W, x, y):', '    return -(y @ torch.log(torch.softmax(W @ x, 0)))'),
  },
  {
    name: '2-layer MLP gradient wrt W1, W1 512×256', kind: 'grad', f: '||W2*tanh(W1*x + b1) + b2 - y||^2', wrt: 'W1',
    setup: lines(normal('W1', 512, 256), normal('W2', 10, 512), normal('x', 256), normal('b1', 512), normal('b2', 10), normal('y', 10)),
    hand: lines('def hand(W1, W2, x, b1, b2, y):', '    h = np.tanh(W1 @ x + b1)', '    r = W2 @ h + b2 - y', '    return r @ r, np.outer(2 * (1 - h ** 2) * (W2.T @ r), x)'),
    ad: lines('def f(W1, W2, x, b1, b2, y):', '    r = W2 @ torch.tanh(W1 @ x + b1) + b2 - y', '    return r @ r'),
  },
  {
    name: '2-layer MLP Hessian wrt x, W1 256×128', kind: 'hessian', f: '||W2*tanh(W1*x + b1) + b2 - y||^2', wrt: 'x',
    setup: lines(normal('W1', 256, 128), normal('W2', 10, 256), normal('x', 128), normal('b1', 256), normal('b2', 10), normal('y', 10)),
    hand: lines('def hand(W1, W2, x, b1, b2, y):', '    h = np.tanh(W1 @ x + b1)', '    r = W2 @ h + b2 - y', '    a = 1 - h ** 2', '    C = (W2 * a) @ W1',
      '    return r @ r, 2 * (C.T @ C) + 2 * (W1.T @ ((-2 * h * a * (W2.T @ r))[:, None] * W1))'),
    ad: lines('def f(W1, W2, x, b1, b2, y):', '    r = W2 @ torch.tanh(W1 @ x + b1) + b2 - y', '    return r @ r'),
  },
  {
    name: 'inv(X) Jacobian, n=48', kind: 'jacobian', f: 'inv(X)', wrt: 'X',
    setup: invertible('X', 48),
    hand: lines('def hand(X):', '    Xi = np.linalg.inv(X)', '    return Xi, -np.kron(Xi.T, Xi)'),
    ad: lines('def f(X):', '    return torch.linalg.inv(X)'),
  },
];

interface Measured {
  readonly name: string;
  readonly kind: Kind;
  readonly failed?: string;
  readonly skipped?: string[];
  readonly errors?: Record<string, number>;
  readonly ms?: Record<string, number>;
  readonly repeats?: Record<string, number>;
}

const derive = { grad, hessian, jacobian };

/** glibc's allocator keeps freed memory for reuse (no trimming, no fresh mmap per large
 *  array). Measured on this machine (a Firecracker VM that reports free pages to its host):
 *  touching a fresh page costs about 6 µs, so a loop that allocates and frees 8 MB arrays
 *  spends most of its time in page faults (the tr(inv X) Hessian's sum of two 1024×1024
 *  products: 6.7 ms with glibc's defaults, 0.56 ms with these), and an implementation's
 *  time followed how many large temporaries it made, not its arithmetic. Every
 *  implementation runs under the same settings. */
const ALLOCATOR = { MALLOC_MMAP_THRESHOLD_: String(2 ** 32), MALLOC_TRIM_THRESHOLD_: String(2 ** 34), MALLOC_TOP_PAD_: String(2 ** 28) };

function main(): void {
  const python = interpreterWith('torch') ?? interpreterWith('numpy');
  if (!python) throw new Error('bench:code needs a python3 that can import numpy');
  const dir = mkdtempSync(join(tmpdir(), 'matcalc-bench-code-'));
  try {
    // BENCH_CODE_ONLY=text runs the problems whose name holds it (a quicker look at a few).
    const only = process.env.BENCH_CODE_ONLY;
    const problems = PROBLEMS.map((p, i) => ({ p, i })).filter(({ p }) => !only || p.name.includes(only)).map(({ p, i }) => {
      const result = derive[p.kind](p.f, p.wrt, p.where ? { where: p.where } : {});
      if (result.verification.status !== 'verified') throw new Error(`${p.name}: ${result.verification.status}`);
      const numpy = result.code('numpy');
      const signature = /def (f_and_\w+)\(([^)]*)\)/.exec(numpy)!;
      return { ...p, seed: 17 + i, numpy, torch: result.code('torch'), function: signature[1], args: signature[2]!.split(',').map((a) => a.trim()).filter((a) => a !== ''), derivative: result.text };
    });
    const file = join(dir, 'problems.json');
    writeFileSync(file, JSON.stringify(problems));
    const output = execFileSync(python, ['bench/code.py', file], {
      encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...ALLOCATOR },
    });
    const [headerLine, ...rows] = output.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    report(python, headerLine!.header as Record<string, unknown>, rows as unknown as Measured[], problems);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v: number | undefined): string => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function report(python: string, header: Record<string, unknown>, rows: readonly Measured[], problems: readonly { name: string; derivative: string }[]): void {
  const out: string[] = [
    '# Code benchmark', '',
    `${python}: NumPy ${String(header.numpy)}, ${header.torch ? `torch ${String(header.torch)}${header.functorch ? ' with functorch' : ''}` : 'no torch (PyTorch and autodiff skipped)'}; BLAS: ${String(header.blas ?? 'unknown')}, one thread; float64; medians of interleaved runs (NumPy implementations among themselves, PyTorch and autodiff among themselves: interleaved with autodiff's large allocations, NumPy times depended on what torch had just freed); ${new Date().toISOString().slice(0, 10)}.`,
    '"best AD" is the fastest of torch.autograd.grad (gradients), autograd.functional.hessian/jacobian(vectorize=True) and functorch (Hessians, Jacobians). Targets: matcalc NumPy ≤ 1.2× hand NumPy; faster than the best AD on Hessians and Jacobians; ≤ 1.2× the best AD on gradients.', '',
    '| problem | matcalc NumPy (ms) | hand NumPy | matcalc PyTorch | best AD (which) | NumPy / hand | NumPy / AD | PyTorch / AD | targets |',
    '|---|---:|---:|---:|---|---:|---:|---:|---|',
  ];
  const notes: string[] = [];
  for (const row of rows) {
    if (row.failed || !row.ms) {
      out.push(`| ${row.name} | failed: ${row.failed ?? 'no times'} | | | | | | | MISSED |`);
      continue;
    }
    const t = row.ms;
    const ad = Object.entries(t).filter(([k]) => !k.startsWith('matcalc') && k !== 'hand NumPy').sort((a, b) => a[1] - b[1])[0];
    const ours = t['matcalc NumPy']!;
    const hand = t['hand NumPy']!;
    const vsHand = ours / hand;
    const vsAd = ad ? ours / ad[1] : undefined;
    const worst = Math.max(...Object.values(row.errors ?? {}));
    const agree = worst < 1e-6;
    const handOk = vsHand <= 1.2;
    const adOk = vsAd === undefined ? undefined : row.kind === 'grad' ? vsAd <= 1.2 : vsAd < 1;
    const verdict = !agree ? 'VALUES DISAGREE' : [handOk ? 'hand ✓' : 'hand ✗', adOk === undefined ? 'AD —' : adOk ? 'AD ✓' : 'AD ✗'].join(', ');
    const torchVsAd = ad && t['matcalc PyTorch'] !== undefined ? (t['matcalc PyTorch'] / ad[1]).toFixed(2) : '—';
    out.push(`| ${row.name} | ${ms(ours)} | ${ms(hand)} | ${ms(t['matcalc PyTorch'])} | ${ad ? `${ms(ad[1])} (${ad[0]})` : '—'} | ${vsHand.toFixed(2)} | ${vsAd === undefined ? '—' : vsAd.toFixed(2)} | ${torchVsAd} | ${verdict} |`);
    if (!agree) notes.push(`- ${row.name}: largest relative disagreement ${worst.toExponential(1)} (${Object.entries(row.errors!).filter(([, e]) => e >= 1e-6).map(([k, e]) => `${k} ${e.toExponential(1)}`).join(', ')})`);
    for (const s of new Set(row.skipped ?? [])) notes.push(`- ${row.name}: skipped ${s}`);
  }
  out.push('', 'Every implementation\'s f and derivative agree with the hand formula to a relative 1e-6 unless said below.', '');
  if (notes.length > 0) out.push(...notes, '');
  out.push('The derivatives matcalc printed:', '', ...problems.map((p) => `- ${p.name}: \`${p.derivative}\``), '');
  // A run of some of the problems is printed, not kept.
  if (!process.env.BENCH_CODE_ONLY) writeFileSync('bench/code-results.md', out.join('\n'));
  console.log(out.join('\n'));
}

main();
