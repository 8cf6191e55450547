import { useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import { keyNameSchema } from '@model-publishing/plugin-model-publishing-common';
import type { CreateKeyRequest } from '../../api/types';
import { ConfirmDialog } from '../common/ConfirmDialog';

/** Validates the create-key form with common's schema; returns the request or the message per field. */
export function validateCreateKey(
  name: string,
  expiresOn: string,
  now: Date = new Date(),
): {
  request?: CreateKeyRequest;
  errors: { name?: string; expiresOn?: string };
} {
  const errors: { name?: string; expiresOn?: string } = {};
  const parsedName = keyNameSchema.safeParse(name.trim());
  if (!parsedName.success) errors.name = parsedName.error.issues[0]?.message;
  let expiresAt: string | undefined;
  if (expiresOn) {
    const date = new Date(`${expiresOn}T23:59:59Z`);
    if (Number.isNaN(date.getTime()))
      errors.expiresOn = 'expiresAt must be an ISO 8601 date-time';
    else if (date <= now)
      errors.expiresOn = 'The expiry date must be in the future';
    else expiresAt = date.toISOString();
  }
  if (errors.name || errors.expiresOn) return { errors };
  return {
    request: { name: name.trim(), ...(expiresAt ? { expiresAt } : {}) },
    errors,
  };
}

export function CreateKeyDialog(props: {
  open: boolean;
  onCreate: (request: CreateKeyRequest) => Promise<void>;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [errors, setErrors] = useState<{ name?: string; expiresOn?: string }>(
    {},
  );
  const reset = () => {
    setName('');
    setExpiresOn('');
    setErrors({});
  };
  return (
    <ConfirmDialog
      open={props.open}
      title="Create API key"
      confirmLabel="Create key"
      onClose={() => {
        reset();
        props.onClose();
      }}
      onConfirm={async () => {
        const result = validateCreateKey(name, expiresOn);
        setErrors(result.errors);
        if (!result.request) return;
        await props.onCreate(result.request);
        reset();
      }}
    >
      <DialogContentText>
        The key is shown once, right after it is created. It uses the
        publication's limits.
      </DialogContentText>
      <TextField
        id="create-key-name"
        // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
        autoFocus
        fullWidth
        margin="dense"
        variant="outlined"
        label="Key name"
        value={name}
        onChange={e => setName(e.target.value)}
        error={!!errors.name}
        helperText={errors.name ?? 'e.g. the client or team that will use it'}
      />
      <TextField
        id="create-key-expires"
        fullWidth
        margin="dense"
        variant="outlined"
        type="date"
        label="Expires on (optional)"
        InputLabelProps={{ shrink: true }}
        value={expiresOn}
        onChange={e => setExpiresOn(e.target.value)}
        error={!!errors.expiresOn}
        helperText={
          errors.expiresOn ?? 'Leave empty for a key that does not expire'
        }
      />
    </ConfirmDialog>
  );
}
