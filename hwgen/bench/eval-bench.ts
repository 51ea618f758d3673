/**
 * Accuracy benchmark: the reference network (examples/models/qcfs_fmnist_t4.onnx) through the golden model on all
 * 10 000 Fashion-MNIST test images (Debian's dataset-fashion-mnist; skipped when it is not installed), on one thread
 * and on one worker thread per core: top-1 accuracy and time. Run with `make bench`, or alone:
 * `npx tsx hwgen/bench/eval-bench.ts`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { batchModelOf, modelFromOnnx } from '../eval/eval-model.ts';
import { readEvalImages, readEvalLabels } from '../eval/eval-inputs.ts';
import { DEFAULT_BATCH_IMAGES, goldenEval } from '../eval/golden-eval.ts';
import { markdownTable } from '../util/measure.ts';
import { type Progress, silentProgress, stderrProgress } from '../util/progress.ts';
import { FASHION_MNIST_DIR, fashionMnistFiles, writeFashionMnist } from './fashion-mnist.ts';

const MODEL = join(import.meta.dirname, '..', '..', 'examples', 'models', 'qcfs_fmnist_t4.onnx');
const TITLE = '### Accuracy: the reference network on the Fashion-MNIST test set (golden model)';

export async function evalBench(progress: Progress = silentProgress): Promise<string> {
  if (!existsSync(fashionMnistFiles(FASHION_MNIST_DIR, 'test').images)) return `${TITLE}\n\nskipped: ${FASHION_MNIST_DIR} not found (apt-get install dataset-fashion-mnist)`;
  const dir = await mkdtemp(join(tmpdir(), 'hwgen-eval-bench-'));
  try {
    const files = await writeFashionMnist(join(dir, 'data'));
    const model = await modelFromOnnx(MODEL, dir);
    const images = await readEvalImages(files.images, model.imageShape, model.inLevels);
    const labels = await readEvalLabels(files.labels, images.count, files.images, model.classes);
    const rows: string[][] = [];
    for (const jobs of [...new Set([1, availableParallelism()])]) {
      const done = progress.start(`golden model on ${images.count} images, ${jobs} thread(s)`);
      const began = performance.now();
      const golden = await goldenEval(batchModelOf(model), images, labels, { batchImages: DEFAULT_BATCH_IMAGES, jobs });
      const seconds = (performance.now() - began) / 1000;
      done();
      rows.push([String(images.count), String(jobs), `${(100 * golden.correct / images.count).toFixed(2)} % (${golden.correct})`, `${seconds.toFixed(1)} s`, `${(images.count / seconds).toFixed(0)}`]);
    }
    return [TITLE, markdownTable(['images', 'threads', 'top-1 accuracy', 'time', 'images/s'], rows)].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await evalBench(stderrProgress('bench'))}\n`);
}
