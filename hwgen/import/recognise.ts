/**
 * Finds the QCFS network in an ONNX graph: walks the chain of nodes from the graph input and turns it into float
 * layers (conv2d or gemm, bias, stride, padding, max-pooling) each ending in a QCFS activation
 * `level = clip(⌊z·a + ½⌋, 0, T)`, `output = level·outScale` (a = T/λ, outScale = λ/T in the usual orders), plus
 * the final classifier layer that has no activation. Anything it does not recognise is refused naming the node.
 */
import { InputError } from '../errors.ts';
import { type ConstTensor, type OnnxGraph, type OnnxNode, floatAttribute, intAttribute, intsAttribute, nodeLabel, stringAttribute } from './onnx-graph.ts';
import { DataType } from './onnx-proto.ts';

export interface Qcfs {
  readonly T: number;
  /** Multiplier of the pre-activation z inside the floor: T/λ. */
  readonly a: number;
  /** What one output level stands for in the float network: λ/T. */
  readonly outScale: number;
  readonly lambda: number;
  /** The nodes that make up the activation, in order. */
  readonly nodes: readonly string[];
}

/** Weights already quantised in the model (DequantizeLinear of an int8 initializer): read exactly. */
export interface ExactWeights {
  readonly ints: Int8Array;
  /** One scale per output channel. */
  readonly scales: Float64Array;
}

export interface FloatLayer {
  readonly name: string;
  /** The Conv/Gemm/MatMul node. */
  readonly node: string;
  readonly op: string;
  readonly kind: 'conv2d' | 'gemm';
  /** `[M,C,kh,kw]` or `[M,K]`, C order. */
  readonly weightShape: readonly number[];
  readonly weights: Float64Array;
  readonly exactWeights: ExactWeights | undefined;
  readonly bias: Float64Array;
  readonly stride: number;
  readonly padding: number;
  pool: { size: number; stride: number } | undefined;
  /** `[C,H,W]` or `[K]`. */
  readonly inputShape: readonly number[];
  /** `[M,Ho,Wo]` or `[M]`, before pooling. */
  readonly outputShape: readonly number[];
  /** Undefined for the final classifier. */
  qcfs: Qcfs | undefined;
}

export interface RecognisedNetwork {
  /** What one input level (a raw 0..255 pixel) stands for in the float network, e.g. 1/255 after `Div(255)`. */
  readonly inputScale: number;
  readonly inputScaleNode: string | undefined;
  /** `[C,H,W]` or `[K]`. */
  readonly inputShape: readonly number[];
  readonly layers: readonly FloatLayer[];
  readonly classifier: FloatLayer | undefined;
}

const SUPPORTED = 'Conv, Gemm, MatMul (+ Add), MaxPool, Flatten, Reshape, Relu, Identity and the QCFS arithmetic (Div, Mul, Add, Sub, Clip, Floor)';

class Walker {
  private readonly consumers = new Map<string, OnnxNode[]>();
  private readonly producers = new Map<string, OnnxNode>();

  constructor(
    private readonly graph: OnnxGraph,
    /** The graph output the walk ends at; nodes that only lead to other outputs are never reached. */
    private readonly target: string,
  ) {
    for (const node of graph.nodes) {
      for (const input of node.inputs) {
        if (input === '' || graph.constants.has(input)) continue;
        const list = this.consumers.get(input) ?? [];
        list.push(node);
        this.consumers.set(input, list);
      }
      for (const output of node.outputs) this.producers.set(output, node);
    }
  }

  fail(node: OnnxNode, reason: string): never {
    throw new InputError(this.graph.file, nodeLabel(node), reason);
  }

  /** The one node that takes `tensor`, or undefined at the target output (whatever else reads it). */
  next(tensor: string): OnnxNode | undefined {
    if (tensor === this.target) return undefined;
    const users = this.consumers.get(tensor) ?? [];
    if (users.length === 0) throw new InputError(this.graph.file, 'graph', `tensor "${tensor}" is neither read by a node nor the output "${this.target}"`);
    if (users.length > 1) this.fail(users[0] as OnnxNode, `tensor "${tensor}" is read by ${users.length} consumers; hwgen imports a chain of layers without branches`);
    return users[0];
  }

  isOutput(tensor: string): boolean {
    return this.graph.outputNames.includes(tensor);
  }

