import { Table, type TableColumn } from '@backstage/core-components';
import type { ConsumerKey } from '@model-publishing/plugin-model-publishing-common';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';
import { describeLimits } from './format';

/** The access tables' one look: dense, one page, no search; a sentence when there is no row. */
export function AccessTable<T extends object>(props: {
  title: string;
  columns: TableColumn<T>[];
  data: T[];
  emptyText: string;
}) {
  return (
    <Table
      title={props.title}
      options={{
        search: false,
        paging: false,
        padding: 'dense',
        // A draggable header wraps each sort button in another button (axe nested-interactive).
        draggable: false,
        // Headers on one line; at 800 px the table scrolls instead (issue 23, journey 31).
        headerStyle: { whiteSpace: 'nowrap' },
      }}
      columns={props.columns}
      data={props.data}
      emptyContent={<div style={{ padding: 16 }}>{props.emptyText}</div>}
    />
  );
}

/** The columns every table of consumer keys shows, whoever reads it: limits, key, status, last use. */
export function useConsumerKeyColumns(): Record<
  'limits' | 'key' | 'status' | 'lastUsed',
  TableColumn<ConsumerKey>
> {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  return {
    limits: {
      title: t('access.limits'),
      render: k => describeLimits(k.rateLimits),
    },
    key: {
      title: t('access.key'),
      render: k => `${k.key.name} (${k.key.prefix}…)`,
    },
    status: {
      title: t('access.status'),
      render: k => (k.suspended ? 'suspended' : k.key.status),
    },
    lastUsed: {
      title: 'Last used',
      render: k =>
        k.key.lastUsedAt
          ? new Date(k.key.lastUsedAt).toLocaleString()
          : 'never',
    },
  };
}
