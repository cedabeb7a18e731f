export { statutoryDueAt } from './procedures.clock.ts';
export { eFormSchema } from './procedures.eform.ts';
export { daysInWords, formatMoney, localText } from './procedures.format.ts';
export { registerProcedureRoutes } from './procedures.routes.tsx';
export * from './procedures.schemas.ts';
export {
  CATALOGUE_FILE,
  canEditCatalogue,
  ensureCatalogue,
  exportCatalogue,
  findProcedure,
  getProcedure,
  type ImportResult,
  importCatalogue,
  listFields,
  listProcedures,
  type Procedure,
  type ProcedureSummary,
  parseDefinition,
  requireCatalogueAdmin,
  type SaveResult,
  saveProcedure,
  setVerified,
} from './procedures.service.ts';
