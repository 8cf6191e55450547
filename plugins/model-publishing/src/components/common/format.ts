/** Short, locale-aware date-time; a dash for missing values. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

const numberFormat = new Intl.NumberFormat(undefined, {
  maximumFractionDigits: 1,
});

export function formatNumber(value: number | undefined): string {
  return value === undefined ? '—' : numberFormat.format(value);
}
