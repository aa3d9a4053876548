import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';
import { MAX_PRICES_PER_CALL, PricesQueryDto, PricesResponseDto, type PriceItemDto } from './dto/prices.dto.js';
import { parsePriceSelection } from './price-selection.js';
import { PricesService } from './prices.service.js';

const EXAMPLE = {
  data: [
    {
      asset: { id: '3b241101-e2bb-5255-8caf-4136c566a962', symbol: 'BTC', name: 'Bitcoin' },
      consensus_price_usd: '96511.25',
      spread_pct: '0.0420',
      divergent: false,
      observed_at: '2025-05-02T00:10:25.889Z',
      sources: [
        {
          source: 'coingecko',
          price_usd: '96518.12',
          observed_at: '2025-05-02T00:10:25.889Z',
          age_seconds: 95,
          fresh: true,
        },
        {
          source: 'coinpaprika',
          price_usd: '96504.38',
          observed_at: '2025-05-02T00:09:00.000Z',
          age_seconds: 181,
          fresh: true,
        },
      ],
    },
  ],
  metadata: { not_found: ['NOPE'], request_id: '5f0c6c1e-8a43-4c1e-9a7e-2b1f6a3c9d10', api_latency_ms: 2.1 },
};

@ApiTags('prices')
@ApiStandardErrors()
@Controller('prices')
export class PricesController {
  constructor(private readonly prices: PricesService) {}

  @Get()
  @ApiOperation({
    summary: 'Latest prices of many assets in one call: consensus, per-source latest quote, spread, divergence',
    description:
      `By \`symbols\` (BTC,ETH,…) or \`asset_ids\`, at most ${MAX_PRICES_PER_CALL} per call (more is a 400 naming the field). ` +
      "Each asset: the exact median of the fresh sources' latest prices (fresh: within ETL_FRESHNESS_BUDGET_SECONDS of now), " +
      "each source's latest quote with its age, the spread and divergence flag (ETL_PRICE_DIVERGENCE_PCT), and the newest " +
      "quote's instant. A symbol several assets share returns each of them; what matches nothing is listed in " +
      '`metadata.not_found`. Reads the latest-quote state only: the cost does not grow with the history. Prices are exact ' +
      'decimal strings.',
  })
  @ApiOkResponse({ type: PricesResponseDto, description: 'One item per asset found', example: EXAMPLE })
  async latest(@Query() query: PricesQueryDto): Promise<{ data: PriceItemDto[]; metadata: { not_found: string[] } }> {
    const { items, notFound } = await this.prices.latest(parsePriceSelection(query));
    return { data: items, metadata: { not_found: notFound } };
  }
}
