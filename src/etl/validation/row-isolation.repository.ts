import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SavepointSteps } from './row-isolation.js';

// Named apart from the COPY-first savepoint (`copy_first`), which may sit inside it.
const SAVEPOINT = 'row_isolation';

/** The SQL of row isolation: a savepoint around each attempt, and clean staging between attempts. */
@Injectable()
export class RowIsolationRepository {
  savepointsOf(manager: EntityManager): SavepointSteps {
    return {
      savepoint: async () => void (await manager.query(`SAVEPOINT ${SAVEPOINT}`)),
      rollbackToSavepoint: async () => void (await manager.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`)),
      releaseSavepoint: async () => void (await manager.query(`RELEASE SAVEPOINT ${SAVEPOINT}`)),
    };
  }

  /**
   * The raw and quote upserts create their staging tables (`raw_stage`, `quote_stage`: see
   * raw-record.repository.ts and market-quotes.repository.ts) once per transaction, ON COMMIT DROP.
   * Isolation writes several subsets in one transaction: after a successful subset they are dropped
   * so the next subset can create them again.
   */
  async dropStagingTables(manager: EntityManager): Promise<void> {
    await manager.query('DROP TABLE IF EXISTS pg_temp.raw_stage, pg_temp.quote_stage');
  }
}
