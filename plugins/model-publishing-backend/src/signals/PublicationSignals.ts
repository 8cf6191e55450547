import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  type Publication,
  PUBLICATION_SIGNAL_CHANNEL,
  type PublicationSignal,
} from '@model-publishing/plugin-model-publishing-common';

/** Tells open portal pages that a publication changed, so they reload instead of polling. */
export interface PublicationSignals {
  changed(publication: Publication): void;
}

/** Used when the backend has no signals service (tests, other composition roots). */
export const noPublicationSignals: PublicationSignals = { changed() {} };

/**
 * Publishes on the shared channel to every connected user: who may read a publication is the
 * permission policy's decision per request (the portal's: everyone signed in), which signals cannot
 * address, so the message carries only the model's address and status and the page reloads through
 * the API. Fire-and-forget: a lost signal only delays a page until its fallback poll.
 */
export function publicationSignals(
  signals: SignalsService | undefined,
  logger: LoggerService,
): PublicationSignals {
  if (!signals) return noPublicationSignals;
  return {
    changed(p) {
      const message: PublicationSignal = {
        cluster: p.cluster,
        namespace: p.namespace,
        name: p.name,
        status: p.status,
      };
      signals
        .publish({
          recipients: { type: 'broadcast' },
          channel: PUBLICATION_SIGNAL_CHANNEL,
          message,
        })
        .catch(error =>
          logger.warn(`publication signal not sent: ${String(error)}`),
        );
    },
  };
}
