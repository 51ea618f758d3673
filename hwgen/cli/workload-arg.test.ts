import { describe, expect, it } from 'vitest';
import { loadWorkloadArg } from './workload-arg.ts';

const namesOf = async (arg: string, layers: string) => (await loadWorkloadArg(arg, { layers })).manifest.layers.map((layer) => layer.name);

describe('--layers', () => {
  it('keeps the named layers in the workload order, whatever the order of the names', async () => {
    expect(await namesOf('vgg16', 'fc8,conv1_1')).toEqual(['conv1_1', 'fc8']);
  });

  it('takes * as any run of characters, and everything else literally', async () => {
    expect(await namesOf('vgg16', 'conv5_*,fc*')).toEqual(['conv5_1', 'conv5_2', 'conv5_3', 'fc6', 'fc7', 'fc8']);
    expect(await namesOf('vgg16', '*_3')).toEqual(['conv3_3', 'conv4_3', 'conv5_3']);
    expect(await namesOf('resnet34', 'layer1.0.conv*')).toEqual(['layer1.0.conv1', 'layer1.0.conv2']);
    await expect(namesOf('resnet34', 'layer1?0.conv1')).rejects.toThrow('zoo:resnet34: layers: --layers names "layer1?0.conv1", which the workload does not have');
  });
});

describe('a WORKLOAD that is neither a file nor a zoo network', () => {
  it('a bare word is answered with the zoo, not "file not found"', async () => {
    await expect(loadWorkloadArg('vgg19')).rejects.toThrow('vgg19: no such file, zoo network or demo (the zoo: vgg16, resnet34, googlenet, bert-base; hwgen zoo lists them)');
  });

  it('a path stays a missing file', async () => {
    await expect(loadWorkloadArg('nets/vgg19.yaml')).rejects.toThrow(/^nets\/vgg19\.yaml: /);
    await expect(loadWorkloadArg('nets/vgg19.yaml')).rejects.not.toThrow(/zoo network/);
  });
});
