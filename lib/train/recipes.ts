/** The named training settings of `npm run train` and `npm run homework`. */
import type { Schedule } from './engine';

/** Named sets of settings. `lecture` is the lecture's code; `cosine` reaches 99 % within 10 epochs. */
export const RECIPES = {
  lecture: { lr: 0.01, momentum: 0.5, batch: 64, schedule: 'none', epochs: 10, about: "the lecture's: SGD lr 0.01, momentum 0.5, batch 64, constant rate" },
  cosine: { lr: 0.05, momentum: 0.9, batch: 64, schedule: 'cosine', epochs: 10, about: 'SGD lr 0.05, momentum 0.9, batch 64, cosine schedule over the run (per epoch, as CosineAnnealingLR)' },
} as const satisfies Record<string, { lr: number; momentum: number; batch: number; schedule: Schedule; epochs: number; about: string }>;
export type RecipeName = keyof typeof RECIPES;
