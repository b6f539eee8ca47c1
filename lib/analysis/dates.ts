const DAY_MS = 86_400_000;

/**
 * Whole calendar days (UTC) from `from` to `to`, both epoch milliseconds. The one way a
 * secret's age is counted — by the analysis (whose clock is the start of the day, so that its
 * cache holds all day), the pages and the API — so they never differ by one.
 */
export function calendarDaysBetween(from: number, to: number): number {
  return Math.floor(to / DAY_MS) - Math.floor(from / DAY_MS);
}
