export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Hours since the Unix epoch of the hour containing `date`. */
export function hourOf(date: Date | number): number {
  return Math.floor(Number(date) / HOUR_MS);
}

export function dayOf(date: Date | number): number {
  return Math.floor(Number(date) / DAY_MS);
}

export function hourStart(hour: number): Date {
  return new Date(hour * HOUR_MS);
}

export function dayStart(day: number): Date {
  return new Date(day * DAY_MS);
}
