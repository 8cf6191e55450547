// axe-core run inside the journeys' Chromium page: the checks WCAG tools make, on the page as rendered.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core on the page (or the part matched by `selector`) and returns the serious and critical
 * violations as short strings (rule id, impact, the first few offending elements).
 */
export async function seriousViolations(page, selector) {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ path: axePath });
  // Judge the page as the user sees it once it has settled: mid-way through a dialog's fade-in its text is
  // still partly transparent, and axe would measure the contrast of a frame no one reads.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        // Spinners run forever; only transitions that end are waited for.
        .filter(a => a.effect?.getComputedTiming().endTime !== Infinity)
        .map(a => a.finished.catch(() => undefined)),
    ),
  );
  const violations = await page.evaluate(
    async context =>
      (
        await window.axe.run(context ?? document, {
          resultTypes: ['violations'],
        })
      ).violations,
    selector ?? null,
  );
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map(n => n.target.join(' '))
          .join(' | ')}`,
    );
}

/** Fails with the list when axe finds anything serious or critical on `what`. */
export async function assertNoSeriousViolations(page, what, selector) {
  const found = await seriousViolations(page, selector);
  assert.deepEqual(found, [], `axe-core on ${what}`);
}
