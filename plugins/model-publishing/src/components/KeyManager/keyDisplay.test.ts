import { apiKey } from '../../__testUtils__/testUtils';
import { expiryReminder, keyEndsAt, keyLabel, shortKeyId } from './keyDisplay';

describe('keyEndsAt (issue 23 item 3: a key in its grace period shows when it stops working)', () => {
  it('is the end of the grace period for a rotated key, not "never"', () => {
    const key = apiKey({ status: 'grace', graceUntil: '2026-12-06T10:00:00Z' });
    expect(keyEndsAt(key)).toBe('2026-12-06T10:00:00Z');
  });
  it('is the expiry when it comes before the end of the grace period', () => {
    const key = apiKey({
      status: 'grace',
      graceUntil: '2026-12-06T10:00:00Z',
      expiresAt: '2026-12-05T12:00:00Z',
    });
    expect(keyEndsAt(key)).toBe('2026-12-05T12:00:00Z');
  });
  it('is the expiry of an active key, and nothing for one that never expires', () => {
    expect(keyEndsAt(apiKey({ expiresAt: '2027-01-01T00:00:00Z' }))).toBe(
      '2027-01-01T00:00:00Z',
    );
    expect(keyEndsAt(apiKey())).toBeUndefined();
  });
});

describe('expiryReminder (item 12)', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  it('reminds within 14 days, in days or hours', () => {
    expect(
      expiryReminder(apiKey({ expiresAt: '2026-12-04T00:00:00Z' }), now),
    ).toBe('Stops working in 3 days');
    expect(
      expiryReminder(
        apiKey({ status: 'grace', graceUntil: '2026-12-01T05:00:00Z' }),
        now,
      ),
    ).toBe('Stops working in 5 hours');
  });
  it('says nothing for far, past, missing or revoked ends', () => {
    expect(
      expiryReminder(apiKey({ expiresAt: '2027-01-01T00:00:00Z' }), now),
    ).toBeUndefined();
    expect(
      expiryReminder(apiKey({ expiresAt: '2026-11-01T00:00:00Z' }), now),
    ).toBeUndefined();
    expect(expiryReminder(apiKey(), now)).toBeUndefined();
    expect(
      expiryReminder(
        apiKey({ status: 'revoked', expiresAt: '2026-12-02T00:00:00Z' }),
        now,
      ),
    ).toBeUndefined();
  });
});

describe('key identity (item 4)', () => {
  it('labels a key by name and prefix, and shortens its id', () => {
    expect(keyLabel({ name: 'ci', prefix: 'mpk_AbCd' })).toBe('ci (mpk_AbCd…)');
    expect(shortKeyId('0f8e2c1a-1111-2222-3333-444455556666')).toBe('0f8e2c1a');
  });
});
