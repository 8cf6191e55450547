import { generateKeyPairSync, sign } from 'node:crypto';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  type PluginHarness,
  startPluginHarness,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

/**
 * The whole plugin: GitHub calls the secret scanning route with no Backstage token at all (plugin.ts lets
 * that one path in unauthenticated), so the signature is what decides; every other route still needs one.
 */
describe('secret scanning through the plugin', () => {
  let h: PluginHarness;
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
  });

  beforeAll(async () => {
    h = await startPluginHarness({
      // A request without a token is unauthenticated (the default test backend would make it a user).
      extraFeatures: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
      config: {
        watchModels: false,
        secretScanning: {
          enabled: true,
          fetchPublicKeys: false,
          publicKeys: [
            {
              keyIdentifier: 'k1',
              key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
            },
          ],
        },
      },
    });
  });
  afterAll(async () => h?.stop());

  it('reaches the handler without a Backstage token: signed → verdicts, unsigned → 401 from the signature check; other routes still 401', async () => {
    const body = JSON.stringify([
      {
        token: 'mpk_notarealkey',
        type: 'model_publishing_api_key',
        url: 'https://github.com/a/b',
      },
    ]);
    const signed = await h.request
      .post('/api/model-publishing/secret-scanning/github')
      .set('Content-Type', 'application/json')
      .set('Github-Public-Key-Identifier', 'k1')
      .set(
        'Github-Public-Key-Signature',
        sign('sha256', Buffer.from(body), {
          key: privateKey,
          dsaEncoding: 'der',
        }).toString('base64'),
      )
      .send(body);
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual([
      expect.objectContaining({
        label: 'false_positive',
        token_type: 'model_publishing_api_key',
      }),
    ]);
    const unsigned = await h.request
      .post('/api/model-publishing/secret-scanning/github')
      .set('Content-Type', 'application/json')
      .send(body);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.message).toMatch(/Github-Public-Key-Identifier/);
    expect(
      (
        await h.request
          .post('/api/model-publishing/keys/leaked')
          .send({ keyId: 'x' })
      ).status,
    ).toBe(401);
  });
});
