import { Module } from '@nestjs/common';
import { CountersModule } from '../../catalog/counters/counters.module.js';
import { DataController } from './data.controller.js';
import { DataService } from './data.service.js';
import { MarketDataRepository } from './market-data.repository.js';

@Module({ imports: [CountersModule], controllers: [DataController], providers: [DataService, MarketDataRepository] })
export class DataModule {}
