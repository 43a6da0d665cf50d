/*
 * __builtin_trap() is BRK on arm64, which Linux reports as SIGTRAP (5).
 * (On x86-64 it is UD2 and SIGILL, so the expected status is arm64's.)
 */
#include <stdio.h>

int main(void)
{
    printf("about to trap\n");
    fflush(stdout);
    __builtin_trap();
}
