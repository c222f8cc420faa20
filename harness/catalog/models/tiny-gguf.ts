// A tiny, deterministic llama-architecture GGUF model for Ollama tests.
//
// The weights come from a seeded PRNG, so the text it produces is meaningless: tests must
// assert shapes (token counts, vector lengths), not content, and must cap num_predict. The
// bytes are identical on every run and every platform.
//
// One hand-made feature keeps the output well-behaved: embedding dimension 0 holds a constant
// for every token; no layer reads it (its norm weights are 0) or writes it (zero output rows),
// so it reaches the output layer unchanged and acts as a bias there. Its output weights favour
// the printable ASCII byte tokens and the merges, and push down control bytes, non-ASCII
// bytes, BOS and EOS. So generated text is printable ASCII, and the model in practice never
// emits EOS: a generation always runs to num_predict. (Without it, random weights emit EOS
// and control bytes now and then.)
//
// Format: GGUF v3, little-endian, alignment 32, every tensor F32.
// Tokenizer: GPT-2 style byte-level BPE ("gpt2") with the 256 byte tokens (GPT-2's
// byte-to-unicode spelling), a handful of merges, and BOS/EOS control tokens.
//
// tiny-model.ts beside it publishes it for the stack's model registry.

/** Hyper-parameters of the generated model (also what tests can assert on). */
export const TINY_LLAMA = {
  name: "tiny-llama",
  contextLength: 512,
  embeddingLength: 64,
  blockCount: 2,
  feedForwardLength: 128,
  headCount: 4,
  headCountKv: 4,
  rmsEpsilon: 1e-5,
  ropeFreqBase: 10000,
  seed: 0x5eed1a3a,
  /** Constant value of embedding dimension 0 (the bias feature). */
  biasFeature: 2,
  /** Output weight on the bias feature: +for allowed tokens, -for suppressed ones. */
  logitBias: 8,
} as const;

const ALIGNMENT = 32;

// BPE merges, in rank order. Each merged string is also added to the vocabulary.
const MERGES: readonly (readonly [string, string])[] = [
  ["Ġ", "t"],
  ["h", "e"],
  ["t", "h"],
  ["i", "n"],
  ["e", "r"],
  ["a", "n"],
  ["Ġ", "a"],
  ["o", "n"],
  ["Ġt", "he"],
];

const BOS = "<|begin_of_text|>";
const EOS = "<|end_of_text|>";

// llama.cpp token types
const TOKEN_NORMAL = 1;
const TOKEN_CONTROL = 3;

// GGUF metadata value types
const T_UINT32 = 4;
const T_INT32 = 5;
const T_FLOAT32 = 6;
const T_STRING = 8;
const T_ARRAY = 9;

// GGML tensor type
const GGML_F32 = 0;

/** GPT-2's byte-to-unicode table: printable bytes map to themselves, the rest to U+0100.. */
export function gpt2ByteTokens(): string[] {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let next = 0x100;
  for (let b = 0; b < 256; b++) {
    out.push(String.fromCodePoint(printable(b) ? b : next++));
  }
  return out;
}

interface Vocab {
  tokens: string[];
  types: number[];
  merges: string[];
  bos: number;
  eos: number;
}

function buildVocab(): Vocab {
  const tokens = gpt2ByteTokens();
  const types = tokens.map(() => TOKEN_NORMAL);
  const merges: string[] = [];
  for (const [a, b] of MERGES) {
    if (!tokens.includes(a) || !tokens.includes(b)) throw new Error(`merge ${a} ${b}: unknown part`);
    merges.push(`${a} ${b}`);
    tokens.push(a + b);
    types.push(TOKEN_NORMAL);
  }
  const bos = tokens.push(BOS) - 1;
  types.push(TOKEN_CONTROL);
  const eos = tokens.push(EOS) - 1;
  types.push(TOKEN_CONTROL);
  return { tokens, types, merges, bos, eos };
}

