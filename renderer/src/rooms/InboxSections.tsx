import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from '../app/NavigationProvider.tsx';
import { Icon } from '../components/Icon.tsx';
import { InboxList } from '../messaging/InboxList.tsx';
import './rooms.css';

type Props = ComponentProps<typeof InboxList> & { creating: boolean };

/** The inbox in two parts: team rooms (with "New room"), then one-to-one chats; each with its unread counts. */
export function InboxSections({ entries, error, directory, activeId, open, creating }: Props) {
  const { t } = useTranslation();
  const dispatch = useNavigate();
  const rooms = entries?.filter((e) => e.kind === 'room') ?? null;
  const chats = entries?.filter((e) => e.kind !== 'room') ?? null;
  return (
    <>
      <div className="inbox-section" data-testid="rooms-section">
        <div className="inbox-section__head">
          <h3 className="inbox-section__heading">{t('rooms.heading')}</h3>
          <button
            type="button"
            className="inbox-section__add"
            aria-current={creating ? 'page' : undefined}
            onClick={() => dispatch({ type: 'go', screen: 'new-room' })}
            data-testid="nav-new-room"
          >
            <Icon name="plus" />
            {t('rooms.newRoom')}
          </button>
        </div>
        {rooms !== null && rooms.length === 0 && !error ? (
          <p className="inbox-section__empty">{t('rooms.empty')}</p>
        ) : rooms !== null && rooms.length > 0 ? (
          <InboxList entries={rooms} error={null} directory={directory} activeId={activeId} open={open} />
        ) : null}
      </div>
      <div className="inbox-section" data-testid="chats-section">
        <h3 className="inbox-section__heading">{t('rooms.chatsHeading')}</h3>
        <InboxList entries={chats} error={error} directory={directory} activeId={activeId} open={open} />
      </div>
    </>
  );
}
