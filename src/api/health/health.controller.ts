import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health.js';
import { EtlHealthIndicator } from './etl.health.js';
import { NotThrottled } from '../../common/http/api-standard-errors.decorator.js';

/** Kubernetes probes and the overall health. Never throttled. */
@ApiTags('health')
@NotThrottled()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly etl: EtlHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary: 'Overall health: database, migrations, and the last run of each source (degraded sources listed)',
    description: 'For people and dashboards; probes use /health/live and /health/ready. Not throttled.',
  })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable' })
  overall() {
    return this.health.check([
      () => this.database.isReachable(),
      () => this.database.isMigrated(),
      () => this.etl.sourcesStatus(),
    ]);
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness: the process is up and serving',
    description: 'Never touches the database, so an outage does not get the pod restarted. Not throttled.',
  })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database reachable and migrations applied (503 otherwise)',
    description: 'Takes the replica out of load balancing while it cannot serve data. Not throttled.',
  })
  @ApiServiceUnavailableResponse({ description: 'Not ready: database unreachable or migrations pending' })
  ready() {
    return this.health.check([() => this.database.isReachable(), () => this.database.isMigrated()]);
  }
}
