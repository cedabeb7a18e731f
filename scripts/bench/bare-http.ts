import { createServer, type Server } from 'node:http';

/**
 * The least a Node server can do for GET /healthz: a fixed JSON body with the headers Fastify
 * sends. It is the baseline that tells our framework and database cost apart from Node's own.
 */
export function createBareServer(body: string): Server {
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  return createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, headers).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
}

export const healthBody = (database: string, version: string) =>
  JSON.stringify({ status: 'ok', database, version });
