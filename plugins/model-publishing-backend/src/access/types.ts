import type {
  AccessRequest,
  ApiKeyInfo,
  IssuedApiKey,
  Publication,
  RateLimits,
  RotatedApiKey,
} from '@model-publishing/plugin-model-publishing-common';

/** The model an access decision is made on: its trusted entity and owning group. */
export interface AccessModel {
  entityRef: string;
  owner?: string;
  /** Display name for notices. */
  title: string;
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
