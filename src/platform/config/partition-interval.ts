/** QUOTES_PARTITION_INTERVAL's values: the width of one time partition (src/catalog/partitions). */
export const PARTITION_INTERVALS = ['month', 'week', 'day'] as const;
export type PartitionInterval = (typeof PARTITION_INTERVALS)[number];
