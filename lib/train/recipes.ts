/** The named training settings of `npm run train` and `npm run homework`. */
import type { Schedule } from './engine';

/**
 * Named sets of settings. `lecture` is the lecture's code. `cosine` reaches 99 % within 10 epochs:
 * a larger rate with more momentum learns faster, the cosine schedule lowers the rate smoothly so
 * the last epochs settle into a minimum instead of bouncing around it, and a little weight decay
 * keeps the weights small, which generalises better (measured in PyTorch 1.13, seeds 1 and 2, 10
 * epochs: 99.05 / 99.06 % without weight decay, 99.34 / 99.22 % with 5e-4; the lecture's recipe
 * 98.77 %).
 */
export const RECIPES = {
  lecture: { lr: 0.01, momentum: 0.5, weightDecay: 0, batch: 64, schedule: 'none', epochs: 10, about: "the lecture's: SGD lr 0.01, momentum 0.5, batch 64, constant rate" },
  cosine: {
    lr: 0.05,
    momentum: 0.9,
    weightDecay: 5e-4,
    batch: 64,
    schedule: 'cosine',
    epochs: 10,
    about: 'SGD lr 0.05, momentum 0.9, weight decay 5e-4, batch 64, cosine schedule over the run (per epoch, as CosineAnnealingLR)',
  },
} as const satisfies Record<string, { lr: number; momentum: number; weightDecay: number; batch: number; schedule: Schedule; epochs: number; about: string }>;
export type RecipeName = keyof typeof RECIPES;
