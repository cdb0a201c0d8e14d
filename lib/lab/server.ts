/**
 * The lab's dev server: Vite serving lib/lab/page/ with the learner's code (katas/) or the reference
 * (solutions/) bundled for the browser, exactly as vitest resolves it: `@kata/NN-slug` points at the
 * chosen tree. gpu.js resolves to its browser build, so a kata's kernels run through WebGL2 on the
 * machine's own graphics card.
 *
 * The page fetches its data from /lab-data/: config.json (target, weight sets, test batch) and the
 * files named there, read from test/fixtures/ and from weights saved by `npm run train`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';
import type { Target } from '../curriculum';
import { ROOT, fromRoot } from '../paths';
import { labConfig, type LabConfig } from './data';

export interface LabServerOptions {
  target: Target;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Extra weights in the fixture format (a manifest .json next to its .bin), shown as a choice on the page. */
  weights?: readonly string[];
  /** Vite's own log level; 'silent' for tests. */
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

export interface LabServer {
  url: string;
  config: LabConfig;
  /** Manifests found but not usable as the net's weights, each with why. */
  skipped: string[];
  close(): Promise<void>;
  vite: ViteDevServer;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.f32': 'application/octet-stream',
};

/** Serves config.json and exactly the files it lists, nothing else from the disk. */
function labData(config: LabConfig, files: ReadonlyMap<string, string>): Plugin {
  return {
    name: 'cnn-katas-lab-data',
    configureServer(server) {
      server.middlewares.use('/lab-data/', (req, res) => {
        const name = decodeURIComponent((req.url ?? '').replace(/^\//, '').split('?')[0]);
        const send = (status: number, type: string, body: string | Buffer) => {
          res.statusCode = status;
          res.setHeader('Content-Type', type);
          res.setHeader('Cache-Control', 'no-store');
          res.end(body);
        };
        if (name === 'config.json') return send(200, CONTENT_TYPES['.json'], JSON.stringify(config));
        const file = files.get(name);
        if (!file) return send(404, 'text/plain', `lab: no data file named ${name}`);
        fs.readFile(file, (error, bytes) =>
          error
            ? send(500, 'text/plain', `lab: cannot read ${path.relative(ROOT, file)}: ${error.message}`)
            : send(200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', bytes),
        );
      });
    },
  };
}

export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const { createServer } = await import('vite');
  const { config, files, skipped } = labConfig(options.target, options.weights ?? []);
  const vite = await createServer({
    configFile: false,
    envDir: false,
    root: fromRoot('lib/lab/page'),
    // One cache per target: two servers (katas/ and solutions/) may run side by side.
    cacheDir: fromRoot(`node_modules/.vite/lab-${options.target}`),
    logLevel: options.logLevel ?? 'info',
    clearScreen: false,
    resolve: {
      alias: [
        { find: /^@kata\/(.*)$/, replacement: `${ROOT}/${options.target}/$1/index.ts` },
        { find: /^gpu\.js$/, replacement: require.resolve('gpu.js/dist/gpu-browser.js') },
      ],
    },
    // Pre-bundled once (CommonJS/UMD to ESM) into the cache; 'gpu.js' is the alias above.
    optimizeDeps: { include: ['gpu.js'] },
    server: {
      port: options.port ?? 5178,
      strictPort: false,
      host: options.host ?? 'localhost',
      fs: { allow: [ROOT] },
      // The learner's edits under katas/ reload the page (Vite watches what the page imports).
      hmr: true,
    },
    plugins: [labData(config, files)],
  });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0];
  if (!url) {
    await vite.close();
    throw new Error('lab: the Vite server started but reported no local address');
  }
  return { url, config, skipped, vite, close: () => vite.close() };
}
