import { gateway, testKey } from '../gateway/__testUtils__/inputs';
import type { KubeObject } from '../gateway/types';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import { detectModelKind } from '@model-publishing/plugin-model-publishing-common';
import { publicationOf } from './__testUtils__/fakes';
import { PublicationBuilder } from './PublicationBuilder';
import { DRY_RUN_KEY, dryRunKey, PublishPreview } from './PublishPreview';
import type { PublishKind } from './publishPolicy';

const isvc: KubeObject = {
  ...isvcs.sklearnV1,
  metadata: { ...isvcs.sklearnV1.metadata, namespace: 'models' },
};
const model = {
  cluster: 'local',
  namespace: 'models',
  name: isvc.metadata.name,
};
const secretKeys = (objects: KubeObject[]) => {
  const secret = objects.find(o => o.kind === 'Secret')!;
  return Object.values<string>(secret.stringData ?? {}).concat(
    Object.values<string>(secret.data ?? {}).map(v =>
      Buffer.from(v, 'base64').toString(),
    ),
  );
};

function preview(
  o: { kind?: PublishKind; live?: ReturnType<typeof publicationOf> } = {},
) {
  const validate = jest.fn(async () => ({
    isvc,
    detection: detectModelKind(isvc),
    kind: o.kind ?? { kind: 'v1' as const },
  }));
  return {
    validate,
    preview: new PublishPreview({
      policy: { validate },
      builder: new PublicationBuilder({
        gateway,
        models: {
          load: async () => ({ isvc, detection: detectModelKind(isvc) }),
        },
        keys: {
          readLiveSecretKeys: async () => ({ keys: [testKey(1), testKey(2)] }),
        },
      }),
      publications: {
        findLive: async () => o.live,
        findCurrent: async () => o.live,
      },
      newId: () => 'new-id',
    }),
  };
}

describe('dry-run placeholders', () => {
  it('are key-shaped and distinct per live key', () => {
    const all = [DRY_RUN_KEY.key, dryRunKey(0), dryRunKey(1), dryRunKey(99)];
    for (const k of all) expect(k).toMatch(/^mpk_[A-Za-z0-9]{42}$/);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('PublishPreview', () => {
  it('a publish dry run validates as a publish and places a placeholder first key', async () => {
    const { preview: p, validate } = preview();
    const { objects } = await p.dryRun(model, {
      rateLimits: {},
      firstKey: { name: 'ci' },
    });
    expect(validate).toHaveBeenCalledWith(model, expect.anything(), {
      creating: true,
      requireReady: true,
    });
    expect(secretKeys(objects)).toEqual([DRY_RUN_KEY.key]);
  });

  it('an update dry run shows new and current objects with placeholders for every live key', async () => {
    const { preview: p } = preview({
      live: publicationOf({
        config: { rateLimits: { requestsPerMinute: 10 } },
      }),
    });
    const { objects, current, notes } = await p.dryRunUpdate(model, {
      rateLimits: { requestsPerMinute: 99 },
    });
    expect(secretKeys(objects)).toEqual([dryRunKey(0), dryRunKey(1)]);
    expect(secretKeys(current)).toEqual([dryRunKey(0), dryRunKey(1)]);
    expect(JSON.stringify([objects, current])).not.toContain(testKey(1).key);
    expect(JSON.stringify(objects)).toContain('99');
    expect(JSON.stringify(current)).not.toContain('99');
    expect(notes).toEqual([]);
  });

  it('an update dry run of a model with nothing live is 404', async () => {
    await expect(
      preview().preview.dryRunUpdate(model, { rateLimits: {} }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('current settings that no longer build show every object as new, with a note', async () => {
    // The record says gRPC, which cannot be built: the current side is empty.
    const { preview: p } = preview({
      live: publicationOf({ modelKind: 'grpc' as any }),
    });
    const { objects, current, notes } = await p.dryRunUpdate(model, {
      rateLimits: {},
    });
    expect(objects.length).toBeGreaterThan(0);
    expect(current).toEqual([]);
    expect(notes).toEqual([
      expect.stringContaining('The current settings no longer build'),
    ]);
  });
});
