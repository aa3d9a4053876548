/** POST /etl/runs while the requested sources are already running (HTTP 409). */
export class SourcesBusyError extends Error {
  constructor(readonly sources: string[]) {
    super(`already running: ${sources.join(', ')}`);
    this.name = 'SourcesBusyError';
  }
}

/** A requested source id that is not enabled or not installed (HTTP 400). */
export class UnknownSourceError extends Error {
  constructor(readonly sources: string[], readonly enabled: string[]) {
    super(`unknown or disabled source(s): ${sources.join(', ')} (enabled: ${enabled.join(', ')})`);
    this.name = 'UnknownSourceError';
  }
}
