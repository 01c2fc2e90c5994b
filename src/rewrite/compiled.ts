// Rules pre-compiled at build time: the parsed rules as a flat list of nodes, replayed into
// the intern table at start-up instead of parsing the rule files again (start-up time).
// The text in rules/ stays the source of truth; scripts/build.js writes this form from it.

import { type Expr, intern, type Op } from '../expr/node.js';
import type { Rule } from './rule.js';

type NodeRecord = [op: Op, name: string, value: number | null, rows: string, cols: string, props: number, args: number[]];
interface RuleRecord { name: string; lhs: number; rhs: number; conditions: Rule['conditions']; origin: string; variables: string[] }
export interface CompiledRules { nodes: NodeRecord[]; files: Record<string, RuleRecord[]> }

export function compileRules(files: Record<string, readonly Rule[]>): CompiledRules {
  const nodes: NodeRecord[] = [];
  const index = new Map<number, number>();
  const add = (e: Expr): number => {
    const known = index.get(e.id);
    if (known !== undefined) return known;
    const args = e.args.map(add);
    nodes.push([e.op, e.name, Number.isNaN(e.value) ? null : e.value, e.shape.rows, e.shape.cols, e.props, args]);
    index.set(e.id, nodes.length - 1);
    return nodes.length - 1;
  };
  const out: Record<string, RuleRecord[]> = {};
  for (const [file, rules] of Object.entries(files)) {
    out[file] = rules.map((r) => ({ name: r.name, lhs: add(r.lhs), rhs: add(r.rhs), conditions: r.conditions, origin: r.origin, variables: [...r.variables] }));
  }
  return { nodes, files: out };
}

export function loadCompiled(compiled: CompiledRules): Record<string, Rule[]> {
  const built: Expr[] = [];
  for (const [op, name, value, rows, cols, props, args] of compiled.nodes) {
    built.push(intern(op, args.map((i) => built[i]!), { rows, cols }, name, value ?? NaN, props));
  }
  const files: Record<string, Rule[]> = {};
  for (const [file, rules] of Object.entries(compiled.files)) {
    files[file] = rules.map((r) => ({ name: r.name, lhs: built[r.lhs]!, rhs: built[r.rhs]!, conditions: r.conditions, origin: r.origin, variables: new Set(r.variables) }));
  }
  return files;
}
