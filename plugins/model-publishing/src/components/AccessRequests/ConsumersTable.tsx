import Button from '@material-ui/core/Button';
import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { ConsumerKey } from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { AccessTable, useConsumerKeyColumns } from './AccessTable';
import { shortRef } from './format';
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
  const keyColumns = useConsumerKeyColumns();
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
    keyColumns.limits,
    keyColumns.key,
    keyColumns.status,
    keyColumns.lastUsed,
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
    <AccessTable
      title={t('access.consumers')}
      columns={columns}
      data={props.consumers}
      emptyText={t('access.nobodyHasAConsumerKey')}
    />
  );
}
