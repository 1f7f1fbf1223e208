import type { quickRepliesMethods } from '../../../../shared/contract/quick-replies.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

const PERSONAL_SETTING = 'quickReplies.personal';

/** Quick replies: the organisation's (managed configuration) and the staff member's own (their encrypted store). */
export function quickRepliesHandlers(deps: { requireStore: () => Store; organisation: () => readonly string[] }): HandlersFor<typeof quickRepliesMethods> {
  const personal = (store: Store): string[] => {
    try {
      const saved: unknown = JSON.parse(store.getSetting(PERSONAL_SETTING) ?? '[]');
      return Array.isArray(saved) ? saved.filter((s): s is string => typeof s === 'string' && s.trim() !== '' && s.length <= 200).slice(0, 30) : [];
    } catch {
      return [];
    }
  };
  return {
    'quickReplies.list': () => ({ organisation: deps.organisation().slice(0, 30), personal: personal(deps.requireStore()) }),
    'quickReplies.savePersonal': (req) => {
      deps.requireStore().setSetting(PERSONAL_SETTING, JSON.stringify(req.personal));
      return {};
    },
  };
}
