/*
 * setjmp/longjmp: direct return, longjmp from nested calls (unwinding
 * several frames), longjmp(env, 0) returning 1, callee-saved registers and
 * volatile locals after the jump, a jump buffer reused in a loop, and
 * sigsetjmp/siglongjmp with and without saving the signal mask (no signal
 * is delivered: only the mask is saved and restored).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static int depth_reached;

static void dive(int depth, int target)
{
    volatile char pad[64]; /* give every frame some stack */
    pad[0] = (char)depth;
    depth_reached = depth + pad[0] - depth;
    if (depth >= target)
        longjmp(env, 100 + depth);
    if (depth < 1000) /* bounded, as far as the compiler can tell */
        dive(depth + 1, target);
    printf("not reached after dive\n");
}

static void jump_zero(void)
{
    longjmp(env, 0); /* setjmp returns 1 instead of 0 */
}

/* Floating-point and integer values kept in callee-saved registers across
 * the call that jumps back. */
static double accumulate(int n)
{
    volatile double sum = 0.0;
    volatile int i;
    for (i = 0; i < n; i++) {
        if (setjmp(env) == 0) {
            sum += 0.5 * i;
            if (i % 2)
                longjmp(env, i);
        } else {
            sum += 1000.0; /* odd iterations come back here once */
        }
    }
    return sum;
}

static sigjmp_buf senv;

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void sig_jumps(void)
{
    /* savemask=1: siglongjmp restores the mask saved at sigsetjmp. */
    unblock(SIGUSR1);
    int r = sigsetjmp(senv, 1);
    if (r == 0) {
        block(SIGUSR1);
        printf("sigsetjmp(1): before jump USR1 blocked=%d\n", blocked(SIGUSR1));
        siglongjmp(senv, 7);
    }
    printf("sigsetjmp(1) returned %d, USR1 blocked=%d\n", r, blocked(SIGUSR1));

    /* savemask=0: the mask is left as it is at the jump. */
    unblock(SIGUSR2);
    r = sigsetjmp(senv, 0);
    if (r == 0) {
        block(SIGUSR2);
        siglongjmp(senv, 8);
    }
    printf("sigsetjmp(0) returned %d, USR2 blocked=%d\n", r, blocked(SIGUSR2));
    unblock(SIGUSR2);
}

int main(void)
{
    volatile int counter = 0;
    int r = setjmp(env);
    counter++;
    printf("setjmp returned %d (counter=%d)\n", r, counter);
    if (r == 0)
        longjmp(env, 42);

    for (volatile int target = 0; target < 5; target += 2) {
        r = setjmp(env);
        if (r == 0)
            dive(0, target * 10);
        printf("dive to %d: setjmp returned %d, depth %d\n", target * 10, r, depth_reached);
    }

    r = setjmp(env);
    if (r == 0)
        jump_zero();
    printf("longjmp(env, 0) makes setjmp return %d\n", r);

    printf("accumulate(6) = %g\n", accumulate(6));
    sig_jumps();
    return 0;
}
