import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { errorMessage } from './errors';

/** Hands `blob` to the browser as a download named `name`. */
export function saveFile(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  URL.revokeObjectURL(url);
}

/**
 * Downloads a CSV the backend serves: fetched with the user's credentials (a plain link would not send
 * them), then saved; a failure is posted as an error alert.
 */
export function useCsvDownload() {
  const alertApi = useApi(alertApiRef);
  return async (name: string, fetchCsv: () => Promise<Blob>) => {
    try {
      saveFile(name, await fetchCsv());
    } catch (e) {
      alertApi.post({
        message: `CSV download failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    }
  };
}
