/**
 * Every figure of the lessons, by file name under docs/figures/ (prefixed with the kata number).
 * `npm run sync` writes them and lib/test/sync.test.ts checks they are current. Each module draws
 * its kata's figures from the same numbers as its tests, with the helpers in ./svg.
 */
import { backwardFigures } from './backward';
import { convolutionFigures } from './convolution';
import { deviceFigures } from './device';
import { linearFigures } from './linear';
import { mnistFigures } from './mnist';
import { multiChannelFigures } from './multi-channel';
import { multiKernelFigures } from './multi-kernel';
import { networkFigures } from './network';
import { poolingFigures } from './pooling';
import { tensorFigures } from './tensors';
import { trainingFigures } from './training';

export function figures(): Record<string, string> {
  return {
    ...convolutionFigures(),
    ...multiChannelFigures(),
    ...multiKernelFigures(),
    ...poolingFigures(),
    ...tensorFigures(),
    ...linearFigures(),
    ...deviceFigures(),
    ...mnistFigures(),
    ...backwardFigures(),
    ...networkFigures(),
    ...trainingFigures(),
  };
}
