import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HealthRepository } from './health.repository.js';

/** Database reachable (a real round trip with a timeout) and no migration pending. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly repository: HealthRepository,
  ) {}

  async isReachable(key = 'database') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.repository.ping(), 2000);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : 'unreachable' });
    }
  }

  async isMigrated(key = 'migrations') {
    const indicator = this.health.check(key);
    try {
      const pending = await withTimeout(this.repository.hasPendingMigrations(), 2000);
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
