import { useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import { keyNameSchema } from '@model-publishing/plugin-model-publishing-common';
import type { CreateKeyRequest } from '../../api/types';
import { ConfirmDialog } from '../common/ConfirmDialog';
import {
  KeyDescriptionField,
  KeyField,
  keyDescriptionProblem,
} from './keyDialogParts';
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
  const descriptionProblem = keyDescriptionProblem(description);
  if (descriptionProblem) errors.description = descriptionProblem;
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
      <KeyField
        id="create-key-name"
        first
        label={t('keyManager.keyName')}
        value={name}
        onChange={setName}
        error={errors.name}
        help="e.g. the client or team that will use it"
      />
      <KeyDescriptionField
        id="create-key-description"
        value={description}
        onChange={setDescription}
        error={errors.description}
        help="What the key is for, e.g. where it is stored"
      />
      <KeyField
        id="create-key-expires"
        type="date"
        label={t('keyManager.expiresOnOptional')}
        value={expiresOn}
        onChange={setExpiresOn}
        error={errors.expiresOn}
        help="Leave empty for a key that does not expire"
      />
    </ConfirmDialog>
  );
}
