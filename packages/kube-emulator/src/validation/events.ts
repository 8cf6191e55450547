import type { FieldError } from './fieldPath';

/**
 * The core/v1 Event rule the schema cannot express (the API server's legacyValidateEvent): an Event
 * lives in the namespace of the object it is about. Without `eventTime` (the classic core/v1 Event), a set
 * `involvedObject.namespace` must equal the Event's own and an unset one (a cluster-scoped object) only
 * fits `default`. With `eventTime` the server only checks the unset case, which also allows `kube-system`.
 */
export function validateEventNamespace(kind: string, obj: any): FieldError[] {
  if (kind !== 'Event') return [];
  const involvedNs = typeof obj?.involvedObject?.namespace === 'string' ? obj.involvedObject.namespace : '';
  const ns = typeof obj?.metadata?.namespace === 'string' ? obj.metadata.namespace : '';
  let ok: boolean;
  if (obj?.eventTime) ok = involvedNs !== '' || ns === 'default' || ns === 'kube-system';
  else if (involvedNs) ok = ns === involvedNs;
  else ok = ns === '' || ns === 'default';
  if (ok) return [];
  return [{ field: 'involvedObject.namespace', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(involvedNs)}: does not match event.namespace` }];
}
