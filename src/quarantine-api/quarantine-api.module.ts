import { Module } from '@nestjs/common';
import { QuarantineController } from './quarantine.controller.js';
import { QuarantineReadRepository } from './quarantine-read.repository.js';

@Module({ controllers: [QuarantineController], providers: [QuarantineReadRepository] })
export class QuarantineApiModule {}
