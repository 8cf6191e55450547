import fs from 'fs';
import { AUDIT_ACTIONS } from '@model-publishing/plugin-model-publishing-common';
import { spec } from './openapi.generated';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/generate-openapi');

describe('openapi.yaml and the code generated from it', () => {
  it('are in step (run `yarn generate:openapi` when this fails)', () => {
    const rendered = generator.render(
      fs.readFileSync(generator.yamlPath, 'utf8'),
    );
    for (const [key, file] of Object.entries<string>(generator.outputs)) {
      expect({ file, text: fs.readFileSync(file, 'utf8') }).toEqual({
        file,
        text: rendered[key],
      });
    }
  });

  it('states every operation once, each model operation under one address with both forms', () => {
    const routes = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter(key => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
        .map(method => `${method.toUpperCase()} ${path}`),
    );
    const model = '/{addressedBy}/{scope}/{namespace}/{name}';
    expect(routes.sort()).toEqual(
      [
        'GET /publications',
        'GET /usage/summary',
        'POST /usage/ingest',
        'GET /usage/chargeback',
        'GET /usage/chargeback.csv',
        'GET /usage/budgets',
        'PUT /usage/budgets',
        'DELETE /usage/budgets',
        `GET ${model}`,
        `POST ${model}/publication/dry-run`,
        `POST ${model}/publication`,
        `PUT ${model}/publication`,
        `DELETE ${model}/publication`,
        `GET ${model}/publication/keys`,
        `POST ${model}/publication/keys`,
        `POST ${model}/publication/keys/{keyId}/rotate`,
        `POST ${model}/publication/try-it`,
        `DELETE ${model}/publication/keys/{keyId}`,
        // a key's description and own limits (issue 23 item 12)
        `PATCH ${model}/publication/keys/{keyId}`,
        `GET ${model}/publication/usage`,
        `GET ${model}/publication/usage.csv`,
        `GET ${model}/publication/guide`,
        `GET ${model}/audit`,
        // consumers (issue 15)
        `GET ${model}/publication/plans`,
        `POST ${model}/publication/access-requests`,
        `GET ${model}/publication/access-requests`,
        `GET ${model}/publication/consumers`,
        `POST ${model}/publication/consumers/{keyId}/{action}`,
        `GET ${model}/publication/my-access`,
        'GET /access/mine',
        'GET /access/requests',
        'GET /access/consumers',
        'POST /access/requests/{requestId}/decision',
        'POST /access/requests/{requestId}/key',
        // a consumer's own keys (issue 15)
        'DELETE /access/keys/{keyId}',
        'POST /access/keys/{keyId}/rotate',
        'GET /access/keys/{keyId}/usage',
        // leaked keys (issue 21)
        'POST /secret-scanning/github',
        'POST /keys/leaked',
        // deprecation (issue 21)
        `GET ${model}/publication/deprecation`,
        `PUT ${model}/publication/deprecation`,
        `DELETE ${model}/publication/deprecation`,
      ].sort(),
    );
    expect(spec.components.parameters.addressedBy.schema.enum).toEqual([
      'models',
      'entities',
    ]);
    const ids = Object.values(spec.paths).flatMap(item =>
      Object.values(item).flatMap(op =>
        op && typeof op === 'object' && 'operationId' in op
          ? [op.operationId]
          : [],
      ),
    );
    expect(new Set(ids).size).toBe(routes.length);
  });

  it("lists exactly common's AUDIT_ACTIONS as AuditEntry.action", () => {
    const action = spec.components.schemas.AuditEntry.properties.action;
    expect([...action.enum].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});
