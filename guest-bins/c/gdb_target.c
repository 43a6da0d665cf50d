/* The program tests/gdb.rs debugs with gdb-multiarch through emu-user -g; run
 * plainly it is one more guest program. Two threads: the worker waits at a
 * barrier while the main thread loads a known pattern into v0, then calls
 * checkpoint(), where gdb breaks, reads v0, the words array and counter, and
 * changes counter (which the output shows). With the argument "segv" it then
 * stores through a null pointer (SIGSEGV); with "spin" it only spins (for
 * gdb's Ctrl-C). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

volatile int counter = 7;
volatile unsigned long spins;
volatile unsigned int words[4] = {0xdeadbeef, 0x12345678, 0xcafef00d, 0x0badc0de};
static const unsigned char pattern[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                          0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
static pthread_barrier_t barrier;

__attribute__((noinline)) void set_vector(void)
{
    __asm__ volatile("ldr q0, [%0]" : : "r"(pattern) : "v0", "memory");
}

__attribute__((noinline)) int checkpoint(int x)
{
    return x + counter;
}

static void *worker(void *arg)
{
    pthread_barrier_wait(&barrier);
    return arg;
}

int main(int argc, char **argv)
{
    pthread_t t;
    if (argc > 1 && strcmp(argv[1], "spin") == 0)
        for (;;)
            spins++;
    pthread_barrier_init(&barrier, NULL, 2);
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    set_vector();
    int r = checkpoint(5);
    printf("counter=%d r=%d words[1]=%#x\n", counter, r, words[1]);
    fflush(stdout);
    pthread_barrier_wait(&barrier);
    pthread_join(t, NULL);
    if (argc > 1 && strcmp(argv[1], "segv") == 0)
        *(volatile int *)0 = 1;
    return 3;
}
