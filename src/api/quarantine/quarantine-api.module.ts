import { Module } from '@nestjs/common';
import { CountersModule } from '../../catalog/counters/counters.module.js';
import { EtlModule } from '../../etl/etl.module.js';
import { QuarantineController } from './quarantine.controller.js';
import { QuarantineReadRepository } from './quarantine-read.repository.js';
import { QuarantineService } from './quarantine.service.js';

@Module({
  imports: [CountersModule, EtlModule],
  controllers: [QuarantineController],
  providers: [QuarantineService, QuarantineReadRepository],
})
export class QuarantineApiModule {}
