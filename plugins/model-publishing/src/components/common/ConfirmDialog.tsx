import { ReactNode, useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from './errors';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Extra condition, e.g. "the typed name matches". */
  confirmDisabled?: boolean;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/**
 * A keyboard-usable confirmation: MUI Dialog traps focus and closes on Esc; the title labels the
 * dialog; the confirm button names the action. Errors from onConfirm show inside and keep it open.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const isMounted = useMountedState();
  const titleId = `confirm-${props.title.replace(/\W+/g, '-').toLowerCase()}`;

  const close = () => {
    if (busy) return;
    setError(undefined);
    props.onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      if (isMounted()) setBusy(false);
    } catch (e) {
      if (!isMounted()) return;
      setBusy(false);
      setError(errorMessage(e));
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={close}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>{props.title}</DialogTitle>
      <DialogContent>
        {props.children}
        {error && (
          <Alert severity="error" role="alert" style={{ marginTop: 16 }}>
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={confirm}
          color={props.danger ? 'secondary' : 'primary'}
          variant="contained"
          disabled={busy || props.confirmDisabled}
          startIcon={busy ? <CircularProgress size={16} /> : undefined}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
