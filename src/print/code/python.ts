// NumPy and PyTorch emitters: one Python spelling with two libraries' names. Vectors are
// 1-D arrays (tensors), matrices 2-D, scalars floats (0-d tensors in PyTorch).

import { MatcalcError } from '../../errors.js';
import { definitionOf, type Spelling } from '../../ops/table.js';
import type { Expr } from '../../expr/node.js';
import { lower, type Dialect, type LeafOp, type Piece, PREC } from './lower.js';
import { shapeText } from '../../expr/dims.js';
import { type CodeSpec, DERIVATIVE_WORD, type Kind, kindOf as kindOfNode, type Plan, planCode } from './plan.js';

type Library = 'numpy' | 'torch';

const KEYWORDS = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'np', 'torch', 'dtype',
];

/** The runtime's own helpers (a function's helpers come with its spelling, src/ops). */
const HELPERS: Record<Library, Record<string, string>> = {
  numpy: {
    _commutation_index: [
      'def _commutation_index(m, n):',
      '    # The row order of K(m, n): (K @ M)[i] = M[p[i]]; K @ vec(X) = vec(X.T) for X of shape (m, n)',
      '    return np.arange(m * n).reshape(n, m).T.reshape(-1)',
    ].join('\n'),
  },
  torch: {
    _commutation_index: [
      'def _commutation_index(m, n):',
      '    # The row order of K(m, n): (K @ M)[i] = M[p[i]]; K @ vec(X) = vec(X.T) for X of shape (m, n)',
      '    return torch.arange(m * n).reshape(n, m).T.reshape(-1)',
    ].join('\n'),
  },
};

const atom = (code: string, kind: Kind): Piece => ({ code, kind, prec: PREC.atom });
const wrap = (p: Piece, min: number): string => (p.prec >= min ? p.code : `(${p.code})`);

function formatNumber(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? String(value) : String(value).replace(/^(-?)\./, '$10.');
}

class PythonDialect implements Dialect {
  readonly reserved = new Set(KEYWORDS);
  readonly used = new Set<string>();
  private readonly m: string; // the module prefix: np or torch
  /** PyTorch keeps LU factors (torch.linalg.lu_factor / lu_solve, torch ≥ 1.13); NumPy
   *  has no such object without SciPy, so lowering shares its solves through the inverse. */
  readonly factor?: (matrix: Piece) => Piece;
  readonly solveFactored?: (factors: Piece, transposed: boolean, right: Piece) => Piece;
  constructor(private readonly library: Library) {
    this.m = library === 'numpy' ? 'np' : 'torch';
    if (library === 'torch') {
      this.factor = (matrix) => this.call('torch.linalg.lu_factor', 'matrix', matrix.code);
      this.solveFactored = (factors, transposed, right) => {
        const adjoint = transposed ? ', adjoint=True' : '';
        if (right.kind === 'matrix') return this.call('torch.linalg.lu_solve', 'matrix', `*${factors.code}`, `${right.code}${adjoint}`);
        // A vector right-hand side as a one-column matrix.
        return atom(`torch.linalg.lu_solve(*${factors.code}, ${wrap(right, PREC.atom)}[:, None]${adjoint})[:, 0]`, right.kind);
      };
    }
  }
  private call(name: string, kind: Kind, ...args: string[]): Piece {
    if (name.startsWith('_')) this.used.add(name);
    return atom(`${name}(${args.join(', ')})`, kind);
  }
  private get linalg(): string {
    return `${this.m}.linalg`;
  }
  /** PyTorch's constructors take the arguments' dtype; NumPy's default is float64. */
  private get dtype(): string {
    if (this.library === 'numpy') return '';
    this.usesDtype = true;
    return ', dtype=dtype';
  }
  usesDtype = false;

