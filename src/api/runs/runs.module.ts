import { Module } from '@nestjs/common';
import { EtlModule } from '../../etl/etl.module.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';

/** Run history and analytics over the engine's run ledger (RunsRepository and AnomalyService, from EtlModule). */
@Module({ imports: [EtlModule], controllers: [RunsController], providers: [RunsService] })
export class RunsModule {}
