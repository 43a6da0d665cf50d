//! The random source and the input values it draws: integers near the
//! limits, FP special values (±0, subnormals, ±inf, quiet and signalling
//! NaNs with payloads, values near integer limits) in half, single, double
//! and bfloat16 lanes, NZCV and FPCR.

pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so nearby seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len() as u64) as usize]
    }

    /// A general-purpose register value.
    pub fn xval(&mut self) -> u64 {
        const SPECIAL: [u64; 14] = [
            0,
            1,
            u64::MAX,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            i64::MIN as u64,
            i64::MAX as u64,
            0x8000_0000_0000_0001,
            0x1_0000_0000,
            0xffff_ffff_8000_0000,
            0x7fff,
            0x8000,
            0xff,
        ];
        match self.below(5) {
            0 => self.pick(&SPECIAL),
            1 => self.below(130),
            2 => self.next() as u32 as u64,
            3 => self.next() >> self.below(64),
            _ => self.next(),
        }
    }

    pub fn f64val(&mut self) -> u64 {
        const SPECIAL: [u64; 22] = [
            0,
            1 << 63,
            0x3ff0_0000_0000_0000, // 1.0
            0xbff8_0000_0000_0000, // -1.5
            0x7ff0_0000_0000_0000, // +inf
            0xfff0_0000_0000_0000, // -inf
            0x7fef_ffff_ffff_ffff, // max
            0x0010_0000_0000_0000, // min normal
            0x000f_ffff_ffff_ffff, // max subnormal
            1,                     // min subnormal
            0x8000_0000_0000_0001, // -min subnormal
            0x7ff8_0000_0000_0000, // default NaN
            0x41df_ffff_ffc0_0000, // 2^31 - 1
            0x41e0_0000_0000_0000, // 2^31
            0xc1e0_0000_0020_0000, // -2^31 - 1
            0x43e0_0000_0000_0000, // 2^63
            0xc3e0_0000_0000_0000, // -2^63
            0x43f0_0000_0000_0000, // 2^64
            0x3fe0_0000_0000_0000, // 0.5
            0x4004_0000_0000_0000, // 2.5
            0x41ef_ffff_ffff_ffff, // just below 2^32
            0x3810_0000_0000_0000, // f32 min normal as f64
        ];
        match self.below(6) {
            0 | 1 => self.pick(&SPECIAL),
            2 => 0x7ff8_0000_0000_0000 | self.below(1 << 51) | (self.below(2) << 63), // quiet NaN
            3 => 0x7ff0_0000_0000_0001 | self.below(1 << 51) | (self.below(2) << 63), // signalling NaN
            4 => ((self.next() as i32) as f64 / 64.0).to_bits(),
            _ => self.next(),
        }
    }

    pub fn f32val(&mut self) -> u32 {
        const SPECIAL: [u32; 18] = [
            0,
            0x8000_0000,
            0x3f80_0000, // 1.0
            0xbfc0_0000, // -1.5
            0x7f80_0000, // +inf
            0xff80_0000, // -inf
            0x7f7f_ffff, // max
            0x0080_0000, // min normal
            0x007f_ffff, // max subnormal
            1,           // min subnormal
            0x8000_0001,
            0x7fc0_0000, // default NaN
            0x4f00_0000, // 2^31
            0xcf00_0000, // -2^31
            0x4eff_ffff, // just below 2^31
            0x5f00_0000, // 2^63
            0x4f80_0000, // 2^32
            0x3f00_0000, // 0.5
        ];
        match self.below(6) {
            0 | 1 => self.pick(&SPECIAL),
            2 => 0x7fc0_0000 | self.below(1 << 22) as u32 | (self.below(2) << 31) as u32,
            3 => 0x7f80_0001 | self.below(1 << 22) as u32 | (self.below(2) << 31) as u32,
            4 => ((self.next() as i16) as f32 / 16.0).to_bits(),
            _ => self.next() as u32,
        }
    }

    /// A half-precision or bfloat16 pattern.
    pub fn f16val(&mut self) -> u16 {
        const SPECIAL: [u16; 20] = [
            0, 0x8000, 0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7bff, 0x0400, 0x03ff, 0x0001, 0x7e00,
            0x7d01, 0xfe01, // half: ±0, ±1, ±inf, max, min normal, subnormals, NaNs
            0x3f80, 0x7f80, 0xff80, 0x7fc0, 0x7f81, 0x0001, 0x0080, // bfloat16
        ];
        match self.below(3) {
            0 | 1 => self.pick(&SPECIAL),
            _ => self.next() as u16,
        }
    }

    /// A 128-bit vector register: double, single, half/bfloat16 lanes or
    /// raw bits.
    pub fn vval(&mut self) -> u128 {
        match self.below(5) {
            0 => (self.f64val() as u128) | ((self.f64val() as u128) << 64),
            1 => (0..4).fold(0u128, |v, i| v | (self.f32val() as u128) << (32 * i)),
            2 => (0..8).fold(0u128, |v, i| v | (self.f16val() as u128) << (16 * i)),
            3 => {
                // Integer lanes near their limits.
                let lane = [8u32, 16, 32, 64][self.below(4) as usize];
                let lanes = 128 / lane;
                (0..lanes).fold(0u128, |v, i| {
                    let max = if lane == 64 {
                        u64::MAX
                    } else {
                        (1u64 << lane) - 1
                    };
                    let x = match self.below(4) {
                        0 => max,
                        1 => max >> 1,
                        2 => (max >> 1) + 1,
                        _ => self.next() & max,
                    };
                    v | (x as u128) << (lane * i)
                })
            }
            _ => (self.next() as u128) | ((self.next() as u128) << 64),
        }
    }

    /// FPCR: half the cases the default, half random RMode (23:22), FZ (24),
    /// DN (25), AHP (26) and FZ16 (19).
    pub fn fpcr(&mut self) -> u64 {
        if self.below(2) == 0 {
            0
        } else {
            (self.below(32) << 22) | (self.below(2) << 19)
        }
    }
}