  constant(name: string): ConstTensor | undefined {
    return this.graph.constants.get(name);
  }

  producer(name: string): OnnxNode | undefined {
    return this.producers.get(name);
  }
}

function scalarOf(walker: Walker, node: OnnxNode, name: string, role: string): number {
  const value = walker.constant(name);
  if (value === undefined) walker.fail(node, `${role} "${name}" is not a constant (it is computed by the graph); QCFS's λ, T and ½ must be initializers or Constant nodes`);
  if (value.values.length !== 1) walker.fail(node, `${role} "${name}" has ${value.values.length} elements [${value.dims.join(', ')}]; hwgen reads one λ and one T per layer (a scalar)`);
  return value.values[0] ?? 0;
}

/** The one non-constant input of a binary elementwise node, and the constant one. */
function splitBinary(walker: Walker, node: OnnxNode, current: string): { constantName: string; constantFirst: boolean } {
  const [first = '', second = ''] = node.inputs;
  if (first === current && second !== current) return { constantName: second, constantFirst: false };
  if (second === current && first !== current) return { constantName: first, constantFirst: true };
  return walker.fail(node, 'takes the same tensor twice');
}

interface ChainState {
  phase: 'pre' | 'post';
  alpha: number;
  beta: number;
  lo: number;
  hi: number;
  gamma: number;
  delta: number;
  levelLo: number;
  levelHi: number;
  nodes: string[];
}

const ELEMENTWISE = new Set(['Mul', 'Div', 'Add', 'Sub', 'Clip', 'Floor', 'Relu', 'Identity', 'Dropout']);
const EPS = 1e-6;

function clipBounds(walker: Walker, node: OnnxNode): [number, number] {
  const bound = (index: number, attribute: string, fallback: number): number => {
    const name = node.inputs[index];
    if (name !== undefined && name !== '') return scalarOf(walker, node, name, index === 1 ? 'Clip min' : 'Clip max');
    return floatAttribute(node, attribute) ?? fallback;
  };
  return [bound(1, 'min', -Infinity), bound(2, 'max', Infinity)];
}

/**
 * Reads the elementwise nodes after a layer as one QCFS activation. Returns the activation (undefined when no
 * elementwise node follows) and the tensor after it.
 */
