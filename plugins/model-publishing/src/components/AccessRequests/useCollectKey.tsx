import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type {
  AccessRequest,
  IssuedApiKey,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { NewKeyDialog } from '../KeyManager/NewKeyDialog';

/** Collects an approved request's key and shows it once; the secret lives only in this state. */
export function useCollectKey(onCollected: () => void) {
  const api = useApi(modelAccessApiRef);
  const [issued, setIssued] = useState<IssuedApiKey>();
  const [error, setError] = useState<string>();
  const collect = async (r: AccessRequest) => {
    setError(undefined);
    try {
      const result = await api.collectKey(r.id);
      setIssued(result.issued);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const dialog = (
    <NewKeyDialog
      issued={issued}
      onClose={() => {
        setIssued(undefined);
        onCollected();
      }}
    />
  );
  return { collect, dialog, error };
}
