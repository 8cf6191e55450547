import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  AccessRequest,
  ApiKeyInfo,
  IssuedApiKey,
  Publication,
  RateLimits,
  RotatedApiKey,
} from '@model-publishing/plugin-model-publishing-common';
import type { AccessStore } from './AccessStore';
import type { ConsumerDirectory } from './consumers';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The model an access decision is made on: its trusted entity and owning group. */
export interface AccessModel {
  entityRef: string;
  owner?: string;
  /** Display name for notices. */
  title: string;
}

/** The model as access notices and keys name it: its entity's ref and owner, titled with the publication's name. */
export function accessModelOf(
  entity: { entityRef?: string; owner?: string },
  publication: { name: string },
): AccessModel {
  return {
    entityRef: entity.entityRef ?? '',
    ...(entity.owner ? { owner: entity.owner } : {}),
    title: publication.name,
  };
}

/** What the access service needs from the key service (ApiKeyService satisfies it). */
export interface AccessKeys {
  create(
    input: {
      publicationId: string;
      name: string;
      expiresAt?: string;
      rateLimits?: RateLimits;
    },
    who: { actor: string; request?: unknown },
  ): Promise<IssuedApiKey>;
  revoke(
    input: { publicationId: string; keyId: string },
    who: { actor: string; request?: unknown },
  ): Promise<ApiKeyInfo>;
  rotate(
    input: { publicationId: string; keyId: string; gracePeriodHours?: number },
    who: { actor: string; request?: unknown },
  ): Promise<RotatedApiKey>;
  list(publicationId: string): Promise<ApiKeyInfo[]>;
}

/** Who acts on an access route. */
export interface Caller {
  /** The user's entity ref (access routes are for users only). */
  actor: string;
  request?: unknown;
}

/** What a model's owners may do to a consumer's key. */
export type ConsumerKeyAction = 'suspend' | 'resume' | 'revoke';

/** What every part of access is built from (the service and the scheduled lifecycle). */
export interface AccessParts {
  store: AccessStore;
  consumers: ConsumerDirectory;
  publications: AccessPublications;
  notifier: AccessNotifier;
  logger: LoggerService;
  /** Rebuilds the publication's BackendTrafficPolicy after a key's limits changed (suspend, resume). */
  reapply(publicationId: string): Promise<unknown>;
  now?: () => Date;
}

export interface AccessPublications {
  get(id: string): Promise<Publication | undefined>;
}

/**
 * Who is told what (docs/design.md §9). Every notice links to the page where the reader acts. Implementations
 * must not throw for a failed delivery: a decision stands whether or not its notice went out.
 */
export interface AccessNotifier {
  requestCreated(request: AccessRequest, model: AccessModel): Promise<void>;
  requestDecided(request: AccessRequest, model: AccessModel): Promise<void>;
  consumerGone(input: {
    consumerRef: string;
    keyIds: string[];
    model: AccessModel;
  }): Promise<void>;
  keyExpiring(input: {
    recipients: string[];
    keyName: string;
    expiresAt: Date;
    model: AccessModel;
  }): Promise<void>;
}

export const silentNotifier: AccessNotifier = {
  requestCreated: async () => {},
  requestDecided: async () => {},
  consumerGone: async () => {},
  keyExpiring: async () => {},
};