function readActivation(walker: Walker, layer: OnnxNode, start: string): { qcfs: Qcfs | undefined; tensor: string } {
  const s: ChainState = { phase: 'pre', alpha: 1, beta: 0, lo: -Infinity, hi: Infinity, gamma: 1, delta: 0, levelLo: -Infinity, levelHi: Infinity, nodes: [] };
  let tensor = start;
  let last: OnnxNode | undefined;
  for (;;) {
    const node = walker.next(tensor);
    if (node === undefined || !ELEMENTWISE.has(node.opType)) break;
    const op = node.opType;
    if (op === 'Mul' || op === 'Div' || op === 'Add' || op === 'Sub') {
      const { constantName, constantFirst } = splitBinary(walker, node, tensor);
      const role = op === 'Mul' || op === 'Div' ? (s.phase === 'pre' ? 'λ or T operand' : 'λ/T operand') : 'offset';
      const c = scalarOf(walker, node, constantName, role);
      if (op === 'Div' && constantFirst) walker.fail(node, 'divides a constant by the activation; QCFS divides the activation by λ or T');
      if (op === 'Sub' && constantFirst) walker.fail(node, 'subtracts the activation from a constant, which is not part of a QCFS activation');
      if ((op === 'Mul' || op === 'Div') && !(c > 0)) walker.fail(node, `scales by ${c}; QCFS scales by positive λ and T only`);
      const scale = op === 'Mul' ? c : op === 'Div' ? 1 / c : 1;
      const shift = op === 'Add' ? c : op === 'Sub' ? -c : 0;
      if (s.phase === 'pre') {
        s.alpha *= scale;
        s.beta = s.beta * scale + shift;
        s.lo = s.lo * scale + shift;
        s.hi = s.hi * scale + shift;
      } else {
        s.gamma *= scale;
        s.delta = s.delta * scale + shift;
      }
    } else if (op === 'Clip' || op === 'Relu') {
      const [min, max] = op === 'Relu' ? [0, Infinity] : clipBounds(walker, node);
      if (s.phase === 'pre') {
        s.lo = Math.max(s.lo, min);
        s.hi = Math.min(s.hi, max);
      } else {
        const lo = (min - s.delta) / s.gamma;
        const hi = (max - s.delta) / s.gamma;
        s.levelLo = Math.max(s.levelLo, Math.ceil(lo - EPS * Math.max(1, Math.abs(lo))));
        s.levelHi = Math.min(s.levelHi, Math.floor(hi + EPS * Math.max(1, Math.abs(hi))));
      }
    } else if (op === 'Floor') {
      if (s.phase === 'post') walker.fail(node, 'is a second Floor in one activation');
      if (Math.abs(s.beta - 0.5) > EPS) walker.fail(node, `floors z·${s.alpha.toPrecision(6)} + ${s.beta}; QCFS floors z·T/λ + 0.5 (the ½ shift is missing)`);
      s.phase = 'post';
      s.levelLo = Number.isFinite(s.lo) ? Math.floor(s.lo + EPS * Math.max(1, Math.abs(s.lo))) : -Infinity;
      s.levelHi = Number.isFinite(s.hi) ? Math.floor(s.hi + EPS * Math.max(1, Math.abs(s.hi))) : Infinity;
    }
    s.nodes.push(node.name);
    last = node;
    tensor = node.outputs[0] ?? '';
  }
  if (last === undefined) return { qcfs: undefined, tensor };
  if (s.phase === 'pre') walker.fail(last, `ends the activation of ${nodeLabel(layer)} without a Floor: only the QCFS activation λ·clip(⌊z·T/λ + ½⌋, 0, T)/T can be imported`);
  if (s.levelLo < 0 && s.levelLo !== -Infinity) walker.fail(last, `clips levels at ${s.levelLo}, QCFS clips at 0`);
  if (s.levelLo === -Infinity) walker.fail(last, 'has no clip at 0: QCFS clips its levels to 0..T');
  if (s.levelLo > 0) walker.fail(last, `clips levels below at ${s.levelLo}, QCFS clips at 0`);
  if (!Number.isFinite(s.levelHi)) walker.fail(last, 'has no upper clip: QCFS clips its levels to 0..T');
  const T = s.levelHi;
  if (T < 1 || T > 255) walker.fail(last, `clips levels to 0..${T}; hwgen needs T in 1..255`);
  if (Math.abs(s.delta) > EPS * Math.abs(s.gamma)) walker.fail(last, `adds ${s.delta} after the Floor; QCFS output is level·λ/T`);
  return { qcfs: { T, a: s.alpha, outScale: s.gamma, lambda: T / s.alpha, nodes: s.nodes }, tensor };
}

interface WeightData {
  dims: number[];
  values: Float64Array;
  exact: { ints: Int8Array; scales: Float64Array; axis: number } | undefined;
}

/** A weight or bias input: an initializer, or a DequantizeLinear of an int8/int32 initializer (read exactly). */
function weightInput(walker: Walker, node: OnnxNode, name: string, role: string): WeightData {
  const constant = walker.constant(name);
  if (constant !== undefined) return { dims: [...constant.dims], values: constant.values, exact: undefined };
  const producer = walker.producer(name);
  if (producer?.opType === 'DequantizeLinear') {
    const [xName = '', scaleName = '', zeroName = ''] = producer.inputs;
    const x = walker.constant(xName);
    const scale = walker.constant(scaleName);
    if (x === undefined || scale === undefined) walker.fail(producer, `dequantizes a computed tensor; hwgen reads ${role} from initializers`);
    if (x.dataType !== DataType.INT8 && x.dataType !== DataType.INT32) walker.fail(producer, `dequantizes ${role} stored as type ${x.dataType}; hwgen reads int8 weights and int32 biases`);
    const zero = zeroName === '' ? undefined : walker.constant(zeroName);
    if (zero !== undefined && zero.values.some((v) => v !== 0)) walker.fail(producer, 'has a non-zero zero point; hwgen weights are symmetric');
    const axisAttribute = intAttribute(producer, 'axis') ?? 1;
    const axis = axisAttribute < 0 ? axisAttribute + x.dims.length : axisAttribute;
    const count = scale.values.length;
    if (count !== 1 && count !== (x.dims[axis] ?? -1)) walker.fail(producer, `has ${count} scales for axis ${axis} of [${x.dims.join(', ')}]`);
    const inner = x.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channels = x.dims[axis] ?? 1;
    const values = new Float64Array(x.values.length);
    for (let i = 0; i < values.length; i++) {
      const channel = count === 1 ? 0 : Math.floor(i / inner) % channels;
      values[i] = (x.values[i] ?? 0) * (scale.values[channel] ?? 0);
    }
    const exact = x.dataType === DataType.INT8 ? { ints: Int8Array.from(x.values), scales: scale.values, axis: count === 1 ? -1 : axis } : undefined;
    return { dims: [...x.dims], values, exact };
  }
  return walker.fail(node, `${role} "${name}" is not a constant (it is computed by the graph)`);
}

