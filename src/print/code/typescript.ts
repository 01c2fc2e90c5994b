// The TypeScript emitter: a self-contained exported function over number / number[] /
// number[][] with the few helpers it calls written out beside it. Scalar arithmetic uses
// the operators; arrays go through the helpers.

import type { FunctionDefinition } from '../../ops/definition.js';
import { definitionOf, FUNCTIONS, type Helper } from '../../ops/table.js';
import { shapeText } from '../../expr/dims.js';
import type { Expr } from '../../expr/node.js';
import { type Dialect, type LeafOp, lower, type Piece, PREC } from './lower.js';
import { type CodeSpec, DERIVATIVE_WORD, type Kind, kindOf, type Plan, planCode } from './plan.js';
import { HELPERS, helperSources } from './typescript-helpers.js';

const KEYWORDS = [
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super',
  'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'let', 'static', 'yield', 'await',
  'implements', 'interface', 'package', 'private', 'protected', 'public', 'Math', 'Vector', 'Matrix', 'Array', 'NaN',
];

const TYPES: Record<Kind, string> = { scalar: 'number', column: 'Vector', row: 'Vector', matrix: 'Matrix' };
const atom = (code: string, kind: Kind): Piece => ({ code, kind, prec: PREC.atom });
const wrap = (p: Piece, min: number): string => (p.prec >= min ? p.code : `(${p.code})`);
const isArray = (p: Piece): boolean => p.kind !== 'scalar';

class TypeScriptDialect implements Dialect {
  readonly reserved = new Set([...KEYWORDS, ...Object.keys(HELPERS), ...FUNCTIONS.flatMap((d) => Object.keys(d.code.ts.helpers ?? {}))]);
  readonly used = new Set<string>();
  /** Helpers of functions the code uses (their definitions carry them, src/ops). */
  readonly tableHelpers = new Map<string, Helper>();
  private call(name: string, kind: Kind, ...args: string[]): Piece {
    if (name in HELPERS || this.tableHelpers.has(name)) this.used.add(name);
    return atom(`${name}(${args.join(', ')})`, kind);
  }

