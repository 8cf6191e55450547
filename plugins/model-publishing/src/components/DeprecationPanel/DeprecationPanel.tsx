import { useCallback, useEffect, useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import DialogContentText from '@material-ui/core/DialogContentText';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  DeprecationConsumer,
  DeprecationInput,
  DeprecationStatus,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { ModelAddress } from '../../api/types';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { errorMessage } from '../common/errors';

/** Validates the deprecate form: the sunset day must be in the future. Returns the request or the field's message. */
export function validateDeprecation(
  form: {
    sunsetOn: string;
    successor: string;
    message: string;
    atSunset: 'unpublish' | 'stop-new-keys';
  },
  now: Date = new Date(),
): { request?: DeprecationInput; error?: string } {
  const sunsetAt = new Date(`${form.sunsetOn}T00:00:00Z`);
  if (!form.sunsetOn || Number.isNaN(sunsetAt.getTime()))
    return { error: 'Choose the sunset date' };
  if (sunsetAt <= now)
    return { error: 'The sunset date must be in the future' };
  return {
    request: {
      sunsetAt: sunsetAt.toISOString(),
      atSunset: form.atSunset,
      ...(form.successor.trim() ? { successor: form.successor.trim() } : {}),
      ...(form.message.trim() ? { message: form.message.trim() } : {}),
    },
  };
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * The Publish tab's deprecation: a banner when the publication is deprecated (sunset, successor, what
 * happens then), who still calls it, and — for those who may update the publication — the deprecate
 * dialog and withdraw. Everything is reachable by keyboard (buttons, a modal dialog that traps focus).
 */
export function DeprecationPanel(props: {
  address: ModelAddress;
  canUpdate: boolean;
  onChanged?: () => void;
}) {
  const { address, canUpdate, onChanged } = props;
  const api = useApi(modelPublishingApiRef);
  const isMounted = useMountedState();
  const [status, setStatus] = useState<DeprecationStatus>();
  const [loadError, setLoadError] = useState<string>();
  const [open, setOpen] = useState<'deprecate' | 'withdraw'>();
  const [form, setForm] = useState({
    sunsetOn: '',
    successor: '',
    message: '',
    atSunset: 'unpublish' as 'unpublish' | 'stop-new-keys',
  });
  const [formError, setFormError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const next = await api.getDeprecation(address);
      if (isMounted()) {
        setStatus(next);
        setLoadError(undefined);
      }
    } catch (e) {
      if (isMounted()) setLoadError(errorMessage(e));
    }
  }, [api, address, isMounted]);
  useEffect(() => {
    load();
  }, [load]);

  const d = status?.deprecation;
  const consumers = status?.consumers;
  const columns: TableColumn<DeprecationConsumer>[] = [
    { title: 'Consumer', field: 'consumerRef' },
    { title: 'Live keys', render: c => c.keyIds.length },
    {
      title: 'Last call',
      render: c =>
        c.lastUsedAt ? new Date(c.lastUsedAt).toLocaleString() : 'never',
    },
  ];

  return (
    <Box>
      {loadError && (
        <Alert severity="error" role="alert">
          Could not load the deprecation: {loadError}
        </Alert>
      )}
      {d && (
        <Alert severity="warning" role="status" aria-label="Deprecated">
          <Typography component="p" variant="body2">
            <strong>Deprecated.</strong> Sunset on {day(d.sunsetAt)}:{' '}
            {d.atSunset === 'unpublish'
              ? 'the model will be unpublished.'
              : 'existing keys keep working; no new keys are issued.'}{' '}
            New access requests are refused.
          </Typography>
          {d.successor && (
            <Typography component="p" variant="body2">
              Successor: <code>{d.successor}</code>
              {d.successorUrl ? ` (${d.successorUrl})` : ''}
            </Typography>
          )}
          {d.message && (
            <Typography component="p" variant="body2">
              {d.message}
            </Typography>
          )}
        </Alert>
      )}
      {canUpdate && (
        <Box mt={1} display="flex" style={{ gap: 8 }}>
          <Button variant="outlined" onClick={() => setOpen('deprecate')}>
            {d ? 'Change deprecation' : 'Deprecate…'}
          </Button>
          {d && (
            <Button variant="outlined" onClick={() => setOpen('withdraw')}>
              Withdraw deprecation
            </Button>
          )}
        </Box>
      )}
      {d && consumers && (
        <Box mt={2}>
          <Table<DeprecationConsumer>
            title="Who still calls"
            options={{
              paging: false,
              search: false,
              padding: 'dense',
              draggable: false,
            }}
            columns={columns}
            data={consumers}
            emptyContent={<Box p={2}>No consumer holds a live key.</Box>}
          />
        </Box>
      )}
      <ConfirmDialog
        open={open === 'deprecate'}
        title="Deprecate this publication"
        confirmLabel="Deprecate"
        onClose={() => {
          setFormError(undefined);
          setOpen(undefined);
        }}
        onConfirm={async () => {
          const result = validateDeprecation(form);
          setFormError(result.error);
          if (!result.request) return;
          await api.deprecate(address, result.request);
          setOpen(undefined);
          await load();
          onChanged?.();
        }}
      >
        <DialogContentText>
          Responses will carry Deprecation, Sunset and (with a successor) Link
          headers. Consumers holding keys are told now and 7 days before the
          sunset; new access requests are refused.
        </DialogContentText>
        <TextField
          id="deprecation-sunset"
          // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
          autoFocus
          fullWidth
          margin="dense"
          variant="outlined"
          type="date"
          label="Sunset date"
          InputLabelProps={{ shrink: true }}
          value={form.sunsetOn}
          onChange={e => setForm({ ...form, sunsetOn: e.target.value })}
          error={!!formError}
          helperText={formError}
          required
        />
        <TextField
          id="deprecation-successor"
          fullWidth
          margin="dense"
          variant="outlined"
          label="Successor model (entity ref, optional)"
          placeholder="component:default/fraud-sklearn-v2"
          value={form.successor}
          onChange={e => setForm({ ...form, successor: e.target.value })}
        />
        <TextField
          id="deprecation-message"
          fullWidth
          margin="dense"
          variant="outlined"
          label="Message to consumers (optional)"
          value={form.message}
          onChange={e => setForm({ ...form, message: e.target.value })}
        />
        <Box mt={1}>
          <FormLabel id="deprecation-at-sunset">At the sunset</FormLabel>
          <RadioGroup
            aria-labelledby="deprecation-at-sunset"
            value={form.atSunset}
            onChange={e =>
              setForm({
                ...form,
                atSunset: e.target.value as 'unpublish' | 'stop-new-keys',
              })
            }
          >
            <FormControlLabel
              value="unpublish"
              control={<Radio />}
              label="Unpublish the model"
            />
            <FormControlLabel
              value="stop-new-keys"
              control={<Radio />}
              label="Keep serving existing keys; issue no new ones"
            />
          </RadioGroup>
        </Box>
      </ConfirmDialog>
      <ConfirmDialog
        open={open === 'withdraw'}
        title="Withdraw the deprecation"
        confirmLabel="Withdraw"
        onClose={() => setOpen(undefined)}
        onConfirm={async () => {
          await api.undeprecate(address);
          setOpen(undefined);
          await load();
          onChanged?.();
        }}
      >
        <DialogContentText>
          The headers are removed and new access requests are accepted again.
        </DialogContentText>
      </ConfirmDialog>
    </Box>
  );
}
