#include "lib.h"

#define UART_DR ((volatile u32 *)0x09000000UL)
#define UART_FR ((volatile u32 *)0x09000018UL)

void putch(char c)
{
    while (*UART_FR & (1 << 5)) // TX FIFO full
        ;
    *UART_DR = (u32)(unsigned char)c;
}

void print(const char *s)
{
    while (*s)
        putch(*s++);
}

void put_hex(u64 v)
{
    int shift = 60;
    print("0x");
    while (shift > 0 && !(v >> shift))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        putch("0123456789abcdef"[(v >> shift) & 15]);
}

void put_dec(u64 v)
{
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    print(buf + i);
}

void show(const char *label, u64 v)
{
    print(label);
    put_hex(v);
    putch('\n');
}

void psci_system_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    for (;;)
        ;
}

void unexpected_exception(struct frame *f)
{
    print("unexpected exception\n");
    show("ESR ", read_sysreg(ESR_EL1));
    show("ELR ", f->elr);
    psci_system_off();
}