/** Weights as `[M, rest]` with per-row exact scales, given the output-channel axis of the stored tensor. */
function exactPerRow(walker: Walker, node: OnnxNode, data: WeightData, outAxis: number, M: number): ExactWeights | undefined {
  if (data.exact === undefined) return undefined;
  if (data.exact.axis !== -1 && data.exact.axis !== outAxis) walker.fail(node, `weights are quantised per axis ${data.exact.axis}, not per output channel`);
  const scales = data.exact.axis === -1 ? new Float64Array(M).fill(data.exact.scales[0] ?? 0) : Float64Array.from(data.exact.scales);
  return { ints: data.exact.ints, scales };
}

function transpose2<T extends Float64Array | Int8Array>(values: T, rows: number, cols: number): T {
  const out = new (values.constructor as new (n: number) => T)(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] ?? 0;
  return out;
}

function biasVector(walker: Walker, node: OnnxNode, name: string | undefined, M: number, scale = 1): Float64Array {
  if (name === undefined || name === '') return new Float64Array(M);
  const data = weightInput(walker, node, name, 'bias');
  const count = data.values.length;
  if (count !== M && count !== 1) walker.fail(node, `shape mismatch: bias "${name}" has ${count} elements [${data.dims.join(', ')}], the layer has ${M} outputs`);
  return Float64Array.from({ length: M }, (_, m) => (data.values[count === 1 ? 0 : m] ?? 0) * scale);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function convLayer(walker: Walker, node: OnnxNode, inputShape: readonly number[], name: string): FloatLayer {
  if (inputShape.length !== 3) walker.fail(node, `shape mismatch: Conv needs a [N,C,H,W] input, it gets ${shapeText([1, ...inputShape])}`);
  const group = intAttribute(node, 'group') ?? 1;
  if (group !== 1) walker.fail(node, `group = ${group}: hwgen imports only ordinary convolutions (group 1), not grouped or depthwise ones`);
  const dilations = intsAttribute(node, 'dilations') ?? [1, 1];
  if (dilations.some((d) => d !== 1)) walker.fail(node, `dilations ${shapeText(dilations)}: hwgen imports only undilated convolutions`);
  const autoPad = stringAttribute(node, 'auto_pad') ?? 'NOTSET';
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') walker.fail(node, `auto_pad ${autoPad}: give explicit pads`);
  const strides = intsAttribute(node, 'strides') ?? [1, 1];
  const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
  if (strides.length !== 2 || strides[0] !== strides[1]) walker.fail(node, `strides ${shapeText(strides)}: hwgen needs a 2-D convolution with one stride for both axes`);
  if (pads.length !== 4 || pads.some((p) => p !== pads[0])) walker.fail(node, `pads ${shapeText(pads)}: hwgen needs the same padding on every side`);
  const data = weightInput(walker, node, node.inputs[1] ?? '', 'weights');
  if (data.dims.length !== 4) walker.fail(node, `shape mismatch: weights ${shapeText(data.dims)} are not [M,C,kh,kw]`);
  const [M = 0, C = 0, kh = 0, kw = 0] = data.dims;
  if (C !== inputShape[0]) walker.fail(node, `shape mismatch: weights ${shapeText(data.dims)} take ${C} input channels, the input ${shapeText([1, ...inputShape])} has ${inputShape[0]}`);
  if (kh !== kw) walker.fail(node, `kernel ${kh}x${kw}: hwgen needs square kernels`);
  const kernel = intsAttribute(node, 'kernel_shape');
  if (kernel !== undefined && (kernel[0] !== kh || kernel[1] !== kw)) walker.fail(node, `shape mismatch: kernel_shape ${shapeText(kernel)} differs from the weights ${shapeText(data.dims)}`);
  const stride = strides[0] ?? 1;
  const padding = pads[0] ?? 0;
  const [, H = 0, W = 0] = inputShape;
  const Ho = Math.floor((H + 2 * padding - kh) / stride) + 1;
  const Wo = Math.floor((W + 2 * padding - kw) / stride) + 1;
  if (Ho < 1 || Wo < 1) walker.fail(node, `shape mismatch: kernel ${kh}x${kw} does not fit the input ${shapeText([1, ...inputShape])}`);
  return {
    name, node: node.name, op: 'Conv', kind: 'conv2d', weightShape: [M, C, kh, kw], weights: data.values, exactWeights: exactPerRow(walker, node, data, 0, M),
    bias: biasVector(walker, node, node.inputs[2], M), stride, padding, pool: undefined, inputShape: [...inputShape], outputShape: [M, Ho, Wo], qcfs: undefined,
  };
}

function flatInput(walker: Walker, node: OnnxNode, inputShape: readonly number[]): number {
  if (inputShape.length !== 1) walker.fail(node, `shape mismatch: ${node.opType} needs a flat [N,K] input, it gets ${shapeText([1, ...inputShape])} (add a Flatten)`);
  return inputShape[0] ?? 0;
}

function gemmLayer(walker: Walker, node: OnnxNode, inputShape: readonly number[], name: string): FloatLayer {
  const K = flatInput(walker, node, inputShape);
  if ((intAttribute(node, 'transA') ?? 0) !== 0) walker.fail(node, 'transA = 1: hwgen needs the activations as the first, untransposed operand');
  const transB = (intAttribute(node, 'transB') ?? 0) !== 0;
  const alpha = floatAttribute(node, 'alpha') ?? 1;
  const beta = floatAttribute(node, 'beta') ?? 1;
  const data = weightInput(walker, node, node.inputs[1] ?? '', 'weights');
  if (data.dims.length !== 2) walker.fail(node, `shape mismatch: weights ${shapeText(data.dims)} are not a matrix`);
  const [rows = 0, cols = 0] = data.dims;
  const [M, Kw] = transB ? [rows, cols] : [cols, rows];
  if (Kw !== K) walker.fail(node, `shape mismatch: weights ${shapeText(data.dims)}${transB ? ' (transB)' : ''} take K = ${Kw} inputs, the input ${shapeText([1, K])} has ${K}`);
  let values = transB ? data.values : transpose2(data.values, rows, cols);
  if (alpha !== 1) values = values.map((v) => v * alpha);
  let exact = exactPerRow(walker, node, data, transB ? 0 : 1, M);
  if (exact !== undefined && !transB) exact = { ints: transpose2(exact.ints, rows, cols), scales: exact.scales };
  if (exact !== undefined && alpha !== 1) exact = { ints: exact.ints, scales: exact.scales.map((s) => s * alpha) };
  return {
    name, node: node.name, op: 'Gemm', kind: 'gemm', weightShape: [M, K], weights: values, exactWeights: exact, bias: biasVector(walker, node, node.inputs[2], M, beta),
    stride: 1, padding: 0, pool: undefined, inputShape: [K], outputShape: [M], qcfs: undefined,
  };
}

function matMulLayer(walker: Walker, node: OnnxNode, inputShape: readonly number[], name: string, current: string): { layer: FloatLayer; tensor: string } {
  const K = flatInput(walker, node, inputShape);
  if (node.inputs[0] !== current) walker.fail(node, 'takes the activations as its second operand; hwgen needs x·W with constant W');
  const data = weightInput(walker, node, node.inputs[1] ?? '', 'weights');
  if (data.dims.length !== 2) walker.fail(node, `shape mismatch: weights ${shapeText(data.dims)} are not a matrix`);
  const [Kw = 0, M = 0] = data.dims;
  if (Kw !== K) walker.fail(node, `shape mismatch: weights ${shapeText(data.dims)} take K = ${Kw} inputs, the input ${shapeText([1, K])} has ${K}`);
  let exact = exactPerRow(walker, node, data, 1, M);
  if (exact !== undefined) exact = { ints: transpose2(exact.ints, Kw, M), scales: exact.scales };
  let tensor = node.outputs[0] ?? '';
  let bias: Float64Array = new Float64Array(M);
  const after = walker.next(tensor);
  if (after?.opType === 'Add') {
    const { constantName } = splitBinary(walker, after, tensor);
    const constant = walker.constant(constantName);
    if (constant !== undefined && constant.values.length === M && M > 1) {
      bias = biasVector(walker, after, constantName, M);
      tensor = after.outputs[0] ?? '';
    }
  }
  const layer: FloatLayer = {
    name, node: node.name, op: 'MatMul', kind: 'gemm', weightShape: [M, K], weights: transpose2(data.values, Kw, M), exactWeights: exact, bias,
    stride: 1, padding: 0, pool: undefined, inputShape: [K], outputShape: [M], qcfs: undefined,
  };
  return { layer, tensor };
}

function layerName(node: OnnxNode, index: number, used: Set<string>): string {
  const parts = node.name.split(/[/:]+/).filter((part) => part !== '');
  if (parts.length > 1 && parts[parts.length - 1] === node.opType) parts.pop();
  let base = parts.join('.').replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[._-]+/, '');
  if (base === '' || base.startsWith('#')) base = `layer${index + 1}`;
  let name = base;
  for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
  used.add(name);
  return name;
}

