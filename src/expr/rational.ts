// Exact arithmetic on the numbers of expressions (issue 15): ½ stays ½, 2/2 is 1, ⅓·3 is 1.
//
// A number node keeps one double. A double that is p/q for a small q (the double nearest
// to p/q, as the constructors make it) is read as that rational, and sums, products and
// integer powers of rationals are done on numerators and denominators, then stored as the
// double nearest the exact result. So no second representation travels in the nodes and
// every consumer (evaluation, code) keeps reading a plain number; only the arithmetic the
// constructors do and the printers' choice of "1/2" over "0.5" read the rational.
//
// Any other double (π, 0.1234567) is a float: arithmetic on it is float arithmetic, and a
// result is rounded to 15 significant digits as before (3·0.1 prints 0.3).

/** Denominators up to this are recognised: every fraction a formula or a derivative of one
 *  writes, while two such fractions never round to one double for |value| < 2^20. */
const MAX_DENOMINATOR = 1_000_000;
const MAX_NUMERATOR = 2 ** 53;

export interface Rational {
  readonly p: number;
  readonly q: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The rational a double stands for, if it is one (p/q in lowest terms, q > 0). */
export function rationalOf(value: number): Rational | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (Number.isInteger(value)) return Math.abs(value) <= MAX_NUMERATOR ? { p: value, q: 1 } : undefined;
  if (Math.abs(value) >= 2 ** 20) return undefined;
  // Continued fraction convergents h/k of |value|, until one is the double itself.
  const x = Math.abs(value);
  let [h0, h1, k0, k1] = [1, Math.floor(x), 0, 1];
  let rest = x - Math.floor(x);
  for (let i = 0; i < 40 && rest > 0; i++) {
    if (h1 / k1 === x) break;
    const inverse = 1 / rest;
    const a = Math.floor(inverse);
    rest = inverse - a;
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > MAX_DENOMINATOR) return undefined;
  }
  if (h1 / k1 !== x) return undefined;
  return { p: value < 0 ? -h1 : h1, q: k1 };
}

/** The double a rational is stored as, or undefined when its parts are too large. */
function stored(p: number, q: number): number | undefined {
  if (q === 0) return undefined;
  const g = gcd(p, q) || 1;
  const [np, nq] = [p / g, q / g];
  if (Math.abs(np) > MAX_NUMERATOR || nq > MAX_DENOMINATOR) return undefined;
  const value = (nq < 0 ? -np : np) / Math.abs(nq);
  return value === 0 ? 0 : value; // never -0
}

const float = (value: number): number => (Number.isInteger(value) ? value : Number(value.toPrecision(15)));

export function addNumbers(a: number, b: number): number {
  const [x, y] = [rationalOf(a), rationalOf(b)];
  if (x && y) {
    const exact = stored(x.p * y.q + y.p * x.q, x.q * y.q);
    if (exact !== undefined && Number.isSafeInteger(x.p * y.q) && Number.isSafeInteger(y.p * x.q)) return exact;
  }
  return float(a + b);
}

export function multiplyNumbers(a: number, b: number): number {
  if (a === 1) return b;
  if (b === 1) return a;
  const [x, y] = [rationalOf(a), rationalOf(b)];
  if (x && y && Number.isSafeInteger(x.p * y.p) && Number.isSafeInteger(x.q * y.q)) {
    const exact = stored(x.p * y.p, x.q * y.q);
    if (exact !== undefined) return exact;
  }
  return float(a * b);
}

/** base^exponent, exact for a rational base and an integer exponent. */
export function powerNumber(base: number, exponent: number): number {
  const x = rationalOf(base);
  if (x && Number.isInteger(exponent) && Math.abs(exponent) <= 64) {
    const [p, q] = exponent >= 0 ? [x.p, x.q] : [x.q, x.p];
    const k = Math.abs(exponent);
    const [pk, qk] = [p ** k, q ** k];
    if (Number.isSafeInteger(pk) && Number.isSafeInteger(qk) && qk !== 0) {
      const exact = stored(pk, qk);
      if (exact !== undefined) return exact;
    }
  }
  return float(Math.pow(base, exponent));
}

/** A value as it is stored: rationals as their nearest double, others to 15 digits. */
export function canonicalNumber(value: number): number {
  return rationalOf(value) ? value : float(value);
}

/** A value printed as a fraction p/q: a rational but not a decimal one. ½, ¼, ⅓ and 2/7 are
 *  fractions, as a textbook writes them; a denominator with the factor 5 whose decimal form
 *  ends (0.7·2 = 1.4, 0.01·2 = 0.02) stays a decimal, as its user wrote it. Else undefined. */
export function fractionOf(value: number): Rational | undefined {
  const r = rationalOf(value);
  if (!r || r.q === 1) return undefined;
  let q = r.q;
  while (q % 2 === 0) q /= 2;
  while (q % 5 === 0) q /= 5;
  const decimal = q === 1 && r.q % 5 === 0;
  return decimal ? undefined : r;
}

/** The largest rational c with every value an integer multiple of c, negative when every
 *  value is (2a + 4b → 2, -a/2 - b/2 → -1/2); 1 when the values are not all rationals. */
export function numericContent(values: readonly number[]): number {
  let p = 0;
  let q = 1;
  for (const value of values) {
    const r = rationalOf(value);
    if (!r) return 1;
    p = gcd(p, r.p);
    q = (q / gcd(q, r.q)) * r.q;
    if (!Number.isSafeInteger(q)) return 1;
  }
  if (p === 0) return 1;
  const sign = values.every((v) => v < 0) ? -1 : 1;
  return stored(sign * p, q) ?? 1;
}
