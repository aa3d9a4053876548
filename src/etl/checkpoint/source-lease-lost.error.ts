import { DomainError, type ErrorClassification } from '../../common/errors/domain-errors.js';

/**
 * A batch of a run that no longer owns its source (its lock connection died and another worker took
 * the source over): the batch's transaction is rolled back whole and the run ends `abandoned`.
 */
export class SourceLeaseLostError extends DomainError {
  readonly classification: ErrorClassification = 'internal';

  constructor(
    readonly source: string,
    readonly token: string,
  ) {
    super(
      `${source}: this run lost the source (fencing token ${token} is no longer current); ` +
        'its batch was rolled back',
    );
  }
}
