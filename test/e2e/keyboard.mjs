// Keyboard-only driving for the journeys: Tab / Shift+Tab until an element has focus, then a key.
import assert from 'node:assert/strict';

/** True when the locator's element is the document's focused element. */
export async function isFocused(locator) {
  return locator
    .evaluate(
      el =>
        el === document.activeElement || el.contains(document.activeElement),
    )
    .catch(() => false);
}

/**
 * Presses Tab (or Shift+Tab with `backwards`) until `locator` has focus; fails after `max` presses, naming
 * what had focus last. Only the keyboard moves: no click, no element.focus().
 */
export async function tabTo(
  page,
  locator,
  { max = 150, backwards = false } = {},
) {
  await locator.waitFor();
  for (let i = 0; i < max; i++) {
    if (await isFocused(locator)) return i;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  const last = await page.evaluate(() => {
    const el = document.activeElement;
    return el
      ? `${el.tagName} ${
          el.getAttribute('aria-label') ?? el.textContent?.slice(0, 40)
        }`
      : 'nothing';
  });
  assert.fail(
    `${max} Tab presses never reached the element (focus ended on ${last})`,
  );
}

/** Page errors (uncaught exceptions) and error-boundary screens seen since `watch` was called. */
export function watchErrors(page) {
  const errors = [];
  let crash;
  const crashed = new Promise((_, reject) => (crash = reject));
  crashed.catch(() => {}); // observed through `whileWaiting` only
  page.on('pageerror', e => {
    errors.push(e.message);
    crash(new Error(`the page threw: ${e.message}`));
  });
  return {
    errors,
    /** Waits for `promise`, failing at once with the page's error when the page throws meanwhile. */
    whileWaiting: promise => Promise.race([promise, crashed]),
    async assertNone() {
      const crashed = await page.getByText('Something Went Wrong').count();
      assert.deepEqual(errors, [], 'no uncaught errors in the page');
      assert.equal(crashed, 0, 'no error-boundary screen');
    },
  };
}
