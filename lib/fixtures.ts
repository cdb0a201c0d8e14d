/**
 * The one fixture format of the project: reference tensors stored as
 *
 *   NAME.json  a manifest: format, version, the data file's name, size and sha256, one entry per
 *              tensor (name, shape, byte offset, element count, sha256 of its bytes), and the
 *              provenance (how the numbers were made: framework versions, seeds, dates, accuracy);
 *   NAME.f32   every tensor's values, one after the other, as little-endian float32.
 *
 * `parseFixture` takes the manifest and the bytes (no file system), so a browser can use it;
 * `verifyFixture` checks the checksums with Web Crypto (browser and Node); `loadFixture` reads
 * the two files in Node and verifies every checksum before returning. `encodeFixture` makes the
 * bytes and manifest from tensors (lib/reference/mnist.ts writes the MNIST fixture with it).
 *
 * Nothing here imports a Node module at load time: Node's fs and crypto are reached through
 * process.getBuiltinModule inside the Node-only functions.
 */
import { sizeOf, type Tensor } from './tensor';

export const FIXTURE_FORMAT = 'cnn-katas-fixture';
export const FIXTURE_VERSION = 1;

export interface FixtureEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Byte offset in the data file (a multiple of 4). */
  readonly offset: number;
  /** Number of float32 values (the product of the shape). */
  readonly length: number;
  /** sha256 (hex) of this tensor's bytes. */
  readonly sha256: string;
}

export interface FixtureManifest {
  readonly format: typeof FIXTURE_FORMAT;
  readonly version: typeof FIXTURE_VERSION;
  readonly name: string;
  readonly dtype: 'float32';
  readonly endianness: 'little';
  readonly data: { readonly file: string; readonly bytes: number; readonly sha256: string };
  readonly tensors: readonly FixtureEntry[];
  readonly provenance: Readonly<Record<string, unknown>>;
}

export interface Fixture {
  readonly manifest: FixtureManifest;
  /** Tensor names in stored order. */
  readonly names: readonly string[];
  /** A fresh copy of the named tensor; with `shape`, throws unless the stored shape is exactly that. */
  get(name: string, shape?: readonly number[]): Tensor;
  has(name: string): boolean;
}

/** Thrown for any fixture that is malformed, truncated or fails a checksum; the message says which file and what. */
export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isHex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

function checkManifest(m: unknown, where: string): asserts m is FixtureManifest {
  const bad = (what: string): never => {
    throw new FixtureError(`${where}: ${what}`);
  };
  if (!isObject(m)) bad('the manifest is not a JSON object');
  const o = m as Record<string, unknown>;
  if (o.format !== FIXTURE_FORMAT) bad(`format is ${JSON.stringify(o.format)}, expected "${FIXTURE_FORMAT}"`);
  if (o.version !== FIXTURE_VERSION) bad(`version is ${JSON.stringify(o.version)}, expected ${FIXTURE_VERSION} (regenerate with npm run reference)`);
  if (o.dtype !== 'float32' || o.endianness !== 'little') bad(`dtype/endianness are ${String(o.dtype)}/${String(o.endianness)}, expected float32/little`);
  const data = o.data as Record<string, unknown>;
  if (!isObject(data) || typeof data.file !== 'string' || !isCount(data.bytes) || !isHex(data.sha256)) bad('data must be { file, bytes, sha256 }');
  if (!Array.isArray(o.tensors)) bad('tensors must be an array');
  if (!isObject(o.provenance)) bad('provenance must be an object saying how the numbers were made');
  const seen = new Set<string>();
  for (const [i, e] of (o.tensors as unknown[]).entries()) {
    if (!isObject(e) || typeof e.name !== 'string') bad(`tensors[${i}] has no name`);
    const t = e as Record<string, unknown>;
    const name = t.name as string;
    if (seen.has(name)) bad(`tensor ${name} appears twice`);
    seen.add(name);
    if (!Array.isArray(t.shape) || !t.shape.every(isCount)) bad(`${name}: shape must be an array of whole numbers`);
    if (!isCount(t.offset) || t.offset % 4 !== 0) bad(`${name}: offset must be a whole multiple of 4 bytes, got ${String(t.offset)}`);
    if (t.length !== sizeOf(t.shape as number[])) bad(`${name}: length ${String(t.length)} does not match shape ${fmt(t.shape as number[])} (${sizeOf(t.shape as number[])} values)`);
    if (!isHex(t.sha256)) bad(`${name}: sha256 must be 64 hex digits`);
    if ((t.offset as number) + 4 * (t.length as number) > (data.bytes as number)) {
      bad(`${name}: bytes ${t.offset}..${(t.offset as number) + 4 * (t.length as number)} run past the end of ${data.file as string} (${data.bytes as number} bytes)`);
    }
  }
}

function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

/**
 * A fixture from its manifest (parsed JSON or the JSON text) and the bytes of its data file.
 * Checks the structure and the data length; checksums are checked by `verifyFixture` (async,
 * Web Crypto) or `loadFixture` (Node). No file system: usable in a browser.
 */
