import DialogContentText from '@material-ui/core/DialogContentText';
import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';
import { ConfirmDialog } from '../common/ConfirmDialog';

export function RevokeKeyDialog(props: {
  apiKey?: ApiKeyInfo;
  onRevoke: (key: ApiKeyInfo) => Promise<void>;
  onClose: () => void;
}) {
  const key = props.apiKey;
  return (
    <ConfirmDialog
      open={!!key}
      title={`Revoke key ${key?.name ?? ''}`}
      confirmLabel="Revoke key"
      danger
      onClose={props.onClose}
      onConfirm={async () => {
        if (key) await props.onRevoke(key);
      }}
    >
      <DialogContentText>
        Requests with <strong>{key?.name}</strong>{' '}
        {key ? `(${key.prefix}…)` : ''} will be rejected as soon as the gateway
        picks up the change. This cannot be undone.
      </DialogContentText>
    </ConfirmDialog>
  );
}
