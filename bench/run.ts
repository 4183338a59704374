import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchDecode } from './items/decode';
import { benchReceiver } from './items/receiver';
import { benchResponsiveness } from './items/responsiveness';
import { benchStore } from './items/store';
import { benchHeavySessions, benchLongHistory } from './items/history';
import { benchVisible } from './items/visible';
import { benchWaterfall } from './items/waterfall';
import { benchNormalization } from './items/normalization';
import { benchDiff } from './items/diff';
import { benchForwarding } from './items/forwarding';
import { machineInfo, markdownTable, textTable, writeResults, type BenchSection } from './support/report';

// `npm run bench` — every figure is compared with a baseline measured in the same run.
// Options: --only=decode,receiver,… (item names below), --quick (short runs for trying the harness),
// --markdown (also print the table as Markdown for the README).

const ITEMS: Record<string, (quick: boolean) => Promise<BenchSection | BenchSection[]>> = {
  decode: benchDecode,
  receiver: benchReceiver,
  responsiveness: benchResponsiveness,
  store: benchStore,
  visible: benchVisible,
  waterfall: benchWaterfall,
  normalization: benchNormalization,
  diff: benchDiff,
  'long-history': benchLongHistory,
  'heavy-sessions': benchHeavySessions,
  forwarding: benchForwarding,
};

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!arg) return undefined;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '';
}

async function main(): Promise<void> {
  const quick = option('quick') !== undefined || process.env.BENCH_QUICK === '1';
  const only = option('only')?.split(',').filter(Boolean);
  const unknown = only?.filter((name) => !(name in ITEMS)) ?? [];
  if (unknown.length) throw new Error(`unknown item(s) ${unknown.join(', ')}; choose from ${Object.keys(ITEMS).join(', ')}`);
  const machine = machineInfo();
  console.log(
    `Loupe benchmarks on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, load average ${machine.loadAtStart}${quick ? ' — quick run' : ''}`,
  );

  const sections: BenchSection[] = [];
  for (const [name, bench] of Object.entries(ITEMS)) {
    if (only && !only.includes(name)) continue;
    const started = Date.now();
    console.log(`\n▶ ${name} (load average ${loadavg()[0].toFixed(2)})`);
    try {
      const result = await bench(quick);
      for (const section of Array.isArray(result) ? result : [result]) {
        sections.push(section);
        console.log(textTable([section]));
      }
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(message);
      sections.push({
        title: name,
        rows: [{ measure: 'run', value: message.split('\n')[0], status: 'failed' }],
        figures: { error: message },
      });
    }
    console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }

  machine.loadAtEnd = Number(loadavg()[0].toFixed(2));
  console.log(`\n${'═'.repeat(100)}\nResults (load average ${machine.loadAtStart} at start, ${machine.loadAtEnd} at end)\n`);
  console.log(textTable(sections));
  const markdown = markdownTable(sections);
  if (option('markdown') !== undefined) console.log(`\n${markdown}`);
  const path = join(__dirname, 'results.json');
  writeResults(path, { date: new Date().toISOString(), quick, machine, sections, markdown });
  console.log(`\nWritten ${path}`);
  const missed = sections.flatMap((s) => s.rows).filter((r) => r.status === 'missed' || r.status === 'failed').length;
  console.log(`${missed === 0 ? 'Every target met.' : `${missed} target(s) missed or not measured.`}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
