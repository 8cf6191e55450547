import { Progress, ResponseErrorPanel } from '@backstage/core-components';

interface Load {
  value?: unknown;
  error?: Error;
}

/** Whether a load (react-use's useAsync state) has its value and no error. */
export function isLoaded<T extends Load>(
  load: T,
): load is T & { value: NonNullable<T['value']> } {
  return !load.error && load.value !== undefined && load.value !== null;
}

/** What a card shows until its load has a value: the error under `errorTitle`, else progress. */
export function loadingView(load: Load, errorTitle: string): JSX.Element {
  return load.error ? (
    <ResponseErrorPanel error={load.error} title={errorTitle} />
  ) : (
    <Progress />
  );
}
