//! LD1-LD4 / ST1-ST4 (multiple and single structures), LDnR, post-index writeback.

use super::*;

fn mem_pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

fn bytes_at(mem: &[u8], off: usize) -> u128 {
    u128::from_le_bytes(mem[off..off + 16].try_into().unwrap())
}

#[test]
fn ld1_st1_multiple() {
    let mem = mem_pattern(128);
    let base = mem.as_ptr() as u64;
    let mut cpu = CpuState::default();
    cpu.v[4] = u128::MAX;
    cpu.x[0] = base;
    run(
        &[
            0x4cdf2000, /* ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x0], #64 */
        ],
        &mut cpu,
    );
    for r in 0..4 {
        assert_eq!(cpu.v[r], bytes_at(&mem, 16 * r));
    }
    assert_eq!(cpu.x[0], base + 64);
    cpu.x[0] = base;
    cpu.x[2] = 24;
    run(
        &[
            0x0c407004, /* ld1 {v4.8b}, [x0] */
            0x0c406407, /* ld1 {v7.4h, v8.4h, v9.4h}, [x0] */
            0x4cc2ac05, /* ld1 {v5.2d, v6.2d}, [x0], x2 */
        ],
        &mut cpu,
    );
    assert_eq!(cpu.v[4], lo(bytes_at(&mem, 0)));
    assert_eq!(
        (cpu.v[7], cpu.v[8], cpu.v[9]),
        (
            lo(bytes_at(&mem, 0)),
            lo(bytes_at(&mem, 8)),
            lo(bytes_at(&mem, 16))
        )
    );
    assert_eq!(
        (cpu.v[5], cpu.v[6]),
        (bytes_at(&mem, 0), bytes_at(&mem, 16))
    );
    assert_eq!(cpu.x[0], base + 24);
    // Stores.
    let mut out = vec![0u8; 64];
    cpu.x[1] = out.as_mut_ptr() as u64;
    cpu.v[10] = N;
    cpu.v[11] = M;
    cpu.v[12] = D;
    run(
        &[
            0x4c9f782a, /* st1 {v10.4s}, [x1], #16 */
            0x0c9fa02b, /* st1 {v11.8b, v12.8b}, [x1], #16 */
            0x4c00ac2a, /* st1 {v10.2d, v11.2d}, [x1] */
        ],
        &mut cpu,
    );
    assert_eq!(bytes_at(&out, 0), N);
    assert_eq!(bytes_at(&out, 16), lo(M) | lo(D) << 64);
    assert_eq!((bytes_at(&out, 32), bytes_at(&out, 48)), (N, M));
    assert_eq!(cpu.x[1], out.as_ptr() as u64 + 32);
}

