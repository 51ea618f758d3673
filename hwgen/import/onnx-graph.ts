/**
 * An ONNX model decoded into what the importer needs: nodes by name, constants (initializers and Constant nodes)
 * as float64 arrays, the graph input's shape. Every refusal is an InputError naming the model file.
 */
import { InputError } from '../errors.ts';
import { type AttributeMessage, AttributeType, DataType, type ModelMessage, type NodeMessage, type TensorMessage, decodeModel } from './onnx-proto.ts';

export interface ConstTensor {
  readonly dims: readonly number[];
  /** ONNX DataType of the stored elements. */
  readonly dataType: number;
  readonly values: Float64Array;
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeMessage>;
}

export interface OnnxGraph {
  readonly file: string;
  readonly opset: number;
  readonly nodes: readonly OnnxNode[];
  readonly constants: ReadonlyMap<string, ConstTensor>;
  readonly inputName: string;
  /** The graph input's shape; symbolic dimensions (a batch axis) read as 1. */
  readonly inputShape: readonly number[];
  readonly outputNames: readonly string[];
}

const TYPE_NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

export function nodeLabel(node: { name: string; opType: string }): string {
  return `node ${node.name} (${node.opType})`;
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A TensorProto's elements as float64, from raw_data (little-endian) or the typed fields. */
export function tensorValues(file: string, tensor: TensorMessage, what: string): ConstTensor {
  const dims = (tensor.dims ?? []).map(Number);
  const dataType = tensor.dataType ?? 0;
  const count = elementCount(dims);
  if (tensor.dataLocation === 1 || (tensor.externalData?.length ?? 0) > 0) {
    throw new InputError(file, what, 'stores its data in an external file, which hwgen does not read (save the model with its weights inside)');
  }
  const raw = tensor.rawData;
  let values: Float64Array;
  if (raw !== undefined && raw.length > 0) {
    const bytes = Uint8Array.from(raw);
    const view = new DataView(bytes.buffer);
    const size: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.UINT8]: 1, [DataType.INT8]: 1, [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.DOUBLE]: 8 };
    const width = size[dataType];
    if (width === undefined) throw new InputError(file, what, `has element type ${TYPE_NAMES[dataType] ?? dataType}; hwgen reads float32, float64, int8, uint8, int32 and int64`);
    if (bytes.length !== count * width) throw new InputError(file, what, `raw_data holds ${bytes.length} bytes, dims [${dims.join(', ')}] need ${count * width}`);
    values = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const at = i * width;
      values[i] =
        dataType === DataType.FLOAT ? view.getFloat32(at, true)
        : dataType === DataType.DOUBLE ? view.getFloat64(at, true)
        : dataType === DataType.UINT8 ? view.getUint8(at)
        : dataType === DataType.INT8 ? view.getInt8(at)
        : dataType === DataType.INT32 ? view.getInt32(at, true)
        : Number(view.getBigInt64(at, true));
    }
  } else {
    const source =
      dataType === DataType.FLOAT ? tensor.floatData
      : dataType === DataType.DOUBLE ? tensor.doubleData
      : dataType === DataType.INT64 ? tensor.int64Data
      : dataType === DataType.INT8 || dataType === DataType.UINT8 || dataType === DataType.INT32 ? tensor.int32Data
      : undefined;
    if (source === undefined && dataType !== DataType.FLOAT && dataType !== DataType.DOUBLE && dataType !== DataType.INT64) {
      throw new InputError(file, what, `has element type ${TYPE_NAMES[dataType] ?? dataType}; hwgen reads float32, float64, int8, uint8, int32 and int64`);
    }
    const list = source ?? [];
    if (list.length !== count) throw new InputError(file, what, `holds ${list.length} values, dims [${dims.join(', ')}] need ${count}`);
    values = Float64Array.from(list.map(Number));
  }
  return { dims, dataType, values };
}

function constantNodeValue(file: string, node: OnnxNode): ConstTensor {
  const what = nodeLabel(node);
  for (const [name, attribute] of node.attributes) {
    if (name === 'value' && attribute.t !== undefined) return tensorValues(file, attribute.t, what);
    if (name === 'value_float') return { dims: [], dataType: DataType.FLOAT, values: Float64Array.of(attribute.f ?? 0) };
    if (name === 'value_int') return { dims: [], dataType: DataType.INT64, values: Float64Array.of(Number(attribute.i ?? 0)) };
    if (name === 'value_floats') return { dims: [attribute.floats?.length ?? 0], dataType: DataType.FLOAT, values: Float64Array.from(attribute.floats ?? []) };
    if (name === 'value_ints') return { dims: [attribute.ints?.length ?? 0], dataType: DataType.INT64, values: Float64Array.from((attribute.ints ?? []).map(Number)) };
  }
  throw new InputError(file, what, 'holds no tensor, float or int value hwgen can read');
}

