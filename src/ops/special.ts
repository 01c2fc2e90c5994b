// Special functions the elementwise table needs and Math lacks: the error function and the
// standard normal distribution, accurate to about 1e-15 over the real line. The same
// algorithms are written out as TypeScript helpers for generated code (src/ops/elementwise.ts);
// test/ops compares the two.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erf by its everywhere-positive series 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3⋯(2n+1)) for |x| < 3
 *  (no cancellation), and 1 − erfc beyond. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 3) return Math.sign(x) * (1 - erfcLarge(a));
  let term = a;
  let total = a;
  for (let n = 1; n < 200 && term > 1e-17 * total; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    total += term;
  }
  return Math.sign(x) * TWO_OVER_SQRT_PI * Math.exp(-a * a) * total;
}

/** erfc, accurate also where it is tiny (large x), where 1 − erf(x) would lose every digit. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 1.5) return erfcLarge(x);
  return 1 - erf(x);
}

/** erfc(x) for x ≥ 1.5 by its continued fraction, evaluated from the tail. */
function erfcLarge(x: number): number {
  if (x > 27) return 0;
  let fraction = 0;
  for (let k = 120; k >= 1; k--) fraction = k / 2 / (x + fraction);
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / (x + fraction);
}

/** Φ(x), the standard normal distribution function. */
export const normcdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** φ(x), the standard normal density. */
export const normpdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
