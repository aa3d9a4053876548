import { Module } from '@nestjs/common';
import { EtlModule } from '../../etl/etl.module.js';
import { ObservabilityController } from './observability.controller.js';

@Module({ imports: [EtlModule], controllers: [ObservabilityController] })
export class ObservabilityModule {}
