import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { SecretEnv } from '@kasparro/etl-plugin-sdk';

export const COINGECKO_PUBLIC_URL = 'https://api.coingecko.com/api/v3';
export const COINGECKO_PRO_URL = 'https://pro-api.coingecko.com/api/v3';

export class CoinGeckoEnv {
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'COINGECKO_BASE_URL must be an http(s) URL' })
  COINGECKO_BASE_URL?: string;

  @SecretEnv()
  @IsOptional()
  @IsString()
  COINGECKO_API_KEY?: string;

  @IsIn(['demo', 'pro'])
  COINGECKO_API_TIER: 'demo' | 'pro' = 'demo';

  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  COINGECKO_MAX_PAGES = 4;
}

export abstract class CoinGeckoConfig {
  abstract readonly baseUrl: string;
  abstract readonly apiKey: string | undefined;
  abstract readonly tier: 'demo' | 'pro';
  abstract readonly maxPages: number;
}

export function toCoinGeckoConfig(env: CoinGeckoEnv): CoinGeckoConfig {
  return {
    baseUrl: (
      env.COINGECKO_BASE_URL ?? (env.COINGECKO_API_TIER === 'pro' ? COINGECKO_PRO_URL : COINGECKO_PUBLIC_URL)
    ).replace(/\/+$/, ''),
    apiKey: env.COINGECKO_API_KEY,
    tier: env.COINGECKO_API_TIER,
    maxPages: env.COINGECKO_MAX_PAGES,
  };
}
