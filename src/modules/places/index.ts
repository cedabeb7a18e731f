export { type ImportProgress, type ImportResult, importPlaces } from './places.import.ts';
export { findPlacesByIds } from './places.queries.ts';
export { registerPlaceRoutes } from './places.routes.tsx';
export { Latitude, Longitude, PlaceOut } from './places.schemas.ts';
export {
  addVillage,
  addVillageUnchecked,
  describePlace,
  findPlaceByCode,
  findPlaceById,
  getPlace,
  getPlaceByCode,
  importVillages,
  listChildren,
  type Place,
  provinceAdminGrants,
  searchPlaces,
  setVillageCentre,
  toPlaceOut,
  VILLAGE_CSV_COLUMNS,
  type VillageImportResult,
} from './places.service.ts';
