import { Module } from '@nestjs/common';
import { CountersModule } from '../counters/counters.module.js';
import { NewsController, NewsReadRepository } from './news.controller.js';

@Module({ imports: [CountersModule], controllers: [NewsController], providers: [NewsReadRepository] })
export class NewsModule {}
