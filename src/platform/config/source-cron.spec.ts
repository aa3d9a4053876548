import { buildAppConfig } from './app-config.js';
import { readSourceCrons, sourceCronVariable } from './source-cron.js';
import { InvalidEnvironmentError } from './validate-env.js';
import { scheduleGroups } from '../../etl/etl.scheduler.js';

describe('sourceCronVariable', () => {
  it.each([
    ['coingecko', 'COINGECKO_CRON'],
    ['coinpaprika', 'COINPAPRIKA_CRON'],
    ['csv', 'CSV_CRON'],
    ['my-feed', 'MY_FEED_CRON'],
    ['my-feed.v2', 'MY_FEED_V2_CRON'],
    ['a_b', 'A_B_CRON'],
  ])('should derive the variable of %s as %s', (id, variable) => {
    expect(sourceCronVariable(id)).toBe(variable);
  });
});

describe('readSourceCrons', () => {
  it('should keep only the sources that set a valid override, trimmed', () => {
    expect(
      readSourceCrons(['csv', 'coingecko', 'rss'], { COINGECKO_CRON: ' */15 * * * * ', RSS_CRON: '', CSV: 'x' }),
    ).toEqual({ coingecko: '*/15 * * * *' });
  });

  it('should ignore overrides of sources that are not enabled', () => {
    expect(readSourceCrons(['csv'], { COINGECKO_CRON: '61 * * * *' })).toEqual({});
  });

  it.each([
    ['61 * * * *', /COINGECKO_CRON="61 \* \* \* \*": COINGECKO_CRON is not a valid cron expression: .*out of range/],
    ['every day', /COINGECKO_CRON="every day": COINGECKO_CRON must have 5 or 6 fields/],
    ['* * * * * * *', /COINGECKO_CRON=.*must have 5 or 6 fields .*, got 7/],
    ['0 0 31 2 * x', /COINGECKO_CRON=.*not a valid cron expression/],
  ])('should fail naming the variable for %s', (value, message) => {
    expect(() => readSourceCrons(['coingecko'], { COINGECKO_CRON: value })).toThrow(InvalidEnvironmentError);
    expect(() => readSourceCrons(['coingecko'], { COINGECKO_CRON: value })).toThrow(message);
  });

  it('should list every bad variable at once', () => {
    const env = { CSV_CRON: '61 * * * *', RSS_CRON: '* 25 * * *' };
    expect(() => readSourceCrons(['csv', 'rss'], env)).toThrow(/CSV_CRON=[\s\S]*RSS_CRON=/);
  });

  it('should refuse two sources that map to the same variable', () => {
    expect(() => readSourceCrons(['my-feed', 'my_feed'], {})).toThrow(/MY_FEED_CRON: sources "my-feed" and "my_feed"/);
  });
});

describe('buildAppConfig (schedules)', () => {
  it('should validate ETL_CRON with the cron parser, naming the variable', () => {
    expect(() => buildAppConfig({ ETL_CRON: '61 * * * *' })).toThrow(
      /ETL_CRON="61 \* \* \* \*": ETL_CRON is not a valid cron expression/,
    );
    expect(() => buildAppConfig({ ETL_CRON: '* * 32 * *' })).toThrow(/ETL_CRON=/);
  });

  it('should accept 5- and 6-field expressions', () => {
    expect(buildAppConfig({ ETL_CRON: '*/5 * * * * *' }).etl.cron).toBe('*/5 * * * * *');
    expect(buildAppConfig({ ETL_CRON: '0 */6 * * *' }).etl.cron).toBe('0 */6 * * *');
  });

  it('should expose the per-source overrides of the enabled sources (none by default)', () => {
    expect(buildAppConfig({}).etl.sourceCrons).toEqual({});
    const config = buildAppConfig({ ETL_SOURCES: 'csv,coingecko', COINGECKO_CRON: '* * * * * *' });
    expect(config.etl.sourceCrons).toEqual({ coingecko: '* * * * * *' });
  });

  it('should fail boot on a bad per-source override, naming it', () => {
    expect(() => buildAppConfig({ ETL_SOURCES: 'csv,coingecko', COINGECKO_CRON: '61 * * * *' })).toThrow(
      /COINGECKO_CRON="61/,
    );
  });
});

describe('scheduleGroups', () => {
  it('should give each overridden source a job of its own and the rest the shared ETL_CRON job', () => {
    expect(scheduleGroups(['csv', 'coingecko', 'rss'], '0 */6 * * *', { coingecko: '* * * * * *' })).toEqual([
      { job: 'etl-run', cron: '0 */6 * * *', sources: ['csv', 'rss'] },
      { job: 'etl-run:coingecko', cron: '* * * * * *', sources: ['coingecko'] },
    ]);
  });

  it('should keep one shared job when nothing is overridden, and none when everything is', () => {
    expect(scheduleGroups(['csv', 'rss'], '0 * * * *', {})).toEqual([
      { job: 'etl-run', cron: '0 * * * *', sources: ['csv', 'rss'] },
    ]);
    expect(scheduleGroups(['csv'], '0 * * * *', { csv: '5 * * * *' })).toEqual([
      { job: 'etl-run:csv', cron: '5 * * * *', sources: ['csv'] },
    ]);
  });
});
