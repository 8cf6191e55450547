import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { spec } from '../schema/openapi.generated';
import { checkServiceAccess, ROUTE_ACCESS, routeKey } from './serviceAccess';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.keys(item)
    .filter(key => METHODS.includes(key))
    .map(method => `${method.toUpperCase()} ${path}`),
);
const subjects = {
  readers: ['plugin:catalog'],
  ingest: ['external:usage-shipper'],
};

describe('service access per operation (issue 14, finding 2)', () => {
  it('states every operation of openapi.yaml, and nothing else', () => {
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual([...operations].sort());
  });

  it('keys Express paths as the document writes them', () => {
    expect(
      routeKey(
        'get',
        '/:addressedBy/:scope/:namespace/:name/publication/keys/:keyId',
      ),
    ).toBe(
      'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/keys/{keyId}',
    );
  });

  const admits = (key: string, credentials: BackstageCredentials) => {
    try {
      checkServiceAccess(key, credentials, subjects);
      return true;
    } catch {
      return false;
    }
  };

  it.each(operations)(
    '%s: admits users unless it is ingest, and services only where the table says',
    key => {
      const access = ROUTE_ACCESS[key];
      expect({
        user: admits(key, mockCredentials.user('user:default/grace')),
        catalog: admits(key, mockCredentials.service('plugin:catalog')),
        shipper: admits(key, mockCredentials.service('external:usage-shipper')),
        other: admits(key, mockCredentials.service('external:some-automation')),
      }).toEqual({
        user: access !== 'ingest',
        catalog: access === 'readers',
        shipper: access === 'ingest',
        other: false,
      });
    },
  );

  it('a route the table does not know admits users only', () => {
    expect(() =>
      checkServiceAccess(
        'GET /new-route',
        mockCredentials.service('plugin:catalog'),
        subjects,
      ),
    ).toThrow(/is for users/);
  });
});