/** mulberry32: a small 32-bit seeded PRNG; returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type MetaValue =
  | { type: "u32"; value: number }
  | { type: "i32"; value: number }
  | { type: "f32"; value: number }
  | { type: "str"; value: string }
  | { type: "str[]"; value: readonly string[] }
  | { type: "i32[]"; value: readonly number[] };

interface Tensor {
  name: string;
  dims: number[]; // innermost first, as GGUF lists them
  data: Float32Array;
}

/** Growable little-endian byte writer. */
class Writer {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    this.reserve(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function writeMeta(w: Writer, key: string, v: MetaValue): void {
  w.str(key);
  switch (v.type) {
    case "u32":
      w.u32(T_UINT32);
      w.u32(v.value);
      break;
    case "i32":
      w.u32(T_INT32);
      w.i32(v.value);
      break;
    case "f32":
      w.u32(T_FLOAT32);
      w.f32(v.value);
      break;
    case "str":
      w.u32(T_STRING);
      w.str(v.value);
      break;
    case "str[]":
      w.u32(T_ARRAY);
      w.u32(T_STRING);
      w.u64(v.value.length);
      for (const s of v.value) w.str(s);
      break;
    case "i32[]":
      w.u32(T_ARRAY);
      w.u32(T_INT32);
      w.u64(v.value.length);
      for (const n of v.value) w.i32(n);
      break;
  }
}

/** Tokens the model may produce: printable ASCII bytes (space..~) and the merges. */
function allowedToken(id: number, vocab: Vocab): boolean {
  if (id < 256) return id >= 0x20 && id <= 0x7e;
  return id !== vocab.bos && id !== vocab.eos;
}

function buildTensors(vocab: Vocab): Tensor[] {
  const nVocab = vocab.tokens.length;
  const m = TINY_LLAMA;
  const rand = mulberry32(m.seed);
  // Uniform in [-a, a] with variance 1/fanIn (or the given variance).
  const random = (name: string, dims: number[], variance?: number): Tensor => {
    const a = Math.sqrt(3 * (variance ?? 1 / (dims[0] ?? 1)));
    const data = new Float32Array(dims.reduce((x, y) => x * y, 1));
    for (let i = 0; i < data.length; i++) data[i] = (rand() * 2 - 1) * a;
    return { name, dims, data };
  };
  const ones = (name: string, n: number): Tensor => ({ name, dims: [n], data: new Float32Array(n).fill(1) });

  const e = m.embeddingLength;
  const kvDim = (e / m.headCount) * m.headCountKv;
  const ff = m.feedForwardLength;
  const tensors: Tensor[] = [random("token_embd.weight", [e, nVocab], 1)];
  for (let l = 0; l < m.blockCount; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      ones(`${p}attn_norm.weight`, e),
      random(`${p}attn_q.weight`, [e, e]),
      random(`${p}attn_k.weight`, [e, kvDim]),
      random(`${p}attn_v.weight`, [e, kvDim]),
      random(`${p}attn_output.weight`, [e, e]),
      ones(`${p}ffn_norm.weight`, e),
      random(`${p}ffn_gate.weight`, [e, ff]),
      random(`${p}ffn_up.weight`, [e, ff]),
      random(`${p}ffn_down.weight`, [ff, e]),
    );
  }
  tensors.push(ones("output_norm.weight", e), random("output.weight", [e, nVocab]));

  // The bias feature (see the top of the file). Element (i, o) of a [in, out] matrix is at
  // o * in + i (GGUF dims are innermost first).
  const byName = (n: string) => tensors.find((t) => t.name === n)!.data;
  const embd = byName("token_embd.weight");
  const output = byName("output.weight");
  for (let t = 0; t < nVocab; t++) {
    embd[t * e] = m.biasFeature;
    output[t * e] = allowedToken(t, vocab) ? m.logitBias : -m.logitBias;
  }
  for (let l = 0; l < m.blockCount; l++) {
    byName(`blk.${l}.attn_norm.weight`)[0] = 0; // not read by attention
    byName(`blk.${l}.ffn_norm.weight`)[0] = 0; // not read by the FFN
    byName(`blk.${l}.attn_output.weight`).fill(0, 0, e); // output row 0: not written
    byName(`blk.${l}.ffn_down.weight`).fill(0, 0, ff); // output row 0: not written
  }
  return tensors;
}

/** The tiny model's GGUF file: the same bytes on every call. */
export function tinyLlamaGguf(): Uint8Array {
  const m = TINY_LLAMA;
  const vocab = buildVocab();
  const tensors = buildTensors(vocab);

  const meta: [string, MetaValue][] = [
    ["general.architecture", { type: "str", value: "llama" }],
    ["general.name", { type: "str", value: m.name }],
    ["general.alignment", { type: "u32", value: ALIGNMENT }],
    ["general.file_type", { type: "u32", value: 0 }], // ALL_F32
    ["llama.context_length", { type: "u32", value: m.contextLength }],
    ["llama.embedding_length", { type: "u32", value: m.embeddingLength }],
    ["llama.block_count", { type: "u32", value: m.blockCount }],
    ["llama.feed_forward_length", { type: "u32", value: m.feedForwardLength }],
    ["llama.attention.head_count", { type: "u32", value: m.headCount }],
    ["llama.attention.head_count_kv", { type: "u32", value: m.headCountKv }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: m.rmsEpsilon }],
    ["llama.rope.dimension_count", { type: "u32", value: m.embeddingLength / m.headCount }],
    ["llama.rope.freq_base", { type: "f32", value: m.ropeFreqBase }],
    ["llama.vocab_size", { type: "u32", value: vocab.tokens.length }],
    ["tokenizer.ggml.model", { type: "str", value: "gpt2" }],
    ["tokenizer.ggml.pre", { type: "str", value: "default" }],
    ["tokenizer.ggml.tokens", { type: "str[]", value: vocab.tokens }],
    ["tokenizer.ggml.token_type", { type: "i32[]", value: vocab.types }],
    ["tokenizer.ggml.merges", { type: "str[]", value: vocab.merges }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: vocab.bos }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: vocab.eos }],
  ];

  const w = new Writer();
  w.bytes(new TextEncoder().encode("GGUF"));
  w.u32(3); // version
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [k, v] of meta) writeMeta(w, k, v);

  let offset = 0;
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_F32);
    w.u64(offset);
    offset += Math.ceil((t.data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.padTo(ALIGNMENT);
  for (const t of tensors) {
    for (const x of t.data) w.f32(x);
    w.padTo(ALIGNMENT);
  }
  return w.result();
}
