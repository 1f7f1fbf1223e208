/**
 * Routing by plain state, no URL router: the URL carries nothing (no PHI in history, and the bridge
 * token is erased from it). Later screens (profile picker, sign-in, PIN pad, inbox, thread,
 * directory, activity) add a variant here and a case in App's screen switch.
 */
export type Route = { readonly screen: 'status' };

export const START_ROUTE: Route = { screen: 'status' };
