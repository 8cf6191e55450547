import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  IssuedApiKey,
  Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { BuildKey } from '../gateway/types';

/** Who asked for a publish, update or unpublish (audit rows and key records name them). */
export interface OperationContext {
  actor: string;
  credentials?: BackstageCredentials;
  request?: unknown;
}

/** The parts of the key service the publishing workflow uses (src/keys/PublicationKeys). */
export interface PublishingKeys {
  issueInitialKey(
    input: { publicationId: string; name: string; expiresAt?: string },
    who: { actor: string; request?: unknown },
    /** The record just inserted (saves a read-after-write). */
    known?: Publication,
  ): Promise<{ issued: IssuedApiKey; buildKey: BuildKey }>;
  discardKeys(
    publicationId: string,
    who: { actor: string; request?: unknown },
  ): Promise<void>;
  readLiveSecretKeys(publicationId: string): Promise<{ keys: BuildKey[] }>;
}

/** Response headers a publication's route carries (a deprecation's; src/deprecation). */
export type ResponseHeadersOf = (
  publicationId: string,
) => Promise<{ name: string; value: string }[] | undefined>;
