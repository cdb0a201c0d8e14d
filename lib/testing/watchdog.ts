/**
 * A per-test time limit that also stops synchronous infinite loops.
 *
 * Vitest's own timeout cannot interrupt a test that never yields (`while (true) {}` in a
 * learner's loop). This watchdog runs in a worker thread, which keeps its own event loop while
 * the test's thread is stuck: when a test outlives the limit, it prints which test hung, writes
 * a record for the grader (when KATA_HANG_DIR is set), and ends the test process. Vitest then
 * reports that test file as crashed and carries on with the other files.
 */
import { Worker } from 'node:worker_threads';

const source = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
let timer;
parentPort.on('message', (m) => {
  clearTimeout(timer);
  if (!m.test) return;
  timer = setTimeout(() => {
    const seconds = (m.limitMs / 1000).toFixed(1);
    fs.writeSync(2, '\\n[watchdog] ' + m.test + '\\n[watchdog] this test ran for more than ' + seconds +
      ' s and was stopped: look for a loop that never ends (a loop variable that never reaches its bound, a step of 0).\\n');
    if (workerData.hangDir) {
      fs.mkdirSync(workerData.hangDir, { recursive: true });
      fs.writeFileSync(path.join(workerData.hangDir, process.pid + '.json'),
        JSON.stringify({ file: m.file, test: m.test, limitMs: m.limitMs }));
    }
    process.kill(process.pid, 'SIGKILL');
  }, m.limitMs);
});
`;

export interface Watchdog {
  start(file: string, test: string): void;
  stop(): void;
}

export function startWatchdog(limitMs: number, hangDir: string | undefined): Watchdog {
  const worker = new Worker(source, { eval: true, workerData: { hangDir } });
  worker.unref();
  return {
    start: (file, test) => worker.postMessage({ file, test, limitMs }),
    stop: () => worker.postMessage({}),
  };
}
