import type { Measure } from './measure.ts';
import { coldStart } from './measures/cold-start.ts';
import { emergencyFanout } from './measures/emergency-fanout.ts';
import { healthz } from './measures/healthz.ts';
import { open311Post } from './measures/open311-post.ts';
import { ttsRtf } from './measures/tts-rtf.ts';

/** Every measure `npm run bench` knows, run in this order. A new measure is one file and one line here. */
export const MEASURES: Measure[] = [healthz, coldStart, open311Post, ttsRtf, emergencyFanout];
