/*
 * A store to address 0 faults: the process dies by SIGSEGV (11).
 * The pointer is volatile so the compiler cannot see it is NULL (it would
 * otherwise replace the store with a trap instruction).
 */
#include <stdio.h>

int *volatile null_ptr = NULL;

int main(void)
{
    printf("about to write to NULL\n");
    fflush(stdout);
    *null_ptr = 1;
    printf("still alive after writing to NULL\n");
    return 0;
}
