/**
 * A small seeded PRNG that gives the same numbers on every platform and JavaScript engine,
 * so a seed in a manifest always names the same workload.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator from PractRand:
 * 128 bits of state, passes PractRand and BigCrush), seeded through splitmix32. Everything is 32-bit
 * integer arithmetic (`Math.imul`, `| 0`, `>>> 0`) or basic IEEE 754 double arithmetic, which
 * ECMAScript specifies exactly. Transcendental Math functions are not: their precision is left to the
 * engine, so the Gaussian uses `portableLog` below instead of `Math.log`. No Math.random, no Date.
 */

const TWO_POW_32 = 2 ** 32;
const MAX_UINT32 = 0xffffffff;
/** Discarded outputs after seeding, as PractRand seeds sfc32, so near seeds give unrelated streams. */
const WARM_UP_ROUNDS = 12;

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_UINT32) {
    throw new RangeError(`seed must be an integer in 0..2^32-1, got ${seed}`);
  }
}

/** MurmurHash3's finaliser: every input bit flips each output bit with probability about 1/2. */
function fmix32(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** splitmix32: a Weyl sequence through fmix32; turns one uint32 into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return fmix32(state);
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private counter: number;
  /**
   * The polar method makes Gaussians in pairs; the second waits here. A flag and a plain number,
   * not `number | undefined`, keep the field unboxed (V8 would allocate a heap number per store).
   */
  private hasSpare = false;
  private spare = 0;

  constructor(seed: number) {
    checkSeed(seed);
    const next = splitmix32(seed);
    this.a = next();
    this.b = next();
    this.c = next();
    this.counter = 1;
    for (let i = 0; i < WARM_UP_ROUNDS; i++) this.nextUint32();
  }

  /** A uniform integer in 0..2^32-1. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) on the grid k/2^32: exact, so `nextFloat() < p` has probability p to 2^-32. */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A uniform integer in lo..hi inclusive; unbiased because draws from the incomplete last block are rejected. */
  nextInt(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi || hi - lo >= TWO_POW_32) {
      throw new RangeError(`nextInt needs integers lo <= hi spanning at most 2^32 values, got ${lo}..${hi}`);
    }
    const range = hi - lo + 1;
    // The largest multiple of range not above 2^32: draws at or beyond it would favour small results.
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    for (;;) {
      const draw = this.nextUint32();
      if (draw < limit) return lo + (draw % range);
    }
  }

  /** A standard normal deviate, by Marsaglia's polar method (no sin/cos, one log per pair). */
  nextGaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    for (;;) {
      const u = 2 * this.nextFloat() - 1;
      const v = 2 * this.nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const scale = Math.sqrt((-2 * portableLog(s)) / s); // sqrt is correctly rounded by IEEE 754
        this.spare = v * scale;
        this.hasSpare = true;
        return u * scale;
      }
    }
  }
}

// ln 2 split as in fdlibm (Cody & Waite): LN2_HI has its low bits zero, so k·LN2_HI is exact for the
// exponents met here, and the reductions below stay accurate to an ulp even for large |k|.
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

/**
 * Natural logarithm of a positive finite number from + − × ÷ only, so it is the same double on every
 * engine (Math.log's last bit is implementation-defined). Accurate to a few ulp.
 */
export function portableLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`portableLog needs a positive finite number, got ${x}`);
  let mantissa = x;
  let exponent = 0;
  // Scaling by 2 is exact in binary floating point, so this splits x = mantissa · 2^exponent losslessly.
  while (mantissa >= 2) {
    mantissa *= 0.5;
    exponent++;
  }
  while (mantissa < 1) {
    mantissa *= 2;
    exponent--;
  }
  if (mantissa > Math.SQRT2) {
    mantissa *= 0.5;
    exponent++;
  }
  // ln m = 2·atanh(z) with z = (m−1)/(m+1); m in [√2/2, √2] keeps |z| <= 0.172, so the series converges fast.
  const z = (mantissa - 1) / (mantissa + 1);
  const z2 = z * z;
  // atanh(z)/z = Σ z^(2k)/(2k+1), unrolled (a loop here is several times slower); the first term
  // left out, z^24/25, is below 2^-60 for |z| <= 0.172.
  const series =
    1 + z2 * (1 / 3 + z2 * (1 / 5 + z2 * (1 / 7 + z2 * (1 / 9 + z2 * (1 / 11 + z2 * (1 / 13 + z2 * (1 / 15 + z2 * (1 / 17 + z2 * (1 / 19 + z2 * (1 / 21 + z2 / 23))))))))));
  return exponent * LN2_HI + (exponent * LN2_LO + 2 * z * series);
}

