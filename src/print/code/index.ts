// Code emitters: a derivative as a function that computes f and its derivative, in NumPy,
// PyTorch or TypeScript. They render a finished expression; they decide no mathematics.

import { emitPython } from './python.js';
import { emitTypeScript } from './typescript.js';
import type { CodeSpec } from './plan.js';

export type CodeTarget = 'numpy' | 'torch' | 'ts';
export const CODE_TARGETS: readonly CodeTarget[] = ['numpy', 'torch', 'ts'];
export type { CodeSpec, DerivativeKind } from './plan.js';

export function emitCode(target: CodeTarget, spec: CodeSpec): string {
  return target === 'ts' ? emitTypeScript(spec) : emitPython(spec, target);
}
