// The elementwise functions: one entry each. Its differential is in rules/differential.rules;
// everything else about it is here. Adding one is an entry here plus its rule and tests.

import type { ElementwiseDefinition, Helper } from './definition.js';
import { call, operator, template } from './spelling.js';
import { erf, normcdf, normpdf } from './special.js';


/** A LaTeX command applied with parentheses: \exp\left(x\right). */
const command = (name: string) => (argument: string): string => `\\${name}\\left(${argument}\\right)`;

/** An entry whose spellings follow the common pattern: np.NAME, torch.NAME, Math.NAME. */
function standard(name: string, scalar: (x: number) => number, rest: Partial<ElementwiseDefinition> & Pick<ElementwiseDefinition, 'summary'>): ElementwiseDefinition {
  return {
    family: 'elementwise',
    name,
    read: [name],
    latexRead: [`\\${name}`],
    write: { text: name, latex: command(name) },
    folds: { transpose: 'commutes' },
    code: { numpy: call(`np.${name}`), torch: call(`torch.${name}`), ts: call(`Math.${name}`) },
    scalar,
    ...rest,
  };
}

// TypeScript helpers: the same algorithms as src/ops/special.ts, for generated code.
const TS_ERF: Helper = {
  source: [
    '/** The error function (series below 3, continued fraction beyond; about 1e-15). */',
    'function erf(x: number): number {',
    '  const a = Math.abs(x);',
    '  if (a >= 3) return Math.sign(x) * (1 - erfcLarge(a));',
    '  let term = a;',
    '  let total = a;',
    '  for (let n = 1; n < 200 && term > 1e-17 * total; n++) {',
    '    term *= (2 * a * a) / (2 * n + 1);',
    '    total += term;',
    '  }',
    '  return Math.sign(x) * 1.1283791670955126 * Math.exp(-a * a) * total;',
    '}',
  ].join('\n'),
  needs: ['erfcLarge'],
};
const TS_ERFC_LARGE: Helper = {
  source: [
    'function erfcLarge(x: number): number {',
    '  if (x > 27) return 0;',
    '  let fraction = 0;',
    '  for (let k = 120; k >= 1; k--) fraction = k / 2 / (x + fraction);',
    '  return (0.5641895835477563 * Math.exp(-x * x)) / (x + fraction);',
    '}',
  ].join('\n'),
};
const TS_ERFC: Helper = { source: 'function erfc(x: number): number {\n  return x >= 1.5 ? erfcLarge(x) : 1 - erf(x);\n}', needs: ['erf', 'erfcLarge'] };
const TS_NORMCDF: Helper = { source: 'function normcdf(x: number): number {\n  return 0.5 * erfc(-x / Math.SQRT2);\n}', needs: ['erfc'] };
const TS_NORMPDF: Helper = { source: 'function normpdf(x: number): number {\n  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);\n}' };

// NumPy has no erf: Python's math module, entry by entry (SciPy is not a dependency).
const PY_ERF: Helper = { source: 'def _erf(z):\n    import math\n    return np.vectorize(math.erf, otypes=[float])(z)' };
const PY_NORMCDF: Helper = {
  source: 'def _normcdf(z):\n    import math\n    return np.vectorize(lambda t: 0.5 * math.erfc(-t / math.sqrt(2.0)), otypes=[float])(z)',
};

