/** Why a plugin gave up: decides how the engine and the operator treat the failure. */
export type SourcePluginErrorKind =
  /** The upstream answered with something the plugin cannot read (not retried). */
  | 'upstream_format'
  /** The plugin is misconfigured (bad base URL, missing file, missing credential): fix the env. */
  | 'configuration'
  /** A temporary condition the next scheduled run may not hit (the run fails, its cursor is kept). */
  | 'transient';

/**
 * The typed error a plugin throws when it cannot go on. Its message names the source, so the run
 * ledger and logs say which plugin failed and why without a stack trace. Rows that are merely bad
 * are not errors: return `rejected(reason)` from the mapper, or put them in a batch's `rejects`.
 *
 * @example
 * ```ts
 * throw new SourcePluginError({ sourceId: 'acme', kind: 'upstream_format', message: 'tickers: expected an array' });
 * ```
 */
export class SourcePluginError extends Error {
  /** The source id of the plugin that failed. */
  readonly sourceId: string;
  /** What kind of failure this is. */
  readonly kind: SourcePluginErrorKind;

  constructor(options: { sourceId: string; kind: SourcePluginErrorKind; message: string; cause?: unknown }) {
    super(
      `${options.sourceId}: ${options.message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'SourcePluginError';
    this.sourceId = options.sourceId;
    this.kind = options.kind;
  }
}

/** True for a {@link SourcePluginError}, also one thrown by another copy of the SDK. */
export function isSourcePluginError(error: unknown): error is SourcePluginError {
  return (
    error instanceof Error &&
    error.name === 'SourcePluginError' &&
    typeof (error as Partial<SourcePluginError>).sourceId === 'string'
  );
}
