import { publication, usageSummaryItem } from '../../__testUtils__/testUtils';
import { fleetCsv, fleetTotals } from './fleet';

const a = publication();
const b = publication({
  id: 'pub-2',
  name: '=cmd',
  namespace: 'genai',
  owner: 'group:default/llm-team',
  modelKind: 'openai',
  status: 'failed',
  endpoints: [],
});
const usage = new Map([[a.id, usageSummaryItem(a, [1, 2, 3, 4, 5, 6, 7])]]);

describe('fleet view helpers', () => {
  it('totals rows, live ones, ones needing attention and requests', () => {
    expect(fleetTotals([a, b], usage)).toEqual({
      publications: 2,
      live: 1,
      needAttention: 1,
      requests: 28,
    });
  });

  it("takes the server's counts over every page when it sends them", () => {
    expect(
      fleetTotals([a, b], usage, {
        total: 12,
        byStatus: { published: 7, updating: 1, degraded: 2, failed: 2 },
      }),
    ).toEqual({ publications: 12, live: 10, needAttention: 4, requests: 28 });
    // A total without per-status counts is not used half-way: the loaded rows count.
    expect(fleetTotals([a, b], usage, { total: 12 })).toEqual(
      fleetTotals([a, b], usage),
    );
  });

  it('exports one CSV line per row with ids, and defuses formulas', () => {
    const lines = fleetCsv([a, b], usage).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'cluster,namespace,model,owner,kind,status,endpoint,requests_7d,errors_7d,status429_7d,publication_id,entity,created_at',
    );
    expect(lines[1]).toContain(`,${a.name},`);
    expect(lines[1]).toContain(`,28,`);
    expect(lines[1]).toContain(`,${a.id},`);
    expect(lines[2].split(',')[2]).toBe("'=cmd");
    expect(lines).toHaveLength(3);
  });
});
