import { useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';
import { useApi } from '@backstage/core-plugin-api';
import type {
  IssuedApiKey,
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type {
  KubernetesObject,
  ModelAddress,
  ModelInfo,
} from '../../api/types';
import { TrackWrite } from '../../hooks/useModel';
import { errorMessage } from '../common/errors';
import {
  PublishFormErrors,
  PublishFormField,
  PublishFormValues,
  effectiveKind,
  fieldError,
  formToConfig,
  initialValues,
} from './formState';
import { PlansErrors, PlansState, initialPlans, plansToConfig } from './plans';
import {
  PriceErrors,
  PriceField,
  PriceValues,
  initialPrices,
  pricesToConfig,
} from './prices';

const untracked: TrackWrite = write => write();
const noPlansErrors: PlansErrors = { defaultPlan: {}, plans: [] };

/** 'update' once the model is live; 'publish' when it is not (or a previous attempt failed). */
export function formMode(publication?: Publication): 'publish' | 'update' {
  return publication &&
    ['published', 'degraded', 'updating'].includes(publication.status)
    ? 'update'
    : 'publish';
}

export interface PublishPreview {
  objects: KubernetesObject[];
  config: PublishConfig;
  notes?: string[];
  current?: KubernetesObject[];
}

/**
 * The publish form's state and requests: what is typed (checked as it is typed), the preview, and
 * publish / update / unpublish through `trackWrite`. Any edit drops a preview that no longer matches.
 */
export function usePublishForm(props: {
  address: ModelAddress;
  model: ModelInfo;
  publication?: Publication;
  onChanged: () => void;
  trackWrite?: TrackWrite;
}) {
  const api = useApi(modelPublishingApiRef);
  const { model, publication, address } = props;
  const track = props.trackWrite ?? untracked;
  const isMounted = useMountedState();
  const detection = model.detection;
  const mode = formMode(publication);
  const live = mode === 'update';
  const liveConfig = live ? publication?.config : undefined;
  const [values, setValues] = useState<PublishFormValues>(() =>
    initialValues(liveConfig),
  );
  const [errors, setErrors] = useState<PublishFormErrors>({});
  const [prices, setPrices] = useState<PriceValues>(() =>
    initialPrices(liveConfig?.prices),
  );
  const [priceErrors, setPriceErrors] = useState<PriceErrors>({});
  const [plans, setPlans] = useState<PlansState>(() =>
    initialPlans(liveConfig),
  );
  const [plansErrors, setPlansErrors] = useState<PlansErrors>(noPlansErrors);
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState<'preview' | 'submit' | undefined>();
  const [preview, setPreview] = useState<PublishPreview>();
  const [issued, setIssued] = useState<IssuedApiKey>();
  const [saved, setSaved] = useState<string>();

  const kind = live
    ? publication!.modelKind
    : effectiveKind(detection, values.modelKind);

  // Checked as the person types: the edited field shows what is wrong with it right away.
  const set =
    (field: PublishFormField) => (event: { target: { value: string } }) => {
      const next = { ...values, [field]: event.target.value };
      setValues(next);
      setErrors(e => ({
        ...e,
        [field]: fieldError(next, field, { detection, mode }),
      }));
      setPreview(undefined);
    };
  const setPrice = (field: PriceField, value: string) => {
    setPrices(p => ({ ...p, [field]: value }));
    setPriceErrors(e => ({ ...e, [field]: undefined }));
    setPreview(undefined);
  };
  const editPlans = (next: PlansState) => {
    setPlans(next);
    // Errors clear as the person edits; they are checked again when the form is sent.
    setPlansErrors(noPlansErrors);
    setPreview(undefined);
  };

  const validated = () => {
    const result = formToConfig(values, { detection, mode });
    setErrors(result.errors);
    const priced = pricesToConfig(prices, kind);
    setPriceErrors(priced.errors);
    const planned = plansToConfig(plans, kind);
    setPlansErrors(planned.errors);
    if (
      !result.config ||
      Object.keys(priced.errors).length > 0 ||
      !planned.valid
    )
      return undefined;
    return {
      ...result.config,
      ...(priced.prices ? { prices: priced.prices } : {}),
      ...(planned.plans ? { plans: planned.plans } : {}),
    };
  };

  const runPreview = async () => {
    const config = validated();
    if (!config) return;
    setBusy('preview');
    setServerError(undefined);
    try {
      // An update's preview shows what changes against what runs (issue 23 item 13).
      const result = live
        ? await api.dryRun(address, config, 'update')
        : await api.dryRun(address, config);
      setPreview({
        objects: result.objects,
        notes: result.notes,
        current: result.current,
        config,
      });
    } catch (e) {
      setServerError(errorMessage(e));
    } finally {
      setBusy(undefined);
    }
  };

  const submit = async () => {
    const config = validated();
    if (!config) return;
    setBusy('submit');
    setServerError(undefined);
    setSaved(undefined);
    try {
      if (live) {
        await track(() => api.updatePublication(address, config));
        if (!isMounted()) return;
        setSaved('Limits updated.');
      } else {
        const result = await track(() => api.publish(address, config));
        if (!isMounted()) return;
        if (result.key) setIssued(result.key);
      }
      setPreview(undefined);
      props.onChanged();
    } catch (e) {
      if (isMounted()) setServerError(errorMessage(e));
    } finally {
      if (isMounted()) setBusy(undefined);
    }
  };

  /** `closeDialog` runs once the model is unpublished, unless the form is gone by then. */
  const unpublish = async (closeDialog: () => void) => {
    await track(() => api.unpublish(address));
    if (!isMounted()) return;
    closeDialog();
    props.onChanged();
  };

  return {
    live,
    kind,
    values,
    errors,
    set,
    prices,
    priceErrors,
    setPrice,
    plans,
    plansErrors,
    editPlans,
    busy,
    serverError,
    saved,
    preview,
    issued,
    clearIssued: () => setIssued(undefined),
    runPreview,
    submit,
    unpublish,
  };
}
