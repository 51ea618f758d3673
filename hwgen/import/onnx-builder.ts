/**
 * Builds small ONNX models in tests: float32/int8/int64 initializers in raw_data, nodes with int/ints/float
 * attributes, one image input. Encoded with the same schema hwgen import reads (onnx-proto.ts).
 */
import { AttributeType, DataType, type AttributeMessage, type ModelMessage, type NodeMessage, type TensorMessage, encodeModel } from './onnx-proto.ts';

export type AttributeValue = number | number[] | { float: number } | string;

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorMessage {
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

export function int8Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorMessage {
  return { name, dims, dataType: DataType.INT8, rawData: new Uint8Array(Int8Array.from(values).buffer) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): TensorMessage {
  return { name, dims, dataType: DataType.INT64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) };
}

function attribute(name: string, value: AttributeValue): AttributeMessage {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}

export function node(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, AttributeValue> = {}): NodeMessage {
  return { opType, name, input: inputs, output: outputs, attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)) };
}

/** A Constant node holding one float32 scalar. */
export function constantNode(name: string, output: string, value: number): NodeMessage {
  return { opType: 'Constant', name, input: [], output: [output], attribute: [{ name: 'value', type: AttributeType.TENSOR, t: floatTensor('', [], [value]) }] };
}

export function buildModel(options: { nodes: NodeMessage[]; initializers: TensorMessage[]; input: string; inputShape: (number | string)[]; output: string | string[]; opset?: number }): Uint8Array {
  const outputs = typeof options.output === 'string' ? [options.output] : options.output;
  const dim = options.inputShape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  const model: ModelMessage = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: options.opset ?? 13 }],
    producerName: 'hwgen test',
    graph: {
      name: 'test',
      node: options.nodes,
      initializer: options.initializers,
      input: [{ name: options.input, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } }],
      output: outputs.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
    },
  };
  return encodeModel(model);
}
