import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Database reachable (a real round trip with a timeout) and no migration pending. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async isReachable(key = 'database') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 2000);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : 'unreachable' });
    }
  }

  async isMigrated(key = 'migrations') {
    const indicator = this.health.check(key);
    try {
      const pending = await withTimeout(this.dataSource.showMigrations(), 2000);
      return pending ? indicator.down({ message: 'migrations pending' }) : indicator.up();
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : 'unknown' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
