import { z } from 'zod';

/** Everything a user may be allowed or refused to do. */
export const actionSchema = z.enum([
  'unit.manage',
  'user.invite',
  'user.manage',
  'role.grant',
  'seal.create',
  'seal.update',
  'seal.transition',
  'seal.bind_device',
  'device.provision',
  'device.bind',
  'request.create',
  'request.cancel',
  'request.decide',
  'stamp.perform',
  'log.read',
  'report.view',
  'export',
  'alarm.acknowledge',
  /** Acknowledge or resolve an anomaly case, record a spot-check verdict (an auditor's own work). */
  'case.review',
  /** File a scan of a stamped process sheet to the request it was printed for (a change: not an auditor's). */
  'sheet.file',
]);
export type Action = z.infer<typeof actionSchema>;

/** Every action, in a fixed order (for tables and tests). */
export const ACTIONS: readonly Action[] = actionSchema.options;
