import { parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('should parse run with repeated and comma-separated sources', () => {
    expect(parseCliArgs(['run', '--source', 'csv', '-s', 'rss,coingecko'], true)).toEqual({
      command: 'run',
      sources: ['csv', 'rss', 'coingecko'],
      json: false,
    });
  });

  it('should default to JSON output when stdout is not a TTY', () => {
    expect(parseCliArgs(['run'], false)).toEqual({ command: 'run', sources: [], json: true });
    expect(parseCliArgs(['status'], false)).toEqual({ command: 'status', json: true });
  });

  it('should reject unknown commands and options with the usage', () => {
    expect(() => parseCliArgs(['launch'], true)).toThrow(/unknown command "launch"[\s\S]*Usage/);
    expect(() => parseCliArgs(['run', '--force'], true)).toThrow(/Unknown option '--force'/);
    expect(() => parseCliArgs(['status', '--source', 'csv'], true)).toThrow(/only valid with "run"/);
    expect(() => parseCliArgs(['recount', '-s', 'csv', '-s', 'rss'], true)).toThrow(
      /"recount" takes at most one --source/,
    );
  });

  it('should show help with no command', () => {
    expect(parseCliArgs([], true)).toEqual({ command: 'help' });
  });

  it.each([
    [['reset', '--source', 'coingecko'], { command: 'reset', source: 'coingecko', streams: [], json: true }],
    [
      ['reset', '-s', 'csv', '--stream', 'quotes'],
      { command: 'reset', source: 'csv', streams: ['quotes'], json: true },
    ],
    [['replay', '--source', 'csv'], { command: 'replay', source: 'csv', json: true }],
    [['cancel', '42'], { command: 'cancel', runId: '42', json: true }],
    [
      [
        'backfill',
        '-s',
        'coingecko',
        '--asset',
        'bitcoin',
        '--asset',
        'ethereum',
        '--from',
        '2025-01-01',
        '--to',
        '2025-02-01',
      ],
      {
        command: 'backfill',
        source: 'coingecko',
        assets: ['bitcoin', 'ethereum'],
        from: '2025-01-01',
        to: '2025-02-01',
        json: true,
      },
    ],
    [['recount'], { command: 'recount', source: undefined, json: true }],
    [['recount', '-s', 'csv'], { command: 'recount', source: 'csv', json: true }],
  ])('should parse the stream operation %j', (argv, expected) => {
    expect(parseCliArgs(argv, false)).toEqual(expected);
  });

  it.each([
    [['reset'], /needs exactly one --source/],
    [['replay', '-s', 'csv,rss'], /needs exactly one --source/],
    [['cancel'], /needs one run id/],
    [['cancel', 'abc'], /needs one run id/],
    [['run', '--stream', 'quotes'], /only valid with "reset"/],
    [['backfill', '-s', 'coingecko', '--asset', 'bitcoin', '--from', '2025-01-01'], /needs --asset, --from and --to/],
    [['run', '--asset', 'bitcoin'], /only valid with "backfill"/],
  ])('should refuse %j with the usage', (argv, message) => {
    expect(() => parseCliArgs(argv, false)).toThrow(message);
  });

  it('should parse rollups --rebuild with and without a range', () => {
    expect(parseCliArgs(['rollups', '--rebuild'], false)).toEqual({
      command: 'rollups',
      rebuild: true,
      from: undefined,
      to: undefined,
      json: true,
    });
    expect(
      parseCliArgs(['rollups', '--rebuild', '--from', '2025-01-01T00:00:00Z', '--to', '2025-02-01', '--json'], true),
    ).toEqual({
      command: 'rollups',
      rebuild: true,
      from: new Date('2025-01-01T00:00:00Z'),
      to: new Date('2025-02-01T00:00:00Z'),
      json: true,
    });
  });

  it.each([
    [['rollups'], /"rollups" needs --rebuild/],
    [['rollups', '--rebuild', '--from', 'yesterday'], /--from must be an ISO 8601 date-time/],
    [['rollups', '--rebuild', '--from', '2025-02-01', '--to', '2025-01-01'], /--from must be before --to/],
    [['rollups', '--rebuild', '-s', 'csv'], /--source is not valid with "rollups"/],
    [['run', '--rebuild'], /--rebuild is only valid with "rollups"/],
    [['status', '--from', '2025-01-01'], /only valid with "backfill" and "rollups"/],
  ])('should refuse the rollups command line %j', (argv, message) => {
    expect(() => parseCliArgs(argv, false)).toThrow(message);
  });
});