export const ELEMENTWISE: readonly ElementwiseDefinition[] = [
  standard('exp', Math.exp, { folds: { transpose: 'commutes' }, summary: 'eˣ entry by entry' }),
  standard('log', Math.log, { read: ['log', 'ln'], latexRead: ['\\log', '\\ln'], domain: 'positive', summary: 'natural logarithm (ln is the same)' }),
  standard('sin', Math.sin, { folds: { transpose: 'commutes' }, summary: 'sine' }),
  standard('cos', Math.cos, { folds: { transpose: 'commutes' }, summary: 'cosine' }),
  standard('tan', Math.tan, { folds: { transpose: 'commutes' }, summary: 'tangent' }),
  standard('sinh', Math.sinh, { folds: { transpose: 'commutes' }, summary: 'hyperbolic sine' }),
  standard('cosh', Math.cosh, { folds: { transpose: 'commutes' }, summary: 'hyperbolic cosine' }),
  standard('tanh', Math.tanh, { folds: { transpose: 'commutes' }, summary: 'hyperbolic tangent' }),
  standard('arcsin', Math.asin, {
    read: ['arcsin', 'asin'], domain: 'unit', folds: { transpose: 'commutes' },
    code: { numpy: call('np.arcsin'), torch: call('torch.asin'), ts: call('Math.asin') }, summary: 'inverse sine, for entries in (−1, 1)',
  }),
  standard('arccos', Math.acos, {
    read: ['arccos', 'acos'], domain: 'unit',
    code: { numpy: call('np.arccos'), torch: call('torch.acos'), ts: call('Math.acos') }, summary: 'inverse cosine, for entries in (−1, 1)',
  }),
  standard('arctan', Math.atan, {
    read: ['arctan', 'atan'], folds: { transpose: 'commutes' },
    code: { numpy: call('np.arctan'), torch: call('torch.atan'), ts: call('Math.atan') }, summary: 'inverse tangent',
  }),
  standard('log1p', Math.log1p, {
    latexRead: [], write: { text: 'log1p', latex: operator('log1p') }, domain: 'positive', folds: { transpose: 'commutes' },
    summary: 'log(1 + x), accurate near 0 (entries > −1; verified on positive draws)',
  }),
  standard('expm1', Math.expm1, {
    latexRead: [], write: { text: 'expm1', latex: operator('expm1') }, folds: { transpose: 'commutes' }, summary: 'eˣ − 1, accurate near 0',
  }),
  standard('sqrt', Math.sqrt, {
    write: { text: 'sqrt', latex: (z) => `\\sqrt{${z}}` }, domain: 'positive', folds: { transpose: 'commutes' }, summary: 'square root',
  }),
  standard('abs', Math.abs, {
    latexRead: [], write: { text: 'abs', latex: (z) => `\\left| ${z} \\right|`, nonScalar: { latex: operator('abs') } }, folds: { transpose: 'commutes' }, summary: 'absolute value',
  }),
  {
    family: 'elementwise', name: 'sigmoid', read: ['sigmoid'], latexRead: ['\\operatorname{sigmoid}'],
    write: { text: 'sigmoid', latex: operator('sigmoid') }, folds: { transpose: 'commutes' },
    scalar: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    code: {
      // e^-|z| never overflows, and e/(1 + e) for z < 0 keeps full relative accuracy; one
      // exp, three times faster than exp(-logaddexp(0, -z)) (bench:code).
      numpy: call('_sigmoid', { _sigmoid: { source: 'def _sigmoid(z):\n    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1.0, e) / (1 + e)' } }),
      torch: call('torch.sigmoid'),
      ts: call('sigmoid', { sigmoid: { source: 'function sigmoid(x: number): number {\n  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));\n}' } }),
    },
    summary: 'the logistic function 1/(1 + e⁻ˣ)',
  },
  {
    family: 'elementwise', name: 'relu', read: ['relu'], latexRead: ['\\operatorname{relu}', '\\operatorname{ReLU}'],
    write: { text: 'relu', latex: operator('relu') }, folds: { transpose: 'commutes' },
    scalar: (x) => (x > 0 ? x : 0),
    code: {
      numpy: template((_, z) => `np.maximum(${z}, 0.0)`),
      torch: call('torch.relu'),
      ts: call('relu', { relu: { source: 'function relu(x: number): number {\n  return x > 0 ? x : 0;\n}' } }),
    },
    summary: 'max(x, 0)',
  },
  {
    family: 'elementwise', name: 'softplus', read: ['softplus'], latexRead: ['\\operatorname{softplus}'],
    write: { text: 'softplus', latex: operator('softplus') }, folds: { transpose: 'commutes' },
    scalar: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
    code: {
      numpy: template((_, z) => `np.logaddexp(0.0, ${z})`),
      torch: call('torch.nn.functional.softplus'),
      ts: call('softplus', { softplus: { source: 'function softplus(x: number): number {\n  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));\n}' } }),
    },
    summary: 'log(1 + eˣ)',
  },
  {
    family: 'elementwise', name: 'erf', read: ['erf'], latexRead: ['\\operatorname{erf}', '\\mathrm{erf}'],
    write: { text: 'erf', latex: operator('erf') }, folds: { transpose: 'commutes' },
    scalar: erf,
    code: { numpy: call('_erf', { _erf: PY_ERF }), torch: call('torch.erf'), ts: call('erf', { erf: TS_ERF, erfcLarge: TS_ERFC_LARGE }) },
    summary: 'the error function',
  },
  {
    family: 'elementwise', name: 'normcdf', read: ['normcdf', 'Phi'], latexRead: ['\\Phi'],
    write: { text: 'normcdf', latex: (z) => `\\Phi\\left(${z}\\right)` }, folds: { transpose: 'commutes' },
    scalar: normcdf,
    code: {
      numpy: call('_normcdf', { _normcdf: PY_NORMCDF }),
      torch: template((z) => `0.5 * torch.erfc(-0.7071067811865476 * ${z})`),
      ts: call('normcdf', { normcdf: TS_NORMCDF, erfc: TS_ERFC, erf: TS_ERF, erfcLarge: TS_ERFC_LARGE }),
    },
    summary: 'Φ(x), the standard normal distribution function (gelu’s derivative has it)',
  },
  {
    family: 'elementwise', name: 'normpdf', read: ['normpdf'], latexRead: ['\\varphi'],
    write: { text: 'normpdf', latex: (z) => `\\varphi\\left(${z}\\right)` }, folds: { transpose: 'commutes' },
    scalar: normpdf,
    code: {
      numpy: template((z) => `0.3989422804014327 * np.exp(-0.5 * ${z} ** 2)`),
      torch: template((z) => `0.3989422804014327 * torch.exp(-0.5 * ${z} ** 2)`),
      ts: call('normpdf', { normpdf: TS_NORMPDF }),
    },
    summary: 'φ(x), the standard normal density',
  },
  {
    family: 'elementwise', name: 'gelu', read: ['gelu', 'GELU'], latexRead: ['\\operatorname{GELU}', '\\operatorname{gelu}'],
    write: { text: 'gelu', latex: operator('GELU') }, folds: { transpose: 'commutes' },
    scalar: (x) => x * normcdf(x),
    code: {
      numpy: call('_gelu', { _gelu: { source: 'def _gelu(z):\n    return z * _normcdf(z)', needs: ['_normcdf'] }, _normcdf: PY_NORMCDF }),
      torch: call('torch.nn.functional.gelu'),
      ts: call('gelu', { gelu: { source: 'function gelu(x: number): number {\n  return x * normcdf(x);\n}', needs: ['normcdf'] }, normcdf: TS_NORMCDF, erfc: TS_ERFC, erf: TS_ERF, erfcLarge: TS_ERFC_LARGE }),
    },
    summary: 'x·Φ(x), the Gaussian error linear unit (exact, not the tanh approximation)',
  },
  {
    family: 'elementwise', name: 'silu', read: ['silu', 'swish', 'SiLU'], latexRead: ['\\operatorname{SiLU}', '\\operatorname{silu}'],
    write: { text: 'silu', latex: operator('SiLU') }, folds: { transpose: 'commutes' },
    scalar: (x) => x / (1 + Math.exp(-x)),
    code: {
      numpy: template((z) => `${z} * np.exp(-np.logaddexp(0, -${z}))`),
      torch: call('torch.nn.functional.silu'),
      ts: call('silu', {
        silu: { source: 'function silu(x: number): number {\n  return x * sigmoid(x);\n}', needs: ['sigmoid'] },
        sigmoid: { source: 'function sigmoid(x: number): number {\n  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));\n}' },
      }),
    },
    summary: 'x·sigmoid(x), the sigmoid linear unit (swish)',
  },
  // The derivatives of relu and abs: results contain them, so they must parse back.
  {
    family: 'elementwise', name: 'step', read: ['step'], latexRead: [],
    write: { text: 'step', latex: operator('step') }, folds: { transpose: 'commutes' },
    scalar: (x) => (x > 0 ? 1 : 0),
    code: {
      numpy: template((_, z) => `np.heaviside(${z}, 0.0)`),
      torch: template((_, z) => `torch.heaviside(${z}, torch.zeros_like(${z}))`),
      ts: call('step', { step: { source: 'function step(x: number): number {\n  return x > 0 ? 1 : 0;\n}' } }),
    },
    summary: '1 where x > 0, else 0 (the derivative of relu)',
  },
  standard('sign', Math.sign, {
    latexRead: [], write: { text: 'sign', latex: operator('sign') }, folds: { transpose: 'commutes' }, summary: 'the sign, −1, 0 or 1 (the derivative of abs)',
  }),
];
