import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database-options.js';

/** Entry point for the TypeORM CLI (`npm run migrations:run`). The app itself uses DatabaseModule. */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set to use the TypeORM CLI');
export default new DataSource(buildDataSourceOptions(url));
