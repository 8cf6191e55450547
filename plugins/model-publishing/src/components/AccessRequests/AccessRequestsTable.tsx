import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import { SelectField } from '../common/SelectField';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  AccessRequest,
  Plan,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { AccessTable } from './AccessTable';
import { shortRef } from './format';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** "paul's request for checkout-scoring", naming a row's buttons apart from the other rows'. */
const describeRequest = (r: AccessRequest) =>
  `${shortRef(r.requester)}'s request for ${shortRef(r.consumerRef)}`;

type Deciding = { request: AccessRequest; decision: 'approve' | 'deny' };

/** Pending access requests with approve (optionally another plan, shorter lifetime) and deny (with a reason). */
export function AccessRequestsTable(props: {
  title?: string;
  requests: AccessRequest[];
  /** Plans to offer when approving (one model's); omitted on the cross-model page. */
  plans?: Plan[];
  onDecided: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelAccessApiRef);
  const [deciding, setDeciding] = useState<Deciding>();
  const [plan, setPlan] = useState('');
  const [days, setDays] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();

  const open = (d: Deciding) => {
    setDeciding(d);
    setPlan(d.request.planName);
    setDays('');
    setReason('');
    setError(undefined);
  };
  const submit = async () => {
    if (!deciding) return;
    try {
      await api.decide(
        deciding.request.id,
        deciding.decision === 'approve'
          ? {
              decision: 'approve',
              ...(plan && plan !== deciding.request.planName ? { plan } : {}),
              ...(days ? { keyLifetimeDays: Number(days) } : {}),
            }
          : { decision: 'deny', reason },
      );
      setDeciding(undefined);
      props.onDecided();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const columns: TableColumn<AccessRequest>[] = [
    { title: t('access.requester'), render: r => shortRef(r.requester) },
    { title: t('access.keyFor'), render: r => shortRef(r.consumerRef) },
    { title: t('access.model'), render: r => shortRef(r.entityRef) },
    { title: t('access.plan'), field: 'planName' },
    { title: t('access.purpose'), field: 'purpose' },
    {
      title: t('access.requested'),
      render: r => new Date(r.createdAt).toLocaleString(),
    },
    {
      title: 'Decide',
      render: r => (
        <>
          <Button
            size="small"
            color="primary"
            variant="contained"
            aria-label={`Approve ${describeRequest(r)}`}
            onClick={() => open({ request: r, decision: 'approve' })}
          >
            {t('access.approve')}
          </Button>{' '}
          <Button
            size="small"
            aria-label={`Deny ${describeRequest(r)}`}
            onClick={() => open({ request: r, decision: 'deny' })}
          >
            {t('access.deny')}
          </Button>
        </>
      ),
    },
  ];

  return (
    <>
      <AccessTable
        title={props.title ?? 'Access requests'}
        columns={columns}
        data={props.requests}
        emptyText={t('access.noRequestsWaitingForA')}
      />
      <Dialog
        open={!!deciding}
        onClose={() => setDeciding(undefined)}
        aria-labelledby="decide-title"
        maxWidth="sm"
        fullWidth
      >
        <DialogTitle id="decide-title">
          {deciding?.decision === 'approve' ? 'Approve' : 'Deny'} access for{' '}
          {deciding && shortRef(deciding.request.consumerRef)}
        </DialogTitle>
        <DialogContent>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          {deciding?.decision === 'approve' ? (
            <>
              {props.plans && (
                <SelectField
                  labelId="decide-plan-label"
                  name="decidePlan"
                  label={t('access.plan')}
                  value={plan}
                  onChange={setPlan}
                  margin="normal"
                >
                  {props.plans.map(p => (
                    <MenuItem key={p.id} value={p.name}>
                      {p.name}
                    </MenuItem>
                  ))}
                </SelectField>
              )}
              <TextField
                id="decide-days"
                label={t('access.keyLifetimeInDaysOptional')}
                type="number"
                inputProps={{ min: 1, max: 3650 }}
                fullWidth
                margin="normal"
                variant="outlined"
                value={days}
                onChange={e => setDays(e.target.value)}
              />
            </>
          ) : (
            <TextField
              id="decide-reason"
              label={t('access.reasonTheRequesterSeesIt')}
              required
              fullWidth
              multiline
              margin="normal"
              variant="outlined"
              value={reason}
              onChange={e => setReason(e.target.value)}
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDeciding(undefined)}>
            {t('access.cancel')}
          </Button>
          <Button
            color="primary"
            variant="contained"
            onClick={submit}
            disabled={deciding?.decision === 'deny' && !reason.trim()}
          >
            {deciding?.decision === 'approve' ? 'Approve' : 'Deny'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
