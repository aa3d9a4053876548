import { ResourceMovedError, type ErrorDetails } from '../../common/errors/domain-errors.js';

/** A GET on an asset id a merge absorbed: answered 308 to the same resource of the survivor. */
export class AssetMovedException extends ResourceMovedError {
  constructor(fromId: string, toId: string) {
    super(`Asset ${fromId} was merged into ${toId}`, fromId, toId);
  }

  get details(): ErrorDetails {
    return { merged_into: this.toId };
  }
}
