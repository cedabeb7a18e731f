import type { Measure } from './measure.ts';
import { coldStart } from './measures/cold-start.ts';
import { dossierQueue } from './measures/dossier-queue.ts';
import { dossierSubmit } from './measures/dossier-submit.ts';
import { dossierTrack } from './measures/dossier-track.ts';
import { dvcqgSync } from './measures/dvcqg-sync.ts';
import { emergencyEmbedded, emergencyMosquitto } from './measures/emergency-fanout.ts';
import { firstStart } from './measures/first-start.ts';
import { healthz } from './measures/healthz.ts';
import { indicatorsPivot } from './measures/indicators-pivot.ts';
import { memory } from './measures/memory.ts';
import { open311Post } from './measures/open311-post.ts';
import { province } from './measures/province.ts';
import { statistics1m } from './measures/statistics-1m.ts';
import { ttsRtf } from './measures/tts-rtf.ts';
import { twoG } from './measures/two-g.ts';

/** Every measure `npm run bench` knows, run in this order. A new measure is one file and one line here. */
export const MEASURES: Measure[] = [
  healthz,
  coldStart,
  firstStart,
  open311Post,
  ttsRtf,
  emergencyEmbedded,
  emergencyMosquitto,
  dossierSubmit,
  dossierTrack,
  dossierQueue,
  statistics1m,
  province,
  indicatorsPivot,
  dvcqgSync,
  memory,
  twoG,
];
