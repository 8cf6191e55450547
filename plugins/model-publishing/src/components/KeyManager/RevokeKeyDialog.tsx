import DialogContentText from '@material-ui/core/DialogContentText';
import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';
import { KeyActionDialog } from './keyDialogParts';

export function RevokeKeyDialog(props: {
  apiKey?: ApiKeyInfo;
  onRevoke: (key: ApiKeyInfo) => Promise<void>;
  onClose: () => void;
}) {
  const key = props.apiKey;
  return (
    <KeyActionDialog
      apiKey={key}
      action="Revoke"
      danger
      onClose={props.onClose}
      onConfirm={props.onRevoke}
    >
      <DialogContentText>
        Requests with <strong>{key?.name}</strong>{' '}
        {key ? `(${key.prefix}…)` : ''} will be rejected as soon as the gateway
        picks up the change. This cannot be undone.
      </DialogContentText>
    </KeyActionDialog>
  );
}
