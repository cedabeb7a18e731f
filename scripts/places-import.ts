// npm run places:import — load (or refresh) the administrative units shipped in data/admin-units.
// Idempotent and transactional: a second run changes nothing; a failed run leaves the old data.

import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { importPlaces } from '#modules/places/index.ts';
import { ConfigError, loadConfig } from '#platform/config.ts';
import { openDatabase } from '#platform/db/client.ts';
import { migrate } from '#platform/db/migrate.ts';

try {
  const config = loadConfig();
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : path.join(config.dataDir, 'pglite'),
  });
  await migrate(database);
  const bar = process.stdout.isTTY
    ? new SingleBar({ format: 'Importing {bar} {value}/{total} {stage}' })
    : undefined;
  bar?.start(8, 0, { stage: '' });
  const result = await importPlaces(database, {
    onProgress: (p) =>
      bar ? bar.update(p.done, { stage: p.stage }) : console.log(`${p.done}/${p.total} ${p.stage}`),
  });
  bar?.stop();
  console.log(
    `${result.provinces} provinces, ${result.communes} communes (current); ${result.legacyProvinces} provinces, ` +
      `${result.legacyDistricts} districts, ${result.legacyCommunes} communes (before 1 July 2025); ` +
      `${result.successions} succession links, ${result.changes} changes.`,
  );
  await database.close();
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
}
