export { registerAuditRoutes } from './audit.routes.tsx';
export { type AuditEntry, listAudit, recordAudit } from './audit.service.ts';