#[test]
fn ld2_ld3_ld4_deinterleave_and_st_interleave() {
    let mem = mem_pattern(64);
    let base = mem.as_ptr() as u64;
    let mut cpu = CpuState::default();
    cpu.x[0] = base;
    run(
        &[
            0x4c408400, /* ld2 {v0.8h, v1.8h}, [x0] */
            0x4c404802, /* ld3 {v2.4s, v3.4s, v4.4s}, [x0] */
            0x0cdf0005, /* ld4 {v5.8b, v6.8b, v7.8b, v8.8b}, [x0], #32 */
        ],
        &mut cpu,
    );
    let h = lanes(16, bytes_at(&mem, 0))
        .into_iter()
        .chain(lanes(16, bytes_at(&mem, 16)))
        .collect::<Vec<_>>();
    assert_eq!(
        cpu.v[0],
        vec_of(16, &(0..8).map(|e| h[2 * e]).collect::<Vec<_>>())
    );
    assert_eq!(
        cpu.v[1],
        vec_of(16, &(0..8).map(|e| h[2 * e + 1]).collect::<Vec<_>>())
    );
    let w: Vec<u64> = (0..12)
        .map(|i| lanes(32, bytes_at(&mem, 4 * i))[0])
        .collect();
    for s in 0..3 {
        assert_eq!(
            cpu.v[2 + s],
            vec_of(32, &(0..4).map(|e| w[3 * e + s]).collect::<Vec<_>>())
        );
    }
    for s in 0..4 {
        assert_eq!(
            cpu.v[5 + s],
            vec_of(
                8,
                &(0..8).map(|e| mem[4 * e + s] as u64).collect::<Vec<_>>()
            )
        );
    }
    assert_eq!(cpu.x[0], base + 32);
    // Round trips: STn of what LDn loaded rebuilds the memory image.
    let mut out = vec![0u8; 64];
    cpu.x[0] = base;
    cpu.x[1] = out.as_mut_ptr() as u64;
    run(
        &[
            0x4c400010, /* ld4 {v16.16b, v17.16b, v18.16b, v19.16b}, [x0] */
            0x4c000030, /* st4 {v16.16b, v17.16b, v18.16b, v19.16b}, [x1] */
        ],
        &mut cpu,
    );
    assert_eq!(out, mem);
    let mut out = vec![0u8; 48];
    cpu.x[1] = out.as_mut_ptr() as u64;
    cpu.x[3] = 5;
    run(
        &[
            0x4c404414, /* ld3 {v20.8h, v21.8h, v22.8h}, [x0] */
            0x4c834434, /* st3 {v20.8h, v21.8h, v22.8h}, [x1], x3 */
        ],
        &mut cpu,
    );
    assert_eq!(out, mem[..48]);
    assert_eq!(cpu.x[1], out.as_ptr() as u64 + 5);
    let mut out = vec![0u8; 32];
    cpu.x[1] = out.as_mut_ptr() as u64;
    run(
        &[
            0x4c408c17, /* ld2 {v23.2d, v24.2d}, [x0] */
            0x4c008c37, /* st2 {v23.2d, v24.2d}, [x1] */
        ],
        &mut cpu,
    );
    assert_eq!(out, mem[..32]);
    assert_eq!(
        cpu.v[23],
        vec_of(
            64,
            &[
                lanes(64, bytes_at(&mem, 0))[0],
                lanes(64, bytes_at(&mem, 16))[0]
            ]
        )
    );
}

#[test]
fn ld1r_and_single_lane() {
    let mem = mem_pattern(64);
    let base = mem.as_ptr() as u64;
    let mut cpu = CpuState::default();
    cpu.x[0] = base;
    cpu.v[1] = u128::MAX;
    run(
        &[
            0x4d40c800, /* ld1r {v0.4s}, [x0] */
            0x0ddfc001, /* ld1r {v1.8b}, [x0], #1 */
            0x4d60c402, /* ld2r {v2.8h, v3.8h}, [x0] */
        ],
        &mut cpu,
    );
    let w = u32::from_le_bytes(mem[0..4].try_into().unwrap()) as u64;
    assert_eq!(cpu.v[0], vec_of(32, &[w; 4]));
    assert_eq!(cpu.v[1], lo(vec_of(8, &[mem[0] as u64; 16])));
    assert_eq!(cpu.x[0], base + 1);
    let h1 = u16::from_le_bytes(mem[1..3].try_into().unwrap()) as u64;
    let h2 = u16::from_le_bytes(mem[3..5].try_into().unwrap()) as u64;
    assert_eq!(
        (cpu.v[2], cpu.v[3]),
        (vec_of(16, &[h1; 8]), vec_of(16, &[h2; 8]))
    );
    // Single lanes: other lanes are kept, all 128 bits.
    cpu.x[0] = base;
    cpu.v[4] = N;
    cpu.v[5] = M;
    cpu.v[6] = D;
    cpu.v[7] = N;
    cpu.x[4] = 8;
    run(
        &[
            0x4d409004, /* ld1 {v4.s}[3], [x0] */
            0x4d601c05, /* ld2 {v5.b, v6.b}[15], [x0] */
            0x0dc48407, /* ld1 {v7.d}[0], [x0], x4 */
        ],
        &mut cpu,
    );
    let mut want = lanes(32, N);
    want[3] = w;
    assert_eq!(cpu.v[4], vec_of(32, &want));
    assert_eq!(cpu.v[5], (M & !(0xffu128 << 120)) | (mem[0] as u128) << 120);
    assert_eq!(cpu.v[6], (D & !(0xffu128 << 120)) | (mem[1] as u128) << 120);
    assert_eq!(
        cpu.v[7],
        (N >> 64) << 64 | u64::from_le_bytes(mem[0..8].try_into().unwrap()) as u128
    );
    assert_eq!(cpu.x[0], base + 8);
    let mut out = vec![0u8; 8];
    cpu.x[1] = out.as_mut_ptr() as u64;
    cpu.v[8] = N;
    run(
        &[
            0x4d9f4828, /* st1 {v8.h}[5], [x1], #2 */
            0x0d000028, /* st1 {v8.b}[0], [x1] */
        ],
        &mut cpu,
    );
    let h5 = lanes(16, N)[5] as u16;
    assert_eq!(out[..3], [h5 as u8, (h5 >> 8) as u8, N as u8]);
    assert_eq!(cpu.x[1], out.as_ptr() as u64 + 2);
}

