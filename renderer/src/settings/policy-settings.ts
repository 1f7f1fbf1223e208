import type { TFunction } from 'i18next';
import type { Policy, PolicySource } from '../../../shared/contract/index.ts';

/**
 * The security and privacy settings a staff member meets, in the words they would use. Their values
 * come from policy: Sealwire's safe defaults, tightened by the organisation (server or machine
 * policy), which shows them as "managed by your organisation".
 */
export interface ShownSetting {
  readonly key: keyof Policy;
  readonly label: (t: TFunction) => string;
  readonly value: (t: TFunction, policy: Policy) => string;
}

const onOff = (t: TFunction, on: boolean) => (on ? t('settings.on') : t('settings.off'));

export const SHOWN_SETTINGS: readonly ShownSetting[] = [
  {
    key: 'idleTimeoutMinutes',
    label: (t) => t('settings.idle'),
    value: (t, p) => (p.idleTimeoutMinutes === 0 ? t('settings.idleOnBlur') : t('settings.idleValue', { count: p.idleTimeoutMinutes })),
  },
  { key: 'maxSessionHours', label: (t) => t('settings.maxSession'), value: (t, p) => t('settings.maxSessionValue', { count: p.maxSessionHours }) },
  {
    key: 'quickUnlockHours',
    label: (t) => t('settings.quickUnlock'),
    value: (t, p) => (p.quickUnlockHours === 0 ? t('settings.off') : t('settings.quickUnlockValue', { count: p.quickUnlockHours, digits: p.minPinLength })),
  },
  {
    key: 'messageRetentionDays',
    label: (t) => t('settings.retention'),
    value: (t, p) => (p.messageRetentionDays === null ? t('settings.retentionForever') : t('settings.retentionValue', { count: p.messageRetentionDays })),
  },
  {
    key: 'notificationContent',
    label: (t) => t('settings.notifications'),
    value: (t, p) =>
      p.notificationContent === 'full' ? t('settings.notificationsFull') : p.notificationContent === 'sender' ? t('settings.notificationsSender') : t('settings.notificationsNone'),
  },
  { key: 'readReceipts', label: (t) => t('settings.readReceipts'), value: (t, p) => onOff(t, p.readReceipts) },
  { key: 'typingNotifications', label: (t) => t('settings.typing'), value: (t, p) => onOff(t, p.typingNotifications) },
  { key: 'presence', label: (t) => t('settings.presence'), value: (t, p) => onOff(t, p.presence) },
  {
    key: 'attachmentsAllowed',
    label: (t) => t('settings.attachments'),
    value: (t, p) => (p.attachmentsAllowed ? t('settings.attachmentsValue', { count: p.attachmentMaxMegabytes }) : t('settings.off')),
  },
  { key: 'saveAllowed', label: (t) => t('settings.save'), value: (t, p) => (p.saveAllowed ? t('settings.allowed') : t('settings.notAllowed')) },
  { key: 'printAllowed', label: (t) => t('settings.print'), value: (t, p) => (p.printAllowed ? t('settings.allowed') : t('settings.notAllowed')) },
  { key: 'clipboardClearSeconds', label: (t) => t('settings.clipboard'), value: (t, p) => t('settings.clipboardValue', { count: p.clipboardClearSeconds }) },
];

/** Server and machine policy are the organisation's: shown locked. */
export const isManaged = (source: PolicySource | undefined): boolean => source === 'server' || source === 'machine';
