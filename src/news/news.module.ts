import { Module } from '@nestjs/common';
import { NewsController, NewsReadRepository } from './news.controller.js';

@Module({ controllers: [NewsController], providers: [NewsReadRepository] })
export class NewsModule {}
