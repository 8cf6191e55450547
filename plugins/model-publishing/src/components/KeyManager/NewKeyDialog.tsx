import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { IssuedApiKey } from '@model-publishing/plugin-model-publishing-common';
import { KeyCopyButton } from './KeyCopyButton';
import { InitialFocusButton } from '../common/InitialFocusButton';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/**
 * Shows a freshly issued key exactly once. The secret lives only in the caller's state; closing
 * the dialog is the caller's cue to drop it. Focus starts on the key itself (selected, ready to copy);
 * Escape or a click outside asks before the key is gone for good.
 */
export function NewKeyDialog(props: {
  issued?: IssuedApiKey;
  onClose: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const issued = props.issued;
  const [asking, setAsking] = useState(false);
  const close = () => {
    setAsking(false);
    props.onClose();
  };
  return (
    <>
      <Dialog
        open={!!issued}
        onClose={() => setAsking(true)}
        aria-labelledby="new-key-title"
        maxWidth="sm"
        fullWidth
      >
        <DialogTitle id="new-key-title">
          Your new API key{issued ? `: ${issued.key.name}` : ''}
        </DialogTitle>
        <DialogContent>
          <Alert severity="warning" role="alert">
            {t('keyManager.copyThisKeyNowYou')}
          </Alert>
          <TextField
            id="new-api-key"
            label={t('keyManager.apiKey')}
            value={issued?.secret ?? ''}
            fullWidth
            margin="normal"
            variant="outlined"
            // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
            autoFocus
            InputProps={{
              readOnly: true,
              style: { fontFamily: 'monospace' },
              endAdornment: issued ? (
                <KeyCopyButton
                  text={issued.secret}
                  label={t('keyManager.apiKey')}
                />
              ) : undefined,
            }}
            onFocus={event => event.target.select()}
          />
          <DialogContentText variant="body2">
            Send it in the <code>Authorization: Bearer</code> header (see the
            API guide). Store it in a secret manager; if it leaks, rotate or
            revoke it here.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={close} color="primary" variant="contained">
            {t('keyManager.iHaveCopiedTheKey')}
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog
        open={!!issued && asking}
        onClose={() => setAsking(false)}
        PaperProps={{ role: 'alertdialog' }}
        aria-labelledby="new-key-leave-title"
        aria-describedby="new-key-leave-text"
      >
        <DialogTitle id="new-key-leave-title">
          {t('keyManager.closeTheKeyDialog')}
        </DialogTitle>
        <DialogContent>
          <DialogContentText id="new-key-leave-text">
            {t('keyManager.onceThisDialogClosesNobody')}
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{t('keyManager.closeTheKeyDialog2')}</Button>
          <InitialFocusButton
            onClick={() => setAsking(false)}
            color="primary"
            variant="contained"
          >
            {t('keyManager.keepTheDialogOpen')}
          </InitialFocusButton>
        </DialogActions>
      </Dialog>
    </>
  );
}
