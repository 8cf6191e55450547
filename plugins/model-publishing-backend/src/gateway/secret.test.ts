import { InputError } from '@backstage/errors';
import { buildKeySecret } from './secret';
import { testKey, v1Input } from './__testUtils__/inputs';

describe('buildKeySecret', () => {
  it('maps client id to the base64 key', () => {
    const s = buildKeySecret(v1Input());
    expect(s.type).toBe('Opaque');
    expect(Object.keys(s.data)).toEqual(['key-1', 'key-2']);
    expect(Buffer.from(s.data['key-1'], 'base64').toString()).toBe(
      testKey(1).key,
    );
  });

  it('refuses two client ids with the same key value, without echoing the key', () => {
    const k = testKey(7);
    const built = { ...v1Input(), keys: [k, { ...k, clientId: 'key-8' }] };
    let error: Error | undefined;
    try {
      buildKeySecret(built);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toMatch(/"key-8" has the same key value/);
    expect(error!.message).not.toContain(k.key);
  });

  it('refuses a duplicate client id and a client id that is not a data key', () => {
    expect(() =>
      buildKeySecret({
        ...v1Input(),
        keys: [testKey(1), { ...testKey(2), clientId: 'key-1' }],
      }),
    ).toThrow(/appears twice/);
    expect(() =>
      buildKeySecret({
        ...v1Input(),
        keys: [{ ...testKey(1), clientId: 'key/1' }],
      }),
    ).toThrow(/cannot be a Secret data key/);
  });
});
