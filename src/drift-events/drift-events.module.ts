import { Module } from '@nestjs/common';
import { DriftEventsController, DriftEventsRepository } from './drift-events.controller.js';

@Module({ controllers: [DriftEventsController], providers: [DriftEventsRepository] })
export class DriftEventsModule {}
