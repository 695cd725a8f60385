// A small LZMA1 decoder (the algorithm of the LZMA SDK's LzmaSpec.cpp, written for size, not
// speed) for the engine's embedded module. LZMA packs the module about 10% tighter than the best
// deflate (zopfli), more than the decoder's own weight, and decoding is synchronous and needs no
// platform API, so it works the same in a browser, under Jest and in Node.
//
// The input is a raw LZMA1 stream, as `xz --format=raw --lzma1=…` writes it, with the literal
// context parameters given by the caller; the output size is known, so the whole output is the
// dictionary. Corrupt input throws; it never loops forever or reads out of bounds silently.

// Offsets of the adaptive probabilities in one array (the length and literal coders follow).
const IS_MATCH = 0; // 12 states × 16 position states
const IS_REP = 192;
const IS_REP_G0 = IS_REP + 12;
const IS_REP_G1 = IS_REP_G0 + 12;
const IS_REP_G2 = IS_REP_G1 + 12;
const IS_REP0_LONG = IS_REP_G2 + 12; // 12 × 16
const POS_SLOT = IS_REP0_LONG + 192; // 4 length states × 64
const POS_SPECIAL = POS_SLOT + 256; // distances 4…127, reverse bit trees
const ALIGN = POS_SPECIAL + 115;
const LEN = ALIGN + 16;

const corrupt = (): Error => new Error("flex-conference: the embedded module is corrupt");
const truncated = (): Error => new Error("flex-conference: the embedded module is truncated");

/**
 * The decoder's whole state. Each step is a small method, so the JIT optimises them one by one
 * soon after they become hot (one large function waits for an expensive on-stack compilation and
 * falls back to the interpreter on its first unseen branch: measured 3× slower cold).
 */
class Decoder {
  range = 0xffffffff;
  code = 0;
  at = 0;
  pos = 0;
  state = 0;
  rep0 = 0;
  rep1 = 0;
  rep2 = 0;
  rep3 = 0;
  readonly probs: Uint16Array;
  readonly out: Uint8Array;
  readonly posMask: number;
  readonly repLen: number;
  readonly literals: number;

  constructor(
    readonly input: Uint8Array,
    size: number,
    readonly lc: number,
    readonly lp: number,
    pb: number,
  ) {
    this.out = new Uint8Array(size);
    this.posMask = (1 << pb) - 1;
    // A length coder: choice, choice2, low and mid trees (8 each per position state), high tree.
    this.repLen = LEN + 2 + (16 << pb) + 256;
    this.literals = this.repLen + 2 + (16 << pb) + 256;
    this.probs = new Uint16Array(this.literals + (0x300 << (lc + lp))).fill(1024);
    if (this.byte() !== 0) throw corrupt();
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.byte();
  }

  byte(): number {
    if (this.at >= this.input.length) throw truncated();
    return this.input[this.at++];
  }

  bit(p: number): number {
    const probs = this.probs;
    const prob = probs[p];
    const bound = (this.range >>> 11) * prob;
    let b = 0;
    if (this.code < bound) {
      probs[p] = prob + ((2048 - prob) >>> 5);
      this.range = bound;
    } else {
      probs[p] = prob - (prob >>> 5);
      this.code -= bound;
      this.range -= bound;
      b = 1;
    }
    if (this.range < 0x1000000) {
      this.range *= 256;
      this.code = this.code * 256 + this.byte();
    }
    return b;
  }

  direct(count: number): number {
    let result = 0;
    while (count--) {
      this.range = this.range >>> 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      result = result * 2 + b;
      if (this.range < 0x1000000) {
        this.range *= 256;
        this.code = this.code * 256 + this.byte();
      }
    }
    return result;
  }

  tree(base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(base + m);
    return m - (1 << bits);
  }

