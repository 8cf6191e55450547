import Button from '@material-ui/core/Button';
import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { ConsumerKey } from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { describeLimits, shortRef } from './format';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** Every consumer of one model (owners): who, plan, limits, last use; suspend, resume or revoke. */
export function ConsumersTable(props: {
  entityRef: string;
  consumers: ConsumerKey[];
  onChanged: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelAccessApiRef);
  const act = async (
    k: ConsumerKey,
    action: 'suspend' | 'resume' | 'revoke',
  ) => {
    await api.manageConsumerKey(props.entityRef, k.key.id, action);
    props.onChanged();
  };
  const columns: TableColumn<ConsumerKey>[] = [
    { title: t('access.consumer'), render: k => shortRef(k.consumerRef) },
    { title: t('access.plan'), render: k => k.planName ?? 'default' },
    { title: t('access.limits'), render: k => describeLimits(k.rateLimits) },
    { title: t('access.key'), render: k => `${k.key.name} (${k.key.prefix}…)` },
    {
      title: 'Status',
      render: k => (k.suspended ? 'suspended' : k.key.status),
    },
    {
      title: 'Last used',
      render: k =>
        k.key.lastUsedAt
          ? new Date(k.key.lastUsedAt).toLocaleString()
          : 'never',
    },
    {
      title: 'Actions',
      render: k =>
        k.key.status === 'active' ? (
          <>
            <Button
              size="small"
              onClick={() => act(k, k.suspended ? 'resume' : 'suspend')}
            >
              {k.suspended ? 'Resume' : 'Suspend'}
            </Button>{' '}
            <Button
              size="small"
              color="secondary"
              onClick={() => act(k, 'revoke')}
            >
              {t('access.revoke')}
            </Button>
          </>
        ) : null,
    },
  ];
  return (
    <Table
      title={t('access.consumers')}
      options={{
        search: false,
        paging: false,
        padding: 'dense',
        // A draggable header wraps each sort button in another button (axe nested-interactive).
        draggable: false,
        // Headers on one line; at 800 px the table scrolls instead (issue 23, journey 31).
        headerStyle: { whiteSpace: 'nowrap' },
      }}
      columns={columns}
      data={props.consumers}
      emptyContent={
        <div style={{ padding: 16 }}>{t('access.nobodyHasAConsumerKey')}</div>
      }
    />
  );
}
