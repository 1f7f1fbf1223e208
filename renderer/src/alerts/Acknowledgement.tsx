import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Acknowledgement as Ack, DirectoryEntry, Message } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useInvalidate } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { When } from '../components/When.tsx';
import { nameFor } from '../messaging/useMessaging.ts';

/**
 * Under an urgent message: who acknowledged it and when, or, for one we received and nobody has
 * acknowledged, the Acknowledge action. The sender sees "Not acknowledged yet" until someone does.
 */
export function Acknowledgement({
  message,
  acks,
  own,
  directory,
}: {
  message: Message;
  acks: readonly Ack[];
  own: string | null;
  directory: readonly DirectoryEntry[] | null;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const invalidate = useInvalidate();
  const [busy, setBusy] = useState(false);
  const first = acks[0];
  if (first !== undefined) {
    const who = first.by === own ? t('urgent.byYou') : nameFor(first.by, directory);
    return (
      <p className="acknowledgement acknowledgement--done" data-testid="acknowledged">
        {t('urgent.acknowledgedBy', { who })} <When time={first.at} />
        {acks.length > 1 ? ` ${t('urgent.andOthers', { count: acks.length - 1 })}` : null}
      </p>
    );
  }
  if (message.direction === 'out') {
    return (
      <p className="acknowledgement" data-testid="not-acknowledged">
        {t('urgent.notYet')}
      </p>
    );
  }
  const acknowledge = async () => {
    setBusy(true);
    const result = await client.call('urgent.acknowledge', { messageId: message.id });
    setBusy(false);
    if (result.ok) invalidate(['urgent.pending'], ['urgent.acknowledgements', { conversationId: message.conversationId }]);
  };
  return (
    <div className="acknowledgement">
      <Button variant="primary" disabled={busy} onClick={() => void acknowledge()} data-testid="message-acknowledge">
        {t('urgent.acknowledge')}
      </Button>
    </div>
  );
}
