// The small dependency-free helpers that generated TypeScript calls, each with the helpers
// it needs. Only the ones a function uses are written out. Vectors are number[], matrices
// arrays of rows (the library's value convention); scalars are numbers.

export interface Helper {
  readonly source: string;
  readonly needs: readonly string[];
}

const lines = (...text: string[]): string => text.join('\n');

export const HELPERS: Readonly<Record<string, Helper>> = {
  map: {
    needs: [],
    source: lines(
      'function map<T extends Vector | Matrix>(a: T, f: (v: number) => number): T {',
      '  return (a as (number | number[])[]).map((v) => (typeof v === "number" ? f(v) : v.map(f))) as T;',
      '}',
    ),
  },
  zip: {
    needs: [],
    source: lines(
      'function zip<T extends Vector | Matrix>(a: T, b: T, f: (x: number, y: number) => number): T {',
      '  return (a as (number | number[])[]).map((v, i) => {',
      '    const w = b[i]!;',
      '    return typeof v === "number" ? f(v, w as number) : v.map((x, j) => f(x, (w as number[])[j]!));',
      '  }) as T;',
      '}',
    ),
  },
  plus: { needs: ['zip'], source: 'function plus<T extends Vector | Matrix>(a: T, b: T): T {\n  return zip(a, b, (x, y) => x + y);\n}' },
  minus: { needs: ['zip'], source: 'function minus<T extends Vector | Matrix>(a: T, b: T): T {\n  return zip(a, b, (x, y) => x - y);\n}' },
  times: { needs: ['zip'], source: 'function times<T extends Vector | Matrix>(a: T, b: T): T {\n  return zip(a, b, (x, y) => x * y);\n}' },
  scale: { needs: ['map'], source: 'function scale<T extends Vector | Matrix>(c: number, a: T): T {\n  return map(a, (v) => c * v);\n}' },
  shift: { needs: ['map'], source: '/** a + c·(all ones): a scalar broadcast in a sum. */\nfunction shift<T extends Vector | Matrix>(a: T, c: number): T {\n  return map(a, (v) => v + c);\n}' },
  power: { needs: ['map'], source: 'function power<T extends Vector | Matrix>(a: T, p: number): T {\n  return map(a, (v) => v ** p);\n}' },
  cols: { needs: [], source: 'function cols(a: Matrix): number {\n  return a.length === 0 ? 0 : a[0]!.length;\n}' },
  matmul: {
    needs: ['cols'],
    source: lines(
      'function matmul(a: Matrix, b: Matrix): Matrix {',
      '  const n = cols(b);',
      '  return a.map((row) => {',
      '    const out = new Array<number>(n).fill(0);',
      '    row.forEach((x, k) => b[k]!.forEach((y, j) => (out[j]! += x * y)));',
      '    return out;',
      '  });',
      '}',
    ),
  },
  matvec: { needs: ['dot'], source: 'function matvec(a: Matrix, x: Vector): Vector {\n  return a.map((row) => dot(row, x));\n}' },
  vecmat: {
    needs: ['cols'],
    source: lines(
      'function vecmat(x: Vector, a: Matrix): Vector {',
      '  const out = new Array<number>(cols(a)).fill(0);',
      '  x.forEach((v, k) => a[k]!.forEach((y, j) => (out[j]! += v * y)));',
      '  return out;',
      '}',
    ),
  },
  dot: { needs: [], source: 'function dot(x: Vector, y: Vector): number {\n  return x.reduce((s, v, i) => s + v * y[i]!, 0);\n}' },
  outer: { needs: [], source: 'function outer(x: Vector, y: Vector): Matrix {\n  return x.map((v) => y.map((w) => v * w));\n}' },
  transpose: { needs: ['cols'], source: 'function transpose(a: Matrix): Matrix {\n  return Array.from({ length: cols(a) }, (_, j) => a.map((row) => row[j]!));\n}' },
  eye: { needs: [], source: 'function eye(n: number): Matrix {\n  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));\n}' },
  ones: { needs: [], source: 'function ones(n: number): Vector {\n  return new Array<number>(n).fill(1);\n}' },
  zerosVector: { needs: [], source: 'function zerosVector(n: number): Vector {\n  return new Array<number>(n).fill(0);\n}' },
  zeros: { needs: [], source: 'function zeros(m: number, n: number): Matrix {\n  return Array.from({ length: m }, () => new Array<number>(n).fill(0));\n}' },
  scaleRows: { needs: [], source: '/** diag(v)·m without forming diag(v). */\nfunction scaleRows(v: Vector, m: Matrix): Matrix {\n  return m.map((row, i) => row.map((x) => v[i]! * x));\n}' },
  scaleColumns: { needs: [], source: '/** m·diag(v) without forming diag(v). */\nfunction scaleColumns(m: Matrix, v: Vector): Matrix {\n  return m.map((row) => row.map((x, j) => x * v[j]!));\n}' },
  kronIdentity: {
    needs: ['cols', 'zeros'],
    source: lines(
      '/** (I_k ⊗ A)·M, (A ⊗ I_k)·M (left), M·(I_k ⊗ A), M·(A ⊗ I_k): the Kronecker product never formed. */',
      'function kronIdentity(a: Matrix, k: number, identityFirst: boolean, left: boolean, m: Matrix): Matrix {',
      '  const r = a.length;',
      '  const c = cols(a);',
      '  if (left) {',
      '    const p = cols(m);',
      '    const out = zeros(k * r, p);',
      '    for (let b = 0; b < k; b++) for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) {',
      '      const x = a[i]![j]!;',
      '      const source = m[identityFirst ? b * c + j : j * k + b]!;',
      '      const target = out[identityFirst ? b * r + i : i * k + b]!;',
      '      for (let q = 0; q < p; q++) target[q]! += x * source[q]!;',
      '    }',
      '    return out;',
      '  }',
      '  const out = zeros(m.length, k * c);',
      '  m.forEach((row, p) => {',
      '    const target = out[p]!;',
      '    for (let b = 0; b < k; b++) for (let i = 0; i < r; i++) {',
      '      const y = row[identityFirst ? b * r + i : i * k + b]!;',
      '      const ai = a[i]!;',
      '      for (let j = 0; j < c; j++) target[identityFirst ? b * c + j : j * k + b]! += y * ai[j]!;',
      '    }',
      '  });',
      '  return out;',
      '}',
    ),
  },
  commutationIndex: {
    needs: [],
    source: lines(
      '/** The row order of K(m, n): (K·M)[i] = M[p[i]]; K·vec(X) = vec(Xᵀ) for X of size m×n. */',
      'function commutationIndex(m: number, n: number): number[] {',
      '  const p = new Array<number>(m * n);',
      '  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) p[i * n + j] = j * m + i;',
      '  return p;',
      '}',
    ),
  },
  pick: { needs: [], source: 'function pick<T>(a: T[], index: number[]): T[] {\n  return index.map((i) => a[i]!);\n}' },
  pickColumns: { needs: ['pick'], source: 'function pickColumns(a: Matrix, index: number[]): Matrix {\n  return a.map((row) => pick(row, index));\n}' },
  innerSum: { needs: [], source: '/** sum(a ∘ b): tr(aᵀ·b) without the product. */\nfunction innerSum(a: Matrix, b: Matrix): number {\n  return a.reduce((s, row, i) => row.reduce((t, x, j) => t + x * b[i]![j]!, s), 0);\n}' },
  total: { needs: [], source: 'function total(v: Vector): number {\n  return v.reduce((s, x) => s + x, 0);\n}' },
  commutation: {
    needs: ['zeros'],
    source: lines(
      '/** K·vec(X) = vec(Xᵀ) for X of size m×n, vec stacking columns. */',
      'function commutation(m: number, n: number): Matrix {',
      '  const k = zeros(m * n, m * n);',
      '  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) k[i * n + j]![j * m + i] = 1;',
      '  return k;',
      '}',
    ),
  },
  lu: {
    needs: [],
    source: lines(
      '/** LU factors with partial pivoting, packed in one matrix, and the row order. */',
      'function lu(a: Matrix): { lu: Matrix; order: number[]; sign: number } {',
      '  const n = a.length;',
      '  const m = a.map((row) => [...row]);',
      '  const order = Array.from({ length: n }, (_, i) => i);',
      '  let sign = 1;',
      '  for (let k = 0; k < n; k++) {',
      '    let p = k;',
      '    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;',
      '    if (m[p]![k] === 0) throw new Error("singular matrix");',
      '    if (p !== k) {',
      '      [m[p], m[k]] = [m[k]!, m[p]!];',
      '      [order[p], order[k]] = [order[k]!, order[p]!];',
      '      sign = -sign;',
      '    }',
      '    const pivot = m[k]![k]!;',
      '    for (let i = k + 1; i < n; i++) {',
      '      const f = (m[i]![k]! /= pivot);',
      '      for (let j = k + 1; j < n; j++) m[i]![j]! -= f * m[k]![j]!;',
      '    }',
      '  }',
      '  return { lu: m, order, sign };',
      '}',
    ),
  },
  solve: {
    needs: ['lu', 'transpose'],
    source: lines(
      '/** inv(a)·b without forming the inverse: b a vector or a matrix. */',
      'function solve(a: Matrix, b: Vector): Vector;',
      'function solve(a: Matrix, b: Matrix): Matrix;',
      'function solve(a: Matrix, b: Vector | Matrix): Vector | Matrix {',
      '  const { lu: m, order } = lu(a);',
      '  const n = a.length;',
      '  const column = (rhs: Vector): Vector => {',
      '    const x = order.map((i) => rhs[i]!);',
      '    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) x[i]! -= m[i]![j]! * x[j]!;',
      '    for (let i = n - 1; i >= 0; i--) {',
      '      for (let j = i + 1; j < n; j++) x[i]! -= m[i]![j]! * x[j]!;',
      '      x[i]! /= m[i]![i]!;',
      '    }',
      '    return x;',
      '  };',
      '  if (b.length === 0 || typeof b[0] === "number") return column(b as Vector);',
      '  return transpose(transpose(b as Matrix).map(column));',
      '}',
    ),
  },
  inv: { needs: ['solve', 'eye'], source: 'function inv(a: Matrix): Matrix {\n  return solve(a, eye(a.length));\n}' },
  det: {
    needs: ['lu'],
    source: lines(
      'function det(a: Matrix): number {',
      '  let f: { lu: Matrix; sign: number };',
      '  try {',
      '    f = lu(a);',
      '  } catch {',
      '    return 0;',
      '  }',
      '  return f.lu.reduce((p, row, i) => p * row[i]!, f.sign);',
      '}',
    ),
  },
  matpow: { needs: ['matmul'], source: 'function matpow(a: Matrix, k: number): Matrix {\n  let p = a;\n  for (let i = 1; i < k; i++) p = matmul(p, a);\n  return p;\n}' },
  column: { needs: [], source: 'function column(v: Vector): Matrix {\n  return v.map((x) => [x]);\n}' },
  row: { needs: [], source: 'function row(v: Vector): Matrix {\n  return [v];\n}' },
  multiDot: {
    needs: ['cols', 'matmul'],
    source: lines(
      '/** m[0]·m[1]·…: the order of the products by their sizes (the matrix-chain dynamic programme). */',
      'function multiDot(m: Matrix[]): Matrix {',
      '  const n = m.length;',
      '  const dims = [m[0]!.length, ...m.map(cols)];',
      '  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));',
      '  const split = Array.from({ length: n }, () => new Array<number>(n).fill(0));',
      '  for (let len = 1; len < n; len++) for (let i = 0; i + len < n; i++) {',
      '    const j = i + len;',
      '    cost[i]![j] = Infinity;',
      '    for (let k = i; k < j; k++) {',
      '      const c = cost[i]![k]! + cost[k + 1]![j]! + dims[i]! * dims[k + 1]! * dims[j + 1]!;',
      '      if (c < cost[i]![j]!) (cost[i]![j] = c), (split[i]![j] = k);',
      '    }',
      '  }',
      '  const product = (i: number, j: number): Matrix => (i === j ? m[i]! : matmul(product(i, split[i]![j]!), product(split[i]![j]! + 1, j)));',
      '  return product(0, n - 1);',
      '}',
    ),
  },
  commutedKron: {
    needs: ['cols'],
    source: lines(
      '/** K(rows(b), rows(a))·(a ⊗ b) (left) or (a ⊗ b)·K(cols(a), cols(b)): the transposed factors\' product, in one pass. */',
      'function commutedKron(a: Matrix, b: Matrix, left: boolean): Matrix {',
      '  const [a0, a1, b0, b1] = [a.length, cols(a), b.length, cols(b)];',
      '  // left: out[i·a0 + j][k·b1 + l] = b[i][l]·a[j][k]; right: out[i·b0 + j][k·a1 + l] = a[i][l]·b[j][k].',
      '  const [p, q, r, s] = left ? [b, a, b1, a1] : [a, b, a1, b1];',
      '  return Array.from({ length: p.length * q.length }, (_, row) => {',
      '    const pi = p[Math.floor(row / q.length)]!;',
      '    const qj = q[row % q.length]!;',
      '    const out = new Array<number>(s * r);',
      '    for (let k = 0; k < s; k++) for (let l = 0; l < r; l++) out[k * r + l] = pi[l]! * qj[k]!;',
      '    return out;',
      '  });',
      '}',
    ),
  },
  kron: {
    needs: [],
    source: lines(
      'function kron(a: Matrix, b: Matrix): Matrix {',
      '  return a.flatMap((ra) => b.map((rb) => ra.flatMap((x) => rb.map((y) => x * y))));',
      '}',
    ),
  },
};

/** The helpers `used` needs, dependencies included, in the table's order. */
export function helperSources(used: ReadonlySet<string>, functions: ReadonlyMap<string, { readonly source: string; readonly needs?: readonly string[] }> = new Map()): string[] {
  const registry = new Map<string, { readonly source: string; readonly needs?: readonly string[] }>([...Object.entries(HELPERS), ...functions]);
  const needed = new Set<string>();
  const add = (name: string): void => {
    if (needed.has(name)) return;
    const helper = registry.get(name);
    if (!helper) throw new Error(`no TypeScript helper named ${name}`);
    needed.add(name);
    for (const dependency of helper.needs ?? []) add(dependency);
  };
  for (const name of used) add(name);
  return [...registry.keys()].filter((name) => needed.has(name)).map((name) => registry.get(name)!.source);
}