  number(value: number): Piece {
    return { code: formatNumber(value), kind: 'scalar', prec: value < 0 ? PREC.unary : PREC.atom };
  }
  variable(name: string, kind: Kind): Piece {
    return atom(name, kind);
  }
  size(plan: Plan, dim: string): string {
    const sources = plan.sizeSources(dim);
    if (typeof sources === 'number') return String(sources);
    return sources.map(({ argument, axis }) => `${argument.name}.shape[${axis}]`).join(' * ');
  }
  leaf(op: LeafOp, sizes: readonly string[], kind: Kind): Piece {
    switch (op) {
      case 'identity': return atom(`${this.m}.eye(${sizes[0]}${this.dtype})`, kind);
      case 'ones': return atom(`${this.m}.ones(${sizes[0]}${this.dtype})`, kind);
      case 'zero': return kind === 'scalar' ? this.number(0) : atom(`${this.m}.zeros(${sizes.length === 1 ? sizes[0] : `(${sizes.join(', ')})`}${this.dtype})`, kind);
      // A permutation of the identity's rows: no loop, no multiplication by 0/1 entries.
      case 'commutation': return atom(`${this.m}.eye(${sizes[0]} * ${sizes[1]}${this.dtype})[${this.call('_commutation_index', 'column', sizes[0]!, sizes[1]!).code}]`, kind);
    }
  }
  scale(coefficient: Piece, value: Piece): Piece {
    return { code: `${wrap(coefficient, PREC.multiply)} * ${wrap(value, PREC.multiply + 1)}`, kind: value.kind, prec: PREC.multiply };
  }
  negate(value: Piece): Piece {
    // Python's unary minus binds before @: -(X @ w) negates the product, not all of X.
    return { code: `-${wrap(value, PREC.power)}`, kind: value.kind, prec: PREC.unary };
  }
  product(left: Piece, right: Piece, kind: Kind): Piece {
    if (left.kind === 'column' && right.kind === 'row') return this.call(`${this.m}.outer`, kind, left.code, right.code);
    return { code: `${wrap(left, PREC.multiply)} @ ${wrap(right, PREC.multiply + 1)}`, kind, prec: PREC.multiply };
  }
  multiDot(factors: readonly Piece[]): Piece {
    return this.call(`${this.linalg}.multi_dot`, 'matrix', `[${factors.map((f) => f.code).join(', ')}]`);
  }
  private transposed(matrix: Piece, transposed: boolean): string {
    return transposed ? this.transpose(matrix).code : matrix.code;
  }
  solveLeft(matrix: Piece, transposed: boolean, right: Piece): Piece {
    return this.call(`${this.linalg}.solve`, right.kind, this.transposed(matrix, transposed), right.code);
  }
  inverse(matrix: Piece, transposed = false): Piece {
    if (matrix.kind === 'scalar') return { code: `1 / ${wrap(matrix, PREC.multiply + 1)}`, kind: 'scalar', prec: PREC.multiply };
    const inverse = this.call(`${this.linalg}.inv`, matrix.kind, matrix.code);
    return transposed ? atom(`${inverse.code}.T`, matrix.kind) : inverse;
  }
  add(a: Piece, b: Piece, subtract: boolean, kind: Kind): Piece {
    return { code: `${wrap(a, PREC.add)} ${subtract ? '-' : '+'} ${wrap(b, PREC.add + 1)}`, kind, prec: PREC.add };
  }
  hadamard(a: Piece, b: Piece): Piece {
    return { code: `${wrap(a, PREC.multiply)} * ${wrap(b, PREC.multiply + 1)}`, kind: a.kind === 'scalar' ? b.kind : a.kind, prec: PREC.multiply };
  }
  kron(a: Piece, b: Piece, kind: Kind): Piece {
    const as2d = (p: Piece): string => (p.kind === 'column' ? `${wrap(p, PREC.atom)}.reshape(-1, 1)` : p.kind === 'row' ? `${wrap(p, PREC.atom)}.reshape(1, -1)` : p.code);
    // torch.kron (1.13) rejects a non-contiguous operand: A.T, and also what torch.linalg.inv
    // returns (.contiguous() of a contiguous tensor is the tensor itself).
    const contiguous = (code: string): string => (this.library === 'torch' ? `${code.includes(' ') ? `(${code})` : code}.contiguous()` : code);
    const product = `${this.m}.kron(${contiguous(as2d(a))}, ${contiguous(as2d(b))})`;
    return atom(kind === 'matrix' ? product : kind === 'scalar' ? `${product}.reshape(())` : `${product}.reshape(-1)`, kind);
  }
  power(base: Piece, exponent: Piece, kind: Kind): Piece {
    return { code: `${wrap(base, PREC.atom)} ** ${wrap(exponent, PREC.atom)}`, kind, prec: PREC.power };
  }
  unary(node: Expr, arg: Piece): Piece {
    const kind = kindOfNode(node);
    switch (node.op) {
      case 'transpose': return arg.kind === 'matrix' ? this.transpose(arg) : { ...arg, kind };
      case 'inverse': return this.inverse(arg);
      case 'power': {
        const exponent = this.number(node.value);
        return { code: `${wrap(arg, PREC.atom)} ** ${wrap(exponent, PREC.atom)}`, kind, prec: PREC.power };
      }
      case 'matrixPower': return this.call(`${this.linalg}.matrix_power`, kind, arg.code, String(node.value));
      default: {
        const definition = definitionOf(node);
        if (!definition) throw new Error(`no ${this.library} code for the operation ${node.op}`);
        return this.spell(definition.code[this.library], arg, kind);
      }
    }
  }

