/**
 * Golden-model throughput: ANN path MACs per second and SNN path events per second on zoo layers,
 * plus the .npy codec and the synthetic generators. Run with `make bench`.
 */
import { annLayer } from '../golden/ann.ts';
import { snnColumn } from '../golden/snn.ts';
import { decodeNpy, encodeNpy } from '../tensor/npy.ts';
import { syntheticLevels } from '../workload/synthetic.ts';
import { formatRate, markdownTable, perSecond, timeBest } from '../util/measure.ts';
import { zooGemmLayer } from '../zoo/zoo-gemm.ts';

const LAYERS: readonly [string, string][] = [
  ['vgg16', 'conv3_2'],
  ['resnet34', 'layer3.0.conv1'],
  ['bert-base', 'enc0.ffn1'],
  ['vgg16', 'fc7'],
];

export async function goldenBench(): Promise<string> {
  const rows: string[][] = [];
  for (const [network, name] of LAYERS) {
    const layer = await zooGemmLayer(network, name);
    const ann = timeBest(3, () => annLayer(layer));
    const columns = Math.min(layer.N, 16);
    let events = 0;
    const snn = timeBest(1, () => {
      for (let n = 0; n < columns; n++) events += snnColumn(layer, n).additions;
    });
    rows.push([`${network} ${name}`, `${layer.M}×${layer.K}×${layer.N}`, formatRate(perSecond(layer.M * layer.K * layer.N, ann), 'MAC'), formatRate(perSecond(events, snn), 'add')]);
  }
  const levels = syntheticLevels({ shape: [64, 224, 224], density: 0.56, pattern: 'clustered', values: 'skewed', seed: 1 }, 15);
  const bytes = levels.data.length;
  const generate = timeBest(3, () => syntheticLevels({ shape: [64, 224, 224], density: 0.56, pattern: 'clustered', values: 'skewed', seed: 1 }, 15));
  const encoded = encodeNpy(levels);
  const encode = timeBest(5, () => encodeNpy(levels));
  const decode = timeBest(5, () => decodeNpy(encoded, 'bench.npy'));
  const support = [
    ['synthetic clustered levels [64,224,224]', formatRate(perSecond(bytes, generate), 'B')],
    ['.npy encode (3.2 MB)', formatRate(perSecond(bytes, encode), 'B')],
    ['.npy decode (3.2 MB)', formatRate(perSecond(bytes, decode), 'B')],
  ];
  return [
    '### Golden model',
    markdownTable(['layer', 'M×K×N', 'ANN path', 'SNN path (event by event, 16 columns)'], rows),
    '',
    markdownTable(['data plumbing', 'throughput'], support),
  ].join('\n');
}
