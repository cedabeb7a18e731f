/**
 * The reference loudspeaker as a process:
 *
 *   XASO_SPEAKER_PASSWORD=… tsx src/modules/broadcast/agent/main.ts \
 *     --code 06541.01-1 --broker mqtt://xa.example.vn:1883 --cache /var/lib/xaso-speaker \
 *     [--player "ffplay -nodisp -autoexit -loglevel quiet {file}"] [--log /var/log/xaso-plays.jsonl] [--ca ca.pem]
 *
 * Without --player it plays to the log only (a simulated speaker). The password comes from the
 * environment, not the command line, so it does not show in the process list.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { SpeakerAgent } from './agent.ts';
import { type AudioSink, CommandSink, LogSink, TeeSink } from './sinks.ts';

const { values } = parseArgs({
  options: {
    code: { type: 'string' },
    broker: { type: 'string' },
    cache: { type: 'string' },
    player: { type: 'string' },
    log: { type: 'string' },
    ca: { type: 'string' },
    heartbeat: { type: 'string' },
  },
});

const code = values.code ?? process.env.XASO_SPEAKER_CODE;
const password = process.env.XASO_SPEAKER_PASSWORD;
const broker = values.broker ?? process.env.XASO_BROKER_URL;
const cache = values.cache ?? process.env.XASO_SPEAKER_CACHE ?? `.speaker-${code}`;
if (!code || !password || !broker) {
  process.stderr.write(
    'usage: XASO_SPEAKER_PASSWORD=… speaker --code <cluster code> --broker mqtt://host:1883 [--cache dir] [--player "cmd {file}"] [--log plays.jsonl] [--ca ca.pem]\n',
  );
  process.exit(64);
}

const logSink = new LogSink(values.log ?? process.env.XASO_PLAY_LOG);
const player = values.player ?? process.env.XASO_PLAYER;
const sink: AudioSink = player ? new TeeSink(new CommandSink(player), logSink) : logSink;

const agent = new SpeakerAgent({
  code,
  password,
  brokerUrl: broker,
  cacheDir: cache,
  sink,
  ...(values.ca ? { ca: fs.readFileSync(values.ca) } : {}),
  ...(values.heartbeat ? { heartbeatSeconds: Number(values.heartbeat) } : {}),
  log: (level, message, data) =>
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...data })}\n`),
});
agent.on('adopted', (version) =>
  process.stderr.write(`${JSON.stringify({ level: 'info', message: 'schedule adopted', version })}\n`),
);
agent.on('play', (p) =>
  process.stderr.write(`${JSON.stringify({ level: 'info', message: 'playing', ...p })}\n`),
);

await agent.start();

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
