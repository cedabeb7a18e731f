import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

/** Structured JSON logs (pino); secrets and personal data in headers never reach them. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  };
}