export function parseFixture(manifest: unknown, bytes: Uint8Array | ArrayBuffer): Fixture {
  const m: unknown = typeof manifest === 'string' ? JSON.parse(manifest) : manifest;
  const where = isObject(m) && typeof m.name === 'string' ? `fixture ${m.name}` : 'fixture';
  checkManifest(m, where);
  const b = asBytes(bytes);
  if (b.length !== m.data.bytes) {
    throw new FixtureError(`${where}: ${m.data.file} has ${b.length} bytes, expected ${m.data.bytes}${b.length < m.data.bytes ? ' (truncated)' : ''}`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const byName = new Map(m.tensors.map((e) => [e.name, e]));
  return {
    manifest: m,
    names: m.tensors.map((e) => e.name),
    has: (name) => byName.has(name),
    get(name, shape) {
      const e = byName.get(name);
      if (!e) throw new FixtureError(`${where}: no tensor named ${name} (it has ${[...byName.keys()].join(', ')})`);
      if (shape && (shape.length !== e.shape.length || shape.some((n, i) => n !== e.shape[i]))) {
        throw new FixtureError(`${where}: ${name}: expected ${fmt(shape)}, got ${fmt(e.shape)}`);
      }
      const data = new Float32Array(e.length);
      for (let i = 0; i < e.length; i++) data[i] = view.getFloat32(e.offset + 4 * i, true);
      return { shape: [...e.shape], data };
    },
  };
}

const hex = (digest: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, '0')).join('');

function checkSums(m: FixtureManifest, b: Uint8Array, sha: (bytes: Uint8Array) => string): void {
  const whole = sha(b);
  if (whole !== m.data.sha256) throw new FixtureError(`fixture ${m.name}: ${m.data.file} has sha256 ${whole}, expected ${m.data.sha256} (the file was changed or damaged)`);
  for (const e of m.tensors) {
    const got = sha(b.subarray(e.offset, e.offset + 4 * e.length));
    if (got !== e.sha256) throw new FixtureError(`fixture ${m.name}: ${e.name} has sha256 ${got}, expected ${e.sha256}`);
  }
}

/** Checks every checksum of a parsed fixture with Web Crypto (browsers and Node); rejects with a FixtureError naming the part that differs. */
export async function verifyFixture(fixture: Fixture, bytes: Uint8Array | ArrayBuffer): Promise<void> {
  const b = asBytes(bytes);
  const m = fixture.manifest;
  const digest = async (x: Uint8Array) => hex(await globalThis.crypto.subtle.digest('SHA-256', x.slice()));
  const whole = await digest(b);
  if (whole !== m.data.sha256) throw new FixtureError(`fixture ${m.name}: ${m.data.file} has sha256 ${whole}, expected ${m.data.sha256} (the file was changed or damaged)`);
  for (const e of m.tensors) {
    const got = await digest(b.subarray(e.offset, e.offset + 4 * e.length));
    if (got !== e.sha256) throw new FixtureError(`fixture ${m.name}: ${e.name} has sha256 ${got}, expected ${e.sha256}`);
  }
}

/** sha256 (hex) of some bytes, by Node's crypto. Node only. */
export function sha256(bytes: Uint8Array): string {
  const crypto = process.getBuiltinModule('node:crypto');
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads NAME.json and the data file next to it (Node), checks the structure and every
 * checksum, and returns the fixture. Throws a FixtureError naming the file and what differs.
 */
export function loadFixture(manifestPath: string): Fixture {
  const fs = process.getBuiltinModule('node:fs');
  const path = process.getBuiltinModule('node:path');
  let text: string;
  try {
    text = fs.readFileSync(manifestPath, 'utf8');
  } catch (error) {
    throw new FixtureError(`cannot read fixture manifest ${manifestPath}: ${(error as Error).message} (instructors regenerate it with npm run reference)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(`${manifestPath} is not valid JSON: ${(error as Error).message}`);
  }
  checkManifest(json, manifestPath);
  const dataPath = path.join(path.dirname(manifestPath), json.data.file);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(dataPath);
  } catch (error) {
    throw new FixtureError(`cannot read fixture data ${dataPath}: ${(error as Error).message}`);
  }
  const fixture = parseFixture(json, bytes);
  checkSums(fixture.manifest, bytes, sha256);
  return fixture;
}

/** The manifest and bytes of a fixture holding `tensors` in the given order (sha256 by Node's crypto unless `hash` is given). */
export function encodeFixture(
  name: string,
  tensors: ReadonlyArray<readonly [string, Tensor]>,
  provenance: Record<string, unknown>,
  hash: (bytes: Uint8Array) => string = sha256,
): { manifest: FixtureManifest; bytes: Uint8Array } {
  const total = tensors.reduce((n, [, t]) => n + 4 * t.data.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const entries: FixtureEntry[] = [];
  let offset = 0;
  for (const [key, t] of tensors) {
    if (t.data.length !== sizeOf(t.shape)) throw new FixtureError(`${name}: ${key} has ${t.data.length} values for shape ${fmt(t.shape)}`);
    for (let i = 0; i < t.data.length; i++) view.setFloat32(offset + 4 * i, t.data[i], true);
    entries.push({ name: key, shape: [...t.shape], offset, length: t.data.length, sha256: hash(bytes.subarray(offset, offset + 4 * t.data.length)) });
    offset += 4 * t.data.length;
  }
  const manifest: FixtureManifest = {
    format: FIXTURE_FORMAT,
    version: FIXTURE_VERSION,
    name,
    dtype: 'float32',
    endianness: 'little',
    data: { file: `${name}.f32`, bytes: total, sha256: hash(bytes) },
    tensors: entries,
    provenance,
  };
  return { manifest, bytes };
}

/** Writes NAME.json and NAME.f32 into `dir` (Node). Returns the two paths. */
export function writeFixture(dir: string, fixture: { manifest: FixtureManifest; bytes: Uint8Array }): { manifest: string; data: string } {
  const fs = process.getBuiltinModule('node:fs');
  const path = process.getBuiltinModule('node:path');
  fs.mkdirSync(dir, { recursive: true });
  const data = path.join(dir, fixture.manifest.data.file);
  const manifest = path.join(dir, `${fixture.manifest.name}.json`);
  fs.writeFileSync(data, fixture.bytes);
  fs.writeFileSync(manifest, `${JSON.stringify(fixture.manifest, null, 2)}\n`);
  return { manifest, data };
}