  number(value: number): Piece {
    return { code: String(value), kind: 'scalar', prec: value < 0 ? PREC.unary : PREC.atom };
  }
  variable(name: string, kind: Kind): Piece {
    return atom(name, kind);
  }
  size(plan: Plan, dim: string): string {
    const sources = plan.sizeSources(dim);
    if (typeof sources === 'number') return String(sources);
    return sources.map(({ argument, axis }) => (axis === 0 ? `${argument.name}.length` : this.call('cols', 'scalar', argument.name).code)).join(' * ');
  }
  leaf(op: LeafOp, sizes: readonly string[], kind: Kind): Piece {
    switch (op) {
      case 'identity': return this.call('eye', kind, sizes[0]!);
      case 'ones': return this.call('ones', kind, sizes[0]!);
      case 'zero': return kind === 'scalar' ? this.number(0) : kind === 'matrix' ? this.call('zeros', kind, sizes[0]!, sizes[1]!) : this.call('zerosVector', kind, sizes[0]!);
      case 'commutation': return this.call('commutation', kind, sizes[0]!, sizes[1]!);
    }
  }
  scale(coefficient: Piece, value: Piece): Piece {
    if (!isArray(value)) return { code: `${wrap(coefficient, PREC.multiply)} * ${wrap(value, PREC.multiply + 1)}`, kind: 'scalar', prec: PREC.multiply };
    return this.call('scale', value.kind, coefficient.code, value.code);
  }
  negate(value: Piece): Piece {
    if (!isArray(value)) return { code: `-${wrap(value, PREC.atom)}`, kind: 'scalar', prec: PREC.unary };
    return this.call('scale', value.kind, '-1', value.code);
  }
  product(left: Piece, right: Piece, kind: Kind): Piece {
    const name = left.kind === 'column' ? 'outer' : left.kind === 'row' ? (right.kind === 'column' ? 'dot' : 'vecmat') : right.kind === 'column' ? 'matvec' : 'matmul';
    return this.call(name, kind, left.code, right.code);
  }
  multiDot(factors: readonly Piece[]): Piece {
    return this.call('multiDot', 'matrix', `[${factors.map((f) => f.code).join(', ')}]`);
  }
  private transposed(matrix: Piece, transposed: boolean): string {
    return transposed ? this.call('transpose', 'matrix', matrix.code).code : matrix.code;
  }
  solveLeft(matrix: Piece, transposed: boolean, right: Piece): Piece {
    return this.call('solve', right.kind, this.transposed(matrix, transposed), right.code);
  }
  factor(matrix: Piece): Piece {
    return this.call('lu', 'matrix', matrix.code);
  }
  solveFactored(factors: Piece, transposed: boolean, right: Piece): Piece {
    return this.call('luSolve', right.kind, factors.code, right.code, ...(transposed ? ['true'] : []));
  }
  inverse(matrix: Piece, transposed = false): Piece {
    if (!isArray(matrix)) return { code: `1 / ${wrap(matrix, PREC.multiply + 1)}`, kind: 'scalar', prec: PREC.multiply };
    const inverse = this.call('inv', matrix.kind, matrix.code);
    return transposed ? this.call('transpose', 'matrix', inverse.code) : inverse;
  }
  add(a: Piece, b: Piece, subtract: boolean, kind: Kind): Piece {
    if (!isArray(a) && !isArray(b)) return { code: `${wrap(a, PREC.add)} ${subtract ? '-' : '+'} ${wrap(b, PREC.add + 1)}`, kind, prec: PREC.add };
    // A scalar term of an array sum is broadcast over it (NOTATION.md).
    if (!isArray(b)) return this.call('shift', kind, a.code, subtract ? this.negate(b).code : b.code);
    if (!isArray(a)) return this.call('shift', kind, subtract ? this.negate(b).code : b.code, a.code);
    return this.call(subtract ? 'minus' : 'plus', kind, a.code, b.code);
  }
  hadamard(a: Piece, b: Piece): Piece {
    if (!isArray(a) && !isArray(b)) return { code: `${wrap(a, PREC.multiply)} * ${wrap(b, PREC.multiply + 1)}`, kind: 'scalar', prec: PREC.multiply };
    return this.call('times', a.kind, a.code, b.code);
  }
  kron(a: Piece, b: Piece, kind: Kind): Piece {
    const as2d = (p: Piece): string => (p.kind === 'column' ? this.call('column', 'matrix', p.code).code : p.kind === 'row' ? this.call('row', 'matrix', p.code).code : p.kind === 'scalar' ? `[[${p.code}]]` : p.code);
    const product = this.call('kron', 'matrix', as2d(a), as2d(b)).code;
    return atom(kind === 'matrix' ? product : kind === 'scalar' ? `${product}[0]![0]!` : `${product}.flat()`, kind);
  }
  power(base: Piece, exponent: Piece, kind: Kind): Piece {
    if (isArray(base)) return this.call('power', kind, base.code, exponent.code);
    return { code: `${wrap(base, PREC.atom)} ** ${wrap(exponent, PREC.atom)}`, kind, prec: PREC.power };
  }
  scaleRows(v: Piece, m: Piece): Piece {
    return m.kind === 'matrix' ? this.call('scaleRows', 'matrix', v.code, m.code) : this.call('times', m.kind, v.code, m.code);
  }
  scaleColumns(m: Piece, v: Piece): Piece {
    return m.kind === 'matrix' ? this.call('scaleColumns', 'matrix', m.code, v.code) : this.call('times', m.kind, m.code, v.code);
  }
  permuteRows(m: Piece, rows: string, cols: string): Piece {
    return this.call('pick', m.kind, m.code, this.call('commutationIndex', 'column', rows, cols).code);
  }
  permuteColumns(m: Piece, rows: string, cols: string): Piece {
    const index = this.call('commutationIndex', 'column', cols, rows).code;
    return m.kind === 'matrix' ? this.call('pickColumns', 'matrix', m.code, index) : this.call('pick', m.kind, m.code, index);
  }
  kronIdentity(a: Piece, size: { k: string; rows: string; cols: string }, identityFirst: boolean, side: 'left' | 'right', m: Piece): Piece {
    const left = side === 'left';
    const operand = m.kind === 'matrix' ? m.code : left ? this.call('column', 'matrix', m.code).code : `[${m.code}]`;
    const applied = this.call('kronIdentity', 'matrix', a.code, size.k, String(identityFirst), String(left), operand).code;
    if (m.kind === 'matrix') return atom(applied, 'matrix');
    return atom(left ? `${applied}.map((row) => row[0]!)` : `${applied}[0]!`, m.kind);
  }
  commutedKron(a: Piece, b: Piece, side: 'left' | 'right'): Piece {
    return this.call('commutedKron', 'matrix', a.code, b.code, String(side === 'left'));
  }
  transpose(p: Piece): Piece {
    if (p.kind === 'matrix') return this.call('transpose', 'matrix', p.code);
    return { ...p, kind: p.kind === 'row' ? 'column' : p.kind === 'column' ? 'row' : p.kind };
  }
  traceOfProduct(aTransposed: Piece, b: Piece): Piece {
    return this.call('innerSum', 'scalar', aTransposed.code, b.code);
  }
  sumEntries(v: Piece): Piece {
    return this.call('total', 'scalar', v.code);
  }
  logdet(m: Piece): Piece {
    return this.spell(definitionOf({ op: 'logdet', name: 'logdet' })!, m, 'scalar');
  }
  unary(node: Expr, arg: Piece): Piece {
    const kind = kindOf(node);
    switch (node.op) {
      case 'transpose': return arg.kind === 'matrix' ? this.call('transpose', 'matrix', arg.code) : { ...arg, kind };
      case 'inverse': return this.inverse(arg);
      case 'power': {
        if (isArray(arg)) return this.call('power', kind, arg.code, String(node.value));
        return { code: `${wrap(arg, PREC.atom)} ** ${wrap(this.number(node.value), PREC.atom)}`, kind, prec: PREC.power };
      }
      case 'matrixPower': return this.call('matpow', kind, arg.code, String(node.value));
      default: {
        const definition = definitionOf(node);
        if (!definition) throw new Error(`no TypeScript code for the operation ${node.op}`);
        return this.spell(definition, arg, kind);
      }
    }
  }

