import { Module } from '@nestjs/common';
import { AnomalyService } from './anomaly.service.js';
import { RunsController } from './runs.controller.js';
import { RunsRepository } from './runs.repository.js';
import { RunsService } from './runs.service.js';

/** Run history and analytics. The ETL engine uses AnomalyService at the end of each run. */
@Module({ controllers: [RunsController], providers: [RunsRepository, RunsService, AnomalyService], exports: [AnomalyService] })
export class RunsModule {}
