import inspector from 'node:inspector/promises';

/**
 * A full garbage collection of this process, through the inspector (no --expose-gc needed). Run
 * before each measure: the in-process measures leave hundreds of megabytes of garbage (a PGlite,
 * ten thousand MQTT sessions) that V8, sized for this machine's memory, would otherwise collect in
 * the middle of the next measure's window.
 */
export async function collectGarbage() {
  const session = new inspector.Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
}
