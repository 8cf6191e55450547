import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { isLoaded, loadingView } from '../common/loadState';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { AuditEntry } from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import { modelKey } from '../../api/modelAddress';
import type { ModelAddress } from '../../api/types';
import { CardEmptyState } from '../common/CardEmptyState';
import { formatDateTime } from '../common/format';
import { keyLabel, shortKeyId } from '../KeyManager/keyDisplay';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

const noWrap = { whiteSpace: 'nowrap' } as const;

/**
 * A user as people say it (`user:default/frank` → `frank`, another namespace kept); services and
 * the system as recorded. The full reference stays in the cell's tooltip.
 */
export function actorLabel(actor: string): string {
  const user = /^user:([^/]+)\/(.+)$/.exec(actor);
  if (!user) return actor;
  return user[1] === 'default' ? user[2] : `${user[1]}/${user[2]}`;
}

const ACTION_LABELS: Record<AuditEntry['action'], string> = {
  'publication.create': 'Published',
  'publication.update': 'Updated',
  'publication.delete': 'Unpublished',
  'key.create': 'Key created',
  'key.rotate': 'Key rotated',
  'key.update': 'Key changed',
  'key.revoke': 'Key revoked',
  'key.expire': 'Key expired',
  // Denied reads are audited too (their outcome shows "Denied").
  'publication.read': 'Viewed publication',
  'usage.read': 'Viewed usage',
  'audit.read': 'Viewed audit trail',
  'plan.update': 'Plans changed',
  'access.request': 'Access requested',
  'access.approve': 'Access approved',
  'access.deny': 'Access denied',
  'access.issue': 'Consumer key issued',
  'access.suspend': 'Consumer suspended',
  'access.resume': 'Consumer resumed',
  'access.revoke': 'Consumer key revoked',
  'key.leak': 'Key reported leaked',
  'publication.deprecate': 'Deprecated',
  'publication.undeprecate': 'Deprecation withdrawn',
  'publication.sunset': 'Sunset',
  'budget.update': 'Budget set',
  'budget.delete': 'Budget removed',
};

function Outcome(props: { outcome: AuditEntry['outcome'] }) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  if (props.outcome === 'succeeded')
    return <StatusOK>{t('audit.succeeded')}</StatusOK>;
  if (props.outcome === 'denied')
    return <StatusWarning>{t('audit.denied')}</StatusWarning>;
  return <StatusError>{t('audit.failed')}</StatusError>;
}

/** Audit history of the model, newest first, paged with the backend's cursors. */
export function AuditTable(props: {
  address: ModelAddress;
  canRead: boolean;
  pageSize?: number;
  /** Changes whenever something was done on the tab, so the history reloads. */
  refreshKey?: number;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelPublishingApiRef);
  const { address, canRead } = props;
  const pageSize = props.pageSize ?? 20;
  // cursors[i] is the cursor that loads page i (page 0 has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const result = useAsync(
    async () =>
      canRead
        ? api.listAudit(address, { cursor: cursors[page], limit: pageSize })
        : undefined,
    [api, modelKey(address), page, canRead, pageSize, props.refreshKey],
  );

  // Keys by name and prefix, not UUID: the key list is usage information (usage.read); without it,
  // or for a key the list no longer has, the short id stays.
  const keys = useAsync(async () => {
    if (!canRead) return undefined;
    try {
      return (await api.listKeys(address)).items;
    } catch {
      return undefined;
    }
  }, [api, modelKey(address), canRead, props.refreshKey]);
  const keyById = new Map((keys.value ?? []).map(k => [k.id, k]));
  const keyCell = (keyId?: string) => {
    if (!keyId) return '—';
    const key = keyById.get(keyId);
    return (
      <span title={keyId} style={noWrap}>
        {key ? keyLabel(key) : shortKeyId(keyId)}
      </span>
    );
  };

  if (!canRead) {
    return (
      <InfoCard title={t('audit.auditHistory')}>
        <Typography variant="body2" color="textSecondary">
          {t('audit.youDontHavePermissionTo')}
        </Typography>
      </InfoCard>
    );
  }

  let body: JSX.Element;
  if (!isLoaded(result)) {
    body = loadingView(result, t('audit.couldNotLoadTheAudit'));
  } else if (result.value.items.length === 0 && page === 0) {
    body = <CardEmptyState title={t('audit.noAuditEntriesYet')} />;
  } else {
    body = (
      // On a narrow window the table scrolls inside the card instead of running past the window.
      <Box overflow="auto" data-testid="audit-table-container">
        <Table size="small" aria-label={t('audit.auditHistory')}>
          <TableHead>
            <TableRow>
              <TableCell style={noWrap}>{t('audit.when')}</TableCell>
              <TableCell style={noWrap}>{t('audit.who')}</TableCell>
              <TableCell style={noWrap}>{t('audit.action')}</TableCell>
              <TableCell style={noWrap}>{t('audit.key')}</TableCell>
              <TableCell style={noWrap}>{t('audit.outcome')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {result.value.items.map(entry => (
              <TableRow key={entry.id}>
                <TableCell style={noWrap}>
                  {formatDateTime(entry.createdAt)}
                </TableCell>
                <TableCell style={noWrap}>
                  <span title={entry.actor}>{actorLabel(entry.actor)}</span>
                </TableCell>
                <TableCell>
                  {ACTION_LABELS[entry.action] ?? entry.action}
                </TableCell>
                <TableCell>{keyCell(entry.keyId)}</TableCell>
                <TableCell>
                  <Outcome outcome={entry.outcome} />
                  {entry.error && (
                    <Typography
                      variant="caption"
                      display="block"
                      color="textSecondary"
                    >
                      {entry.error}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }

  const next = result.value?.nextCursor;
  return (
    <InfoCard title={t('audit.auditHistory')}>
      {body}
      <Box
        display="flex"
        justifyContent="flex-end"
        alignItems="center"
        mt={1}
        style={{ gap: 8 }}
      >
        <Typography variant="caption">Page {page + 1}</Typography>
        <Button
          size="small"
          disabled={page === 0 || result.loading}
          onClick={() => setCursors(c => c.slice(0, -1))}
        >
          {t('audit.previous')}
        </Button>
        <Button
          size="small"
          disabled={!next || result.loading}
          onClick={() => setCursors(c => [...c, next])}
        >
          {t('audit.next')}
        </Button>
      </Box>
    </InfoCard>
  );
}
