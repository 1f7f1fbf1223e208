/**
 * English strings: the source every other language mirrors (es.ts must have the same keys; the
 * type check enforces it). Strings here are UI chrome only; never put PHI into a translation call.
 */
export const en = {
  app: {
    name: 'Sealwire',
    tagline: 'Secure clinic messaging',
  },
  shell: {
    skipToContent: 'Skip to main content',
    statusArea: 'Connection and keychain',
    navigation: 'Conversations and workstation',
    conversationsHeading: 'Conversations',
    conversationsEmpty: 'Your conversations will appear here once you sign in.',
    workstationHeading: 'Workstation',
    statusLink: 'Workstation status',
  },
  connection: {
    connecting: 'Connecting…',
    open: 'Connected',
    closed: 'Not connected',
  },
  keychain: {
    checking: 'Checking keychain…',
    available: 'Keychain available',
    unavailable: 'Keychain unavailable',
  },
  prefs: {
    heading: 'Display',
    theme: 'Theme',
    themeSystem: 'Match this computer',
    themeLight: 'Light',
    themeDark: 'Dark',
    language: 'Language',
  },
  status: {
    heading: 'Workstation status',
    intro: 'What Sealwire found on this computer. It keeps checking on its own.',
    loading: 'Checking this workstation…',
    version: 'App version',
    keychain: 'System keychain',
    keychainAvailable: 'Available',
    keychainAvailableNote: 'Encryption keys are kept in the system keychain.',
    keychainUnavailable: 'Unavailable',
    keychainUnavailableTitle: 'Sealwire will not store patient information on this computer',
    localData: 'Staff profiles',
    profilesNone: 'None on this computer yet',
    profiles_one: '{{count}} profile on this computer',
    profiles_other: '{{count}} profiles on this computer',
    runtime: 'Running as',
    runtimeDesktop: 'Desktop app',
    runtimeBridge: 'Development bridge (browser)',
    platform: 'Operating system',
    checkedAt: 'Last checked',
    refresh: 'Check again',
    refreshing: 'Checking…',
  },
  platform: {
    linux: 'Linux',
    win32: 'Windows',
    darwin: 'macOS',
  },
  error: {
    unreachableTitle: 'Sealwire cannot be reached',
    unreachableBody:
      'This screen could not connect to the Sealwire service on this computer. If you opened it from a link, the link may have expired: start Sealwire again and use the new link.',
    failedTitle: 'Something went wrong',
    failedBody: 'Sealwire gave an unexpected answer. Try again; if it keeps happening, contact your IT team.',
    retry: 'Try again',
  },
} as const;
