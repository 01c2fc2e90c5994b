// Runs generated code on random instances and returns what evaluate says it should give.
// TypeScript runs in-process (transpiled by the TypeScript compiler); Python in one
// python3 process per batch.

import { execFileSync } from 'node:child_process';
import { interpreterWith } from '../../bench/python.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import type { Expr } from '../../src/expr/node.js';
import { DomainError, evaluateExpr } from '../../src/numeric/evaluate.js';
import { dimsOf, drawSizes, drawValue, needsOf, Random } from '../../src/numeric/random.js';
import { toPlain } from '../../src/numeric/values.js';
import { kindOf } from '../../src/print/code/plan.js';

export type Plain = number | number[] | number[][];

export interface Instance {
  /** Arguments in the generated function's order, in its conventions (rows 1-D). */
  readonly args: Plain[];
  readonly value: number[];
  readonly derivative: number[];
}

/** Values for f's symbols and the values evaluate gives f and its derivative there. */
export function instance(f: Expr, derivative: Expr, symbols: readonly Expr[], seed: number): Instance {
  for (let attempt = 0; attempt < 20; attempt++) {
    const random = new Random(seed + 1009 * attempt);
    const sizes = drawSizes([...dimsOf(f), ...dimsOf(derivative)]);
    const needs = needsOf(f);
    const values = new Map(symbols.map((s) => [s.name, drawValue(s, sizes, random, needs)]));
    try {
      const fv = evaluateExpr(f, values, sizes);
      const dv = evaluateExpr(derivative, values, sizes);
      if (![...fv.flat(), ...dv.flat()].every(Number.isFinite)) continue;
      const args = symbols.map((s) => {
        const plain = toPlain(values.get(s.name)!, s.shape);
        return kindOf(s) === 'row' ? (plain as number[][]).flat() : plain;
      });
      return { args, value: fv.flat(), derivative: dv.flat() };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  throw new Error('no instance inside the domain');
}

const flat = (value: unknown): number[] => (typeof value === 'number' ? [value] : (value as unknown[]).flat(2) as number[]);

/** Largest relative difference, entry by entry, scaled by the larger magnitude. */
export function deviation(actual: unknown, expected: readonly number[]): number {
  const a = flat(actual);
  if (a.length !== expected.length) return Infinity;
  const scale = Math.max(1, ...expected.map(Math.abs));
  return Math.max(0, ...a.map((x, i) => Math.abs(x - expected[i]!) / scale));
}

/** Transpiles generated TypeScript and returns its one exported function. */
export function loadTypeScript(code: string): (...args: Plain[]) => Record<string, unknown> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: Record<string, unknown> = {};
  new Function('exports', js)(exports);
  const functions = Object.values(exports).filter((v) => typeof v === 'function');
  if (functions.length !== 1) throw new Error(`expected one exported function, found ${functions.length}`);
  return functions[0] as (...args: Plain[]) => Record<string, unknown>;
}

/** Type-checks generated TypeScript files under strict settings; returns the diagnostics. */
export function typeCheck(files: readonly string[]): string[] {
  const options: ts.CompilerOptions = { strict: true, noUncheckedIndexedAccess: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ['lib.es2022.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const names = files.map((_, i) => `/generated/case${i}.ts`);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) => {
    const index = names.indexOf(name);
    return index >= 0 ? ts.createSourceFile(name, files[index]!, language) : getSourceFile(name, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => names.includes(name) || fileExists(name);
  const program = ts.createProgram(names, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const PYTHON_DRIVER = `
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
library = sys.argv[2]
if library == "numpy":
    import numpy as np
    convert = lambda v: np.array(v, dtype=float) if isinstance(v, list) else float(v)
    plain = lambda v: np.asarray(v, dtype=float).tolist()
else:
    import torch
    convert = lambda v: torch.tensor(v, dtype=torch.float64)
    plain = lambda v: torch.as_tensor(v).double().tolist()
results = []
for case in json.load(open(sys.argv[3])):
    try:
        module = importlib.import_module(case["module"])
        function = [getattr(module, n) for n in dir(module) if n.startswith("f_and_")][0]
        value, derivative = function(*[convert(a) for a in case["args"]])
        results.append({"value": plain(value), "derivative": plain(derivative)})
    except Exception as error:
        results.append({"error": type(error).__name__ + ": " + str(error)})
json.dump(results, sys.stdout)
`;

export type PythonResult = { value: unknown; derivative: unknown } | { error: string };

/** Runs generated Python modules, each on its arguments, in one python3 process. */
export function runPython(library: 'numpy' | 'torch', cases: readonly { code: string; args: Plain[] }[]): PythonResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'matcalc-code-'));
  try {
    cases.forEach((c, i) => writeFileSync(join(dir, `case${i}.py`), c.code));
    writeFileSync(join(dir, 'driver.py'), PYTHON_DRIVER);
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases.map((c, i) => ({ module: `case${i}`, args: c.args }))));
    const python = interpreterWith(library);
    if (!python) throw new Error(`no python3 here can import ${library}`);
    const output = execFileSync(python, [join(dir, 'driver.py'), dir, library, join(dir, 'cases.json')], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return JSON.parse(output) as PythonResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a python3 here can import a module (numpy, torch). */
export function importable(module: string): boolean {
  return interpreterWith(module) !== undefined;
}
