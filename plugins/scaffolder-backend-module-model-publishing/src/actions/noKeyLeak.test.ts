import {
  ContextOptions,
  Runnable,
  settle,
  useStubBackend,
} from '../__testUtils__/harness';
import { FAKE_KEY } from '../__testUtils__/stubBackend';

/** Anything shaped like a raw key (docs/design.md §4): `mpk_` followed by key characters. */
const KEY_SHAPE = /mpk_[A-Za-z0-9]/;

/**
 * Task logs and outputs are stored. The stub hands out a key on every publish and quotes one in an
 * error, so this proves the actions drop keys wherever the backend might put them.
 */
describe('no raw API key in task output or logs', () => {
  const env = useStubBackend();

  it('holds for every action, dry run and failure', async () => {
    const { stub } = env;
    const { publish, update, unpublish } = env.actions;
    const seen: string[] = [];
    const run = async (
      action: Runnable,
      input: Record<string, unknown>,
      options: ContextOptions = {},
    ) => {
      const { outputs, logText, error } = await settle(action, input, options);
      seen.push(
        logText(),
        JSON.stringify(outputs()),
        error ? `${error.name}: ${error.message}` : '',
      );
    };
    const iris = {
      entityRef: 'component:default/iris',
      keyName: 'checkout-app',
      rateLimits: { requestsPerMinute: 10 },
    };

    await run(publish, iris, { isDryRun: true });
    await run(publish, iris);
    await run(publish, iris); // conflict
    await run(publish, {
      entityRef: 'component:default/llama',
      description: 'quote-a-key',
    }); // error quoting a key
    await run(
      update,
      {
        entityRef: 'component:default/iris',
        rateLimits: { requestsPerDay: 99 },
      },
      { isDryRun: true },
    );
    await run(update, {
      entityRef: 'component:default/iris',
      rateLimits: { requestsPerDay: 99 },
    });
    await run(update, {
      entityRef: 'component:default/iris',
      description: 'quote-a-key',
    });
    await run(
      unpublish,
      { entityRef: 'component:default/iris' },
      { isDryRun: true },
    );
    await run(unpublish, { entityRef: 'component:default/iris' });

    // The stub really did send keys: in the publish response and in an error message.
    expect(stub.requests.length).toBeGreaterThanOrEqual(8);
    const text = seen.join('\n');
    expect(text).toContain('issued API key key-1'); // the key id is fine to show
    expect(text).toContain('mpk_[redacted]');
    expect(text).not.toContain(FAKE_KEY);
    expect(text).not.toMatch(KEY_SHAPE);
  });
});
