import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import {
  DEFAULT_PLAN_NAME,
  type Plan,
  type PlanApproval,
  type PlanInput,
  type Publication,
  type RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { fieldsOfRow } from '../database/fields';
import { isUniqueViolation } from '../database/util';

const TABLE = 'publication_plans';

interface Row {
  id: string;
  publication_id: string;
  name: string;
  description: string | null;
  rate_limits: string;
  approval: string;
  max_key_lifetime_days: number | null;
  is_default: boolean | number;
}

function fromRow(row: Row): Plan {
  return {
    ...fieldsOfRow<Plan>(row, [
      'id',
      'publicationId',
      'name',
      'description',
      'approval',
      'maxKeyLifetimeDays',
    ]),
    rateLimits: JSON.parse(row.rate_limits) as RateLimits,
    isDefault: Boolean(row.is_default),
  };
}

export type DeclaredPlan = PlanInput & {
  rateLimits: RateLimits;
  approval: PlanApproval;
  isDefault: boolean;
};

/** The plans a publication's config declares, the default plan (its own limits) first. */
export function declaredPlans(
  publication: Pick<Publication, 'config'>,
): DeclaredPlan[] {
  const configured =
    (publication.config as { plans?: PlanInput[] }).plans ?? [];
  const own = configured.find(p => p.name === DEFAULT_PLAN_NAME);
  return [
    {
      name: DEFAULT_PLAN_NAME,
      description:
        own?.description ?? 'The limits the model was published with',
      // The default plan's limits are the publication's: the gateway's per-client rules enforce them.
      rateLimits: publication.config.rateLimits ?? {},
      approval: own?.approval ?? 'manual',
      ...(own?.maxKeyLifetimeDays
        ? { maxKeyLifetimeDays: own.maxKeyLifetimeDays }
        : {}),
      isDefault: true,
    },
    ...configured
      .filter(p => p.name !== DEFAULT_PLAN_NAME)
      .map(p => ({
        ...p,
        rateLimits: p.rateLimits ?? {},
        approval: p.approval ?? 'manual',
        isDefault: false,
      })),
  ];
}

/**
 * Plans of publications. The publish config is where plans are declared (form, dry run, scaffolder);
 * this table gives each plan a stable id that requests and keys point at, and keeps plans a config
 * no longer declares so the keys issued on them still know their limits.
 */
export class PlanStore {
  constructor(private readonly db: Knex) {}

  async get(id: string): Promise<Plan | undefined> {
    const row: Row | undefined = await this.db<Row>(TABLE)
      .where({ id })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async listStored(publicationId: string): Promise<Plan[]> {
    const rows: Row[] = await this.db<Row>(TABLE)
      .where({ publication_id: publicationId })
      .orderBy([{ column: 'is_default', order: 'desc' }, { column: 'name' }]);
    return rows.map(fromRow);
  }

  /**
   * Brings the stored plans in line with the publication's config and returns the plans it offers
   * (declared ones, default first). Idempotent and safe to race: inserts that lose to another
   * replica's are read back.
   */
  async sync(
    publication: Pick<Publication, 'id' | 'config'>,
    now = new Date(),
  ): Promise<Plan[]> {
    const declared = declaredPlans(publication);
    const stored = new Map(
      (await this.listStored(publication.id)).map(p => [p.name, p]),
    );
    const offered: Plan[] = [];
    for (const plan of declared) {
      const row = {
        description: plan.description ?? null,
        rate_limits: JSON.stringify(plan.rateLimits),
        approval: plan.approval,
        max_key_lifetime_days: plan.maxKeyLifetimeDays ?? null,
        is_default: plan.isDefault,
      };
      const existing = stored.get(plan.name);
      if (existing) {
        const same =
          JSON.stringify(existing.rateLimits) === row.rate_limits &&
          existing.approval === row.approval &&
          (existing.description ?? null) === row.description &&
          (existing.maxKeyLifetimeDays ?? null) === row.max_key_lifetime_days;
        if (!same)
          await this.db(TABLE)
            .where({ id: existing.id })
            .update({ ...row, updated_at: now });
        offered.push({
          ...existing,
          ...fromRow({
            ...row,
            id: existing.id,
            publication_id: publication.id,
            name: plan.name,
          }),
        });
        continue;
      }
      const id = plan.isDefault
        ? `default-${publication.id}`.slice(0, 64)
        : randomUUID();
      try {
        await this.db(TABLE).insert({
          id,
          publication_id: publication.id,
          name: plan.name,
          ...row,
          created_at: now,
          updated_at: now,
        });
        offered.push(
          fromRow({
            ...row,
            id,
            publication_id: publication.id,
            name: plan.name,
          }),
        );
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const raced = await this.db<Row>(TABLE)
          .where({ publication_id: publication.id, name: plan.name })
          .first();
        if (raced) offered.push(fromRow(raced));
      }
    }
    return offered;
  }
}
