import { InputError } from '@backstage/errors';
import { objectHead, secretName } from './names';
import type { KeySecret } from '../kubernetes/objects';
import type { BuildInput } from './types';

/** Secret data keys must match this (Kubernetes validation of Secret.data). */
const SECRET_DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * The Secret Envoy Gateway's apiKeyAuth reads: one data entry per client id, whose value is the
 * raw key. Two client ids with the same key break the whole SecurityPolicy, so they are refused.
 */
export function buildKeySecret(input: BuildInput): KeySecret {
  const data: Record<string, string> = {};
  const seenValues = new Set<string>();
  for (const { clientId, key } of input.keys) {
    if (!SECRET_DATA_KEY.test(clientId) || clientId.length > 253) {
      throw new InputError(
        `keys: client id "${clientId}" cannot be a Secret data key (letters, digits, '-', '_', '.')`,
      );
    }
    if (clientId in data) {
      throw new InputError(`keys: client id "${clientId}" appears twice`);
    }
    if (!key) {
      throw new InputError(
        `keys: the key for client id "${clientId}" is empty`,
      );
    }
    if (seenValues.has(key)) {
      // Never echo the key itself: errors end up in logs and responses.
      throw new InputError(
        `keys: client id "${clientId}" has the same key value as another client id; Envoy Gateway rejects the whole policy when two clients share a key`,
      );
    }
    seenValues.add(key);
    data[clientId] = Buffer.from(key, 'utf8').toString('base64');
  }
  return {
    ...objectHead(input, 'Secret', secretName(input.isvc.metadata.name)),
    type: 'Opaque',
    data,
  };
}