/** MurmurHash3's per-word step: folds one 32-bit word into the running hash. */
function mixWord(hash: number, word: number): number {
  let k = Math.imul(word | 0, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  const h = hash ^ k;
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}

// Type tags keep the label 1 apart from the label "1"; lengths keep ("ab","c") apart from ("a","bc").
const STRING_TAG = 0x53545247;
const NUMBER_TAG = 0x4e554d42;
const float64Bits = new DataView(new ArrayBuffer(8));

function mixLabel(hash: number, label: string | number): number {
  if (typeof label === 'string') {
    let h = mixWord(mixWord(hash, STRING_TAG), label.length);
    for (let i = 0; i < label.length; i++) h = mixWord(h, label.charCodeAt(i));
    return h;
  }
  if (!Number.isFinite(label)) throw new RangeError(`deriveSeed labels must be finite numbers or strings, got ${label}`);
  // The IEEE bits, little-endian whatever the host, so 1 and 1.5 differ; +0 stands for -0 too.
  float64Bits.setFloat64(0, label === 0 ? 0 : label, true);
  const h = mixWord(hash, NUMBER_TAG);
  return mixWord(mixWord(h, float64Bits.getUint32(0, true)), float64Bits.getUint32(4, true));
}

/**
 * A new uint32 seed from a seed and a path of labels, e.g. `deriveSeed(root, 'vgg16', 'conv3_1', 'input')`,
 * so every layer and tensor gets its own independent stream, and adding a layer does not shift the others.
 */
export function deriveSeed(seed: number, ...labels: readonly (string | number)[]): number {
  checkSeed(seed);
  let hash = mixWord(0x68776765, seed); // "hwge": keeps deriveSeed(s) apart from s itself
  for (const label of labels) hash = mixLabel(hash, label);
  return fmix32(hash ^ labels.length);
}

/**
 * e^x from + − × ÷ only, for the same reason as `portableLog`: x = k·ln2 + r, a Taylor series for e^r
 * (|r| <= 0.35), then k exact doublings or halvings. Accurate to a few ulp for |x| up to a few hundred.
 */
export function portableExp(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`portableExp needs a finite number, got ${x}`);
  if (x > 710) return Infinity;
  if (x < -746) return 0;
  const k = Math.round(x / (LN2_HI + LN2_LO));
  const r = x - k * LN2_HI - k * LN2_LO;
  let series = 1;
  for (let n = 17; n >= 1; n--) series = 1 + (series * r) / n; // Horner form of Σ r^n/n!; r^18/18! < 2^-80
  let result = series;
  for (let i = 0; i < k; i++) result *= 2;
  for (let i = 0; i > k; i--) result *= 0.5;
  return result;
}

/**
 * Draws index i with probability weights[i] / Σ weights. A cumulative table plus a guide table
 * (Chen & Asau, 1974) that jumps straight to the right neighbourhood: about one comparison per draw,
 * several times faster than a binary search, which matters for 10^8 synthetic weights.
 */
export class DiscreteSampler {
  private readonly cdf: Float64Array;
  private readonly guide: Uint32Array;

  constructor(weights: ArrayLike<number>) {
    this.cdf = cumulative(weights);
    // Four guide cells per outcome keep the expected linear search below 1.25 steps.
    this.guide = new Uint32Array(4 * weights.length);
    let k = 0;
    for (let j = 0; j < this.guide.length; j++) {
      while ((this.cdf[k] ?? 1) <= j / this.guide.length) k++;
      this.guide[j] = k;
    }
  }

  sample(rng: Rng): number {
    const u = rng.nextFloat();
    // u < 1 - 2^-32, so u·length stays below length; guide[j] is the first k with cdf[k] > j/length <= u.
    let k = this.guide[Math.floor(u * this.guide.length)] ?? 0;
    while (u >= (this.cdf[k] ?? 1)) k++;
    return k;
  }
}

function cumulative(weights: ArrayLike<number>): Float64Array {
  let total = 0;
  let lastPositive = -1;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i] ?? 0;
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`sampler weight ${i} must be finite and >= 0, got ${weight}`);
    total += weight;
    if (weight > 0) lastPositive = i;
  }
  if (!(total > 0)) throw new RangeError('sampler needs at least one positive weight');
  const cdf = new Float64Array(weights.length);
  let running = 0;
  for (let i = 0; i < weights.length; i++) {
    running += weights[i] ?? 0;
    // From the last possible outcome on, exactly 1: rounding can then never pick an impossible one.
    cdf[i] = i >= lastPositive ? 1 : running / total;
  }
  return cdf;
}
