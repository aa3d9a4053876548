import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { mapTimeSliced } from '../common/async/time-sliced.js';
import { MentionMatcherCache } from './mention-matcher-cache.js';
import { MentionMatcher } from './mention-matcher.js';
import { NewsMentionsRepository, type NewsMentionRow, type NewsToLink } from './news-mentions.repository.js';

// Matching is CPU-bound: hand the event loop back at least this often (HTTP, probes, other batches).
const SLICE_MS = 5;
const RELINK_LIMIT = 5000;

/** Links news items to the assets they mention (see mention-matcher.ts for the rules). */
@Injectable()
export class NewsLinker {
  private readonly matchers = new MentionMatcherCache();

  constructor(private readonly mentions: NewsMentionsRepository) {}

  /**
   * Re-links the news of the last `days` days: assets created after an article was stored (e.g. on
   * the first run, when the news source finished before the market sources) get their mentions.
   */
  async relinkRecent(days = 7): Promise<number> {
    return this.mentions.transaction(async (manager) => {
      const items = await this.mentions.listRecentNews(manager, { days, limit: RELINK_LIMIT });
      return this.link(manager, items);
    });
  }

  /** Replaces the links of the given items; set-based. Returns the number of mention rows written. */
  async link(manager: EntityManager, items: NewsToLink[]): Promise<number> {
    if (items.length === 0) return 0;
    const matcher = await this.matcherFor(manager);
    const perItem = await mapTimeSliced(
      items,
      (item) =>
        matcher
          .find(`${item.title}\n${item.summary ?? ''}`, item.categories)
          .map((m): NewsMentionRow => ({ newsId: item.newsId, ...m })),
      { sliceMs: SLICE_MS },
    );
    const rows = perItem.flat();
    await this.mentions.replaceMentions(
      manager,
      items.map((i) => i.newsId),
      rows,
    );
    return rows.length;
  }

  /**
   * The matcher for the catalog this transaction sees: one cheap version read per call, and a
   * dictionary read and build only when the catalog has changed (or is new to this process).
   */
  private async matcherFor(manager: EntityManager): Promise<MentionMatcher> {
    const cached = this.matchers.get(await this.mentions.catalogVersion(manager));
    if (cached) return cached;
    const { version, assets } = await this.mentions.loadDictionary(manager);
    const matcher = new MentionMatcher(assets);
    this.matchers.put(version, matcher);
    return matcher;
  }
}
