import { Module } from '@nestjs/common';
import { CountersModule } from '../counters/counters.module.js';
import { PartitionMaintenance } from './partition-maintenance.service.js';
import { PartitionsRepository } from './partitions.repository.js';

/** Time partitions of market_quotes and raw_records: created ahead and on demand, dropped by retention. */
@Module({
  imports: [CountersModule],
  providers: [PartitionsRepository, PartitionMaintenance],
  exports: [PartitionMaintenance],
})
export class PartitionsModule {}
