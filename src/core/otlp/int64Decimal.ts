/**
 * Exact decimal text of 64-bit integers given as two 32-bit halves, without BigInt on the hot path
 * (nanosecond timestamps are always above 2^53, so every span needs this).
 */

const TWO_POW_32 = 4294967296;
const BASE = 10000000;

/** Left-pads a base-1e7 digit group to 7 characters. */
function group7(value: number): string {
  const text = String(value);
  return '0000000'.slice(text.length) + text;
}

/** `hi * 2^32 + lo` as unsigned decimal; `lo` and `hi` are unsigned 32-bit values. */
export function unsignedDecimal(lo: number, hi: number): string {
  if (hi <= 0x1fffff) return String(hi * TWO_POW_32 + lo);
  // Split into 24-bit limbs and recombine in base 1e7: 2^24 = 1e7 + 6777216, 2^48 = 28147497e7 + 6710656.
  const low = lo & 0xffffff;
  const mid = ((lo >>> 24) | (hi << 8)) & 0xffffff;
  const high = hi >>> 16;
  let digitA = low + mid * 6777216 + high * 6710656;
  let digitB = mid + high * 8147497;
  let digitC = high * 2;
  if (digitA >= BASE) {
    digitB += Math.floor(digitA / BASE);
    digitA %= BASE;
  }
  if (digitB >= BASE) {
    digitC += Math.floor(digitB / BASE);
    digitB %= BASE;
  }
  // Above 2^53 the value has at least 16 digits, so digitC is never zero here.
  return String(digitC) + group7(digitB) + group7(digitA);
}

/** Two's-complement `hi:lo` as signed decimal. */
export function signedDecimal(lo: number, hi: number): string {
  if (hi < 0x80000000) return unsignedDecimal(lo, hi);
  // Negate: invert both halves and add one, carrying from the low half.
  let negLo = ~lo >>> 0;
  let negHi = ~hi >>> 0;
  negLo = (negLo + 1) >>> 0;
  if (negLo === 0) negHi = (negHi + 1) >>> 0;
  return '-' + unsignedDecimal(negLo, negHi);
}
