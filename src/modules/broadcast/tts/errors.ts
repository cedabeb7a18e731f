/**
 * Why speech could not be produced. These are operational failures (a missing program, a hung
 * process), not user mistakes, so they are plain errors with a code for jobs and logs to act on;
 * a route that surfaces one maps it to a 5xx like any other unexpected error.
 */
export type TtsErrorCode =
  | 'tool-missing'
  | 'tool-failed'
  | 'timeout'
  | 'aborted'
  | 'output-too-large'
  | 'bad-config'
  | 'unknown-voice'
  | 'empty-text'
  | 'bad-audio'
  | 'no-encoder';

export class TtsError extends Error {
  constructor(
    public readonly code: TtsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TtsError';
  }
}
