import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Observable } from 'rxjs';
import type { EtlEvent } from '../../etl/etl-events.js';

/**
 * Human-readable progress on a TTY: one line per source with records, rate, quarantined and
 * retries (cli-progress). Returns a function that stops the display.
 */
export function showProgress(events$: Observable<EtlEvent>, stream: NodeJS.WriteStream): () => void {
  const bars = new MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      format:
        ' {source} | {records} records | {rate}/s | +{inserted} ~{updated} ={unchanged} quarantined {quarantined} | retries {retries} | {status}',
    },
    Presets.shades_grey,
  );
  const lines = new Map<string, SingleBar>();
  const line = (source: string) => {
    let bar = lines.get(source);
    if (!bar) {
      bar = bars.create(1, 0, {
        source: source.padEnd(12),
        records: 0,
        rate: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        quarantined: 0,
        retries: 0,
        status: 'starting',
      });
      lines.set(source, bar);
    }
    return bar;
  };
  const subscription = events$.subscribe((event) => {
    switch (event.type) {
      case 'source_started':
        line(event.source).update({ status: 'running' });
        break;
      case 'batch_committed': {
        const t = event.totals;
        line(event.source).update({
          records: t.extracted,
          rate: Math.round(t.extracted / Math.max(event.elapsedMs / 1000, 0.001)),
          inserted: t.inserted,
          updated: t.updated,
          unchanged: t.unchanged,
          quarantined: t.quarantined,
          retries: event.retries,
        });
        break;
      }
      case 'source_finished':
        line(event.source).update(1, {
          records: event.totals.extracted,
          status: event.error ? `${event.status}: ${event.error.slice(0, 80)}` : event.status,
        });
        break;
      case 'run_started':
      case 'run_finished':
        break;
    }
  });
  return () => {
    subscription.unsubscribe();
    bars.stop();
  };
}