/// LD1/ST1 (multiple), LD2-LD4/ST2-ST4 and the single-structure loads and
/// stores run inline: a load whose bytes reach an inaccessible page faults
/// at that page before writing any register or the base; a store faults
/// at it too, before writing any byte (it checks the second page first).
/// The interpreter (the exact helper for the multiple-structure forms and
/// ST2-ST4 of one lane) does the same. The host fault handler knows one
/// code region per process, so this is the only test of this binary that
/// sets it.
#[test]
fn inline_ld1_st1_fault_before_writing_registers() {
    use emu::backend::interp::{self, Next};
    use emu::frontend::translate_block;
    use emu::jit::{testing::run_code_in, Jit};
    use emu::linux::host_signals;
    host_signals::install();
    let mut jit = Jit::new().expect("code cache");
    let region: &'static _ = Box::leak(Box::new(jit.region().clone()));
    host_signals::set_region(region);
    let (rw, none) = (libc::PROT_READ | libc::PROT_WRITE, libc::PROT_NONE);
    let anon = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;
    // SAFETY: a fresh private anonymous mapping of two pages, only the
    // first accessible; unmapped at the end.
    let p = unsafe { libc::mmap(std::ptr::null_mut(), 8192, none, anon, -1, 0) };
    assert_ne!(p, libc::MAP_FAILED);
    // SAFETY: the first page of that mapping.
    assert_eq!(unsafe { libc::mprotect(p, 4096, rw) }, 0);
    let page = p as u64 + 4096;
    let pattern = mem_pattern(4096);
    // SAFETY: the first page, read-write, is 4096 bytes.
    let first = unsafe { std::slice::from_raw_parts_mut(p as *mut u8, 4096) };
    let cases: [(u32, &str, u64, bool); 26] = [
        (0x4c400020, "ld4 {v0.16b-v3.16b}, [x1]", 16, false),
        (0x4cdf0420, "ld4 {v0.8h-v3.8h}, [x1], #64", 63, false),
        (0x4c40083e, "ld4 {v30.4s-v1.4s}, [x1]", 40, false),
        (0x4c400c20, "ld4 {v0.2d-v3.2d}, [x1]", 16, false),
        (0x4c408020, "ld2 {v0.16b, v1.16b}, [x1]", 16, false),
        (0x0c404420, "ld3 {v0.4h-v2.4h}, [x1]", 8, false),
        (0x4cdf2020, "ld1 {v0.16b-v3.16b}, [x1], #64", 16, false),
        (0x4c9f2020, "st1 {v0.16b-v3.16b}, [x1], #64", 16, true),
        (0x4c407020, "ld1 {v0.16b}, [x1]", 8, false),
        (0x0c40a020, "ld1 {v0.8b, v1.8b}, [x1]", 8, false),
        (0x4c406020, "ld1 {v0.16b-v2.16b}, [x1]", 40, false),
        (0x4c00a020, "st1 {v0.16b, v1.16b}, [x1]", 8, true),
        (0x4c000020, "st4 {v0.16b-v3.16b}, [x1]", 16, true),
        (0x4c9f4820, "st3 {v0.4s-v2.4s}, [x1], #48", 40, true),
        (0x0c008420, "st2 {v0.4h, v1.4h}, [x1]", 8, true),
        (0x0c9f4420, "st3 {v0.4h-v2.4h}, [x1], #24", 1, true),
        (0x4d408420, "ld1 {v0.d}[1], [x1]", 0, false),
        (0x4ddfc825, "ld1r {v5.4s}, [x1], #4", 0, false),
        (0x0d60a420, "ld4 {v0.h-v3.h}[0], [x1]", 6, false),
        (0x4de0e820, "ld4r {v0.4s-v3.4s}, [x1]", 12, false),
        (0x4d20a420, "st4 {v0.d-v3.d}[1], [x1]", 16, true),
        (0x4d003420, "st3 {v0.b-v2.b}[13], [x1]", 2, true),
        (0x4dbf9020, "st2 {v0.s, v1.s}[3], [x1], #8", 4, true),
        (
            0x4d20783e,
            "st4 {v30.h, v31.h, v0.h, v1.h}[7], [x1]",
            6,
            true,
        ),
        (0x4d82a020, "st3 {v0.s-v2.s}[2], [x1], x2", 8, true),
        (0x4d201c20, "st2 {v0.b, v1.b}[15], [x1]", 1, true),
    ];
    // LD2-LD4/ST2-ST4 (multiple: opcode 0000, 0100, 1000) and the single
    // structure forms, not LD1/ST1 (multiple), which interleave nothing.
    let structure = |w: u32| w & 1 << 24 != 0 || matches!(w >> 12 & 0xf, 0b0000 | 0b0100 | 0b1000);
    for (word, what, before, write) in cases {
        let mut c0 = CpuState::default();
        for (i, v) in c0.v.iter_mut().enumerate() {
            *v = N.rotate_left(i as u32 * 5);
        }
        c0.x[1] = page - before;
        let interp = [false, true];
        // (The interpreter's own loads of plain IR must not fault: only the
        // helper's accessors of the multiple-structure forms and of ST2-ST4
        // of one lane (L clear, R or opcode<0> set) may.)
        let st_lane = word & 1 << 24 != 0 && word & 1 << 22 == 0 && word & (1 << 21 | 1 << 13) != 0;
        let helper = (word & 1 << 24 == 0 && structure(word)) || st_lane;
        for interp in interp.into_iter().filter(|&i| !i || helper) {
            first.copy_from_slice(&pattern);
            let mut c = c0.clone();
            let exit = if interp {
                let block = translate_block(0x40_0000, &mut |a| (a == 0x40_0000).then_some(word));
                match interp::run_block(&block, &mut c) {
                    Next::Exit(reason, _, _) => reason,
                    Next::Jump(_) => ExitReason::Lookup,
                }
            } else {
                run_code_in(&mut jit, &[word], &mut c)
            };
            let what = format!("{what} (interpreter {interp})");
            assert_eq!(exit, ExitReason::Fault, "{what}: exit at {:#x}", c.pc);
            assert_eq!(c.exit_arg, page, "{what}: fault address");
            let fault_write = emu::linux::host_signals::FAULT_WRITE;
            assert_eq!(c.fault & fault_write != 0, write, "{what}: fault kind");
            assert_eq!(c.x, c0.x, "{what}: registers changed");
            assert_eq!(c.v, c0.v, "{what}: vector registers changed");
            if structure(word) {
                assert!(first[..] == pattern[..], "{what}: memory changed");
            }
        }
    }
    // SAFETY: unmapping the mapping made above.
    unsafe { libc::munmap(p, 8192) };
}
