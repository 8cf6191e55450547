import { useEffect, useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import MenuItem from '@material-ui/core/MenuItem';
import { SelectField } from '../common/SelectField';
import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';
import { KeyActionDialog } from './keyDialogParts';
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
    <KeyActionDialog
      apiKey={key}
      action="Rotate"
      onClose={props.onClose}
      onConfirm={k => props.onRotate(k, hours)}
    >
      <DialogContentText>
        Rotating issues a new key (shown once) to replace{' '}
        <strong>{key?.name}</strong>
        {key ? ` (${key.prefix}…)` : ''}. During the grace period both keys
        work, so clients can switch over without downtime; after it, the old key
        is revoked.
      </DialogContentText>
      <SelectField
        labelId="grace-period-label"
        label={t('keyManager.gracePeriod')}
        name="gracePeriod"
        value={hours}
        onChange={value => setHours(Number(value))}
        margin="dense"
      >
        {GRACE_PERIOD_OPTIONS.map(option => (
          <MenuItem key={option.hours} value={option.hours}>
            {option.label}
          </MenuItem>
        ))}
      </SelectField>
      {hours === 0 && (
        <DialogContentText color="error" style={{ marginTop: 8 }}>
          {t('keyManager.clientsStillUsingTheOld')}
        </DialogContentText>
      )}
    </KeyActionDialog>
  );
}
