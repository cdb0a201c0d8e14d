/**
 * Loaded before every kata suite (vitest `setupFiles`): the tensor matcher, the per-test
 * watchdog (KATA_TEST_TIMEOUT_MS, default 10 s), and a quiet tfjs.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import './matchers';
import { startWatchdog } from './watchdog';

const limitMs = Number(process.env.KATA_TEST_TIMEOUT_MS ?? 10_000);
const watchdog = startWatchdog(limitMs, process.env.KATA_HANG_DIR);

beforeEach(() => {
  const state = expect.getState();
  watchdog.start(state.testPath ?? '', state.currentTestName ?? '');
});
afterEach(() => watchdog.stop());
