/**
 * GitLab durations ("1h 30m", "3 hours", "1 week", "2 days and 4 hours", "90", "1:30:00"),
 * parsed like the ChronicDuration gem GitLab uses: a bare number is seconds, a month is 30 days,
 * a year 365.25 days. Returns whole seconds, or null when the text is not a duration.
 */
const UNIT_SECONDS: Record<string, number> = {};
const UNITS: Array<[number, string[]]> = [
  [1, ['s', 'sec', 'secs', 'second', 'seconds']],
  [60, ['m', 'min', 'mins', 'minute', 'minutes']],
  [3600, ['h', 'hr', 'hrs', 'hour', 'hours']],
  [86400, ['d', 'day', 'days']],
  [604800, ['w', 'wk', 'wks', 'week', 'weeks']],
  [2592000, ['mo', 'mos', 'month', 'months']],
  [31557600, ['y', 'yr', 'yrs', 'year', 'years']],
];
for (const [seconds, names] of UNITS) for (const name of names) UNIT_SECONDS[name] = seconds;

export function parseDuration(input: unknown): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input) : null;
  if (typeof input !== 'string') return null;
  const text = input.trim().toLowerCase();
  if (text === '' || text.length > 200) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text));
  if (/^\d+(:\d+){1,3}$/.test(text)) {
    const parts = text.split(':').map(Number).reverse();
    const scale = [1, 60, 3600, 86400];
    return parts.reduce((sum, part, index) => sum + part * scale[index]!, 0);
  }
  const cleaned = text.replace(/\band\b/g, ' ').replace(/,/g, ' ');
  const token = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)?/g;
  let total = 0;
  let matchedUpTo = 0;
  let found = false;
  for (let m = token.exec(cleaned); m; m = token.exec(cleaned)) {
    if (cleaned.slice(matchedUpTo, m.index).trim() !== '') return null;
    matchedUpTo = m.index + m[0].length;
    const unit = m[2] === undefined ? 1 : UNIT_SECONDS[m[2]];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    found = true;
  }
  if (!found || cleaned.slice(matchedUpTo).trim() !== '') return null;
  return Math.round(total);
}
