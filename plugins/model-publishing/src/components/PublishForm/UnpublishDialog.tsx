import { useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** Unpublishing takes the endpoint offline for every key, so the owner types the model's name. */
export function UnpublishDialog(props: {
  open: boolean;
  modelName: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const [typed, setTyped] = useState('');
  const close = () => {
    setTyped('');
    props.onClose();
  };
  return (
    <ConfirmDialog
      open={props.open}
      title={t('publishForm.unpublish2', { modelName: props.modelName })}
      confirmLabel={`Unpublish ${props.modelName}`}
      confirmDisabled={typed !== props.modelName}
      danger
      onConfirm={async () => {
        await props.onConfirm();
        setTyped('');
      }}
      onClose={close}
    >
      <DialogContentText>
        This removes the public endpoint of <strong>{props.modelName}</strong>,
        its route, limits and every API key. Clients using it will get errors
        immediately. The model itself keeps running in the cluster.
      </DialogContentText>
      <TextField
        id="unpublish-confirm-name"
        // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
        autoFocus
        fullWidth
        variant="outlined"
        label={t('publishForm.typeToConfirm', { modelName: props.modelName })}
        value={typed}
        onChange={event => setTyped(event.target.value)}
      />
    </ConfirmDialog>
  );
}
