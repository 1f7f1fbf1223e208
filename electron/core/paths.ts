import path from 'node:path';

/** On-disk layout under the app's data folder; one folder per staff profile. */
export const PROFILE_META_FILE = 'profile.json';
export const profilesDir = (dataDir: string): string => path.join(dataDir, 'profiles');
export const profileDir = (dataDir: string, profileId: string): string => path.join(profilesDir(dataDir), profileId);
