import fs from 'fs';
import { AUDIT_ACTIONS } from '@model-publishing/plugin-model-publishing-common';
import { spec } from './openapi.generated';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/generate-openapi');

describe('openapi.generated.ts', () => {
  it('is up to date with openapi.yaml (run `yarn generate:openapi` when this fails)', () => {
    const expected = generator.render(fs.readFileSync(generator.yamlPath, 'utf8'));
    expect(fs.readFileSync(generator.outPath, 'utf8')).toBe(expected);
  });

  it('holds every route of the backend contract, by model address and by entity', () => {
    const routes = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item).map(method => `${method.toUpperCase()} ${path}`),
    );
    const modelRoutes = [
      'GET ',
      'POST /publication/dry-run',
      'POST /publication',
      'PUT /publication',
      'DELETE /publication',
      'GET /publication/keys',
      'POST /publication/keys',
      'POST /publication/keys/{keyId}/rotate',
      'DELETE /publication/keys/{keyId}',
      'GET /publication/usage',
      'GET /publication/usage.csv',
      'GET /publication/guide',
      'GET /audit',
    ];
    const expected = [
      'GET /publications',
      'GET /usage/summary',
      'POST /usage/ingest',
      ...['/models/{cluster}/{namespace}/{name}', '/entities/{kind}/{namespace}/{name}'].flatMap(
        prefix =>
          modelRoutes.map(r => {
            const [method, suffix] = r.split(' ');
            return `${method} ${prefix}${suffix}`;
          }),
      ),
    ];
    expect(routes.sort()).toEqual(expected.sort());
  });

  it("lists exactly common's AUDIT_ACTIONS as AuditEntry.action", () => {
    const action = (spec.components.schemas.AuditEntry.properties as any).action;
    expect([...action.enum].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});
