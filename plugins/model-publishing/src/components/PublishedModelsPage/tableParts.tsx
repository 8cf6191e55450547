import Box from '@material-ui/core/Box';
import TableCell from '@material-ui/core/TableCell';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import { Link } from '@backstage/core-components';
import type { UsageSummaryItem } from '../../api/types';
import { Sparkline } from '../UsageCards/LineChart';
import { formatNumber } from '../common/format';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

// The published-models table's parts: sortable headers, the usage trend.

/** Short values and headers stay on one line; only the endpoint URL may wrap (anywhere). */
export const noWrap = { whiteSpace: 'nowrap' } as const;

/** The columns the server sorts by (openapi.yaml's `sort`). */
export type SortBy = 'createdAt' | 'name' | 'namespace' | 'owner' | 'status';
export interface Sort {
  by: SortBy;
  order: 'asc' | 'desc';
}

/** A header the table sorts by on the server; a click (or Enter) sorts by it, again reverses. */
export function SortableHeader(props: {
  by: SortBy;
  label: string;
  sort: Sort;
  onSort: (by: SortBy) => void;
}) {
  const active = props.sort.by === props.by;
  return (
    <TableCell style={noWrap} sortDirection={active ? props.sort.order : false}>
      <TableSortLabel
        active={active}
        direction={active ? props.sort.order : 'asc'}
        onClick={() => props.onSort(props.by)}
      >
        {props.label}
      </TableSortLabel>
    </TableCell>
  );
}

/** Days in the usage column: today (so far) and the six before it. */
export const USAGE_DAYS = 7;

/** Start (UTC midnight) of the first of the last USAGE_DAYS days, the summary's `from`. */
export function usageFrom(now: Date = new Date()): string {
  const today = Math.floor(now.getTime() / 86_400_000);
  return new Date((today - (USAGE_DAYS - 1)) * 86_400_000).toISOString();
}

/**
 * Requests per day over the last week for one row, from the one usage summary the page loads for all
 * rows; a dash when the summary has no item for it (no usage.read on the model, or no summary).
 */
export function UsageTrend(props: {
  name: string;
  item?: UsageSummaryItem;
  usageLink?: string;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const total =
    props.item === undefined ? '' : formatNumber(props.item.totals.requests);
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <Sparkline
        values={props.item?.requestsPerDay ?? []}
        label={t('publishedModels.requestsOfPerDayOver', {
          name: props.name,
          days: String(USAGE_DAYS),
        })}
      />
      {props.item !== undefined && props.usageLink ? (
        // The name starts with the number shown (WCAG 2.5.3, label in name).
        <Link
          to={props.usageLink}
          aria-label={t('publishedModels.requestsUsageOf', {
            total,
            name: props.name,
          })}
        >
          {total}
        </Link>
      ) : (
        <span>{total}</span>
      )}
    </Box>
  );
}