function poolOf(walker: Walker, node: OnnxNode, layer: FloatLayer | undefined): { size: number; stride: number } {
  if (layer === undefined || layer.kind !== 'conv2d' || layer.qcfs === undefined) walker.fail(node, 'does not follow the QCFS activation of a convolution; hwgen pools the output levels of a conv layer');
  if (layer.pool !== undefined) walker.fail(node, `is a second max-pooling after ${layer.node}`);
  const kernel = intsAttribute(node, 'kernel_shape') ?? [];
  const strides = intsAttribute(node, 'strides') ?? kernel;
  const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
  const dilations = intsAttribute(node, 'dilations') ?? [1, 1];
  if (kernel.length !== 2 || kernel[0] !== kernel[1]) walker.fail(node, `kernel_shape ${shapeText(kernel)}: hwgen pools square windows`);
  if (strides.length !== 2 || strides[0] !== strides[1]) walker.fail(node, `strides ${shapeText(strides)}: hwgen pools with one stride for both axes`);
  if (pads.some((p) => p !== 0)) walker.fail(node, `pads ${shapeText(pads)}: hwgen pools without padding`);
  if (dilations.some((d) => d !== 1)) walker.fail(node, `dilations ${shapeText(dilations)}: hwgen pools undilated windows`);
  if ((intAttribute(node, 'ceil_mode') ?? 0) !== 0) walker.fail(node, 'ceil_mode = 1: hwgen pools with floor mode');
  if (node.outputs.length > 1 && node.outputs[1] !== '') walker.fail(node, 'also outputs indices, which hwgen does not compute');
  return { size: kernel[0] ?? 1, stride: strides[0] ?? 1 };
}

