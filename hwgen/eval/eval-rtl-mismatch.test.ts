/**
 * `hwgen eval --rtl` when the RTL classifies an image differently: the simulator run is replaced by the golden model
 * with image 0's logits changed (and the problem the output check would report), and the command must exit 1 and
 * still write eval.json with the disagreement.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { LayerSimResult } from '../flows/simulate.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import { runCli } from '../cli/cli-harness.ts';
import { tinyWorkspace } from './test-fixtures.ts';

vi.mock('../flows/simulate.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../flows/simulate.ts')>();
  const { runGolden } = await import('../flows/golden.ts');
  return {
    ...original,
    async *simulateWorkload(_accelerator: unknown, workload: ResolvedWorkload): AsyncGenerator<LayerSimResult> {
      for (const result of runGolden(workload)) {
        const last = result.layer.index === workload.layers.length - 1;
        const outputs = result.output.data.slice();
        // logits [2, B]: image 0's class-1 logit goes up by one, so its class changes from 0 (a tie) to 1
        const at = result.output.shape[1] ?? 0;
        if (last) outputs[at] = (outputs[at] ?? 0) + 1;
        const problems = last ? [`${result.layer.spec.name}: 1 of ${outputs.length} logits differ from the golden model`] : [];
        yield { name: result.layer.spec.name, outputs, outputShape: result.output.shape, problems, cycles: 10, predictedCycles: 10 } as unknown as LayerSimResult;
      }
    },
  };
});

describe('cli: hwgen eval, RTL classes that differ', () => {
  it('exits 1 and writes eval.json with the disagreement', async () => {
    const tiny = await tinyWorkspace();
    const out = join(tiny.dir, 'out');
    const run = await runCli('eval', tiny.manifest, '--images', tiny.images, '--labels', tiny.labels, '--rtl', '2', '--cost-images', '0', '--out', out, '--quiet');
    expect([run.code, run.stderr]).toEqual([1, `hwgen: RTL: 1 of 2 images classified differently from the golden model, 1 problem(s); see ${join(out, 'eval.json')}\n`]);
    const json = JSON.parse(await readFile(join(out, 'eval.json'), 'utf8')) as Record<string, unknown>;
    expect([json['accuracy'], json['rtlAccuracy'], json['agreement']]).toEqual([0.75, 0.5, 0.5]);
    expect(json['rtl']).toMatchObject({ images: 2, classes: [1, 0], goldenClasses: [0, 0], disagreeing: [0], checked: false, problemCount: 1 });
  });
});
