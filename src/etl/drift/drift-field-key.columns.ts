import { PrimaryColumn } from 'typeorm';

/**
 * The key the rename rule keeps its state under: one field of one stream of a source (baselines per
 * asset, rejected renames per candidate add to it). Not a table of its own.
 */
export abstract class DriftFieldKeyColumns {
  @PrimaryColumn('text')
  source: string;

  @PrimaryColumn('text')
  stream: string;

  @PrimaryColumn('text')
  field: string;
}
