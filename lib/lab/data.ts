/**
 * What the lab page is given to work with (Node side): the weight sets it may choose from and the
 * MNIST test images it times a batch on, as a config the page fetches and the files it may read.
 *
 * Weights are any fixture (lib/fixtures.ts format) that holds the MNIST net's six parameters under
 * PyTorch's names, possibly behind a common prefix (`weights.conv1.weight`): the reference weights
 * in test/fixtures/, weights saved by `npm run train` (in .kata/weights/, or any file named with
 * `--weights`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Target } from '../curriculum';
import { MNIST_FILES, mnistDir } from '../mnist/node';
import { ROOT, fromRoot } from '../paths';
import type { LabConfig, WeightSet } from './state';

export type { LabConfig, WeightSet };

export const PARAM_NAMES = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias'] as const;

/** The reference weights the lab always offers (PyTorch's, kata 12's fixture). */
export const REFERENCE_WEIGHTS = 'test/fixtures/mnist-net.json';

/** Folders searched for weights saved by `npm run train`. */
export const TRAINED_WEIGHTS_DIRS = ['.kata/weights'];

/** The number of test images the page times a batch on. */
export const BATCH_SIZE = 256;

interface Manifest {
  format?: string;
  data?: { file?: string };
  tensors?: { name?: string }[];
  provenance?: Record<string, unknown>;
}

/** The prefix under which a manifest holds all six parameters, or undefined. */
export function paramPrefix(manifest: Manifest): string | undefined {
  const names = (manifest.tensors ?? []).map((t) => String(t.name));
  for (const name of names) {
    if (!name.endsWith('conv1.weight')) continue;
    const prefix = name.slice(0, -'conv1.weight'.length);
    if (PARAM_NAMES.every((p) => names.includes(prefix + p))) return prefix;
  }
  return undefined;
}

function provenanceNote(provenance: Record<string, unknown> | undefined): string | undefined {
  if (!provenance) return undefined;
  // The reference fixture keeps how the weights were made under `weights`; a trained file may keep it at the top.
  const p = (typeof provenance.weights === 'object' && provenance.weights !== null ? provenance.weights : provenance) as Record<string, unknown>;
  const parts: string[] = [];
  const pick = (key: string) => (typeof p[key] === 'string' || typeof p[key] === 'number' ? String(p[key]) : undefined);
  const by = pick('framework') ?? pick('trainedBy') ?? pick('tool');
  if (by) parts.push(`trained by ${by}`);
  const epoch = pick('epoch') ?? pick('epochs');
  if (epoch) parts.push(`${epoch} epochs`);
  const acc = p.accuracy ?? p.testAccuracy;
  if (typeof acc === 'number') parts.push(`test accuracy ${(acc <= 1 ? acc * 100 : acc).toFixed(2)} %`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** A weight set from a manifest path, or undefined (with the reason) when it is not usable. */
export function weightSet(manifestPath: string): { set?: WeightSet; why?: string; file?: string } {
  const abs = path.resolve(ROOT, manifestPath);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(abs, 'utf8')) as Manifest;
  } catch (error) {
    return { why: `cannot read ${manifestPath}: ${(error as Error).message}` };
  }
  const prefix = paramPrefix(manifest);
  if (prefix === undefined) return { why: `${manifestPath} does not hold the six MNIST net parameters (${PARAM_NAMES.join(', ')})` };
  const dataFile = path.resolve(path.dirname(abs), String(manifest.data?.file ?? ''));
  if (!fs.existsSync(dataFile)) return { why: `${manifestPath} names ${manifest.data?.file}, which does not exist` };
  const label = path.relative(ROOT, abs);
  return {
    set: { id: label, label, manifest: label, data: path.relative(ROOT, dataFile), prefix, note: provenanceNote(manifest.provenance) },
    file: dataFile,
  };
}

function manifestsIn(dir: string): string[] {
  const abs = fromRoot(dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The MNIST test set's IDX files (lib/mnist/node's folder; the page parses and checks them with lib/mnist/idx). */
function mnistTestFiles(): { images: string; labels: string } | undefined {
  try {
    const dir = mnistDir();
    const images = path.join(dir, MNIST_FILES.test.images.file);
    const labels = path.join(dir, MNIST_FILES.test.labels.file);
    return fs.existsSync(images) && fs.existsSync(labels) ? { images, labels } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page's config and the only files the server will hand out (URL name → absolute path).
 * `extra` are manifests named on the command line; they come first.
 */
export function labConfig(target: Target, extra: readonly string[]): { config: LabConfig; files: Map<string, string>; skipped: string[] } {
  const files = new Map<string, string>();
  const skipped: string[] = [];
  const weights: WeightSet[] = [];
  // The reference weights, not every fixture: test/fixtures/ also holds fixtures of other katas whose
  // tensors carry the same names (kata 15's weights after 3 training steps, for one).
  const candidates = [...extra, ...TRAINED_WEIGHTS_DIRS.flatMap(manifestsIn), REFERENCE_WEIGHTS];
  for (const m of candidates) {
    const { set, why, file } = weightSet(m);
    if (!set) {
      // Files named on the command line must work; the folders may hold other fixtures.
      if (extra.includes(m)) throw new Error(`lab: --weights ${why}`);
      // test/fixtures/ holds other fixtures too; a file in a trained-weights folder is worth a word.
      if (!m.startsWith('test/fixtures/')) skipped.push(why!);
      continue;
    }
    if (weights.some((w) => w.id === set.id)) continue;
    weights.push(set);
    files.set(set.manifest, path.resolve(ROOT, set.manifest));
    files.set(set.data, file!);
  }
  // Reference weights first (the known-good baseline), then trained ones, unless named explicitly.
  if (extra.length === 0) weights.sort((a, b) => Number(!a.label.startsWith('test/fixtures/')) - Number(!b.label.startsWith('test/fixtures/')));
  const mnist = mnistTestFiles();
  let batch: LabConfig['batch'] = null;
  if (mnist) {
    batch = { images: `mnist/${MNIST_FILES.test.images.file}`, labels: `mnist/${MNIST_FILES.test.labels.file}`, count: BATCH_SIZE };
    files.set(batch.images, mnist.images);
    files.set(batch.labels, mnist.labels);
  }
  return { config: { target, weights, batch }, files, skipped };
}
