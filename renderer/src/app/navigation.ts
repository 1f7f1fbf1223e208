import type { ProfileSummary } from '../../../shared/contract/index.ts';

/**
 * Which screen is shown: one reducer for the whole app. `flow` is where a person is in signing in
 * (null: follow the session: workspace, lock screen or picker); `route` is the signed-in screen.
 * Pure: no DOM, unit-tested in tests/unit/renderer-navigation.test.ts.
 */
export type Flow =
  | { kind: 'picker' }
  | { kind: 'first-sign-in' }
  | { kind: 'password'; profile: ProfileSummary }
  | { kind: 'pin-setup' }
  /** The lock screen; `profileId`: a colleague kept aside on this workstation, back with their PIN. */
  | { kind: 'unlock'; profileId?: string }
  | { kind: 'status' }
  | null;

export type PlainScreen = 'home' | 'directory' | 'new-room' | 'search' | 'patients' | 'activity' | 'my-data' | 'status';

export type Route =
  | { screen: Exclude<PlainScreen, 'home'> }
  | { screen: 'home' }
  | { screen: 'thread'; conversationId: number | null; jid: string; name: string | null; hitId?: number; room?: boolean };

export interface Navigation {
  readonly flow: Flow;
  readonly route: Route;
  /** Moves on every change of screen: scroll and focus start afresh on each visit. */
  readonly visit: number;
}

export type NavAction =
  | { type: 'flow'; flow: Flow }
  | { type: 'go'; screen: PlainScreen }
  /** `hitId`: opened from a search result, the message to scroll to and highlight. */
  | { type: 'open'; conversationId: number | null; jid: string; name: string | null; hitId?: number; room?: boolean }
  /** The first message of a new chat created the conversation: same screen, now with its id. */
  | { type: 'started'; conversationId: number };

export const START: Navigation = { flow: null, route: { screen: 'home' }, visit: 0 };

export function navigate(state: Navigation, action: NavAction): Navigation {
  switch (action.type) {
    case 'flow':
      return { ...state, flow: action.flow, visit: state.visit + 1 };
    case 'go':
      return { ...state, route: { screen: action.screen }, visit: state.visit + 1 };
    case 'open':
      return {
        ...state,
        route: {
          screen: 'thread',
          conversationId: action.conversationId,
          jid: action.jid,
          name: action.name,
          ...(action.hitId !== undefined ? { hitId: action.hitId } : {}),
          ...(action.room ? { room: true } : {}),
        },
        visit: state.visit + 1,
      };
    case 'started':
      if (state.route.screen !== 'thread' || state.route.conversationId !== null) return state;
      return { ...state, route: { ...state.route, conversationId: action.conversationId } };
  }
}

/** A key that changes exactly when another screen is shown (error boundaries reset on it). */
export function screenKey(route: Route): string {
  if (route.screen !== 'thread') return route.screen;
  return `thread:${route.conversationId ?? `new:${route.jid}`}${route.hitId !== undefined ? `#${route.hitId}` : ''}`;
}
