import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { IssuedApiKey } from '@model-publishing/plugin-model-publishing-common';
import { CopyButton } from '../common/CopyButton';

/**
 * Shows a freshly issued key exactly once. The secret lives only in the caller's state; closing
 * the dialog is the caller's cue to drop it.
 */
export function NewKeyDialog(props: {
  issued?: IssuedApiKey;
  onClose: () => void;
}) {
  const issued = props.issued;
  return (
    <Dialog
      open={!!issued}
      onClose={props.onClose}
      aria-labelledby="new-key-title"
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id="new-key-title">
        Your new API key{issued ? `: ${issued.key.name}` : ''}
      </DialogTitle>
      <DialogContent>
        <Alert severity="warning" role="alert">
          Copy this key now. You won't see this key again: the portal does not
          store it.
        </Alert>
        <TextField
          id="new-api-key"
          label="API key"
          value={issued?.secret ?? ''}
          fullWidth
          margin="normal"
          variant="outlined"
          InputProps={{
            readOnly: true,
            style: { fontFamily: 'monospace' },
            endAdornment: issued ? (
              <CopyButton text={issued.secret} label="API key" />
            ) : undefined,
          }}
          onFocus={event => event.target.select()}
        />
        <DialogContentText variant="body2">
          Send it in the <code>Authorization: Bearer</code> header (see the API
          guide). Store it in a secret manager; if it leaks, rotate or revoke it
          here.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button
          onClick={props.onClose}
          color="primary"
          variant="contained"
          // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
          autoFocus
        >
          I have copied the key
        </Button>
      </DialogActions>
    </Dialog>
  );
}
