import type { PublicationStatus } from './generated/models';

/**
 * The signals channel on which the backend announces that a model's publication changed (status,
 * objects, endpoints or settings). The frontend reloads the model when a signal names it.
 *
 * @public
 */
export const PUBLICATION_SIGNAL_CHANNEL = 'model-publishing:publication';

/**
 * A signal on {@link PUBLICATION_SIGNAL_CHANNEL}: which model, and the status its publication now has.
 * It carries nothing else (no reason, config or key): the frontend reloads through the API, which
 * checks the reader's permissions.
 *
 * @public
 */
export type PublicationSignal = {
  cluster: string;
  namespace: string;
  name: string;
  status: PublicationStatus;
};
