import { Module } from '@nestjs/common';
import { SourceCountersRepository } from './source-counters.repository.js';

/** Per-source row counters of the growing tables (see SourceCountersRepository). */
@Module({ providers: [SourceCountersRepository], exports: [SourceCountersRepository] })
export class CountersModule {}
