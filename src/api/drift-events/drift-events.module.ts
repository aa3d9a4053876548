import { Module } from '@nestjs/common';
import { DriftEventsController } from './drift-events.controller.js';
import { DriftEventsRepository } from './drift-events.repository.js';
import { DriftEventsService } from './drift-events.service.js';

@Module({ controllers: [DriftEventsController], providers: [DriftEventsService, DriftEventsRepository] })
export class DriftEventsModule {}
