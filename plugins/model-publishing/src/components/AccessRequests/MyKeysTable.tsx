import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import { Link, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  AccessRequest,
  ConsumerKey,
  RotatedApiKey,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { NewKeyDialog } from '../KeyManager/NewKeyDialog';
import { RevokeKeyDialog } from '../KeyManager/RevokeKeyDialog';
import { RotateKeyDialog } from '../KeyManager/RotateKeyDialog';
import { AccessTable, useConsumerKeyColumns } from './AccessTable';
import { shortRef } from './format';
import { MyKeyUsageDialog } from './MyKeyUsageDialog';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/**
 * Names and plans stay whole: at 800 px the table scrolls in its own box rather than breaking
 * "checkout-scoring" mid-word.
 */
const noWrap = { whiteSpace: 'nowrap' } as const;

/** What the holder may do with a key now: rotate and revoke while it is active and not suspended. */
export function holderActions(k: ConsumerKey): {
  rotate: boolean;
  revoke: boolean;
} {
  const live = k.key.status === 'active';
  return { rotate: live && !k.suspended, revoke: k.key.status !== 'revoked' };
}

/**
 * The caller's keys: model, consumer, plan, limits, expiry, last use. Never the key itself. With
 * `onChanged` the holder also rotates (the new key shown once), revokes and reads each key's own usage.
 */
export function MyKeysTable(props: {
  keys: ConsumerKey[];
  title?: string;
  onChanged?: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelAccessApiRef);
  const [rotating, setRotating] = useState<ConsumerKey>();
  const [revoking, setRevoking] = useState<ConsumerKey>();
  const [usageOf, setUsageOf] = useState<ConsumerKey>();
  const [rotated, setRotated] = useState<RotatedApiKey>();
  const [notice, setNotice] = useState<string>();
  const keyColumns = useConsumerKeyColumns();

  const columns: TableColumn<ConsumerKey>[] = [
    {
      title: 'Model',
      cellStyle: noWrap,
      render: k => {
        const [kind, rest] = (k.entityRef ?? '').split(':');
        const [ns, name] = (rest ?? '').split('/');
        return k.entityRef ? (
          <Link to={`/catalog/${ns}/${kind}/${name}`}>{name}</Link>
        ) : (
          k.name
        );
      },
    },
    {
      title: 'Key for',
      cellStyle: noWrap,
      render: k => shortRef(k.consumerRef),
    },
    {
      title: 'Plan',
      cellStyle: noWrap,
      render: k => k.planName ?? 'default',
    },
    keyColumns.limits,
    keyColumns.key,
    keyColumns.status,
    {
      title: 'Expires',
      render: k =>
        k.key.expiresAt
          ? new Date(k.key.expiresAt).toLocaleDateString()
          : 'never',
    },
    keyColumns.lastUsed,
  ];
  if (props.onChanged) {
    columns.push({
      title: 'Actions',
      render: k => {
        const may = holderActions(k);
        return (
          <>
            <Button
              size="small"
              aria-label={t('access.usageOfKey', { name: k.key.name })}
              onClick={() => setUsageOf(k)}
            >
              {t('access.usage')}
            </Button>
            {may.rotate && (
              <Button
                size="small"
                aria-label={t('access.rotateKey', { name: k.key.name })}
                onClick={() => setRotating(k)}
              >
                {t('access.rotate')}
              </Button>
            )}
            {may.revoke && (
              <Button
                size="small"
                color="secondary"
                aria-label={t('access.revokeKey', { name: k.key.name })}
                onClick={() => setRevoking(k)}
              >
                {t('access.revoke')}
              </Button>
            )}
          </>
        );
      },
    });
  }
  const changed = (message: string) => {
    setNotice(message);
    props.onChanged?.();
  };
  return (
    <>
      {notice && (
        <Alert
          severity="success"
          role="status"
          onClose={() => setNotice(undefined)}
          style={{ marginBottom: 8 }}
        >
          {notice}
        </Alert>
      )}
      <AccessTable
        title={props.title ?? 'My keys'}
        columns={columns}
        data={props.keys}
        emptyText={t('access.noKeysYetRequestAccess')}
      />
      <RotateKeyDialog
        apiKey={rotating?.key}
        onClose={() => setRotating(undefined)}
        onRotate={async (key, gracePeriodHours) => {
          const result = await api.rotateMyKey(key.id, gracePeriodHours);
          setRotating(undefined);
          setRotated(result);
          changed(
            gracePeriodHours
              ? `Key ${key.name} rotated; the old key works for ${gracePeriodHours} more hour(s).`
              : `Key ${key.name} rotated; the old key no longer works.`,
          );
        }}
      />
      <RevokeKeyDialog
        apiKey={revoking?.key}
        onClose={() => setRevoking(undefined)}
        onRevoke={async key => {
          await api.revokeMyKey(key.id);
          setRevoking(undefined);
          changed(`Key ${key.name} revoked.`);
        }}
      />
      <MyKeyUsageDialog
        consumerKey={usageOf}
        onClose={() => setUsageOf(undefined)}
      />
      <NewKeyDialog issued={rotated} onClose={() => setRotated(undefined)} />
    </>
  );
}

/** The caller's requests; an approved one has a button to collect its key (shown once). */
export function MyRequestsTable(props: {
  requests: AccessRequest[];
  onCollect: (r: AccessRequest) => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const columns: TableColumn<AccessRequest>[] = [
    {
      title: t('access.model'),
      cellStyle: noWrap,
      render: r => shortRef(r.entityRef),
    },
    {
      title: 'Key for',
      cellStyle: noWrap,
      render: r => shortRef(r.consumerRef),
    },
    { title: t('access.plan'), cellStyle: noWrap, field: 'planName' },
    { title: t('access.status'), cellStyle: noWrap, field: 'status' },
    {
      title: 'Decision',
      render: r => {
        if (r.reason) return `Denied: ${r.reason}`;
        return r.decidedBy ? `by ${shortRef(r.decidedBy)}` : '';
      },
    },
    {
      title: 'Key',
      render: r =>
        r.status === 'approved' ? (
          <Button
            size="small"
            color="primary"
            variant="contained"
            onClick={() => props.onCollect(r)}
          >
            {t('access.showMyKey')}
          </Button>
        ) : null,
    },
  ];
  return (
    <AccessTable
      title={t('access.myRequests')}
      columns={columns}
      data={props.requests}
      emptyText={t('access.noRequests')}
    />
  );
}