function decodeOrRefuse(file: string, bytes: Uint8Array): ModelMessage {
  // A ModelProto starts with ir_version (field 1, varint: byte 0x08); anything else is not an ONNX model.
  const looksLikeOnnx = bytes.length > 0 && bytes[0] === 0x08;
  if (!looksLikeOnnx) throw new InputError(file, '', 'not an ONNX model (an ONNX ModelProto starts with its ir_version field)');
  let model: ModelMessage;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/index out of range/.test(message)) throw new InputError(file, '', 'truncated ONNX model (the protobuf data ends in the middle of a field)');
    throw new InputError(file, '', `not an ONNX model (${message})`);
  }
  if ((model.irVersion ?? 0) < 1 || model.graph === undefined) {
    throw new InputError(file, '', 'not an ONNX model (no ir_version and graph)');
  }
  if ((model.graph.node ?? []).length === 0) throw new InputError(file, 'graph', 'has no nodes');
  return model;
}

export function readOnnxGraph(file: string, bytes: Uint8Array): OnnxGraph {
  const model = decodeOrRefuse(file, bytes);
  const graph = model.graph ?? {};
  const opset = Math.max(0, ...(model.opsetImport ?? []).filter((set) => (set.domain ?? '') === '' || set.domain === 'ai.onnx').map((set) => Number(set.version ?? 0)));
  const constants = new Map<string, ConstTensor>();
  for (const [index, initializer] of (graph.initializer ?? []).entries()) {
    const name = initializer.name ?? '';
    constants.set(name, tensorValues(file, initializer, `initializer ${name || `#${index}`}`));
  }
  const nodes: OnnxNode[] = [];
  for (const [index, message] of (graph.node ?? []).entries()) {
    const node = toNode(message, index);
    if ((message.domain ?? '') !== '' && message.domain !== 'ai.onnx') throw new InputError(file, nodeLabel(node), `is from operator domain "${message.domain}", hwgen reads only standard ONNX operators`);
    if (node.opType === 'Constant') {
      for (const output of node.outputs) constants.set(output, constantNodeValue(file, node));
    } else nodes.push(node);
  }
  const inputs = (graph.input ?? []).filter((input) => !constants.has(input.name ?? ''));
  if (inputs.length !== 1) throw new InputError(file, 'graph.input', `has ${inputs.length} non-constant inputs, hwgen imports networks with one input image`);
  const input = inputs[0] ?? {};
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  const inputShape = dims.map((dim) => (dim.dimValue !== undefined && Number(dim.dimValue) > 0 ? Number(dim.dimValue) : 1));
  return { file, opset, nodes, constants, inputName: input.name ?? '', inputShape, outputNames: (graph.output ?? []).map((output) => output.name ?? '') };
}

function toNode(message: NodeMessage, index: number): OnnxNode {
  const opType = message.opType ?? '';
  const attributes = new Map<string, AttributeMessage>();
  for (const attribute of message.attribute ?? []) attributes.set(attribute.name ?? '', attribute);
  return { name: message.name !== undefined && message.name !== '' ? message.name : `#${index}`, opType, inputs: message.input ?? [], outputs: message.output ?? [], attributes };
}

export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const attribute = node.attributes.get(name);
  return attribute === undefined ? undefined : (attribute.ints ?? []).map(Number);
}

export function intAttribute(node: OnnxNode, name: string): number | undefined {
  const attribute = node.attributes.get(name);
  return attribute === undefined ? undefined : Number(attribute.i ?? 0);
}

export function floatAttribute(node: OnnxNode, name: string): number | undefined {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return undefined;
  return attribute.type === AttributeType.INT ? Number(attribute.i ?? 0) : (attribute.f ?? 0);
}

export function stringAttribute(node: OnnxNode, name: string): string | undefined {
  const attribute = node.attributes.get(name);
  return attribute?.s === undefined ? undefined : new TextDecoder().decode(attribute.s);
}
