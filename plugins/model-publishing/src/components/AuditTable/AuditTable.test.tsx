import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuditEntry } from '@model-publishing/plugin-model-publishing-common';
import {
  address,
  apiKey,
  mockModelPublishingApi,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { AuditTable, actorLabel } from './AuditTable';

const entry = (
  id: string,
  overrides: Partial<AuditEntry> = {},
): AuditEntry => ({
  id,
  actor: 'user:default/alice',
  action: 'key.create',
  outcome: 'succeeded',
  createdAt: '2026-11-25T10:00:00Z',
  ...overrides,
});

describe('AuditTable', () => {
  it('pages forward and back with the cursors', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listAudit: async (_m, page) =>
        page?.cursor === 'c2'
          ? {
              items: [
                entry('3', {
                  action: 'publication.delete',
                  outcome: 'denied',
                  actor: 'user:default/mallory',
                }),
              ],
            }
          : {
              items: [
                entry('1'),
                entry('2', { outcome: 'failed', error: 'gateway timeout' }),
              ],
              nextCursor: 'c2',
            },
    });
    await renderWithApis(
      <AuditTable address={address} canRead pageSize={2} />,
      { api },
    );
    expect((await screen.findAllByText('Key created')).length).toBe(2);
    expect(screen.getByText('gateway timeout')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const who = await screen.findByText('mallory');
    expect(who).toHaveAttribute('title', 'user:default/mallory');
    expect(screen.getByText('Denied')).toBeInTheDocument();
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(api.listAudit).toHaveBeenLastCalledWith(address, {
      cursor: 'c2',
      limit: 2,
    });
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(screen.getByText('Page 1')).toBeInTheDocument());
  });

  it('shows empty and error states', async () => {
    const { unmount } = await renderWithApis(
      <AuditTable address={address} canRead />,
      {
        api: mockModelPublishingApi({ listAudit: async () => ({ items: [] }) }),
      },
    );
    expect(await screen.findByText('No audit entries yet')).toBeInTheDocument();
    // The compact in-card empty state: text only, no EmptyState illustration.
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    unmount();
    await renderWithApis(<AuditTable address={address} canRead />, {
      api: mockModelPublishingApi({
        listAudit: async () => {
          throw new Error('db locked');
        },
      }),
    });
    expect((await screen.findAllByText(/db locked/)).length).toBeGreaterThan(0);
  });

  it('names keys by name and prefix instead of their UUIDs (issue 23 item 4)', async () => {
    const api = mockModelPublishingApi({
      listAudit: async () => ({
        items: [
          entry('1', { keyId: '11111111-aaaa-bbbb-cccc-000000000001' }),
          entry('2', { keyId: '22222222-aaaa-bbbb-cccc-000000000002' }),
        ],
      }),
      listKeys: async () => ({
        items: [
          apiKey({
            id: '11111111-aaaa-bbbb-cccc-000000000001',
            name: 'ci',
            prefix: 'mpk_AbCd',
          }),
        ],
      }),
    });
    await renderWithApis(<AuditTable address={address} canRead />, { api });
    expect(await screen.findByText('ci (mpk_AbCd…)')).toHaveAttribute(
      'title',
      '11111111-aaaa-bbbb-cccc-000000000001',
    );
    // A key the list does not have (e.g. no usage.read) shows its short id, never the whole UUID.
    expect(screen.getByText('22222222')).toBeInTheDocument();
    expect(
      screen.queryByText('22222222-aaaa-bbbb-cccc-000000000002'),
    ).toBeNull();
  });

  it('does not load without audit.read', async () => {
    const api = mockModelPublishingApi();
    await renderWithApis(<AuditTable address={address} canRead={false} />, {
      api,
    });
    expect(
      screen.getByText(/permission to read the audit history/),
    ).toBeInTheDocument();
    expect(api.listAudit).not.toHaveBeenCalled();
  });
});

describe('actorLabel', () => {
  it.each([
    ['user:default/frank', 'frank'],
    ['user:team-a/frank', 'team-a/frank'],
    ['system:model-publishing', 'system:model-publishing'],
    ['plugin:scaffolder', 'plugin:scaffolder'],
  ])('%s → %s', (actor, label) => {
    expect(actorLabel(actor)).toBe(label);
  });
});
