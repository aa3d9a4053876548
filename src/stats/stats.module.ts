import { Module } from '@nestjs/common';
import { StatsController, StatsRepository } from './stats.controller.js';

@Module({ controllers: [StatsController], providers: [StatsRepository] })
export class StatsModule {}
