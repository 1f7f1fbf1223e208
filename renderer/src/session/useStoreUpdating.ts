import { useEffect, useState } from 'react';
import type { Client } from '../api/client.ts';

/** A format update that finishes within this long is not worth a word. */
export const UPDATING_NOTICE_AFTER_MS = 1000;

/** True while the core converts the profile's store to a new format and it has taken over a second. */
export function useStoreUpdating(client: Client): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = client.on('profiles.updating', ({ updating }) => {
      clearTimeout(timer);
      if (updating) timer = setTimeout(() => setShown(true), UPDATING_NOTICE_AFTER_MS);
      else setShown(false);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [client]);
  return shown;
}