  scaleRows(v: Piece, m: Piece): Piece {
    const rows = m.kind === 'matrix' ? `${wrap(v, PREC.atom)}[:, None]` : wrap(v, PREC.multiply);
    return { code: `${rows} * ${wrap(m, PREC.multiply + 1)}`, kind: m.kind, prec: PREC.multiply };
  }
  scaleColumns(m: Piece, v: Piece): Piece {
    return { code: `${wrap(m, PREC.multiply)} * ${wrap(v, PREC.multiply + 1)}`, kind: m.kind, prec: PREC.multiply };
  }
  permuteRows(m: Piece, rows: string, cols: string): Piece {
    return atom(`${wrap(m, PREC.atom)}[${this.call('_commutation_index', 'column', rows, cols).code}]`, m.kind);
  }
  permuteColumns(m: Piece, rows: string, cols: string): Piece {
    // M @ K(m, n) = M[:, p(n, m)]: K(m, n)' = K(n, m) is the inverse permutation.
    const index = this.call('_commutation_index', 'column', cols, rows).code;
    return atom(m.kind === 'matrix' ? `${wrap(m, PREC.atom)}[:, ${index}]` : `${wrap(m, PREC.atom)}[${index}]`, m.kind);
  }
  transpose(p: Piece): Piece {
    const flipped: Kind = p.kind === 'row' ? 'column' : p.kind === 'column' ? 'row' : p.kind;
    if (p.kind !== 'matrix') return { ...p, kind: flipped };
    // (M.T).T is M: an atom that ends in .T is the transpose of the atom before it.
    if (p.prec === PREC.atom && p.code.endsWith('.T')) return atom(p.code.slice(0, -2), 'matrix');
    return atom(`${wrap(p, PREC.atom)}.T`, 'matrix');
  }
  traceOfProduct(aTransposed: Piece, b: Piece): Piece {
    return this.call(`${this.m}.sum`, 'scalar', `${wrap(aTransposed, PREC.multiply)} * ${wrap(b, PREC.multiply + 1)}`);
  }
  sumEntries(v: Piece): Piece {
    return this.call(`${this.m}.sum`, 'scalar', v.code);
  }
  kronIdentity(a: Piece, size: { k: string; rows: string; cols: string }, identityFirst: boolean, side: 'left' | 'right', m: Piece): Piece {
    const { k, rows: r, cols: c } = size;
    const A = wrap(a, PREC.atom);
    const M = wrap(m, PREC.atom);
    const times = (x: string, y: string): string => `${x} * ${y}`;
    const vector = m.kind !== 'matrix';
    const At = wrap(this.transpose(a), PREC.atom); // (X.T).T is X
    let code: string;
    if (side === 'left') {
      // (I_k ⊗ A) M: A times each of the k blocks of rows; (A ⊗ I_k) M: A times M's rows regrouped.
      if (identityFirst) code = vector ? `(${M}.reshape(${k}, ${c}) @ ${At}).reshape(-1)` : `(${A} @ ${M}.reshape(${k}, ${c}, -1)).reshape(${times(k, r)}, -1)`;
      else code = vector ? `(${A} @ ${M}.reshape(${c}, ${k})).reshape(-1)` : `(${A} @ ${M}.reshape(${c}, -1)).reshape(${times(r, k)}, -1)`;
    } else if (identityFirst) code = vector ? `(${M}.reshape(${k}, ${r}) @ ${A}).reshape(-1)` : `(${M}.reshape(-1, ${k}, ${r}) @ ${A}).reshape(-1, ${times(k, c)})`;
    else code = vector ? `(${At} @ ${M}.reshape(${r}, ${k})).reshape(-1)` : `(${At} @ ${M}.reshape(-1, ${r}, ${k})).reshape(-1, ${times(c, k)})`;
    return atom(code, m.kind);
  }
  commutedKron(a: Piece, b: Piece, side: 'left' | 'right', size: { a: readonly [string, string]; b: readonly [string, string] }): Piece {
    const [A, B] = [wrap(a, PREC.atom), wrap(b, PREC.atom)];
    const times = (x: string, y: string): string => `${x} * ${y}`;
    // K(b1, a1)(A ⊗ B)[(i, j), (k, l)] = B[i, l] A[j, k]; (A ⊗ B)K(a2, b2)[(i, j), (k, l)] = A[i, l] B[j, k].
    if (side === 'left') return atom(`(${B}[:, None, None, :] * ${A}[None, :, :, None]).reshape(${times(size.b[0], size.a[0])}, ${times(size.a[1], size.b[1])})`, 'matrix');
    return atom(`(${A}[:, None, None, :] * ${B}[None, :, :, None]).reshape(${times(size.a[0], size.b[0])}, ${times(size.b[1], size.a[1])})`, 'matrix');
  }
  logdet(m: Piece): Piece {
    return this.spell(definitionOf({ op: 'logdet', name: 'logdet' })!.code[this.library], m, 'scalar');
  }

