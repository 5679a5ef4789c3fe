import type { EmergencyService, Lang } from '../flow/types.js';

/** What each emergency number is for, as said to callers and shown in logs and dashboards. */
export const EMERGENCY_SERVICE_NAMES: Readonly<Record<EmergencyService, Readonly<Record<Lang, string>>>> = {
  '110': { zh: '报警', en: 'police' },
  '119': { zh: '火警', en: 'fire' },
  '120': { zh: '急救', en: 'ambulance' },
  '122': { zh: '交通事故', en: 'traffic accident' },
};
