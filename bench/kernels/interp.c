/* Bytecode interpreter (indirect branches): a register VM with threaded
 * dispatch (GCC computed goto: every handler ends in its own indirect jump)
 * runs a bytecode program that sums the Collatz step counts of 1..LIMIT
 * and keeps a 256-bucket histogram of the values visited in VM memory. */
#include "bench.h"

enum { LIMIT = 70000 };

enum op { LOADI, MOV, ADD, ADDI, MUL, ANDI, SHRI, LOADM, STOREM, JZ, JNE, JLT, JMP, HALT };

struct insn {
    uint8_t op, a, b, c;
    int32_t imm;
};

/* r0 = n, r1 = limit, r2 = total steps, r3 = x, r4 = scratch, r5 = 3, r6 = 1 */
static const struct insn program[] = {
    /*  0 */ { LOADI, 0, 0, 0, 1 },
    /*  1 */ { LOADI, 1, 0, 0, 0 }, /* imm patched to LIMIT */
    /*  2 */ { LOADI, 2, 0, 0, 0 },
    /*  3 */ { LOADI, 5, 0, 0, 3 },
    /*  4 */ { LOADI, 6, 0, 0, 1 },
    /*  5 */ { MOV, 3, 0, 0, 0 },       /* loop: x = n */
    /*  6 */ { JNE, 3, 6, 0, 8 },       /* x != 1: goto body */
    /*  7 */ { JMP, 0, 0, 0, 20 },      /* x == 1: goto next */
    /*  8 */ { ANDI, 4, 3, 0, 1 },      /* body: r4 = x & 1 */
    /*  9 */ { JZ, 4, 0, 0, 13 },       /* even */
    /* 10 */ { MUL, 3, 3, 5, 0 },       /* x = 3x */
    /* 11 */ { ADD, 3, 3, 6, 0 },       /* x += 1 */
    /* 12 */ { JMP, 0, 0, 0, 14 },
    /* 13 */ { SHRI, 3, 3, 0, 1 },      /* even: x >>= 1 */
    /* 14 */ { ANDI, 4, 3, 0, 255 },    /* bucket = x & 255 */
    /* 15 */ { LOADM, 7, 4, 0, 0 },     /* r7 = mem[bucket] */
    /* 16 */ { ADDI, 7, 7, 0, 1 },
    /* 17 */ { STOREM, 7, 4, 0, 0 },    /* mem[bucket] = r7 */
    /* 18 */ { ADDI, 2, 2, 0, 1 },      /* total++ */
    /* 19 */ { JNE, 3, 6, 0, 8 },       /* x != 1: goto body */
    /* 20 */ { ADDI, 0, 0, 0, 1 },      /* next: n++ */
    /* 21 */ { JLT, 0, 1, 0, 5 },       /* n < limit: goto loop */
    /* 22 */ { HALT, 0, 0, 0, 0 },
};

KERNEL static uint64_t run(const struct insn *code, uint64_t *mem, uint64_t *r)
{
    static const void *labels[] = {
        [LOADI] = &&do_loadi, [MOV] = &&do_mov,   [ADD] = &&do_add,     [ADDI] = &&do_addi, [MUL] = &&do_mul,
        [ANDI] = &&do_andi,   [SHRI] = &&do_shri, [LOADM] = &&do_loadm, [STOREM] = &&do_storem,
        [JZ] = &&do_jz,       [JNE] = &&do_jne,   [JLT] = &&do_jlt,     [JMP] = &&do_jmp, [HALT] = &&do_halt,
    };
    const struct insn *pc = code;
    uint64_t executed = 0;
#define NEXT                                                                                                           \
    do {                                                                                                               \
        executed++;                                                                                                    \
        goto *labels[pc->op];                                                                                          \
    } while (0)
    NEXT;
do_loadi:
    r[pc->a] = (uint64_t)(int64_t)pc->imm, pc++;
    NEXT;
do_mov:
    r[pc->a] = r[pc->b], pc++;
    NEXT;
do_add:
    r[pc->a] = r[pc->b] + r[pc->c], pc++;
    NEXT;
do_addi:
    r[pc->a] = r[pc->b] + (uint64_t)(int64_t)pc->imm, pc++;
    NEXT;
do_mul:
    r[pc->a] = r[pc->b] * r[pc->c], pc++;
    NEXT;
do_andi:
    r[pc->a] = r[pc->b] & (uint64_t)(int64_t)pc->imm, pc++;
    NEXT;
do_shri:
    r[pc->a] = r[pc->b] >> pc->imm, pc++;
    NEXT;
do_loadm:
    r[pc->a] = mem[r[pc->b]], pc++;
    NEXT;
do_storem:
    mem[r[pc->b]] = r[pc->a], pc++;
    NEXT;
do_jz:
    pc = r[pc->a] == 0 ? code + pc->imm : pc + 1;
    NEXT;
do_jne:
    pc = r[pc->a] != r[pc->b] ? code + pc->imm : pc + 1;
    NEXT;
do_jlt:
    pc = r[pc->a] < r[pc->b] ? code + pc->imm : pc + 1;
    NEXT;
do_jmp:
    pc = code + pc->imm;
    NEXT;
do_halt:
#undef NEXT
    return executed;
}

int main(void)
{
    static struct insn code[sizeof program / sizeof program[0]];
    static uint64_t mem[256], r[8];
    for (size_t i = 0; i < sizeof program / sizeof program[0]; i++)
        code[i] = program[i];
    code[1].imm = LIMIT;
    uint64_t t0 = now_ns();
    uint64_t executed = run(code, mem, r);
    uint64_t t1 = now_ns();
    uint64_t sum = executed ^ (r[2] << 32);
    for (int i = 0; i < 256; i++)
        sum = sum * 31 + mem[i];
    report("interp", sum, t0, t1);
    return 0;
}
