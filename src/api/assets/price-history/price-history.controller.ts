import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../../../common/http/api-standard-errors.decorator.js';
import { AssetRefParamDto } from '../assets.dto.js';
import { AssetRefResolver } from '../asset-ref.resolver.js';
import { PriceHistoryQueryDto, PriceHistoryResponseDto, type PriceHistoryBody } from './price-history.dto.js';
import { PriceHistoryService } from './price-history.service.js';

const EXAMPLE = {
  data: {
    asset: { id: '3b241101-e2bb-5255-8caf-4136c566a962', symbol: 'BTC', name: 'Bitcoin' },
    interval: '1d',
    buckets: [
      {
        start: '2025-04-29T00:00:00.000Z',
        source: 'coingecko',
        open: '94194.5',
        high: '95301',
        low: '93820.12',
        close: '94207.77',
        volume: '30334935517',
        observations: 288,
      },
      {
        start: '2025-04-29T00:00:00.000Z',
        source: 'coinpaprika',
        open: '94190',
        high: '95288.4',
        low: '93811',
        close: '94194.5',
        volume: '29811020044',
        observations: 96,
      },
      {
        start: '2025-05-01T00:00:00.000Z',
        source: 'coingecko',
        open: '94600',
        high: '96950.02',
        low: '94421',
        close: '96518',
        volume: '31002017112',
        observations: 288,
      },
    ],
    consensus: [
      { start: '2025-04-29T00:00:00.000Z', close: '94201.135' },
      { start: '2025-05-01T00:00:00.000Z', close: '96518' },
    ],
  },
  metadata: {
    request_id: '5f0c6c1e-8a43-4c1e-9a7e-2b1f6a3c9d10',
    api_latency_ms: 2.1,
    gaps: [{ from: '2025-04-30T00:00:00.000Z', to: '2025-05-01T00:00:00.000Z' }],
  },
};

@ApiTags('assets')
@ApiStandardErrors()
@Controller('assets')
export class PriceHistoryController {
  constructor(
    private readonly history: PriceHistoryService,
    private readonly refs: AssetRefResolver,
  ) {}

  @Get(':id/history')
  @ApiOperation({
    operationId: 'assets_history',
    summary:
      "An asset's price history at an interval (5m, 1h, 1d): OHLC per UTC bucket and source, with a consensus close",
    description:
      'Per UTC-aligned bucket and source: open, high, low, close (exact decimal strings), volume (the ' +
      "source's rolling 24 h USD volume reported with the close: not the bucket's traded volume) and the number of " +
      'observations; plus, per bucket, the consensus close: the exact median of the closes of the sources fresh for ' +
      'the bucket (close observed within ETL_FRESHNESS_BUDGET_SECONDS of the bucket end, or of now for the current ' +
      'bucket). A bucket is returned when its start is in [from, to); buckets with no observation are absent and ' +
      'listed, merged, in metadata.gaps. 1h and 1d are read from the rollups the ETL keeps in each batch (about one ' +
      'row per bucket and source: a year of daily history reads ~365 rows per source), 5m is aggregated from the raw ' +
      'quotes. Range bounds: 5m ≤ 7 days, 1h ≤ 400 days, 1d ≤ 20 years; beyond, a 400 naming `from`. ' +
      '`source` narrows the buckets; the consensus still weighs every source. Examples: ' +
      '`/assets/{id}/history?interval=1d&from=2024-05-01T00:00:00Z&to=2025-05-01T00:00:00Z` (a year of daily BTC), ' +
      '`/assets/{id}/history?interval=1h` (the last week, hourly).',
  })
  @ApiOkResponse({ type: PriceHistoryResponseDto, example: EXAMPLE })
  @ApiStandardErrors({
    badRequest:
      "Invalid parameters (the body lists each bad field): id neither a UUID nor {source}:{source_asset_id}, unknown interval, bad date, or a range beyond the interval's bound (names `from`)",
    notFound: 'No such asset',
  })
  @ApiResponse({
    status: 308,
    description:
      'The id was absorbed by a merge (or retired by a re-key): Location is the same history of the survivor',
    headers: { Location: { schema: { type: 'string' } } },
  })
  async get(@Param() params: AssetRefParamDto, @Query() query: PriceHistoryQueryDto): Promise<PriceHistoryBody> {
    // `{source}:{source_asset_id}` (coingecko:bitcoin) names the same asset as /assets/{id} answers.
    const assetId = await this.refs.resolve(params.id);
    return this.history.get({
      assetId,
      interval: query.interval ?? '1d',
      from: query.from,
      to: query.to,
      source: query.source,
    });
  }
}