function reshapeTarget(walker: Walker, node: OnnxNode, shape: readonly number[]): number[] {
  const total = shape.reduce((a, b) => a * b, 1);
  if (node.opType === 'Flatten') {
    const axis = intAttribute(node, 'axis') ?? 1;
    if (axis !== 1) walker.fail(node, `axis = ${axis}: hwgen flattens each image (axis 1)`);
    return [total];
  }
  const target = walker.constant(node.inputs[1] ?? '');
  if (target === undefined) walker.fail(node, 'takes a computed shape; hwgen needs a constant target shape');
  const dims = Array.from(target.values);
  const last = dims[dims.length - 1];
  if (dims.length !== 2 || !(dims[0] === 1 || dims[0] === -1 || dims[0] === 0) || !(last === -1 || last === total)) {
    walker.fail(node, `shape mismatch: reshapes ${shapeText([1, ...shape])} to ${shapeText(dims)}; hwgen only flattens each image to [N, ${total}]`);
  }
  return [total];
}

/** The output the import ends at: `--output NAME`, or the graph's first output. */
function targetOutput(graph: OnnxGraph, output: string | undefined): string {
  const first = graph.outputNames[0];
  if (output === undefined) {
    if (first === undefined) throw new InputError(graph.file, 'graph.output', 'the graph has no output');
    return first;
  }
  if (!graph.outputNames.includes(output)) throw new InputError(graph.file, '--output', `"${output}" is not an output of the graph (its outputs: ${graph.outputNames.join(', ')})`);
  return output;
}

