import { Matches } from 'class-validator';

export const DEFAULT_FEED = 'https://cointelegraph.com/rss';

export class RssEnv {
  @Matches(/^\s*https?:\/\/\S+(\s*,\s*https?:\/\/\S+)*\s*$/, {
    message: 'RSS_FEED_URLS must be a comma-separated list of http(s) URLs',
  })
  RSS_FEED_URLS = DEFAULT_FEED;
}

export abstract class RssConfig {
  abstract readonly feedUrls: readonly string[];
}

export function toRssConfig(env: RssEnv): RssConfig {
  return {
    feedUrls: env.RSS_FEED_URLS.split(',')
      .map((u) => u.trim())
      .filter(Boolean),
  };
}
