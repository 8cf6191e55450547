import { useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import { keyNameSchema } from '@model-publishing/plugin-model-publishing-common';
import type { CreateKeyRequest } from '../../api/types';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { KEY_DESCRIPTION_MAX } from './EditKeyDialog';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** Validates the create-key form with common's schema; returns the request or the message per field. */
export function validateCreateKey(
  name: string,
  expiresOn: string,
  now: Date = new Date(),
  description: string = '',
): {
  request?: CreateKeyRequest;
  errors: { name?: string; expiresOn?: string; description?: string };
} {
  const errors: { name?: string; expiresOn?: string; description?: string } =
    {};
  if (description.trim().length > KEY_DESCRIPTION_MAX)
    errors.description = `The description must be at most ${KEY_DESCRIPTION_MAX} characters`;
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
  if (errors.name || errors.expiresOn || errors.description) return { errors };
  return {
    request: {
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    },
    errors,
  };
}

export function CreateKeyDialog(props: {
  open: boolean;
  onCreate: (request: CreateKeyRequest) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const [name, setName] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{
    name?: string;
    expiresOn?: string;
    description?: string;
  }>({});
  const reset = () => {
    setName('');
    setDescription('');
    setExpiresOn('');
    setErrors({});
  };
  return (
    <ConfirmDialog
      open={props.open}
      title={t('keyManager.createApiKey')}
      confirmLabel="Create key"
      onClose={() => {
        reset();
        props.onClose();
      }}
      onConfirm={async () => {
        const result = validateCreateKey(
          name,
          expiresOn,
          new Date(),
          description,
        );
        setErrors(result.errors);
        if (!result.request) return;
        await props.onCreate(result.request);
        reset();
      }}
    >
      <DialogContentText>
        The key is shown once, right after it is created. It uses the
        publication's limits; you can give it limits of its own later (Edit
        key).
      </DialogContentText>
      <TextField
        id="create-key-name"
        // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
        autoFocus
        fullWidth
        margin="dense"
        variant="outlined"
        label={t('keyManager.keyName')}
        value={name}
        onChange={e => setName(e.target.value)}
        error={!!errors.name}
        helperText={errors.name ?? 'e.g. the client or team that will use it'}
      />
      <TextField
        id="create-key-description"
        fullWidth
        margin="dense"
        variant="outlined"
        label={t('keyManager.descriptionOptional')}
        value={description}
        onChange={e => setDescription(e.target.value)}
        error={!!errors.description}
        helperText={
          errors.description ?? 'What the key is for, e.g. where it is stored'
        }
      />
      <TextField
        id="create-key-expires"
        fullWidth
        margin="dense"
        variant="outlined"
        type="date"
        label={t('keyManager.expiresOnOptional')}
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
