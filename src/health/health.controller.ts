import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { DatabaseHealthIndicator } from './database.health.js';
import { EtlHealthIndicator } from './etl.health.js';

/** Kubernetes probes and the overall health. Never throttled. */
@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly etl: EtlHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Overall health: database, migrations, and the last run of each source (degraded sources listed)' })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable' })
  overall() {
    return this.health.check([() => this.database.isReachable(), () => this.database.isMigrated(), () => this.etl.sourcesStatus()]);
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and serving' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: database reachable and migrations applied (503 otherwise)' })
  @ApiServiceUnavailableResponse({ description: 'Not ready: database unreachable or migrations pending' })
  ready() {
    return this.health.check([() => this.database.isReachable(), () => this.database.isMigrated()]);
  }
}
