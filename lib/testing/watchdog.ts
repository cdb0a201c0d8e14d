/**
 * A per-test time limit that also stops synchronous infinite loops.
 *
 * Vitest's own timeout cannot interrupt a test that never yields (`while (true) {}` in a
 * learner's loop). This watchdog runs in a worker thread, which keeps its own event loop while
 * the test's thread is stuck. When a test outlives the limit, it pauses the stuck thread through
 * the inspector (`Session.connectToMainThread`, `Debugger.pause`) to see where the loop is, prints
 * which test hung and which kata's code the loop is in (when that is an earlier kata, e.g. the
 * learner's kata 01 `conv2d` called by kata 02's `conv2d`, it says so), writes a record for the
 * grader (when KATA_HANG_DIR is set), and ends the test process. Vitest then reports that test
 * file as crashed and carries on with the other files.
 */
import { Worker } from 'node:worker_threads';

/** Where the stopped loop was: the innermost frame in a kata's file, if any. */
export interface LoopLocation {
  /** e.g. `01-single-channel` */
  kata: string;
  /** e.g. `katas/01-single-channel/index.ts` */
  file: string;
  /** 1-based line in the file as run (TypeScript with its types removed: usually the source line) */
  line: number;
  /** the function the loop is in, e.g. `conv2d` ('' for top-level code) */
  function: string;
}

/** What the watchdog writes to KATA_HANG_DIR/<pid>.json when it stops a test. */
export interface HangRecord {
  file: string;
  test: string;
  limitMs: number;
  /** Where the loop was, when the inspector could tell. */
  loop?: LoopLocation;
  /** The sentence printed for the learner. */
  message: string;
}

/** The kata a test file or source file belongs to: `02-padding` for test/02-padding.test.ts or katas/02-padding/index.ts. */
export function kataOf(file: string): string | undefined {
  const m = /(?:^|[/\\])(?:test|katas|solutions)[/\\](\d\d-[a-z0-9-]+?)(?:\.test\.ts$|[/\\])/.exec(file);
  return m?.[1];
}

/** The innermost frame that is in a kata's (or solution's) own file. */
export function loopLocation(frames: readonly { url: string; line: number; function: string }[], root: string): LoopLocation | undefined {
  for (const f of frames) {
    const file = f.url.replace(/^file:\/\//, '');
    if (!/[/\\](katas|solutions)[/\\]\d\d-/.test(file)) continue;
    const kata = kataOf(file);
    if (!kata) continue;
    const rel = file.startsWith(root) ? file.slice(root.length).replace(/^[/\\]/, '') : file;
    return { kata, file: rel, line: f.line, function: f.function };
  }
  return undefined;
}

/** The learner's sentence: which test hung, and where its loop is. */
export function hangMessage(test: string, testFile: string, limitMs: number, loop: LoopLocation | undefined): string {
  const seconds = (limitMs / 1000).toFixed(1);
  const lines = [
    `[watchdog] ${test}`,
    `[watchdog] this test ran for more than ${seconds} s and was stopped: look for a loop that never ends (a loop variable that never reaches its bound, a step of 0).`,
  ];
  if (loop) {
    const where = `${loop.file}:${loop.line}${loop.function ? ` (in ${loop.function})` : ''}`;
    const tested = kataOf(testFile);
    if (tested && tested !== loop.kata) {
      lines.push(
        `[watchdog] the loop is in kata ${loop.kata.slice(0, 2)}'s code, not kata ${tested.slice(0, 2)}'s: ${where}. ` +
          `Kata ${tested.slice(0, 2)} calls your kata ${loop.kata.slice(0, 2)}; fix it there (npm test -- ${loop.kata.slice(0, 2)}).`,
      );
    } else {
      lines.push(`[watchdog] the loop is at ${where}.`);
    }
  }
  return lines.join('\n');
}

const source = (helpers: string) => `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');
const { SourceMap } = require('node:module');
${helpers}
let timer;
let current;
parentPort.on('message', (m) => {
  clearTimeout(timer);
  current = m.test ? m : undefined;
  if (!m.test) return;
  timer = setTimeout(() => stop(m), m.limitMs);
});

/** The original position of a generated one, through the script's inline source map (vitest writes one). */
function original(script, line0, column0) {
  try {
    if (!script || !script.sourceMapURL || !script.sourceMapURL.startsWith('data:')) return undefined;
    if (!script.map) {
      const comma = script.sourceMapURL.indexOf(',');
      const meta = script.sourceMapURL.slice(0, comma);
      const body = script.sourceMapURL.slice(comma + 1);
      const json = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
      script.map = new SourceMap(JSON.parse(json));
    }
    const e = script.map.findEntry(line0, column0);
    if (!e || e.originalSource === undefined) return undefined;
    const url = script.url ? new URL(e.originalSource, script.url).href : e.originalSource;
    return { url, line: e.originalLine + 1 };
  } catch {
    return undefined;
  }
}

/** Pauses the stuck thread to read its stack (files and lines of the source); gives up after two seconds. */
function whereIsTheLoop(done) {
  let finished = false;
  const finish = (frames) => {
    if (finished) return;
    finished = true;
    done(frames);
  };
  setTimeout(() => finish([]), 2000).unref();
  try {
    const scripts = new Map();
    const session = new inspector.Session();
    session.connectToMainThread();
    session.on('Debugger.scriptParsed', ({ params }) => {
      if (params.url || params.sourceMapURL) scripts.set(params.scriptId, { url: params.url, sourceMapURL: params.sourceMapURL });
    });
    session.on('Debugger.paused', ({ params }) =>
      finish(
        params.callFrames.map((f) => {
          const script = scripts.get(f.location.scriptId);
          const mapped = original(script, f.location.lineNumber, f.location.columnNumber || 0);
          return mapped
            ? { url: mapped.url, line: mapped.line, function: f.functionName }
            : { url: f.url || (script && script.url) || '', line: f.location.lineNumber + 1, function: f.functionName };
        }),
      ),
    );
    session.post('Debugger.enable', () => session.post('Debugger.pause'));
  } catch {
    finish([]);
  }
}

function stop(m) {
  whereIsTheLoop((frames) => {
    if (current !== m) return; // the test ended while we looked
    const loop = loopLocation(frames, workerData.root);
    const message = hangMessage(m.test, m.file, m.limitMs, loop);
    fs.writeSync(2, '\\n' + message + '\\n');
    if (workerData.hangDir) {
      fs.mkdirSync(workerData.hangDir, { recursive: true });
      fs.writeFileSync(path.join(workerData.hangDir, process.pid + '.json'),
        JSON.stringify({ file: m.file, test: m.test, limitMs: m.limitMs, loop, message }));
    }
    process.kill(process.pid, 'SIGKILL');
  });
}
`;

export interface Watchdog {
  start(file: string, test: string): void;
  stop(): void;
}

export function startWatchdog(limitMs: number, hangDir: string | undefined, root = process.cwd()): Watchdog {
  const helpers = [kataOf, loopLocation, hangMessage].map((f) => f.toString()).join('\n');
  const worker = new Worker(source(helpers), { eval: true, workerData: { hangDir, root } });
  worker.on('error', (e) => process.stderr.write(`[watchdog] stopped working (${e.message}); an endless loop will now hang its test file\n`));
  worker.unref();
  return {
    start: (file, test) => worker.postMessage({ file, test, limitMs }),
    stop: () => worker.postMessage({}),
  };
}
