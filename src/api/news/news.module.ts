import { Module } from '@nestjs/common';
import { CountersModule } from '../../catalog/counters/counters.module.js';
import { NewsController } from './news.controller.js';
import { NewsRepository } from './news.repository.js';
import { NewsService } from './news.service.js';

@Module({ imports: [CountersModule], controllers: [NewsController], providers: [NewsService, NewsRepository] })
export class NewsModule {}
