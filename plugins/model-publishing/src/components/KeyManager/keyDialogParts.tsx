import type { ReactNode } from 'react';
import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { TextInput } from '../common/TextInput';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

export const KEY_DESCRIPTION_MAX = 200;

/** What is wrong with a key's description as typed, if anything (the create and edit dialogs). */
export function keyDescriptionProblem(description: string): string | undefined {
  return description.trim().length > KEY_DESCRIPTION_MAX
    ? `The description must be at most ${KEY_DESCRIPTION_MAX} characters`
    : undefined;
}

/** A key dialog's text input: dense, as a dialog holds several; its error replaces its help. */
export function KeyField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  help?: string;
  /** The dialog's first field takes the focus when it opens (WAI-ARIA dialog pattern). */
  first?: boolean;
  type?: 'date' | 'number';
}) {
  return (
    <TextInput
      id={props.id}
      // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
      autoFocus={props.first}
      margin="dense"
      type={props.type}
      label={props.label}
      InputLabelProps={props.type === 'date' ? { shrink: true } : undefined}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      error={props.error}
      help={props.help}
    />
  );
}

/** The key's description: what it is for. */
export function KeyDescriptionField(props: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  help: string;
  first?: boolean;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  return <KeyField {...props} label={t('keyManager.descriptionOptional')} />;
}

/**
 * Confirms one action on a key, named in the title and the button ("Revoke key …"); open while there
 * is a key to act on.
 */
export function KeyActionDialog(props: {
  apiKey?: ApiKeyInfo;
  action: 'Revoke' | 'Rotate';
  danger?: boolean;
  onConfirm: (key: ApiKeyInfo) => Promise<void>;
  onClose: () => void;
  children: ReactNode;
}) {
  const key = props.apiKey;
  return (
    <ConfirmDialog
      open={!!key}
      title={`${props.action} key ${key?.name ?? ''}`}
      confirmLabel={`${props.action} key`}
      danger={props.danger}
      onClose={props.onClose}
      onConfirm={async () => {
        if (key) await props.onConfirm(key);
      }}
    >
      {props.children}
    </ConfirmDialog>
  );
}
