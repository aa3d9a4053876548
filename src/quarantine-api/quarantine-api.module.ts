import { Module } from '@nestjs/common';
import { EtlModule } from '../etl/etl.module.js';
import { QuarantineController, QuarantineReadRepository } from './quarantine.controller.js';

@Module({ imports: [EtlModule], controllers: [QuarantineController], providers: [QuarantineReadRepository] })
export class QuarantineApiModule {}
