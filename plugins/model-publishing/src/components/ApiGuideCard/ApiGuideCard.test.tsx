import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  mockModelPublishingApi,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import {
  renderGuideMarkdown,
  type Guide,
} from '@model-publishing/plugin-model-publishing-common';
import { ApiGuideCard } from './ApiGuideCard';

// jsdom has no clipboard: record what the copy buttons copy.
const copied: string[] = [];
jest.mock('react-use/esm/useCopyToClipboard', () => ({
  __esModule: true,
  default: () => [{}, (text: string) => copied.push(text)],
}));

const guide: Guide = {
  sections: [
    {
      level: 1,
      title: 'Calling the model',
      blocks: [
        { type: 'text', markdown: 'Send `Authorization: Bearer <key>`.' },
        {
          type: 'example',
          language: 'curl',
          label: '**curl**',
          fence: 'bash',
          code: 'curl https://llm.example.com/v1/chat/completions',
        },
        {
          type: 'example',
          language: 'python',
          label: '**Python**',
          fence: 'python',
          code: 'import requests',
        },
        {
          type: 'example',
          language: 'openai',
          label: '**Python** (OpenAI SDK)',
          fence: 'python',
          code: 'from openai import OpenAI',
        },
      ],
    },
  ],
};
const markdown = renderGuideMarkdown(guide);

/** Match on the code element's whole text. */
const code = (text: string) => (_: string, el: Element | null) =>
  el?.tagName === 'CODE' && (el.textContent ?? '').includes(text);

describe('ApiGuideCard', () => {
  it('shows the guide with one tab per language', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      getGuide: async () => ({ markdown, guide, openapi: {} }),
    });
    await renderWithApis(<ApiGuideCard address={address} canRead />, { api });
    // An LLM's guide opens on the OpenAI SDK example (issue 23, item 13).
    expect(
      await screen.findByRole('tab', { name: 'OpenAI SDK' }),
    ).toHaveAttribute('aria-selected', 'true');
    expect(screen.getAllByRole('tab').map(t => t.textContent)).toEqual([
      'OpenAI SDK',
      'curl',
      'Python',
    ]);
    expect(
      await screen.findByText(code('from openai import OpenAI')),
    ).toBeInTheDocument();
    expect(screen.queryByText(code('curl https'))).not.toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'curl' }));
    expect(
      await screen.findByText(code('curl https://llm.example.com')),
    ).toBeInTheDocument();
    expect(screen.queryByText(code('import requests'))).not.toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Python' }));
    expect(
      await screen.findByText(code('import requests')),
    ).toBeInTheDocument();
    expect(screen.getByText('Calling the model')).toBeInTheDocument();
  });

  it('gives every code block a copy button that copies exactly its code', async () => {
    const user = userEvent.setup();
    const withBody: Guide = {
      sections: [
        {
          level: 2,
          title: 'Request',
          blocks: [
            { type: 'text', markdown: 'Body:' },
            { type: 'code', fence: 'json', code: '{ "instances": [[1, 2]] }' },
            {
              type: 'example',
              language: 'curl',
              label: '**curl**',
              fence: 'bash',
              code: 'curl https://x.example.com',
            },
          ],
        },
      ],
    };
    const api = mockModelPublishingApi({
      getGuide: async () => ({
        markdown: renderGuideMarkdown(withBody),
        guide: withBody,
        openapi: {},
      }),
    });
    await renderWithApis(<ApiGuideCard address={address} canRead />, { api });
    const first = await screen.findByRole('button', {
      name: 'Copy code block 1 (json)',
    });
    const second = screen.getByRole('button', {
      name: 'Copy code block 2 (bash)',
    });
    copied.length = 0;
    await user.click(first);
    await user.click(second);
    expect(copied).toEqual([
      '{ "instances": [[1, 2]] }',
      'curl https://x.example.com',
    ]);
    // Each block is a named region for screen readers.
    expect(
      screen.getByRole('region', { name: 'Code block 2 (bash)' }),
    ).toHaveTextContent('curl https://x.example.com');
  });

  it('shows empty and error states, and nothing without permission', async () => {
    const { unmount } = await renderWithApis(
      <ApiGuideCard address={address} canRead />,
      {
        api: mockModelPublishingApi({
          getGuide: async () => ({
            markdown: '',
            guide: { sections: [] },
            openapi: {},
          }),
        }),
      },
    );
    expect(await screen.findByText('No guide yet')).toBeInTheDocument();
    // The compact in-card empty state: text only, no EmptyState illustration.
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    unmount();
    const r = await renderWithApis(<ApiGuideCard address={address} canRead />, {
      api: mockModelPublishingApi({
        getGuide: async () => {
          throw new Error('not published');
        },
      }),
    });
    expect(
      (await screen.findAllByText(/not published/)).length,
    ).toBeGreaterThan(0);
    r.unmount();
    const api = mockModelPublishingApi();
    await renderWithApis(<ApiGuideCard address={address} canRead={false} />, {
      api,
    });
    expect(screen.queryByText('API guide')).not.toBeInTheDocument();
    expect(api.getGuide).not.toHaveBeenCalled();
  });
});
