import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  accessApprovePermission,
  accessRequestPermission,
  keyCreatePermission,
  publicationCreatePermission,
  publicationReadPermission,
  usageReadPermission,
} from '@model-publishing/plugin-model-publishing-common';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import { ModelPublishingPortalPolicy } from './permissionPolicy';
import { kubernetesProxyUnrestrictedPermission } from './kubernetesProxyGuard';
import demoAuthProvider, { DEMO_USER_HEADER } from './demoAuthProvider';

const policy = new ModelPublishingPortalPolicy(['group:default/admins']);
const user = (...claims: string[]) => ({
  identity: {
    type: 'user' as const,
    userEntityRef: claims[0],
    ownershipEntityRefs: claims,
  },
  info: { userEntityRef: claims[0], ownershipEntityRefs: claims },
  token: 'token',
  credentials: {} as any,
});

describe('ModelPublishingPortalPolicy', () => {
  it('lets admins do everything', async () => {
    const decision = await policy.handle(
      { permission: publicationCreatePermission },
      user('user:default/alice', 'group:default/admins'),
    );
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets anyone see what is published', async () => {
    const decision = await policy.handle(
      { permission: publicationReadPermission },
      user('user:default/paul', 'group:default/platform'),
    );
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets anyone signed in request access to a model, and no caller without a user', async () => {
    expect(
      await policy.handle(
        { permission: accessRequestPermission },
        user('user:default/paul', 'group:default/platform'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: accessRequestPermission }),
    ).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it.each([
    publicationCreatePermission,
    keyCreatePermission,
    usageReadPermission,
    accessApprovePermission,
  ])(
    "allows %s only on owned entities, with the user's own claims",
    async permission => {
      const decision = await policy.handle(
        { permission },
        user('user:default/frank', 'group:default/fraud-detection'),
      );
      expect(decision).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          params: {
            claims: ['user:default/frank', 'group:default/fraud-detection'],
          },
        },
      });
    },
  );

  it('keeps the Kubernetes proxy (backend credentials, writes too) for admins unless configured for everyone', async () => {
    const proxy = {
      permission: {
        name: 'kubernetes.proxy',
        type: 'basic',
        attributes: {},
      } as any,
    };
    const frank = user('user:default/frank', 'group:default/fraud-detection');
    const alice = user('user:default/alice', 'group:default/admins');
    expect(await policy.handle(proxy, frank)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(await policy.handle(proxy, alice)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    const open = new ModelPublishingPortalPolicy(['group:default/admins'], {
      kubernetesProxy: 'everyone',
    });
    expect(await open.handle(proxy, frank)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(await open.handle(proxy)).toEqual({ result: AuthorizeResult.DENY });
    // Beyond pod logs and events (Secrets, writes: kubernetesProxyGuard) only admins, whatever the setting.
    const unrestricted = {
      permission: kubernetesProxyUnrestrictedPermission,
    };
    for (const p of [policy, open]) {
      expect(await p.handle(unrestricted, frank)).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect(await p.handle(unrestricted, alice)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('keeps other plugins least-privilege: registering is for admins, deleting for owners, tasks for who started them (issue 14, finding 10)', async () => {
    const frank = user('user:default/frank', 'group:default/fraud-detection');
    const basic = (name: string) => ({
      permission: { type: 'basic' as const, name, attributes: {} },
    });
    const resource = (name: string, resourceType: string) => ({
      permission: {
        type: 'resource' as const,
        name,
        attributes: {},
        resourceType,
      },
    });
    const decide = async (
      q: Parameters<typeof policy.handle>[0],
      who = frank,
    ) => (await policy.handle(q, who)).result;
    expect(await decide(basic('catalog.location.create'))).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(basic('catalog.entity.create'))).toBe(
      AuthorizeResult.DENY,
    );
    expect(
      await decide(resource('catalog.location.delete', 'catalog-location')),
    ).toBe(AuthorizeResult.DENY);
    expect(
      await decide(
        basic('catalog.location.create'),
        user('user:default/alice', 'group:default/admins'),
      ),
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      await policy.handle(
        resource('catalog.entity.delete', 'catalog-entity'),
        frank,
      ),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        params: {
          claims: ['user:default/frank', 'group:default/fraud-detection'],
        },
      },
    });
    expect(
      await policy.handle(
        resource('scaffolder.task.read', 'scaffolder-task'),
        frank,
      ),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      conditions: {
        rule: 'IS_TASK_OWNER',
        params: { createdBy: ['user:default/frank'] },
      },
    });
    expect(
      await decide(resource('catalog.entity.read', 'catalog-entity')),
    ).toBe(AuthorizeResult.ALLOW);
    expect(await decide(basic('scaffolder.task.create'))).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(basic('scaffolder.template.management'))).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('denies changes to callers without a user', async () => {
    const decision = await policy.handle({
      permission: publicationCreatePermission,
    });
    expect(decision).toEqual({ result: AuthorizeResult.DENY });
  });
});

describe('demo sign-in', () => {
  const org = parseAllDocuments(
    readFileSync(resolve(__dirname, '../../../../examples/org.yaml'), 'utf8'),
  )
    .map(doc => doc.toJSON())
    // The catalog derives memberOf relations from spec.memberOf while processing; the mock does not.
    .map(entity => ({
      ...entity,
      relations: (entity.spec.memberOf ?? []).map((group: string) => ({
        type: 'memberOf',
        targetRef: `group:default/${group}`,
      })),
    }));

  async function startAuth() {
    return startTestBackend({
      features: [
        authPlugin,
        demoAuthProvider,
        catalogServiceMock.factory({ entities: org }),
        mockServices.rootConfig.factory({
          data: {
            app: {
              baseUrl: 'http://localhost:3000',
              demoSignIn: {
                users: [{ name: 'frank', displayName: 'Frank Fraud' }],
              },
            },
            auth: { providers: { demo: {} } },
          },
        }),
      ],
    });
  }

  it('signs two demo users in as two different catalog users, whom the policy treats differently', async () => {
    const backend = await startAuth();
    const { server } = backend;
    try {
      const displayNames: string[] = [];
      const signIn = async (name: string) => {
        const res = await request(server)
          .get('/api/auth/demo/refresh')
          .set(DEMO_USER_HEADER, name)
          .expect(200);
        displayNames.push(res.body.profile.displayName);
        return res.body.backstageIdentity.identity as {
          userEntityRef: string;
          ownershipEntityRefs: string[];
        };
      };
      const frank = await signIn('frank');
      const alice = await signIn('alice');
      expect(displayNames).toEqual(['Frank Fraud', 'alice']);
      expect(frank.userEntityRef).toBe('user:default/frank');
      expect(frank.ownershipEntityRefs).toContain(
        'group:default/fraud-detection',
      );
      expect(alice.userEntityRef).toBe('user:default/alice');
      expect(alice.ownershipEntityRefs).toContain('group:default/admins');

      const asPolicyUser = (i: typeof frank) => user(...i.ownershipEntityRefs);
      const forFrank = await policy.handle(
        { permission: publicationCreatePermission },
        asPolicyUser(frank),
      );
      const forAlice = await policy.handle(
        { permission: publicationCreatePermission },
        asPolicyUser(alice),
      );
      expect(forFrank.result).toBe(AuthorizeResult.CONDITIONAL);
      expect(forAlice.result).toBe(AuthorizeResult.ALLOW);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a name that is not a catalog user, and a missing header', async () => {
    const backend = await startAuth();
    const { server } = backend;
    try {
      await request(server)
        .get('/api/auth/demo/refresh')
        .set(DEMO_USER_HEADER, 'mallory')
        .expect(res => expect(res.status).toBeGreaterThanOrEqual(400));
      const res = await request(server).get('/api/auth/demo/refresh');
      expect(res.status).toBe(401);
    } finally {
      await backend.stop();
    }
  });
});
