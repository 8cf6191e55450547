import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import DialogContentText from '@material-ui/core/DialogContentText';
import Typography from '@material-ui/core/Typography';
import type {
  ApiKeyInfo,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import type { UpdateKeyRequest } from '../../api/types';
import { ConfirmDialog } from '../common/ConfirmDialog';
import {
  LIMIT_LABELS,
  REQUEST_LIMIT_FIELDS,
  TOKEN_LIMIT_FIELDS,
  limitProblem,
} from '../PublishForm/formState';
import { describeLimits } from '../AccessRequests/format';
import { TextInput } from '../common/TextInput';
import { KeyDescriptionField, keyDescriptionProblem } from './keyDialogParts';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

type Field =
  | (typeof REQUEST_LIMIT_FIELDS)[number]
  | (typeof TOKEN_LIMIT_FIELDS)[number];

/**
 * The edit form's request (pure): the description as typed, and the key's own limits — all empty
 * means `{}`, the key uses the publication's limits again. Errors in the form's words, per field.
 */
export function validateEditKey(
  description: string,
  limits: Partial<Record<Field, string>>,
  fields: readonly Field[],
): {
  request?: UpdateKeyRequest;
  errors: Partial<Record<Field | 'description', string>>;
} {
  const errors: Partial<Record<Field | 'description', string>> = {};
  const descriptionProblem = keyDescriptionProblem(description);
  if (descriptionProblem) errors.description = descriptionProblem;
  const rateLimits: RateLimits = {};
  for (const field of fields) {
    const raw = (limits[field] ?? '').trim();
    if (!raw) continue;
    const problem = limitProblem(LIMIT_LABELS[field], raw);
    if (problem) errors[field] = problem;
    else rateLimits[field] = Number(raw);
  }
  if (Object.keys(errors).length) return { errors };
  return { request: { description: description.trim(), rateLimits }, errors };
}

function initialLimits(key?: ApiKeyInfo): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const field of [...REQUEST_LIMIT_FIELDS, ...TOKEN_LIMIT_FIELDS]) {
    const value = key?.rateLimits?.[field];
    if (typeof value === 'number') out[field] = String(value);
  }
  return out;
}

/** Edit a live key's description and its own limits (PATCH …/keys/{keyId}). */
export function EditKeyDialog(props: {
  apiKey?: ApiKeyInfo;
  /** Token limits only for OpenAI-compatible models (the API refuses them for others). */
  llm: boolean;
  /** The publication's limits, which a key without limits of its own uses. */
  publicationLimits?: RateLimits;
  onSave: (key: ApiKeyInfo, request: UpdateKeyRequest) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const { apiKey } = props;
  // The last key edited, so the title does not change while the dialog fades out.
  const [shown, setShown] = useState(apiKey);
  const fields: readonly Field[] = props.llm
    ? [...REQUEST_LIMIT_FIELDS, ...TOKEN_LIMIT_FIELDS]
    : REQUEST_LIMIT_FIELDS;
  const [description, setDescription] = useState('');
  const [limits, setLimits] = useState<Partial<Record<Field, string>>>({});
  const [errors, setErrors] = useState<
    Partial<Record<Field | 'description', string>>
  >({});
  useEffect(() => {
    if (apiKey) setShown(apiKey);
    setDescription(apiKey?.description ?? '');
    setLimits(initialLimits(apiKey));
    setErrors({});
  }, [apiKey]);

  return (
    <ConfirmDialog
      open={!!apiKey}
      title={`Edit key ${(apiKey ?? shown)?.name ?? ''}`}
      confirmLabel="Save"
      onClose={props.onClose}
      onConfirm={async () => {
        if (!apiKey) return;
        const result = validateEditKey(description, limits, fields);
        setErrors(result.errors);
        if (!result.request) return;
        await props.onSave(apiKey, result.request);
      }}
    >
      <DialogContentText>
        The key itself does not change. Limits of its own replace the
        publication's for this key; leave them all empty to use the
        publication's ({describeLimits(props.publicationLimits)}).
      </DialogContentText>
      <KeyDescriptionField
        id="edit-key-description"
        first
        value={description}
        onChange={setDescription}
        error={errors.description}
        help="What the key is for, e.g. who uses it"
      />
      <Typography variant="subtitle2" component="h3" style={{ marginTop: 8 }}>
        {t('keyManager.thisKeysLimits')}
      </Typography>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {fields.map(field => (
          <TextInput
            key={field}
            id={`edit-key-${field}`}
            margin="dense"
            fullWidth={false}
            type="number"
            inputProps={{ min: 1, step: 1 }}
            label={LIMIT_LABELS[field]}
            value={limits[field] ?? ''}
            onChange={e => setLimits({ ...limits, [field]: e.target.value })}
            error={errors[field]}
            style={{ flex: '1 1 160px' }}
          />
        ))}
      </Box>
    </ConfirmDialog>
  );
}
