/** The learner's local state (.kata/state.json, not committed): how many hints each kata has shown. */
import fs from 'node:fs';
import { fromRoot } from '../paths';

export interface LearnerState {
  hints: Record<string, number>;
}

const FILE = fromRoot('.kata', 'state.json');

export function readState(): LearnerState {
  try {
    const state = JSON.parse(fs.readFileSync(FILE, 'utf8')) as Partial<LearnerState>;
    return { hints: state.hints ?? {} };
  } catch {
    return { hints: {} };
  }
}

export function writeState(state: LearnerState): void {
  fs.mkdirSync(fromRoot('.kata'), { recursive: true });
  fs.writeFileSync(FILE, `${JSON.stringify(state, null, 2)}\n`);
}
