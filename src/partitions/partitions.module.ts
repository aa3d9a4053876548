import { Module } from '@nestjs/common';
import { PartitionMaintenance } from './partition-maintenance.service.js';
import { PartitionsRepository } from './partitions.repository.js';

/** Time partitions of market_quotes and raw_records: created ahead and on demand, dropped by retention. */
@Module({
  providers: [PartitionsRepository, PartitionMaintenance],
  exports: [PartitionMaintenance],
})
export class PartitionsModule {}
