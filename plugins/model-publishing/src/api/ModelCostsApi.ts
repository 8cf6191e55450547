import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/core-plugin-api';
import {
  ModelPublishingApiClient,
  type Budget,
  type BudgetInput,
  type ChargebackReport,
} from '@model-publishing/plugin-model-publishing-common';
import { bodyOf, itemsOf, okResponse } from './generatedClient';

/** Costs across models (issue 20): the monthly chargeback, its CSV, and budgets per consumer. */
export interface ModelCostsApi {
  /** One month (`YYYY-MM`, UTC) of costs, rolled up the org graph; what the caller may see. */
  getChargeback(month: string): Promise<ChargebackReport>;
  /** Absolute URL of the month's CSV (the same lines as the page); fetch it with downloadChargebackCsv. */
  getChargebackCsvUrl(month: string): Promise<string>;
  /** The CSV fetched with the caller's credentials. */
  downloadChargebackCsv(month: string): Promise<Blob>;
  listBudgets(): Promise<Budget[]>;
  /** Needs model-publishing.costs.admin. */
  setBudget(budget: BudgetInput): Promise<Budget>;
  /** Needs model-publishing.costs.admin. */
  removeBudget(consumerRef: string): Promise<void>;
}

export const modelCostsApiRef = createApiRef<ModelCostsApi>({
  id: 'plugin.model-publishing.costs',
});

/** ModelCostsApi over the generated client. */
export class ModelCostsClient implements ModelCostsApi {
  private readonly client: ModelPublishingApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new ModelPublishingApiClient(options);
  }

  getChargeback(month: string) {
    return bodyOf(this.client.getChargeback({ query: { month } }));
  }

  getChargebackCsvUrl(month: string) {
    return this.client.url('/usage/chargeback.csv', { month });
  }

  async downloadChargebackCsv(month: string) {
    const response = await okResponse(
      this.client.getChargebackCsv({ query: { month } }),
    );
    return response.blob();
  }

  listBudgets() {
    return itemsOf(this.client.listBudgets());
  }

  setBudget(body: BudgetInput) {
    return bodyOf(this.client.setBudget({ body }));
  }

  async removeBudget(consumerRef: string) {
    await okResponse(this.client.removeBudget({ query: { consumerRef } }));
  }
}
