import { useState } from 'react';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import IconButton from '@material-ui/core/IconButton';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import AutorenewIcon from '@material-ui/icons/Autorenew';
import BlockIcon from '@material-ui/icons/Block';
import AddIcon from '@material-ui/icons/Add';
import EditIcon from '@material-ui/icons/Edit';
import { InfoCard } from '@backstage/core-components';
import { isLoaded, loadingView } from '../common/loadState';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type {
  ApiKeyInfo,
  IssuedApiKey,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { ModelAddress } from '../../api/types';
import {
  ModelPermissions,
  deniedReason,
} from '../../hooks/useModelPermissions';
import { CardEmptyState } from '../common/CardEmptyState';
import { GatedButton } from '../common/GatedButton';
import { KeyStatusLabel } from '../common/StatusChip';
import { formatDateTime, formatNumber } from '../common/format';
import { actorLabel } from '../AuditTable/AuditTable';
import { describeLimits } from '../AccessRequests/format';
import { CreateKeyDialog } from './CreateKeyDialog';
import { EditKeyDialog } from './EditKeyDialog';
import { expiryReminder, keyEndsAt, shortKeyId } from './keyDisplay';
import { NewKeyDialog } from './NewKeyDialog';
import { RevokeKeyDialog } from './RevokeKeyDialog';
import { RotateKeyDialog } from './RotateKeyDialog';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

export interface KeyManagerProps {
  address: ModelAddress;
  permissions: ModelPermissions;
  /** Requests per key id over the usage range, when usage is available. */
  requestsByKey?: Record<string, number>;
  /** Called after a key was created, rotated, changed or revoked. */
  onChanged?: () => void;
  /** An OpenAI-compatible model: keys may have token limits of their own. */
  llm?: boolean;
  /** The publication's limits (what a key without limits of its own gets). */
  publicationLimits?: RateLimits;
}

const noWrap = { whiteSpace: 'nowrap' } as const;

function expiresText(status: ApiKeyInfo['status'], ends?: string): string {
  if (status === 'revoked') return '—';
  return ends ? formatDateTime(ends) : 'Never';
}

function GatedIconButton(props: {
  allowed: boolean;
  label: string;
  reason: string;
  onClick: () => void;
  children: JSX.Element;
}) {
  return (
    <Tooltip title={props.allowed ? props.label : props.reason}>
      <span>
        <IconButton
          size="small"
          aria-label={props.label}
          disabled={!props.allowed}
          onClick={props.onClick}
        >
          {props.children}
        </IconButton>
      </span>
    </Tooltip>
  );
}

/** The publication's keys: create, rotate (with grace) and revoke; a new key is shown once. */
export function KeyManager(props: KeyManagerProps) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelPublishingApiRef);
  const { address, permissions } = props;
  const { allowed, loading: permLoading } = permissions;
  // Listing keys is behind model-publishing.usage.read (key names and last use are usage information).
  const canList = allowed.usage;
  const keys = useAsyncRetry(
    async () => (canList ? (await api.listKeys(address)).items : undefined),
    [api, address.cluster, address.namespace, address.name, canList],
  );
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<ApiKeyInfo>();
  const [revoking, setRevoking] = useState<ApiKeyInfo>();
  const [editing, setEditing] = useState<ApiKeyInfo>();
  const [issued, setIssued] = useState<IssuedApiKey>();
  const [hideRevoked, setHideRevoked] = useState(false);

  const createButton = (
    <GatedButton
      allowed={allowed.keyCreate}
      deniedReason={deniedReason('create keys', permLoading)}
      color="primary"
      variant="outlined"
      startIcon={<AddIcon />}
      onClick={() => setCreating(true)}
    >
      {t('keyManager.createKey')}
    </GatedButton>
  );

  let content: JSX.Element;
  if (!canList) {
    content = (
      <Typography variant="body2" color="textSecondary">
        {deniedReason('see the API keys', permLoading)}
      </Typography>
    );
  } else if (!isLoaded(keys)) {
    content = loadingView(keys, t('keyManager.couldNotLoadTheApi'));
  } else if (keys.value.length === 0) {
    content = (
      <CardEmptyState
        title={t('keyManager.noApiKeysYet')}
        description={t('keyManager.createAKeyToLet')}
      />
    );
  } else {
    const shown = hideRevoked
      ? keys.value.filter(k => k.status === 'active' || k.status === 'grace')
      : keys.value;
    content = (
      // Seven short columns: on a narrow window the table scrolls inside the card instead of
      // squeezing every cell to one letter per line.
      <Box overflow="auto" data-testid="keys-table-container">
        <Table size="small" aria-label={t('keyManager.apiKeys')}>
          <TableHead>
            <TableRow>
              <TableCell style={noWrap}>{t('keyManager.name')}</TableCell>
              <TableCell style={noWrap}>{t('keyManager.key')}</TableCell>
              <TableCell style={noWrap}>{t('keyManager.id')}</TableCell>
              <TableCell style={noWrap}>{t('keyManager.created')}</TableCell>
              <TableCell style={noWrap}>{t('keyManager.expires')}</TableCell>
              <TableCell style={noWrap}>{t('keyManager.lastUsed')}</TableCell>
              <TableCell style={noWrap}>{t('keyManager.limits')}</TableCell>
              {props.requestsByKey && (
                <TableCell style={noWrap} align="right">
                  {t('keyManager.requests')}
                </TableCell>
              )}
              <TableCell style={noWrap}>{t('keyManager.status')}</TableCell>
              <TableCell style={noWrap} align="right">
                {t('keyManager.actions')}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map(key => {
              const usable = key.status === 'active' || key.status === 'grace';
              const ends = keyEndsAt(key);
              const reminder = expiryReminder(key);
              return (
                <TableRow key={key.id}>
                  {/* One line: a long name widens the table (which scrolls), never one letter per line. */}
                  <TableCell style={noWrap}>
                    {key.name}
                    {key.description && (
                      // Words wrap within a readable width; the name above stays on one line.
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        display="block"
                        style={{
                          whiteSpace: 'normal',
                          minWidth: 160,
                          maxWidth: 280,
                        }}
                      >
                        {key.description}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell style={noWrap}>
                    <code>{key.prefix}…</code>
                  </TableCell>
                  <TableCell style={noWrap}>
                    <code title={key.id}>{shortKeyId(key.id)}</code>
                  </TableCell>
                  <TableCell style={noWrap}>
                    {formatDateTime(key.createdAt)}
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      display="block"
                    >
                      by {actorLabel(key.createdBy)}
                    </Typography>
                  </TableCell>
                  <TableCell style={noWrap}>
                    {expiresText(key.status, ends)}
                    {key.status === 'grace' && key.graceUntil && (
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        display="block"
                      >
                        {t('keyManager.endOfGracePeriod')}
                      </Typography>
                    )}
                    {reminder && (
                      <Typography
                        variant="caption"
                        display="block"
                        style={{ color: 'inherit', fontWeight: 600 }}
                      >
                        {reminder}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell style={noWrap}>
                    {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}
                  </TableCell>
                  <TableCell style={noWrap}>
                    {key.rateLimits ? (
                      describeLimits(key.rateLimits)
                    ) : (
                      <Typography variant="body2" color="textSecondary">
                        {t('keyManager.publications')}
                      </Typography>
                    )}
                  </TableCell>
                  {props.requestsByKey && (
                    <TableCell align="right">
                      {formatNumber(props.requestsByKey[key.id] ?? 0)}
                    </TableCell>
                  )}
                  <TableCell style={noWrap}>
                    <KeyStatusLabel status={key.status} />
                  </TableCell>
                  <TableCell style={noWrap} align="right">
                    {usable && (
                      <GatedIconButton
                        allowed={allowed.keyCreate}
                        label={t('keyManager.editKey', { name: key.name })}
                        reason={deniedReason('change keys', permLoading)}
                        onClick={() => setEditing(key)}
                      >
                        <EditIcon fontSize="small" />
                      </GatedIconButton>
                    )}
                    {key.status === 'active' && (
                      <GatedIconButton
                        allowed={allowed.keyRotate}
                        label={t('keyManager.rotateKey', { name: key.name })}
                        reason={deniedReason('rotate keys', permLoading)}
                        onClick={() => setRotating(key)}
                      >
                        <AutorenewIcon fontSize="small" />
                      </GatedIconButton>
                    )}
                    {usable && (
                      <GatedIconButton
                        allowed={allowed.keyRevoke}
                        label={t('keyManager.revokeKey', { name: key.name })}
                        reason={deniedReason('revoke keys', permLoading)}
                        onClick={() => setRevoking(key)}
                      >
                        <BlockIcon fontSize="small" />
                      </GatedIconButton>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Box>
    );
  }

  return (
    <InfoCard title={t('keyManager.apiKeys')}>
      {keys.value && (
        // One place for the button, so focus returns to it after the dialogs close.
        <Box
          mb={1}
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          flexWrap="wrap"
          style={{ gap: 8 }}
        >
          {createButton}
          {keys.value.length > 0 && (
            <FormControlLabel
              control={
                <Switch
                  checked={hideRevoked}
                  onChange={e => setHideRevoked(e.target.checked)}
                  color="primary"
                />
              }
              label={t('keyManager.hideRevokedAndExpiredKeys')}
            />
          )}
        </Box>
      )}
      {content}
      <Typography variant="caption" color="textSecondary">
        Only the first characters of a key are kept for display; the key itself
        is shown once.
      </Typography>
      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreate={async request => {
          const result = await api.createKey(address, request);
          setCreating(false);
          setIssued(result);
          keys.retry();
          props.onChanged?.();
        }}
      />
      <RotateKeyDialog
        apiKey={rotating}
        onClose={() => setRotating(undefined)}
        onRotate={async (key, hours) => {
          const result = await api.rotateKey(address, key.id, hours);
          setRotating(undefined);
          setIssued({ key: result.key, secret: result.secret });
          keys.retry();
          props.onChanged?.();
        }}
      />
      <RevokeKeyDialog
        apiKey={revoking}
        onClose={() => setRevoking(undefined)}
        onRevoke={async key => {
          await api.revokeKey(address, key.id);
          setRevoking(undefined);
          keys.retry();
          props.onChanged?.();
        }}
      />
      <EditKeyDialog
        apiKey={editing}
        llm={!!props.llm}
        publicationLimits={props.publicationLimits}
        onClose={() => setEditing(undefined)}
        onSave={async (key, request) => {
          await api.updateKey(address, key.id, request);
          setEditing(undefined);
          keys.retry();
          props.onChanged?.();
        }}
      />
      <NewKeyDialog issued={issued} onClose={() => setIssued(undefined)} />
    </InfoCard>
  );
}
