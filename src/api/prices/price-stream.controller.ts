import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';
import { InvalidInputException } from '../../common/http/validation.js';
import { MAX_PRICES_PER_CALL, PricesQueryDto } from './dto/prices.dto.js';
import { parsePriceSelection } from './price-selection.js';
import { PriceStreamService } from './price-stream.service.js';

const EXAMPLE = `: connected

id: 1042
event: price
data: {"asset_id":"3b241101-e2bb-5255-8caf-4136c566a962","symbol":"BTC","consensus_price_usd":"96511.25","sources":[{"source":"coingecko","price_usd":"96518.12","observed_at":"2025-05-02T00:10:25.889Z","age_seconds":1,"fresh":true}],"observed_at":"2025-05-02T00:10:25.889Z"}

: ping
`;

@ApiTags('prices')
@ApiStandardErrors()
@Controller('stream')
export class PriceStreamController {
  constructor(private readonly stream: PriceStreamService) {}

  @Get('prices')
  @ApiOperation({
    summary: 'Live consensus prices (Server-Sent Events)',
    description:
      `Subscribe by \`symbols\` or \`asset_ids\` (at most ${MAX_PRICES_PER_CALL}, as GET /prices). After each committed ETL batch, ` +
      'one `event: price` per asset whose consensus moved, `id:` a monotonic event id, `data:` JSON ' +
      '`{ asset_id, symbol, consensus_price_usd, sources, observed_at }`; a `: ping` comment every PRICE_STREAM_HEARTBEAT_MS ' +
      '(15 s). Events come from any replica or CLI that commits a batch (PostgreSQL LISTEN/NOTIFY: never for a batch that ' +
      'rolled back). Reconnecting with the Last-Event-ID header replays the events after it that are still kept ' +
      '(PRICE_EVENTS_RETENTION_SECONDS). A client that does not read is dropped. Throttled like every route (one request ' +
      'per connection). Example: `curl -N "http://localhost:8000/stream/prices?symbols=BTC,ETH"`.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Replay the kept events after this id first',
    example: '1041',
  })
  @ApiOkResponse({
    description: 'An open event stream (text/event-stream)',
    content: { 'text/event-stream': { schema: { type: 'string', example: EXAMPLE } } },
  })
  async prices(
    @Query() query: PricesQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const selection = parsePriceSelection(query);
    const last = lastEventId?.trim();
    if (last !== undefined && last !== '' && !/^\d{1,19}$/.test(last)) {
      throw new InvalidInputException([
        { field: 'Last-Event-ID', message: 'Last-Event-ID must be an event id (digits)' },
      ]);
    }
    await this.stream.open({ selection, lastEventId: last || undefined, reply });
  }
}
