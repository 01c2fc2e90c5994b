// Shorthands the table's entries write their spellings with.

import type { Helper, Spelling } from './definition.js';

/** A function of the target applied to the argument: np.exp(z). */
export const call = (name: string, helpers?: Record<string, Helper>): Spelling => (helpers ? { call: name, helpers } : { call: name });

/** The whole expression written out (z parenthesized unless atomic; raw as it is). */
export const template = (write: (z: string, raw: string) => string, helpers?: Record<string, Helper>): Spelling => (helpers ? { template: write, helpers } : { template: write });

/** LaTeX: a named operator applied with parentheses, \operatorname{tr}\left(A\right). */
export const operator = (name: string) => (argument: string): string => `\\operatorname{${name}}\\left(${argument}\\right)`;
