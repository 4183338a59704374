const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar day (`YYYY-MM-DD`) of a Unix ms time, in this process's time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight at the start of a `YYYY-MM-DD` day, as Unix ms. */
export function startOfLocalDay(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
}

/** The local day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return localDay(new Date(y, m - 1, d + days, 12).getTime());
}

/** Every local day from `from` to `to` inclusive (both `YYYY-MM-DD`), at most `limit`. */
export function daysBetween(from: string, to: string, limit = 1000): string[] {
  const out: string[] = [];
  for (let day = from; day <= to && out.length < limit; day = addDays(day, 1)) out.push(day);
  return out;
}
