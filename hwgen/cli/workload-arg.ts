/**
 * A WORKLOAD argument names a manifest file, a model-zoo network (`vgg16`, or `zoo:vgg16`), or the built-in
 * synthetic demo workload (`demo`: a small CNN on synthetic data, hwgen/workload/demo-workload.ts; `hwgen demo`
 * itself runs the reference Fashion-MNIST network).
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { type LoadedManifest, loadManifestFile } from '../workload/load-manifest.ts';
import { manifestSchema } from '../workload/manifest-schema.ts';
import { parseOrThrow } from '../util/zod-issues.ts';
import { ZOO, findZooEntry } from '../zoo/index.ts';
import { demoWorkload } from '../workload/demo-workload.ts';

const DEMO_ARG = 'demo';

export interface WorkloadArgOptions {
  /** Comma-separated layer names to keep; `*` in a name matches any run of characters (`conv*`). */
  readonly layers?: string | undefined;
}

function zooWorkload(name: string): LoadedManifest {
  const entry = findZooEntry(name);
  const file = `zoo:${name}`;
  if (entry === undefined) throw new InputError(file, '', `no such zoo workload (known: ${ZOO.map((e) => e.name).join(', ')})`);
  return { manifest: parseOrThrow(manifestSchema, entry.build(), file), file, baseDir: '.' };
}

/** A `--layers` item as a matcher: `*` stands for any run of characters, everything else is literal. */
function layerMatcher(item: string): RegExp {
  const literal = item.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`);
}

function selectLayers(loaded: LoadedManifest, names: string): LoadedManifest {
  const wanted = names.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const { layers } = loaded.manifest;
  const matchers = wanted.map((item) => ({ item, matcher: layerMatcher(item) }));
  for (const { item, matcher } of matchers) {
    if (!layers.some((layer) => matcher.test(layer.name))) throw new InputError(loaded.file, 'layers', `--layers names "${item}", which the workload does not have`);
  }
  const kept = layers.filter((layer) => matchers.some(({ matcher }) => matcher.test(layer.name)));
  const chained = kept.find((layer) => layer.input === undefined);
  if (chained !== undefined) {
    throw new InputError(loaded.file, `layers[${layers.indexOf(chained)}].input`, `--layers keeps "${chained.name}", which takes the previous layer's output: run the whole chain`);
  }
  return { ...loaded, manifest: { ...loaded.manifest, layers: kept } };
}

/**
 * A bare word that is neither a file nor a zoo network (`vgg19`): most likely a mistyped zoo name rather than a
 * missing manifest, so the answer lists the zoo instead of saying "file not found".
 */
function looksLikeAName(arg: string): boolean {
  return !existsSync(arg) && !arg.startsWith('zoo:') && findZooEntry(arg) === undefined && /^[A-Za-z0-9_-]+$/.test(arg);
}

export async function loadWorkloadArg(arg: string, options: WorkloadArgOptions = {}): Promise<LoadedManifest> {
  if (arg === DEMO_ARG && !existsSync(arg)) {
    const demo = { manifest: parseOrThrow(manifestSchema, demoWorkload(), 'demo workload'), file: 'demo workload', baseDir: '.' };
    return options.layers === undefined ? demo : selectLayers(demo, options.layers);
  }
  if (looksLikeAName(arg)) throw new InputError(arg, '', `no such file, zoo network or demo (the zoo: ${ZOO.map((e) => e.name).join(', ')}; hwgen zoo lists them)`);
  const zooName = arg.startsWith('zoo:') ? arg.slice(4) : !existsSync(arg) && findZooEntry(arg) !== undefined ? arg : undefined;
  const loaded = zooName === undefined ? await loadManifestFile(arg) : zooWorkload(zooName);
  return options.layers === undefined ? loaded : selectLayers(loaded, options.layers);
}