  reverse(base: number, bits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(base + m);
      m = (m << 1) | b;
      symbol |= b << i;
    }
    return symbol;
  }

  /** A match length minus 2; `base` is the length coder's first probability. */
  length(base: number, posState: number): number {
    if (!this.bit(base)) return this.tree(base + 2 + (posState << 3), 3);
    const mid = base + 2 + ((this.posMask + 1) << 3);
    if (!this.bit(base + 1)) return 8 + this.tree(mid + (posState << 3), 3);
    return 16 + this.tree(mid + ((this.posMask + 1) << 3), 8);
  }

  /** Decodes one literal or match. */
  step(): void {
    const posState = this.pos & this.posMask;
    if (this.bit(IS_MATCH + (this.state << 4) + posState)) this.match(posState);
    else this.literal();
  }

  literal(): void {
    const { out, pos, lc, state } = this;
    const prev = pos > 0 ? out[pos - 1] : 0;
    const base = this.literals + 0x300 * (((pos & ((1 << this.lp) - 1)) << lc) + (prev >>> (8 - lc)));
    let symbol = 1;
    if (state >= 7) {
      let match = out[pos - this.rep0 - 1];
      while (symbol < 0x100) {
        const matchBit = (match >>> 7) & 1;
        match <<= 1;
        const b = this.bit(base + ((1 + matchBit) << 8) + symbol);
        symbol = (symbol << 1) | b;
        if (matchBit !== b) break;
      }
    }
    while (symbol < 0x100) symbol = (symbol << 1) | this.bit(base + symbol);
    out[pos] = symbol - 0x100;
    this.pos = pos + 1;
    this.state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
  }

  match(posState: number): void {
    const state = this.state;
    let len: number;
    if (this.bit(IS_REP + state)) {
      if (this.pos === 0) throw corrupt();
      if (!this.bit(IS_REP_G0 + state)) {
        if (!this.bit(IS_REP0_LONG + (state << 4) + posState)) {
          this.state = state < 7 ? 9 : 11;
          this.copy(1);
          return;
        }
      } else {
        let dist: number;
        if (!this.bit(IS_REP_G1 + state)) {
          dist = this.rep1;
        } else {
          if (!this.bit(IS_REP_G2 + state)) {
            dist = this.rep2;
          } else {
            dist = this.rep3;
            this.rep3 = this.rep2;
          }
          this.rep2 = this.rep1;
        }
        this.rep1 = this.rep0;
        this.rep0 = dist;
      }
      len = this.length(this.repLen, posState);
      this.state = state < 7 ? 8 : 11;
    } else {
      this.rep3 = this.rep2;
      this.rep2 = this.rep1;
      this.rep1 = this.rep0;
      len = this.length(LEN, posState);
      this.state = state < 7 ? 7 : 10;
      this.rep0 = this.distance(len);
    }
    this.copy(len + 2);
  }

  /** A new match's distance minus 1; 0xffffffff is the end marker. */
  distance(len: number): number {
    const slot = this.tree(POS_SLOT + ((len < 3 ? len : 3) << 6), 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    const dist = (2 | (slot & 1)) * 2 ** bits;
    if (slot < 14) return dist + this.reverse(POS_SPECIAL + dist - slot, bits);
    return dist + this.direct(bits - 4) * 16 + this.reverse(ALIGN, 4);
  }

  copy(len: number): void {
    const { out, rep0 } = this;
    let pos = this.pos;
    // The end marker (rep0 = 0xffffffff) lands here too: the output is already complete.
    if (rep0 >= pos || len > out.length - pos) throw corrupt();
    for (const end = pos + len; pos < end; pos++) out[pos] = out[pos - rep0 - 1];
    this.pos = pos;
  }
}

/**
 * Decodes `input` into exactly `size` bytes. `lc`, `lp`, `pb` are the stream's literal context
 * bits, literal position bits and position bits.
 */
export function lzmaDecode(input: Uint8Array, size: number, lc: number, lp: number, pb: number): Uint8Array {
  const d = new Decoder(input, size, lc, lp, pb);
  while (d.pos < size) d.step();
  return d.out;
}
