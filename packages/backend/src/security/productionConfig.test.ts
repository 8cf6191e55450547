import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * Issue 14, findings 2 and 8: in the production shape only an explicitly listed service may ingest usage,
 * and the listed subject is one a real principal has (a static token's subject is used verbatim).
 */
const production = parse(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../app-config.production.yaml'),
    'utf8',
  ),
);

describe('app-config.production.yaml', () => {
  const allowed: string[] =
    production.modelPublishing?.usage?.ingest?.allowedSubjects ?? [];
  const staticTokens: {
    options: { subject: string };
    accessRestrictions?: { plugin: string }[];
  }[] = (production.backend?.auth?.externalAccess ?? []).filter(
    (e: { type: string }) => e.type === 'static',
  );

  it('lists who may ingest usage', () => {
    expect(allowed.length).toBeGreaterThan(0);
  });

  it('names, for each ingest subject, a static token restricted to model-publishing (or a plugin)', () => {
    for (const subject of allowed) {
      const token = staticTokens.find(t => t.options.subject === subject);
      expect({
        subject,
        plugin:
          subject.startsWith('plugin:') ||
          token?.accessRestrictions?.map(r => r.plugin),
      }).toEqual({
        subject,
        plugin: subject.startsWith('plugin:') ? true : ['model-publishing'],
      });
    }
  });

  it('does not inherit the demo prices (null masks app-config.yaml)', () => {
    expect(production.modelPublishing?.usage).toHaveProperty('prices', null);
  });

  it('keeps the Kubernetes proxy for admins', () => {
    expect(production.permission?.modelPublishing?.kubernetesProxy).toBe(
      'admins',
    );
  });
});
