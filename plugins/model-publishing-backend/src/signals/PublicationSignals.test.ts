import { mockServices } from '@backstage/backend-test-utils';
import type {
  SignalPayload,
  SignalsService,
} from '@backstage/plugin-signals-node';
import { PUBLICATION_SIGNAL_CHANNEL } from '@model-publishing/plugin-model-publishing-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrate } from '../database/migrate';
import {
  type NewPublication,
  PublicationStore,
} from '../database/PublicationStore';
import { publicationSignals } from './PublicationSignals';

jest.setTimeout(60_000);
const databases = createTestDatabases();

const publication: NewPublication = {
  id: '00000000-0000-0000-0000-000000000001',
  cluster: 'local',
  namespace: 'fraud',
  name: 'scorer',
  entityRef: 'component:default/scorer',
  owner: 'group:default/fraud',
  modelKind: 'v1',
  config: { rateLimits: { requestsPerMinute: 60 } },
  objects: [],
  endpoints: [],
  createdBy: 'user:default/alice',
};

function fakeSignals() {
  const sent: SignalPayload[] = [];
  const service: SignalsService = {
    publish: async signal => {
      sent.push(signal as SignalPayload);
    },
  };
  return { sent, service };
}

describe.each(databases.eachSupportedId())(
  'publication signals on %s',
  databaseId => {
    let db: Knex;

    beforeEach(async () => {
      db = await databases.init(databaseId);
      await migrate(db);
    });

    it('announces each recorded status change with only the address and status', async () => {
      const { sent, service } = fakeSignals();
      const store = new PublicationStore(
        db,
        publicationSignals(service, mockServices.logger.mock()),
      );

      await store.insertPublishing(publication);
      await store.update(
        publication.id,
        {
          status: 'failed',
          statusReason: 'publish failed: the route was refused',
        },
        { fromStatuses: ['publishing'] },
      );

      expect(sent).toEqual([
        {
          recipients: { type: 'broadcast' },
          channel: PUBLICATION_SIGNAL_CHANNEL,
          message: {
            cluster: 'local',
            namespace: 'fraud',
            name: 'scorer',
            status: 'publishing',
          },
        },
        {
          recipients: { type: 'broadcast' },
          channel: PUBLICATION_SIGNAL_CHANNEL,
          message: {
            cluster: 'local',
            namespace: 'fraud',
            name: 'scorer',
            status: 'failed',
          },
        },
      ]);
    });

    it('announces nothing when nothing was recorded', async () => {
      const { sent, service } = fakeSignals();
      const store = new PublicationStore(
        db,
        publicationSignals(service, mockServices.logger.mock()),
      );
      await store.insertPublishing(publication);
      sent.length = 0;

      // The status does not match (compare-and-set), and a second live record of the model is refused.
      await expect(
        store.update(
          publication.id,
          { status: 'published' },
          { fromStatuses: ['updating'] },
        ),
      ).resolves.toBeUndefined();
      await expect(
        store.insertPublishing({
          ...publication,
          id: '00000000-0000-0000-0000-000000000002',
        }),
      ).rejects.toThrow(/already published/);

      expect(sent).toEqual([]);
    });

    it('records the change even when the signal cannot be sent', async () => {
      const logger = mockServices.logger.mock();
      const store = new PublicationStore(
        db,
        publicationSignals(
          { publish: () => Promise.reject(new Error('events down')) },
          logger,
        ),
      );

      const inserted = await store.insertPublishing(publication);

      expect(inserted.status).toBe('publishing');
      await new Promise(resolve => setImmediate(resolve));
      expect(logger.warn).toHaveBeenCalledWith(
        'publication signal not sent: Error: events down',
      );
    });
  },
);
