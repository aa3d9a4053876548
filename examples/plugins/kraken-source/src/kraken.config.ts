import { IsOptional, Matches } from 'class-validator';

/** Injection token of the validated {@link KrakenEnv}. */
export const KRAKEN_CONFIG = Symbol('KRAKEN_CONFIG');

/** The plugin's own environment variables, validated at boot by `loadSourceConfig`. */
export class KrakenEnv {
  /** Kraken's REST API root; tests and demos point it at a loopback fixture server. */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'KRAKEN_BASE_URL must be an http(s) URL' })
  KRAKEN_BASE_URL = 'https://api.kraken.com';

  /** Kraken pair names to read (comma-separated); unset reads every pair the endpoint returns. */
  @IsOptional()
  @Matches(/^\s*[A-Z0-9.]+(\s*,\s*[A-Z0-9.]+)*\s*$/, {
    message: 'KRAKEN_PAIRS must be comma-separated Kraken pair names (e.g. XXBTZUSD,XETHZUSD,SOLUSD)',
  })
  KRAKEN_PAIRS?: string;
}
