// f made ready for differentiation: the identities of rules/prepare.rules applied
// bottom-up (Kronecker products of scalar functions, det(X^k), diag(v)·w), so that each
// derivative comes out through simpler operations. One pass for gradients and Jacobians.

import type { Expr } from '../expr/node.js';
import { rewriteBottomUp, Run, type Step } from '../rewrite/engine.js';
import { rules } from '../rewrite/library.js';
import type { Limits, RunReport } from '../rewrite/run.js';

export interface Prepared {
  readonly expr: Expr;
  readonly steps: readonly Step[];
  /** The pass's report, when it did anything or stopped at a limit. */
  readonly report: RunReport | undefined;
}

export function beforeDifferentiation(f: Expr, limits: Limits): Prepared {
  const run = new Run('the preparation pass', limits);
  const { expr } = rewriteBottomUp(f, rules('prepare'), run);
  const report = run.report();
  return { expr, steps: run.steps, report: run.steps.length > 0 || report.stop !== 'saturated' ? report : undefined };
}
