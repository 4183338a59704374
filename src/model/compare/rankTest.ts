/**
 * Mann–Whitney U (Wilcoxon rank-sum) test and the Benjamini–Hochberg correction.
 *
 * Why a rank test rather than a bootstrap interval: agent latencies and costs are skewed and
 * heavy-tailed (a retried model call doubles a run), so a test on ranks needs no assumption about
 * the distribution and one outlier cannot decide it. It is deterministic (the same runs always give
 * the same verdict, no resampling seed), exact for small groups and O(n log n), so a comparison
 * of dozens of span names stays instant. It tests whether values of one group tend to be larger
 * than the other's, which is the question "did this get slower/costlier".
 */

export interface RankTestResult {
  /** U of the first sample: pairs (a, b) with a > b, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'normal';
}

/** Exact null distribution is used up to this many pairs (and only without ties). */
const EXACT_MAX_PAIRS = 2500;

export function mannWhitneyU(a: readonly number[], b: readonly number[]): RankTestResult {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) return { u: 0, pValue: 1, method: 'normal' };
  const pooled: { value: number; fromA: boolean }[] = [];
  for (const value of a) pooled.push({ value, fromA: true });
  for (const value of b) pooled.push({ value, fromA: false });
  pooled.sort((x, y) => x.value - y.value);

  const n = na + nb;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && pooled[j].value === pooled[i].value) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (pooled[k].fromA) rankSumA += averageRank;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const u = rankSumA - (na * (na + 1)) / 2;

  if (tieTerm === 0 && na * nb <= EXACT_MAX_PAIRS) {
    return { u, pValue: exactTwoSided(u, na, nb), method: 'exact' };
  }
  const mean = (na * nb) / 2;
  const variance = ((na * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, pValue: 1, method: 'normal' };
  // Continuity correction: U moves in steps of ½ at least.
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, pValue: Math.min(1, 2 * upperNormalTail(z)), method: 'normal' };
}

/**
 * Exact two-sided p-value from the null distribution of U: the number of arrangements with each U
 * is a coefficient of the Gaussian binomial [n choose na]_q, built as a product of
 * (1 − q^(nb+k)) / (1 − q^k), k = 1..na.
 */
function exactTwoSided(u: number, na: number, nb: number): number {
  const maxU = na * nb;
  const counts = new Float64Array(maxU + 1);
  counts[0] = 1;
  for (let k = 1; k <= na; k++) {
    const up = nb + k;
    for (let i = maxU; i >= up; i--) counts[i] -= counts[i - up];
    for (let i = k; i <= maxU; i++) counts[i] += counts[i - k];
  }
  let total = 0;
  for (let i = 0; i <= maxU; i++) total += counts[i];
  const low = Math.floor(u);
  const high = Math.ceil(u);
  let below = 0;
  for (let i = 0; i <= low; i++) below += counts[i];
  let above = 0;
  for (let i = high; i <= maxU; i++) above += counts[i];
  return Math.min(1, (2 * Math.min(below, above)) / total);
}

/** P(Z > z) for a standard normal Z. */
export function upperNormalTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes' erfc (Chebyshev fit), fractional error below 1.2e-7 everywhere.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in the input order. Comparing two groups tests
 * dozens of rows (every span name × measure); without a correction one in twenty unchanged rows
 * would be called significant at 5%. The false discovery rate keeps the share of wrong calls among
 * the rows called at α while losing less power than a family-wise (Bonferroni/Holm) correction.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((x, y) => pValues[y] - pValues[x]);
  const q = new Array<number>(m);
  let running = 1;
  order.forEach((index, position) => {
    const rank = m - position;
    running = Math.min(running, (pValues[index] * m) / rank);
    q[index] = running;
  });
  return q;
}