  /** A function's spelling from its definition; its helpers are written out with the code. */
  private spell(definition: FunctionDefinition, arg: Piece, kind: Kind): Piece {
    const spelling = definition.code.ts;
    for (const [name, helper] of Object.entries(spelling.helpers ?? {})) this.tableHelpers.set(name, helper);
    if (spelling.template) return { code: spelling.template(wrap(arg, PREC.atom), arg.code), kind, prec: PREC.multiply };
    const f = spelling.call!;
    // An elementwise function is a scalar function, mapped over arrays.
    if (definition.family === 'elementwise') {
      if (this.tableHelpers.has(f)) this.used.add(f);
      return isArray(arg) ? this.call('map', kind, arg.code, f) : atom(`${f}(${arg.code})`, kind);
    }
    return this.call(f, kind, arg.code);
  }
}

const camel = (text: string): string => text.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `export function fAndGrad(A: Matrix, x: Vector): { f: number; grad: Vector }` and helpers. */
export function emitTypeScript(spec: CodeSpec): string {
  const dialect = new TypeScriptDialect();
  const derivativeName = spec.kind === 'grad' ? 'grad' : spec.kind === 'jacobian' ? 'J' : 'H';
  const plan = planCode(spec, dialect.reserved, { value: spec.kind === 'jacobian' ? 'F' : 'f', derivative: derivativeName });
  const lowered = lower(plan, dialect);
  const functionName = camel(`f_and_${spec.kind}`);
  const lines: string[] = [];
  lines.push('/**');
  lines.push(` * ${spec.kind === 'jacobian' ? 'F' : 'f'} and its ${DERIVATIVE_WORD[spec.kind]} with respect to ${spec.wrt}.`);
  lines.push(' * Vectors are number[], matrices arrays of rows.');
  for (const arg of plan.args) lines.push(` * @param ${arg.name} ${arg.description}`);
  lines.push(` * @returns ${plan.valueName} and ${plan.derivativeName} (${shapeText(spec.derivative.shape)})`);
  if (spec.note) lines.push(` * ${spec.note}`);
  lines.push(' */');
  const parameters = plan.args.map((a) => `${a.name}: ${TYPES[a.kind]}`).join(', ');
  const returns = `{ ${plan.valueName}: ${TYPES[lowered.value.kind]}; ${plan.derivativeName}: ${TYPES[lowered.derivative.kind]} }`;
  lines.push(`export function ${functionName}(${parameters}): ${returns} {`);
  // Temporaries f needs, f, then the rest (a derivative's temporary may read f).
  for (const { name, piece } of lowered.temporaries.slice(0, lowered.valueTemporaries)) lines.push(`  const ${name} = ${piece.code};`);
  lines.push(`  const ${plan.valueName} = ${lowered.value.code};`);
  for (const { name, piece } of lowered.temporaries.slice(lowered.valueTemporaries)) lines.push(`  const ${name} = ${piece.code};`);
  lines.push(`  const ${plan.derivativeName} = ${lowered.derivative.code};`);
  lines.push(`  return { ${plan.valueName}, ${plan.derivativeName} };`);
  lines.push('}');
  const prelude = ['type Vector = number[];', 'type Matrix = number[][];'].join('\n');
  // Only the helpers the code calls (lowering spells some pieces it then does not use).
  const body = lines.join('\n');
  const called = new Set([...dialect.used].filter((name) => new RegExp(`\\b${name}\\b`).test(body)));
  return [prelude, ...helperSources(called, dialect.tableHelpers), body].join('\n\n') + '\n';
}
