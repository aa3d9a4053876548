import { Module } from '@nestjs/common';
import { QuarantineController, QuarantineReadRepository } from './quarantine.controller.js';

@Module({ controllers: [QuarantineController], providers: [QuarantineReadRepository] })
export class QuarantineApiModule {}
