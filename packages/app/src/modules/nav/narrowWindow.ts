import { useEffect, useRef } from 'react';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import type { Theme } from '@material-ui/core/styles';
import { useSidebarPinState } from '@backstage/core-components';

/** Set while the sidebar is unpinned because the window became narrow (so widening pins it again). */
export const COLLAPSED_FOR_NARROW_WINDOW =
  'model-publishing-sidebar-collapsed-for-narrow-window';

/**
 * What to do with the sidebar's pin state when the window's width class changes: a pinned (open)
 * sidebar takes 224 px, a third of an 800 px window, so it is unpinned on narrow windows; when the
 * window is wide again it is pinned again, but only if it was unpinned for the narrow window (a user's
 * own choice stays).
 */
export function narrowWindowPinAction(state: {
  narrow: boolean;
  pinned: boolean;
  collapsedForNarrowWindow: boolean;
}): 'unpin' | 'repin' | undefined {
  if (state.narrow && state.pinned) return 'unpin';
  if (!state.narrow && !state.pinned && state.collapsedForNarrowWindow)
    return 'repin';
  return undefined;
}

/**
 * Collapses the sidebar on windows narrower than 960 px (below `md`) and restores it above. Acts when the width
 * class changes (and on first render), not when the user pins the sidebar by hand on a narrow window.
 */
export function useCollapseSidebarOnNarrowWindow() {
  const narrow = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'), {
    noSsr: true,
  });
  const { isPinned, toggleSidebarPinState } = useSidebarPinState();
  const pinState = useRef({ isPinned, toggleSidebarPinState });
  pinState.current = { isPinned, toggleSidebarPinState };

  useEffect(() => {
    const storage = window.localStorage;
    const action = narrowWindowPinAction({
      narrow,
      pinned: pinState.current.isPinned,
      collapsedForNarrowWindow:
        storage.getItem(COLLAPSED_FOR_NARROW_WINDOW) === 'true',
    });
    if (action === 'unpin')
      storage.setItem(COLLAPSED_FOR_NARROW_WINDOW, 'true');
    if (action === 'repin') storage.removeItem(COLLAPSED_FOR_NARROW_WINDOW);
    if (action) pinState.current.toggleSidebarPinState();
  }, [narrow]);
}

/** Renders nothing; collapses the sidebar on narrow windows (see useCollapseSidebarOnNarrowWindow). */
export function CollapseSidebarOnNarrowWindow() {
  useCollapseSidebarOnNarrowWindow();
  return null;
}
