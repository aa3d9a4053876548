import type { MentionMatcher } from './mention-matcher.js';

/**
 * The compiled matchers of the last few catalog versions, newest last. More than one because
 * concurrent transactions (a news batch that has just created assets, a re-link at the end of a
 * run) may each see a different version; a single slot would rebuild at every switch.
 */
export class MentionMatcherCache {
  private readonly byVersion = new Map<string, MentionMatcher>();

  constructor(private readonly capacity = 3) {}

  get(version: string): MentionMatcher | undefined {
    const matcher = this.byVersion.get(version);
    if (matcher) {
      // Most recently used goes last, so eviction drops the least recently used.
      this.byVersion.delete(version);
      this.byVersion.set(version, matcher);
    }
    return matcher;
  }

  put(version: string, matcher: MentionMatcher): void {
    this.byVersion.delete(version);
    this.byVersion.set(version, matcher);
    while (this.byVersion.size > this.capacity) this.byVersion.delete(this.byVersion.keys().next().value!);
  }

  get size(): number {
    return this.byVersion.size;
  }
}
