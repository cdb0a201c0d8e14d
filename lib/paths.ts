import path from 'node:path';

/** The repository root (lib/ lives directly under it). */
export const ROOT = path.resolve(__dirname, '..');

/** An absolute path from a path relative to the repository root. */
export const fromRoot = (...parts: string[]): string => path.join(ROOT, ...parts);
