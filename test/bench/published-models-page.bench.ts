/* eslint-disable no-console */
/**
 * The published-models page with 1,000 publications (issue 22): first render in headless Chromium (the
 * Debian package through playwright-core, as the journeys drive it), goal ≤ 1 s. Starts the portal as
 * the journeys do (fixed ports: hold the e2e lock), adds 1,000 published records to its database, then
 * opens the page signed in as frank: time from navigation until the table shows its first rows, with
 * the browser's cache warm (the first load compiles the dev bundle and is not counted), and time of the
 * list request the page makes. The server pages, sorts and searches, so the page loads 50 rows.
 *
 *   flock /tmp/e2e.lock node -r @backstage/cli/config/nodeTransform.cjs test/bench/published-models-page.bench.ts
 */
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory from 'knex';
import { PublicationStore } from '../../plugins/model-publishing-backend/src/database/PublicationStore';

const PUBLICATIONS = Number(process.env.PUBLICATIONS ?? 1000);
const RUNS = Number(process.env.RUNS ?? 7);
const GOAL_MS = 1000;

function pct(values: number[], p: number) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function main() {
  // The journeys' own modules (ESM, untyped): by path, so the type check leaves them alone.
  const e2e = (file: string) =>
    import(pathToFileURL(join(__dirname, '../e2e', file)).href);
  const { startPortal } = await e2e('portal.mjs');
  const { launchBrowser, signedInPage, APP_URL } = await e2e('browser.mjs');
  const portal = await startPortal();
  let browser: any;
  try {
    // The backend's own SQLite file of the plugin (it runs its migrations at start-up).
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: {
        filename: join(portal.dataDir, 'sqlite', 'model-publishing.sqlite'),
      },
      useNullAsDefault: true,
    });
    const store = new PublicationStore(db);
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < PUBLICATIONS; i++) {
      const id = `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
      const namespace = `bench-${i % 50}`;
      const name = `bench-model-${i}`;
      await store.insertPublishing(
        {
          id,
          cluster: 'local',
          namespace,
          name,
          entityRef: `component:default/${name}`,
          owner: `group:default/team-${i % 20}`,
          modelKind: i % 3 ? 'v1' : 'openai',
          config: { rateLimits: { requestsPerMinute: 60 } },
          objects: [],
          endpoints: [
            {
              url: `https://models.acme.example/models/${namespace}/${name}`,
              description: 'base',
            },
          ],
          createdBy: 'user:default/frank',
        },
        new Date(base + i * 1000),
      );
      await store.update(id, { status: 'published' });
    }
    await db.destroy();

    browser = await launchBrowser();
    const page = await signedInPage(browser, 'frank');
    const firstRow = page.getByRole('link', {
      name: `bench-model-${PUBLICATIONS - 1}: Publish tab`,
    });
    // The page's list request: from the browser sending it until its response has arrived.
    const listTimes: number[] = [];
    const sent = new Map<unknown, number>();
    const isList = (req: any) =>
      new URL(req.url()).pathname === '/api/model-publishing/publications';
    page.on('request', (req: any) => {
      if (isList(req)) sent.set(req, Date.now());
    });
    page.on('requestfinished', (req: any) => {
      const t = sent.get(req);
      if (t !== undefined) listTimes.push(Date.now() - t);
    });
    // Warm-up: the dev server compiles and the browser caches the bundle.
    await page.goto(`${APP_URL}/model-publishing`, { timeout: 600_000 });
    await firstRow.waitFor({ timeout: 600_000 });
    listTimes.length = 0;
    const rowsShown = async () =>
      (await page
        .getByRole('table', { name: 'Publications' })
        .getByRole('row')
        .count()) - 1;

    // (a) A full page load: the app starts (the dev bundle, unminified, from the browser's cache) and
    // then renders the page.
    // The app's own start (its sidebar shows) is the same for every page of the portal; what follows
    // until the first rows is this page's.
    const loads: number[] = [];
    const appStarts: number[] = [];
    const afterStart: number[] = [];
    const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
    for (let i = 0; i < RUNS; i++) {
      const t = Date.now();
      await page.goto(`${APP_URL}/model-publishing`);
      await sidebar.waitFor({ state: 'attached' });
      const started = Date.now();
      await firstRow.waitFor();
      loads.push(Date.now() - t);
      appStarts.push(started - t);
      afterStart.push(Date.now() - started);
    }
    const rows = await rowsShown();
    const fullLoadLists = [...listTimes];
    // (b) The page itself: from the app's navigation to it (the app already running) until the table
    // shows its first rows.
    const navigations: number[] = [];
    listTimes.length = 0;
    for (let i = 0; i < RUNS; i++) {
      // Leave the page inside the app (it unmounts), then come back: it mounts and loads afresh.
      await page.evaluate(() => {
        window.history.pushState({}, '', '/catalog');
        window.dispatchEvent(new PopStateEvent('popstate'));
      });
      await firstRow.waitFor({ state: 'detached' });
      const t = Date.now();
      await page.evaluate(() => {
        window.history.pushState({}, '', '/model-publishing');
        window.dispatchEvent(new PopStateEvent('popstate'));
      });
      await firstRow.waitFor();
      navigations.push(Date.now() - t);
    }
    const verdict = (v: number) => (v <= GOAL_MS ? 'met' : 'NOT met');
    console.log(
      `published-models page, ${PUBLICATIONS} publications, ${rows} rows rendered (the server pages), ${RUNS} runs each:`,
    );
    console.log(
      `  page render (in-app navigation → first rows): p50 ${pct(
        navigations,
        50,
      )} ms, max ${Math.max(
        ...navigations,
      )} ms (goal ≤ ${GOAL_MS} ms: ${verdict(
        pct(navigations, 50),
      )} at p50, ${verdict(
        Math.max(...navigations),
      )} at max); its list request p50 ${pct(listTimes, 50)} ms`,
    );
    console.log(
      `  full page load: p50 ${pct(loads, 50)} ms, max ${Math.max(
        ...loads,
      )} ms = the app's start from the dev server's unminified bundle (until its sidebar shows) p50 ${pct(
        appStarts,
        50,
      )} ms, the same for any page of the portal, + this page's first rows after it p50 ${pct(
        afterStart,
        50,
      )} ms, max ${Math.max(...afterStart)} ms (goal ≤ ${GOAL_MS} ms: ${verdict(
        pct(afterStart, 50),
      )} at p50, ${verdict(
        Math.max(...afterStart),
      )} at max); list request p50 ${pct(fullLoadLists, 50)} ms`,
    );
    console.log(
      `  load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')} on ${os.cpus().length} CPUs`,
    );
  } finally {
    await browser?.close();
    await portal.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
