import { useEffect, useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** Grace periods offered (hours); 24 h is the backend's default (docs/design.md §4), 0 revokes the old key now. */
export const GRACE_PERIOD_OPTIONS: { hours: number; label: string }[] = [
  { hours: 0, label: 'None — the old key stops working immediately' },
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours (default)' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
];

export function RotateKeyDialog(props: {
  apiKey?: ApiKeyInfo;
  onRotate: (key: ApiKeyInfo, gracePeriodHours: number) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const [hours, setHours] = useState(24);
  useEffect(() => {
    if (props.apiKey) setHours(24);
  }, [props.apiKey]);
  const key = props.apiKey;
  return (
    <ConfirmDialog
      open={!!key}
      title={`Rotate key ${key?.name ?? ''}`}
      confirmLabel="Rotate key"
      onClose={props.onClose}
      onConfirm={async () => {
        if (key) await props.onRotate(key, hours);
      }}
    >
      <DialogContentText>
        Rotating issues a new key (shown once) to replace{' '}
        <strong>{key?.name}</strong>
        {key ? ` (${key.prefix}…)` : ''}. During the grace period both keys
        work, so clients can switch over without downtime; after it, the old key
        is revoked.
      </DialogContentText>
      <FormControl fullWidth variant="outlined" margin="dense">
        <InputLabel id="grace-period-label">
          {t('keyManager.gracePeriod')}
        </InputLabel>
        <Select
          labelId="grace-period-label"
          label={t('keyManager.gracePeriod')}
          // A name gives the displayed value an id, so MUI labels the button by "Grace period" and the
          // chosen value: its accessible name then contains its visible text (axe label-content-name-mismatch).
          name="gracePeriod"
          value={hours}
          onChange={e => setHours(Number(e.target.value))}
        >
          {GRACE_PERIOD_OPTIONS.map(option => (
            <MenuItem key={option.hours} value={option.hours}>
              {option.label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {hours === 0 && (
        <DialogContentText color="error" style={{ marginTop: 8 }}>
          {t('keyManager.clientsStillUsingTheOld')}
        </DialogContentText>
      )}
    </ConfirmDialog>
  );
}
