import { narrowWindowPinAction } from './narrowWindow';

describe('narrowWindowPinAction', () => {
  it.each([
    // narrow, pinned, collapsedForNarrowWindow → action
    [true, true, false, 'unpin'],
    [true, true, true, 'unpin'],
    [true, false, false, undefined],
    [true, false, true, undefined],
    [false, false, true, 'repin'],
    [false, false, false, undefined], // the user unpinned it: stays unpinned
    [false, true, false, undefined],
    [false, true, true, undefined],
  ] as const)(
    'narrow %s, pinned %s, collapsed for a narrow window %s → %s',
    (narrow, pinned, collapsedForNarrowWindow, expected) => {
      expect(
        narrowWindowPinAction({ narrow, pinned, collapsedForNarrowWindow }),
      ).toBe(expected);
    },
  );
});