export function recogniseNetwork(graph: OnnxGraph, output?: string): RecognisedNetwork {
  const walker = new Walker(graph, targetOutput(graph, output));
  const rank = graph.inputShape.length;
  if (rank !== 4 && rank !== 2) throw new InputError(graph.file, 'graph.input', `input "${graph.inputName}" has shape ${shapeText(graph.inputShape)}; hwgen imports [N,C,H,W] images or [N,K] vectors`);
  const inputShape = graph.inputShape.slice(1);
  let shape: number[] = [...inputShape];
  let inputScale = 1;
  let inputScaleNode: string | undefined;
  const layers: FloatLayer[] = [];
  let classifier: FloatLayer | undefined;
  const used = new Set<string>();
  let tensor = graph.inputName;
  for (;;) {
    const node = walker.next(tensor);
    if (node === undefined) break;
    const op = node.opType;
    const previous = layers[layers.length - 1];
    if (classifier !== undefined) {
      const stop = walker.isOutput(tensor) ? `; to import up to its output, give --output ${tensor}` : '';
      walker.fail(node, `follows ${classifier.node}, which has no QCFS activation; only the last layer (the classifier) may end without one${stop}`);
    }
    if (op === 'Identity' || op === 'Dropout') {
      tensor = node.outputs[0] ?? '';
    } else if ((op === 'Div' || op === 'Mul') && layers.length === 0) {
      const { constantName, constantFirst } = splitBinary(walker, node, tensor);
      const c = scalarOf(walker, node, constantName, 'input scale');
      if ((op === 'Div' && constantFirst) || !(c > 0)) walker.fail(node, 'is not a positive scaling of the input pixels');
      inputScale *= op === 'Div' ? 1 / c : c;
      inputScaleNode = node.name;
      tensor = node.outputs[0] ?? '';
    } else if (op === 'Conv' || op === 'Gemm' || op === 'MatMul') {
      let layer: FloatLayer;
      if (op === 'MatMul') {
        const read = matMulLayer(walker, node, shape, layerName(node, layers.length, used), tensor);
        layer = read.layer;
        tensor = read.tensor;
      } else {
        layer = op === 'Conv' ? convLayer(walker, node, shape, layerName(node, layers.length, used)) : gemmLayer(walker, node, shape, layerName(node, layers.length, used));
        tensor = node.outputs[0] ?? '';
      }
      const activation = readActivation(walker, node, tensor);
      tensor = activation.tensor;
      layer.qcfs = activation.qcfs;
      if (activation.qcfs === undefined) classifier = layer;
      else layers.push(layer);
      shape = [...layer.outputShape];
    } else if (op === 'MaxPool') {
      const pool = poolOf(walker, node, previous);
      const [C = 0, H = 0, W = 0] = shape;
      const Hp = Math.floor((H - pool.size) / pool.stride) + 1;
      const Wp = Math.floor((W - pool.size) / pool.stride) + 1;
      if (Hp < 1 || Wp < 1) walker.fail(node, `shape mismatch: window ${pool.size} does not fit ${shapeText([1, ...shape])}`);
      (previous as FloatLayer).pool = pool;
      shape = [C, Hp, Wp];
      tensor = node.outputs[0] ?? '';
    } else if (op === 'Flatten' || op === 'Reshape') {
      shape = reshapeTarget(walker, node, shape);
      tensor = node.outputs[0] ?? '';
    } else if (op === 'Relu' && previous?.qcfs !== undefined) {
      // Redundant after QCFS: its levels are already ≥ 0.
      tensor = node.outputs[0] ?? '';
    } else if (ELEMENTWISE.has(op)) {
      walker.fail(node, layers.length === 0 ? 'comes before the first layer, where only a positive scaling of the pixels (Div or Mul by a constant) is allowed' : 'is not part of a QCFS activation directly after a Conv or Gemm');
    } else {
      walker.fail(node, `operator not supported by hwgen import (it reads ${SUPPORTED})`);
    }
  }
  if (layers.length === 0) throw new InputError(graph.file, 'graph', 'has no layer with a QCFS activation');
  return { inputScale, inputScaleNode, inputShape, layers, classifier };
}
