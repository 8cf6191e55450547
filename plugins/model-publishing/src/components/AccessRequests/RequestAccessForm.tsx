import { useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import { SelectField } from '../common/SelectField';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Progress } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  AccessRequestResult,
  Plan,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { NewKeyDialog } from '../KeyManager/NewKeyDialog';
import { describeLimits } from './format';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** Whom the caller may request for: themselves, their groups, the Components they or their groups own. */
export function useConsumerOptions():
  | { value: string; label: string }[]
  | undefined {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const [options, setOptions] = useState<{ value: string; label: string }[]>();
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const identity = await identityApi.getBackstageIdentity();
      const owners = identity.ownershipEntityRefs;
      const { items } = await catalogApi.getEntities({
        filter: { kind: 'component', 'relations.ownedBy': owners },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
        ],
      });
      const list = [
        {
          value: identity.userEntityRef,
          label: `Me (${identity.userEntityRef})`,
        },
        ...owners
          .filter(ref => ref.startsWith('group:'))
          .map(ref => ({ value: ref, label: `Group ${ref}` })),
        ...items.map(c => ({
          value: stringifyEntityRef(c),
          label: `Component ${stringifyEntityRef(c)}`,
        })),
      ];
      if (!cancelled) setOptions(list);
    })().catch(() => !cancelled && setOptions([]));
    return () => {
      cancelled = true;
    };
  }, [identityApi, catalogApi]);
  return options;
}

/**
 * The request-access form for a published model (exported for other views, e.g. a read-only model page).
 * The backend checks the consumer against the catalog; the list here only offers what should pass.
 */
export function RequestAccessForm(props: {
  entityRef: string;
  onRequested?: (result: AccessRequestResult) => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelAccessApiRef);
  const consumers = useConsumerOptions();
  const [plans, setPlans] = useState<Plan[]>();
  const [plan, setPlan] = useState('');
  const [consumer, setConsumer] = useState('');
  const [purpose, setPurpose] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AccessRequestResult>();
  const [issued, setIssued] = useState<AccessRequestResult['issued']>();

  useEffect(() => {
    api.listPlans(props.entityRef).then(
      items => {
        setPlans(items);
        setPlan(p => p || items[0]?.name || '');
      },
      e => setError(e.message),
    );
  }, [api, props.entityRef]);

  if (!plans && !error) return <Progress />;
  const chosen = plans?.find(p => p.name === plan);
  const purposeError =
    purpose.trim().length > 0 && purpose.trim().length < 10
      ? 'Say in a sentence what the model is used for'
      : undefined;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.requestAccess(props.entityRef, {
        plan,
        purpose: purpose.trim(),
        consumer,
      });
      setResult(r);
      setIssued(r.issued);
      props.onRequested?.(r);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label={t('access.requestAccess')}>
      {error && (
        <Alert severity="error" role="alert">
          {error}
        </Alert>
      )}
      {result && !result.issued && (
        <Alert severity="success" role="status">
          {t('access.requestSentTheModelsOwners')}
        </Alert>
      )}
      <SelectField
        labelId="access-plan-label"
        id="access-plan"
        name="plan"
        label={t('access.plan')}
        value={plan}
        onChange={setPlan}
        margin="normal"
        helperText={chosen?.description}
      >
        {(plans ?? []).map(p => (
          <MenuItem key={p.id} value={p.name}>
            {p.name} — {describeLimits(p.rateLimits)} (
            {p.approval === 'automatic' ? 'key at once' : 'owners approve'})
          </MenuItem>
        ))}
      </SelectField>
      <SelectField
        labelId="access-consumer-label"
        id="access-consumer"
        name="consumer"
        label={t('access.keyFor')}
        value={consumer}
        onChange={setConsumer}
        margin="normal"
        helperText={t('access.theKeyBelongsToThis')}
      >
        {(consumers ?? []).map(c => (
          <MenuItem key={c.value} value={c.value}>
            {c.label}
          </MenuItem>
        ))}
      </SelectField>
      <TextField
        id="access-purpose"
        label={t('access.purpose')}
        required
        multiline
        minRows={2}
        fullWidth
        margin="normal"
        variant="outlined"
        value={purpose}
        onChange={e => setPurpose(e.target.value)}
        error={!!purposeError}
        helperText={
          purposeError ??
          'What will call the model, and why (the owners read this)'
        }
      />
      <Typography variant="body2" color="textSecondary" paragraph>
        {chosen?.approval === 'automatic'
          ? 'This plan issues the key at once; it is shown one time only.'
          : "The model's owners decide on this plan; you are notified of their decision."}
      </Typography>
      <Button
        type="submit"
        color="primary"
        variant="contained"
        disabled={busy || !plan || !consumer || purpose.trim().length < 10}
      >
        {t('access.requestAccess')}
      </Button>
      <NewKeyDialog issued={issued} onClose={() => setIssued(undefined)} />
    </form>
  );
}
