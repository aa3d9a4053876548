import { Module } from '@nestjs/common';
import { DataController } from './data.controller.js';
import { DataService } from './data.service.js';
import { MarketDataRepository } from './market-data.repository.js';

@Module({ controllers: [DataController], providers: [DataService, MarketDataRepository] })
export class DataModule {}
