// Start-up baseline: launched through tsx exactly like src/main.ts, so the cold-start ratio shows
// only what our own boot adds. Keep it this small.
import { createBareServer, healthBody } from './bare-http.ts';

const server = createBareServer(healthBody('pglite', '0.1.0'));
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
