// The numeric definition of each elementwise function. Adding a function means a line
// here, its rules in rules/, and its spelling in grammar/names.ts.

export const ELEMENTWISE: Readonly<Record<string, (x: number) => number>> = {
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : 0),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  sqrt: Math.sqrt,
  abs: Math.abs,
  step: (x) => (x > 0 ? 1 : 0),
  sign: Math.sign,
};

/** Functions defined only for positive arguments. */
export const POSITIVE_DOMAIN = new Set(['log', 'sqrt']);
