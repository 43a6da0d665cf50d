// Minimal runtime for the bare-metal test programs: PL011 output, PSCI,
// system-register access and the exception frame built by boot.S.
#ifndef LIB_H
#define LIB_H

typedef unsigned long u64;
typedef unsigned int u32;

struct frame {
    u64 x[31];
    u64 elr;
    u64 spsr;
    u64 pad;
};

#define PSCI_VERSION 0x84000000UL
#define PSCI_FEATURES 0x8400000aUL
#define PSCI_SYSTEM_OFF 0x84000008UL

u64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
void psci_system_off(void) __attribute__((noreturn));
void putch(char c);
void print(const char *s);
void put_hex(u64 v);
void put_dec(u64 v);
// print(label), put_hex(v), newline.
void show(const char *label, u64 v);

#define read_sysreg(r) ({ u64 v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((u64)(v)) : "memory")
#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(o) __asm__ volatile("dsb " #o : : : "memory")

// LDR of the doubleword at `va`; 0xdead when an exception handler skips it.
static inline u64 load64(u64 va)
{
    u64 v = 0xdead;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

// Prints ESR_EL1 and ELR and powers off.
void unexpected_exception(struct frame *f) __attribute__((noreturn));

// Called by boot.S for every exception; `kind` is the vector index
// (vector offset / 0x80).
void handle_exception(struct frame *f, u64 kind);

#endif
