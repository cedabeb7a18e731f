/**
 * `npm run mock:dvcqg [-- --port 8585 --host 127.0.0.1]`: the mock national portal on its own, for
 * trying the sync module by hand. Port and host also come from MOCK_DVCQG_PORT / MOCK_DVCQG_HOST;
 * credentials from MOCK_DVCQG_USERNAME / MOCK_DVCQG_PASSWORD; MOCK_DVCQG_DSTCODE makes the
 * dstcode header required.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CREDENTIALS, startMockPortal } from './portal.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, quiet: { type: 'boolean' } },
});
const port = Number(values.port ?? process.env.MOCK_DVCQG_PORT ?? 8585);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Cổng không hợp lệ / invalid port: ${values.port ?? process.env.MOCK_DVCQG_PORT}`);
  process.exit(2);
}
const portal = await startMockPortal({
  port,
  host: values.host ?? process.env.MOCK_DVCQG_HOST ?? '127.0.0.1',
  credentials: {
    username: process.env.MOCK_DVCQG_USERNAME ?? DEFAULT_CREDENTIALS.username,
    password: process.env.MOCK_DVCQG_PASSWORD ?? DEFAULT_CREDENTIALS.password,
  },
  dstcode: process.env.MOCK_DVCQG_DSTCODE || undefined,
  onCall: values.quiet
    ? undefined
    : (c) => {
        const code = (c.answer as { error_code?: unknown } | null)?.error_code;
        const fault = c.fault ? ` fault=${c.fault.kind}` : '';
        console.log(
          `#${c.seq} ${c.at} ${c.service ?? '?'} ${c.maHoSo.join(',')} → HTTP ${c.httpStatus} error_code=${code ?? '-'}${fault}`,
        );
      },
});

console.log(`Mock Cổng DVCQG: ${portal.url}`);
console.log(
  `  session:     POST ${portal.url}${portal.paths.auth}  {"username":"${portal.credentials.username}","password":"…"}`,
);
console.log(`  integration: POST ${portal.url}${portal.paths.integration}`);
console.log(`  sharing:     POST ${portal.url}${portal.paths.share}`);
console.log(
  `  inspect:     GET ${portal.url}/_mock/calls, /_mock/dossiers/:MaHoSo; faults: POST /_mock/faults`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void portal.close().then(() => process.exit(0));
  });
}
