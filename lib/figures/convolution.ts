/** The figures of the lessons on convolution, padding and stride (katas 01-03). */
import { LECTURE_INPUT, LECTURE_KERNEL, LECTURE_PADDED, LECTURE_PADDED_STRIDED, LECTURE_STRIDED, LECTURE_VALID } from '../testing/lecture';
import { convFigure } from './svg';

export const convolutionFigures = (): Record<string, string> => ({
  '01-sliding-window.svg': convFigure({
    title: 'Conv2d, no padding, stride 1: the window at output [0][0]',
    input: LECTURE_INPUT,
    kernel: LECTURE_KERNEL,
    output: LECTURE_VALID,
    at: [0, 0],
  }),
  '01-sliding-window-1-2.svg': convFigure({
    title: 'The same convolution: the window at output [1][2]',
    input: LECTURE_INPUT,
    kernel: LECTURE_KERNEL,
    output: LECTURE_VALID,
    at: [1, 2],
  }),
  '02-padding.svg': convFigure({
    title: 'Padding 1: a ring of zeros keeps the 5x5 input 5x5',
    input: LECTURE_INPUT,
    kernel: LECTURE_KERNEL,
    output: LECTURE_PADDED,
    padding: 1,
    at: [0, 0],
  }),
  '03-stride.svg': convFigure({
    title: 'Stride 2: the window jumps two cells; 5x5 becomes 2x2',
    input: LECTURE_INPUT,
    kernel: LECTURE_KERNEL,
    output: LECTURE_STRIDED,
    stride: 2,
    at: [0, 1],
  }),
  '03-padding-stride.svg': convFigure({
    title: 'Padding 1 and stride 2: 5x5 becomes 3x3',
    input: LECTURE_INPUT,
    kernel: LECTURE_KERNEL,
    output: LECTURE_PADDED_STRIDED,
    padding: 1,
    stride: 2,
    at: [1, 1],
  }),
});
