// IANA time zone validation and the clock/date wording tools use when they speak about times.

/** The canonical IANA name for `zone` (case-insensitive), or null when Intl does not know it. */
export function resolveTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export interface ZonedTime {
  /** e.g. 'Tuesday, 3 March 2026'. */
  date: string;
  /** 24-hour, e.g. '14:05'. */
  time: string;
  /** e.g. 'GMT+01:00'; 'GMT' for UTC. */
  utcOffset: string;
}

/** `zone` must come from resolveTimeZone. */
export function zonedTime(instant: Date, zone: string): ZonedTime {
  const date = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(instant);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { date, time: `${part('hour')}:${part('minute')}`, utcOffset: part('timeZoneName') };
}
