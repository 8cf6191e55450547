import { loadCrdMatrix, SUPPORT_MATRIX } from './crdMatrix';

describe('loadCrdMatrix', () => {
  const rows = loadCrdMatrix();
  const crd = (row: string, plural: string) =>
    rows
      .find(r => r.id === row)!
      .crds.find(c => `${c.names.plural}.${c.group}` === plural)!;

  it('has one row per supported version set, each with every kind once', () => {
    expect(rows.map(r => r.id)).toEqual(SUPPORT_MATRIX.map(r => r.id));
    for (const row of rows) {
      const names = row.crds.map(c => `${c.names.plural}.${c.group}`);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toHaveLength(19);
    }
  });

  it("each row's Gateway API and Envoy Gateway CRDs are that release's (bundle-version annotation, source file)", () => {
    const bundle = (row: string) =>
      crd(row, 'httproutes.gateway.networking.k8s.io').raw.metadata.annotations[
        'gateway.networking.k8s.io/bundle-version'
      ];
    expect(bundle('eg-v1.9.0')).toBe('v1.6.1');
    expect(bundle('eg-v1.8.1')).toBe('v1.5.1');
    expect(crd('eg-v1.8.1', 'backends.gateway.envoyproxy.io').source).toMatch(
      /eg-v1\.8\.1\/gateway\.envoyproxy\.io_backends\.yaml$/,
    );
    expect(
      crd('eg-v1.9.0', 'backends.gateway.envoyproxy.io').source,
    ).not.toMatch(/eg-v1\.8\.1/);
    // Shared across rows: the same parsed AI Gateway and KServe CRDs.
    expect(crd('eg-v1.8.1', 'aigatewayroutes.aigateway.envoyproxy.io')).toBe(
      crd('eg-v1.9.0', 'aigatewayroutes.aigateway.envoyproxy.io'),
    );
  });
});
