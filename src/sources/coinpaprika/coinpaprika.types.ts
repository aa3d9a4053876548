/** One item of GET /v1/tickers (quotes=USD). */
export interface CoinPaprikaTicker {
  id: string;
  name: string;
  symbol: string;
  rank: number;
  circulating_supply?: number | null;
  total_supply?: number | null;
  max_supply?: number | null;
  beta_value?: number | null;
  first_data_at?: string | null;
  last_updated: string;
  quotes: {
    USD: {
      price: number;
      volume_24h?: number | null;
      market_cap?: number | null;
      percent_change_24h?: number | null;
      [key: string]: number | string | null | undefined;
    };
  };
}
