import { createContext, use, type Dispatch } from 'react';
import type { NavAction } from './navigation.ts';

/** The navigation reducer's dispatch, so screens move without callbacks handed down. */
export const NavigationContext = createContext<Dispatch<NavAction> | null>(null);

export function useNavigate(): Dispatch<NavAction> {
  const dispatch = use(NavigationContext);
  if (dispatch === null) throw new Error('useNavigate outside NavigationContext');
  return dispatch;
}
