import type { Measure } from './measure.ts';
import { coldStart } from './measures/cold-start.ts';
import { dossierQueue } from './measures/dossier-queue.ts';
import { dossierSubmit } from './measures/dossier-submit.ts';
import { dossierTrack } from './measures/dossier-track.ts';
import { dvcqgSync } from './measures/dvcqg-sync.ts';
import { emergencyFanout } from './measures/emergency-fanout.ts';
import { healthz } from './measures/healthz.ts';
import { indicatorsPivot } from './measures/indicators-pivot.ts';
import { open311Post } from './measures/open311-post.ts';
import { statistics1m } from './measures/statistics-1m.ts';
import { ttsRtf } from './measures/tts-rtf.ts';

/** Every measure `npm run bench` knows, run in this order. A new measure is one file and one line here. */
export const MEASURES: Measure[] = [
  healthz,
  coldStart,
  open311Post,
  ttsRtf,
  emergencyFanout,
  dossierSubmit,
  dossierTrack,
  dossierQueue,
  statistics1m,
  indicatorsPivot,
  dvcqgSync,
];
