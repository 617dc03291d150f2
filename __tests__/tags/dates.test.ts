import { describe, expect, it } from 'vitest';
import { formatDate, isTimeZone } from '../../src/tags/dates.js';

const FRIDAY = new Date('2020-01-10T15:25:50.123Z');

describe('formatDate (moment tokens, Intl zones)', () => {
  // [date, format, zone, expected]
  const CASES: [Date, string, string, string][] = [
    [FRIDAY, 'YYYYMMDD', 'UTC', '20200110'],
    [new Date('2020-01-10T00:30:00Z'), 'YYYYMMDD-HHmmss', 'Asia/Tokyo', '20200110-093000'],
    [FRIDAY, 'dddd, MMMM Do YYYY, h:mm:ss a', 'UTC', 'Friday, January 10th 2020, 3:25:50 pm'],
    [FRIDAY, 'YYYY-MM-DDTHH:mm:ss.SSS[Z]', 'UTC', '2020-01-10T15:25:50.123Z'],
    [FRIDAY, 'ddd D MMM YY, hh A', 'UTC', 'Fri 10 Jan 20, 03 PM'],
    [FRIDAY, 'Z', 'Asia/Kolkata', '+05:30'],
    [FRIDAY, 'ZZ', 'America/New_York', '-0500'],
    [new Date('2020-07-01T12:00:00Z'), 'HH Z', 'America/New_York', '08 -04:00'],
    [new Date('2021-01-01T12:00:00Z'), 'GGGG-[W]WW E', 'UTC', '2020-W53 5'],
    [new Date('2020-12-31T12:00:00Z'), 'DDDD Q', 'UTC', '366 4'],
    [new Date('2020-01-01T00:00:00Z'), 'X x', 'UTC', '1577836800 1577836800000'],
    [new Date('2020-01-01T00:05:00Z'), 'k:mm kk', 'UTC', '24:05 24'],
    [new Date('2020-03-02T00:00:00Z'), 'Do Do', 'UTC', '2nd 2nd'],
    [new Date('2020-03-13T00:00:00Z'), 'Do', 'UTC', '13th'],
    [FRIDAY, '[YYYY] YYYY', 'UTC', 'YYYY 2020'],
  ];

  it.each(CASES)('%s %j in %s', (date, format, zone, expected) => {
    expect(formatDate(date, format, zone)).toBe(expected);
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
