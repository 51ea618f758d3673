/**
 * JSON that keeps typed arrays: a cost job's workload (weights, inputs, golden outputs) crosses Redis as text, and
 * must come back as the same Int8Array/Uint8Array/Int32Array, bit for bit, on any worker whatever its Node version
 * (which v8.serialize would not promise). Typed arrays become `{"$typed": "Int8Array", "base64": "…"}`.
 */
const TYPED = { Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array } as const;
type TypedName = keyof typeof TYPED;

interface TypedJson {
  readonly $typed: TypedName;
  readonly base64: string;
}

function typedName(value: unknown): TypedName | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  const name = value.constructor.name;
  return name in TYPED ? (name as TypedName) : undefined;
}

function isTypedJson(value: unknown): value is TypedJson {
  return typeof value === 'object' && value !== null && typeof (value as { $typed?: unknown }).$typed === 'string' && (value as { $typed: string }).$typed in TYPED && typeof (value as { base64?: unknown }).base64 === 'string';
}

export function encodeTypedJson(value: unknown): string {
  // JSON.stringify calls toJSON-less typed arrays' replacer with the array itself, before turning it into an object.
  return JSON.stringify(value, (_key, inner: unknown) => {
    const name = typedName(inner);
    if (name === undefined) return inner;
    const view = inner as ArrayBufferView;
    return { $typed: name, base64: Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64') } satisfies TypedJson;
  });
}

export function decodeTypedJson(text: string): unknown {
  return JSON.parse(text, (_key, inner: unknown) => {
    if (!isTypedJson(inner)) return inner;
    const bytes = Buffer.from(inner.base64, 'base64');
    // A copy: the Buffer's memory may be shared and misaligned for the element size.
    const Constructor = TYPED[inner.$typed];
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Constructor(copy.buffer);
  });
}
