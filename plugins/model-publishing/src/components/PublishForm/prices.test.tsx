import { ReactNode, useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { errorApiRef } from '@backstage/core-plugin-api';
import { translationApiRef } from '@backstage/frontend-plugin-api';
import { TestApiProvider, mockApis } from '@backstage/test-utils';
import { PricesFields } from './PricesFields';
import { PriceValues, initialPrices, pricesToConfig } from './prices';

/** The APIs the fields use: their texts come from the translation API. */
const wrapper = ({ children }: { children: ReactNode }) => (
  <TestApiProvider
    apis={[
      [translationApiRef, mockApis.translation()],
      [errorApiRef, { post: jest.fn(), error$: jest.fn() }],
    ]}
  >
    {children}
  </TestApiProvider>
);

describe('prices', () => {
  it('sends the prices typed, leaves empty ones out, and none at all when all are empty', () => {
    const values = {
      inputTokensPerMillion: '0.5',
      outputTokensPerMillion: '',
      requestsPerThousand: '2',
    };
    expect(pricesToConfig(values, 'openai')).toEqual({
      prices: { inputTokensPerMillion: 0.5, requestsPerThousand: 2 },
      errors: {},
    });
    // token prices mean nothing for predictive models
    expect(pricesToConfig(values, 'v2')).toEqual({
      prices: { requestsPerThousand: 2 },
      errors: {},
    });
    expect(pricesToConfig(initialPrices(), 'openai')).toEqual({ errors: {} });
    expect(initialPrices({ outputTokensPerMillion: 1.5 })).toEqual({
      inputTokensPerMillion: '',
      outputTokensPerMillion: '1.5',
      requestsPerThousand: '',
    });
  });

  it('names what is wrong in the form’s words', () => {
    expect(
      pricesToConfig(
        {
          inputTokensPerMillion: '-1',
          outputTokensPerMillion: 'abc',
          requestsPerThousand: '2000000',
        },
        'openai',
      ).errors,
    ).toEqual({
      inputTokensPerMillion: 'A price cannot be negative',
      outputTokensPerMillion: 'Enter a number, e.g. 0.50',
      requestsPerThousand: 'At most 1,000,000',
    });
  });

  it('shows token prices only for LLMs and reports what is typed', () => {
    const onChange = jest.fn();
    const { rerender } = render(
      <PricesFields
        values={initialPrices()}
        errors={{}}
        kind="v1"
        onChange={onChange}
      />,
      { wrapper },
    );
    expect(screen.queryByLabelText('Per 1M input tokens')).toBeNull();
    fireEvent.change(screen.getByLabelText('Per 1,000 requests'), {
      target: { value: '3' },
    });
    expect(onChange).toHaveBeenCalledWith('requestsPerThousand', '3');
    rerender(
      <PricesFields
        values={initialPrices()}
        errors={{ outputTokensPerMillion: 'A price cannot be negative' }}
        kind="openai"
        onChange={onChange}
      />,
    );
    expect(screen.getByLabelText('Per 1M input tokens')).toBeInTheDocument();
    expect(screen.getByText('A price cannot be negative')).toBeInTheDocument();
  });

  it('keeps what is typed when used as a controlled field', () => {
    function Harness() {
      const [values, setValues] = useState<PriceValues>(initialPrices());
      return (
        <PricesFields
          values={values}
          errors={{}}
          kind="openai"
          onChange={(f, v) => setValues(p => ({ ...p, [f]: v }))}
        />
      );
    }
    render(<Harness />, { wrapper });
    fireEvent.change(screen.getByLabelText('Per 1M output tokens'), {
      target: { value: '1.25' },
    });
    expect(screen.getByLabelText('Per 1M output tokens')).toHaveValue(1.25);
  });
});
