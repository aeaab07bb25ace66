/** Shaping audit entries for the Audit log screen. Pure. */

/** The actions the server records (server/runtime/audit.ts `AuditAction`). */
export const auditActions = [
  'key.create',
  'key.revoke',
  'source.create',
  'source.update',
  'source.rotate',
  'source.secret_delete',
  'source.disable',
  'journey.create',
  'journey.update',
  'journey.import',
  'journey.publish',
  'journey.pause',
  'journey.resume',
  'journey.archive',
  'endpoint.disable',
  'endpoint.enable',
  'settings.update',
  'customer.consent',
  'customer.delete',
  'suppression.lift',
  'run.surgery',
  'segment.create',
  'segment.update',
  'segment.delete',
] as const;

/** The target types the audit query filters on. */
export const auditTargetTypes = ['key', 'source', 'journey', 'endpoint', 'settings', 'customer', 'suppression', 'segment'] as const;

const settingsScreens: Record<string, string> = { stages: '#/stages', clusters: '#/clusters', contact_strategy: '#/contact-strategy' };

/** Where the editor shows the target, if anywhere. */
export const targetHref = (targetType: string, targetId: string): string | null => {
  switch (targetType) {
    case 'journey':
      return `#/journeys/${encodeURIComponent(targetId)}`;
    case 'source':
      return `#/sources/${encodeURIComponent(targetId)}`;
    case 'segment':
      return `#/segments/${encodeURIComponent(targetId)}`;
    case 'key':
      return '#/keys';
    case 'settings':
      return settingsScreens[targetId] ?? null;
    default:
      return null;
  }
};

const scalar = (value: unknown): string => {
  if (value === null) return 'none';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(scalar).join(', ');
  return JSON.stringify(value);
};

/** "version: 3 · name: Shop" from the entry's details. */
export const describeDetails = (details: Record<string, unknown>): string =>
  Object.entries(details)
    .map(([key, value]) => `${key}: ${scalar(value)}`)
    .join(' · ') || '—';