  /** A function's spelling from its definition; its helpers are written out with the code. */
  private spell(spelling: Spelling, arg: Piece, kind: Kind): Piece {
    for (const [name, helper] of Object.entries(spelling.helpers ?? {})) this.tableHelpers.set(name, helper.source);
    if (spelling.template) return { code: spelling.template(wrap(arg, PREC.atom), arg.code), kind, prec: PREC.multiply };
    return this.call(spelling.call!, kind, arg.code);
  }
  /** Helpers of functions the code uses, in the order first used. */
  readonly tableHelpers = new Map<string, string>();
}

const SHAPE_WORDS: Record<Kind, string> = { scalar: 'a float', column: '1-D array', row: '1-D array (a row)', matrix: '2-D array' };

/** `def f_and_grad(A, x): … return f, grad` with its imports and helpers. */
export function emitPython(spec: CodeSpec, library: Library): string {
  const dialect = new PythonDialect(library);
  const derivativeName = spec.kind === 'grad' ? 'grad' : spec.kind === 'jacobian' ? 'J' : 'H';
  const plan = planCode(spec, dialect.reserved, { value: spec.kind === 'jacobian' ? 'F' : 'f', derivative: derivativeName });
  const lowered = lower(plan, dialect);
  const lines: string[] = [];
  const indent = '    ';
  const functionName = `f_and_${spec.kind}`;
  lines.push(`def ${functionName}(${plan.args.map((a) => a.name).join(', ')}):`);
  const what = DERIVATIVE_WORD[spec.kind];
  const word = (kind: Kind): string => (library === 'torch' ? SHAPE_WORDS[kind].replace('array', 'tensor').replace('a float', '0-d tensor') : SHAPE_WORDS[kind]);
  lines.push(`${indent}"""${spec.kind === 'jacobian' ? 'F' : 'f'} and its ${what} with respect to ${spec.wrt}.`);
  lines.push('');
  lines.push(`${indent}Arguments (vectors 1-D, matrices 2-D):`);
  for (const arg of plan.args) lines.push(`${indent}    ${arg.name}: ${arg.description} (${word(arg.kind)})`);
  lines.push(`${indent}Returns ${plan.valueName} (${word(lowered.value.kind)}) and ${plan.derivativeName} (${shapeText(spec.derivative.shape)}, ${word(lowered.derivative.kind)}).`);
  if (spec.note) lines.push(`${indent}${spec.note}`);
  lines.push(`${indent}"""`);
  if (library === 'torch') {
    // float64 throughout: torch.as_tensor(0.7) alone would be float32.
    for (const arg of plan.args) lines.push(`${indent}${arg.name} = torch.as_tensor(${arg.name}, dtype=torch.float64)`);
    if (dialect.usesDtype) lines.push(`${indent}dtype = torch.float64`);
  }
  // Temporaries f needs, f, then the rest (a derivative's temporary may read f).
  for (const { name, piece } of lowered.temporaries.slice(0, lowered.valueTemporaries)) lines.push(`${indent}${name} = ${piece.code}`);
  lines.push(`${indent}${plan.valueName} = ${lowered.value.code}`);
  for (const { name, piece } of lowered.temporaries.slice(lowered.valueTemporaries)) lines.push(`${indent}${name} = ${piece.code}`);
  lines.push(`${indent}${plan.derivativeName} = ${lowered.derivative.code}`);
  lines.push(`${indent}return ${plan.valueName}, ${plan.derivativeName}`);
  const header = [library === 'numpy' ? 'import numpy as np' : 'import torch'];
  // Only the helpers the code calls (lowering spells some pieces it then does not use).
  const body = lines.join('\n');
  const called = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(body);
  const helpers = [...Object.entries(HELPERS[library]).filter(([name]) => called(name)).map(([, source]) => source), ...[...dialect.tableHelpers].filter(([name]) => called(name)).map(([, source]) => source)];
  return [header.join('\n'), ...helpers, lines.join('\n')].join('\n\n\n') + '\n';
}
