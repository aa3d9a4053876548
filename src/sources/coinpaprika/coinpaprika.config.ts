import { IsOptional, IsString, Matches } from 'class-validator';
import { SecretEnv } from '@kasparro/etl-plugin-sdk';

export const COINPAPRIKA_FREE_URL = 'https://api.coinpaprika.com/v1';
export const COINPAPRIKA_PRO_URL = 'https://api-pro.coinpaprika.com/v1';

export class CoinPaprikaEnv {
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'COINPAPRIKA_BASE_URL must be an http(s) URL' })
  COINPAPRIKA_BASE_URL?: string;

  @SecretEnv()
  @IsOptional()
  @IsString()
  COINPAPRIKA_API_KEY?: string;
}

export abstract class CoinPaprikaConfig {
  abstract readonly baseUrl: string;
  abstract readonly apiKey: string | undefined;
}

/** A key switches the default host to the pro API. */
export function toCoinPaprikaConfig(env: CoinPaprikaEnv): CoinPaprikaConfig {
  return {
    baseUrl: (
      env.COINPAPRIKA_BASE_URL ?? (env.COINPAPRIKA_API_KEY ? COINPAPRIKA_PRO_URL : COINPAPRIKA_FREE_URL)
    ).replace(/\/+$/, ''),
    apiKey: env.COINPAPRIKA_API_KEY,
  };
}
