/**
 * This module contains the reading of date and time text: ISO 8601 calendar dates (`2012-01-31`, also with `/`),
 * optionally with a time (`2012-01-31T13:45`, `2012-01-31 13:45:07.250`) and an offset (`Z`, `+01:00`), and
 * the calendar parts a model can learn from. Parts are read as written (an offset is not applied: a table's
 * local clock time is what carries the daily and weekly rhythm) with integer calendar arithmetic, so every
 * JavaScript engine computes the same numbers.
 */
import { DataError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import { getColumn, type Column, type Frame } from './frame.js';

const DATE_TIME =
  /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface DateParts {
  year: number;
  month: number;
  day: number;
  /** Monday 0 … Sunday 6. */
  weekday: number;
  /** 1 … 366. */
  dayOfYear: number;
  /** Days since 1970-01-01, with the time of day as a fraction. */
  elapsedDays: number;
  /** Hours since midnight, with minutes and seconds as a fraction; 0 for a date without a time. */
  hour: number;
  hasTime: boolean;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a proleptic Gregorian date (integer arithmetic on 400-year eras). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The calendar parts of a date or date-time text, or null when it is not one (or not a real day). */
export function parseDateTime(text: string): DateParts | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  if (month < 1 || month > 12) return null;
  const monthDays = month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1];
  if (day < 1 || day > monthDays) return null;
  const hasTime = m[5] !== undefined;
  const hours = hasTime ? Number(m[5]) : 0;
  const minutes = hasTime ? Number(m[6]) : 0;
  const seconds = m[7] !== undefined ? Number(`${m[7]}${m[8] ? `.${m[8]}` : ''}`) : 0;
  if (hours > 23 || minutes > 59 || seconds >= 61) return null;
  const days = daysFromCivil(year, month, day);
  const hour = hours + minutes / 60 + seconds / 3600;
  return {
    year,
    month,
    day,
    weekday: (((days + 3) % 7) + 7) % 7, // 1970-01-01 was a Thursday
    dayOfYear: days - daysFromCivil(year, 1, 1) + 1,
    elapsedDays: days + hour / 24,
    hour,
    hasTime,
  };
}

/**
 * A text column whose every present value is a date or date-time (and which has at least one), with whether
 * any value carries a time of day; null for any other column.
 */
export function dateColumnInfo(column: Column): { hasTime: boolean } | null {
  if (column.kind !== 'categorical') return null;
  let present = 0;
  let hasTime = false;
  const seen = new Set<string>();
  for (const v of column.values) {
    if (v === null || seen.has(v)) continue;
    seen.add(v);
    const parts = parseDateTime(v);
    if (!parts) return null;
    present++;
    hasTime ||= parts.hasTime;
  }
  return present > 0 ? { hasTime } : null;
}

/**
 * Throws a DataError naming the first value of the columns `names` of `frame` that is present but not a date: new
 * rows for a model that learned those columns as dates (a `01/02/2016` would otherwise become a missing date).
 */
export function checkDateValues(frame: Frame, names: readonly string[]): void {
  for (const name of names) {
    const column = getColumn(frame, name);
    if (column.kind !== 'categorical') continue;
    const i = column.values.findIndex((v) => v !== null && parseDateTime(v) === null);
    if (i < 0) continue;
    throw new DataError(
      'data.bad_value',
      `column ${printable(name, { inline: true })} held dates when the model was trained, but row index ${i} (counting from 0) has ${quote(printable(column.values[i]!.slice(0, 40), { inline: true }))}, which is not one; write dates as YYYY-MM-DD (ISO 8601, with a time if the column has times), or leave the value empty to make it missing.`,
    );
  }
}
