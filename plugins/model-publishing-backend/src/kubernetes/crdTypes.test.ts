import fs from 'fs';
import { buildPublicationObjects } from '../gateway';
import { v1Input, vllmInput } from '../gateway/__testUtils__/inputs';
import type { BackendTrafficPolicySpec, HTTPRouteSpec } from './objects';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/generate-crd-types');

describe('cluster object types generated from the vendored CRDs', () => {
  it('are in step with packages/kube-emulator/crds (run `yarn generate:crds` when this fails)', () => {
    expect(fs.readFileSync(generator.outPath, 'utf8')).toBe(generator.render());
  });

  it("state the CRDs' required fields and enums, which the builders' output satisfies", () => {
    const text: string = generator.render();
    // HTTPRoute backendRefs[].name is required; a path match type is one of three values.
    expect(text).toMatch(/backendRefs\?: \{[\s\S]*?\n {6}name: string;/);
    expect(text).toContain("type?: 'Exact' | 'PathPrefix' | 'RegularExpression';");
    const route = buildPublicationObjects(v1Input()).find(o => o.kind === 'HTTPRoute');
    const spec: HTTPRouteSpec | undefined = route?.kind === 'HTTPRoute' ? route.spec : undefined;
    expect(spec?.rules?.[0].matches?.[0].path?.type).toBe('PathPrefix');
    const btp = buildPublicationObjects(vllmInput()).find(o => o.kind === 'BackendTrafficPolicy');
    const limits: BackendTrafficPolicySpec['rateLimit'] = btp?.kind === 'BackendTrafficPolicy' ? btp.spec.rateLimit : undefined;
    expect(limits?.global?.rules?.length).toBeGreaterThan(0);
  });
});
