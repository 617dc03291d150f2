/**
 * `{{date 'FORMAT' tz='Zone'}}`: the moment.js format tokens metadata-action documents, rendered
 * with Intl for time zones (moment-timezone would add its whole zone database to the bundle).
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Longest token first for each letter, as moment tokenizes; `[...]` is literal text.
const TOKENS =
  /\[([^\]]*)\]|YYYY|YY|Q|MMMM|MMM|MM|M|DDDD|DDD|Do|DD|D|dddd|ddd|dd|d|E|WW|W|GGGG|HH|H|hh|h|kk|k|mm|m|ss|s|SSS|SS|S|A|a|ZZ|Z|X|x/g;

const DAY_MS = 86_400_000;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Format `date` in `timeZone` (IANA name, default UTC) with moment-style tokens. */
export function formatDate(date: Date, format: string, timeZone = 'UTC'): string {
  const offset = zoneOffsetMinutes(date, timeZone);
  // The wall-clock time in the zone, read back with the UTC getters.
  const wall = new Date(date.getTime() + offset * 60_000);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth();
  const day = wall.getUTCDate();
  const weekday = wall.getUTCDay();
  const hour = wall.getUTCHours();
  const ms = wall.getUTCMilliseconds();
  const dayOfYear = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
  const iso = isoWeek(year, month, day);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const zone = (sep: string) => {
    const abs = Math.abs(offset);
    return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${sep}${pad(abs % 60)}`;
  };
  const h12 = hour % 12 === 0 ? 12 : hour % 12;

  return format.replace(TOKENS, (token: string, literal: string | undefined) => {
    if (literal !== undefined) return literal;
    switch (token) {
      case 'YYYY':
        return pad(year, 4);
      case 'YY':
        return pad(year % 100);
      case 'Q':
        return String(Math.floor(month / 3) + 1);
      case 'MMMM':
        return MONTHS[month]!;
      case 'MMM':
        return MONTHS[month]!.slice(0, 3);
      case 'MM':
        return pad(month + 1);
      case 'M':
        return String(month + 1);
      case 'DDDD':
        return pad(dayOfYear, 3);
      case 'DDD':
        return String(dayOfYear);
      case 'Do':
        return ordinal(day);
      case 'DD':
        return pad(day);
      case 'D':
        return String(day);
      case 'dddd':
        return DAYS[weekday]!;
      case 'ddd':
        return DAYS[weekday]!.slice(0, 3);
      case 'dd':
        return DAYS[weekday]!.slice(0, 2);
      case 'd':
        return String(weekday);
      case 'E':
        return String(weekday === 0 ? 7 : weekday);
      case 'WW':
        return pad(iso.week);
      case 'W':
        return String(iso.week);
      case 'GGGG':
        return pad(iso.year, 4);
      case 'HH':
        return pad(hour);
      case 'H':
        return String(hour);
      case 'hh':
        return pad(h12);
      case 'h':
        return String(h12);
      case 'kk':
        return pad(hour === 0 ? 24 : hour);
      case 'k':
        return String(hour === 0 ? 24 : hour);
      case 'mm':
        return pad(wall.getUTCMinutes());
      case 'm':
        return String(wall.getUTCMinutes());
      case 'ss':
        return pad(wall.getUTCSeconds());
      case 's':
        return String(wall.getUTCSeconds());
      case 'SSS':
        return pad(ms, 3);
      case 'SS':
        return pad(Math.floor(ms / 10));
      case 'S':
        return String(Math.floor(ms / 100));
      case 'A':
        return hour < 12 ? 'AM' : 'PM';
      case 'a':
        return hour < 12 ? 'am' : 'pm';
      case 'ZZ':
        return zone('');
      case 'Z':
        return zone(':');
      case 'X':
        return String(Math.floor(date.getTime() / 1000));
      default: // 'x'
        return String(date.getTime());
    }
  });
}

/** Minutes the zone is ahead of UTC at `date`. */
function zoneOffsetMinutes(date: Date, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - (date.getTime() - date.getUTCMilliseconds())) / 60_000);
}

/** ISO-8601 week number and week-based year: the week's Thursday decides. */
function isoWeek(year: number, month: number, day: number): { week: number; year: number } {
  const weekday = (new Date(Date.UTC(year, month, day)).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(year, month, day - weekday + 3));
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / DAY_MS / 7) + 1;
  return { week, year: isoYear };
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
