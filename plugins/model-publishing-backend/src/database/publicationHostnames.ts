import type { Knex } from 'knex';
import { ConflictError } from '@backstage/errors';
import type { HostnameHolder } from '../publishing/hostnamePolicy';
import { fromRow, HOSTNAMES, type Row, TABLE } from './publicationRows';
import { isUniqueViolation } from './util';

/**
 * Holds `hostname` for a live publication (idempotent): one insert keyed by the hostname, so of two
 * publications claiming it at once exactly one wins; the other gets 409 naming the field and the holder.
 */
export async function claimHostname(
  tx: Knex.Transaction,
  id: string,
  hostname: string,
): Promise<void> {
  const held = await tx(HOSTNAMES).where({ hostname }).first();
  if (held?.publication_id === id) return;
  try {
    if (!held) {
      // A savepoint: on PostgreSQL a failed statement would abort the whole transaction.
      await tx.transaction(sp =>
        sp(HOSTNAMES).insert({ hostname, publication_id: id }),
      );
      return;
    }
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const holder = await tx(HOSTNAMES)
    .join(TABLE, `${TABLE}.id`, `${HOSTNAMES}.publication_id`)
    .where(`${HOSTNAMES}.hostname`, hostname)
    .first(`${TABLE}.namespace`, `${TABLE}.name`, `${TABLE}.cluster`);
  throw new ConflictError(
    `hostname: '${hostname}' is already used by ${
      holder
        ? `the publication of ${holder.namespace}/${holder.name} in cluster '${holder.cluster}'`
        : 'another publication'
    }`,
  );
}

/** The hostnames live publications hold (publication_hostnames), one row per hostname. */
export class PublicationHostnames {
  constructor(private readonly db: Knex) {}

  async claim(id: string, hostname: string): Promise<void> {
    await this.db.transaction(tx => claimHostname(tx, id, hostname));
  }

  /** Gives up the publication's hostnames other than `keep` (an update settled, or was undone). */
  async release(id: string, keep?: string): Promise<void> {
    let q = this.db(HOSTNAMES).where({ publication_id: id });
    if (keep) q = q.whereNot('hostname', keep);
    await q.delete();
  }

  async of(id: string): Promise<string[]> {
    const rows = await this.db(HOSTNAMES)
      .where({ publication_id: id })
      .orderBy('hostname');
    return rows.map(r => r.hostname as string);
  }

  /** What every live publication's hostname depends on (the hostname policy's uniqueness check). */
  async liveHolders(): Promise<HostnameHolder[]> {
    const rows = await this.db<Row>(TABLE).whereNotNull('live_key');
    return rows.map(fromRow).map(p => ({
      cluster: p.cluster,
      namespace: p.namespace,
      name: p.name,
      modelKind: p.modelKind,
      config: { ...(p.config.hostname ? { hostname: p.config.hostname } : {}) },
    }));
  }
}
