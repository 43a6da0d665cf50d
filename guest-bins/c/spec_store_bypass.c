/* prctl(PR_{GET,SET}_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS) and PSTATE.SSBS, as
 * arm64 Linux runs them on a CPU with FEAT_SSBS under its default dynamic policy
 * (arch/arm64/kernel/proton-pack.c): the state is per thread, a SET returns with
 * SSBS = 0 while the mitigation is on, fork and threads inherit it, execve keeps it
 * except DISABLE_NOEXEC, FORCE_DISABLE cannot be undone; the x86 controls are
 * ENODEV. QEMU 7.2 deviates: both prctl options fail with EINVAL there, and its
 * programs start with SSBS = 0. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int ssbs(void) {
    unsigned long v;
    __asm__ volatile("mrs %0, s3_3_c4_c2_6" : "=r"(v)); /* SSBS */
    return (v >> 12) & 1;
}

static void show(const char *when) {
    long g = prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0);
    printf("%-28s get=%#lx ssbs=%d\n", when, g, ssbs());
}

static void set(const char *name, unsigned long ctrl) {
    errno = 0;
    long r = prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, ctrl, 0, 0);
    printf("set %-24s = %ld%s%s\n", name, r, r ? " " : "", r ? strerror(errno) : "");
    show(name);
}

static void *thread(void *arg) {
    (void)arg;
    show("thread inherits");
    set("ENABLE (thread)", PR_SPEC_ENABLE);
    return NULL;
}

static void run_child(const char *self, const char *tag) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl(self, self, tag, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        show(argv[1]);
        return 0;
    }
    const char *self = "/proc/self/exe";
    show("start");
    set("DISABLE", PR_SPEC_DISABLE);
    set("ENABLE", PR_SPEC_ENABLE);
    set("DISABLE_NOEXEC", PR_SPEC_DISABLE_NOEXEC);
    run_child(self, "after exec (noexec)");

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        show("fork child inherits");
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);

    set("DISABLE", PR_SPEC_DISABLE);
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_join(t, NULL);
    show("main thread keeps its own");
    run_child(self, "after exec (disable)");

    set("FORCE_DISABLE", PR_SPEC_FORCE_DISABLE);
    set("ENABLE", PR_SPEC_ENABLE);
    set("DISABLE_NOEXEC", PR_SPEC_DISABLE_NOEXEC);
    set("DISABLE", PR_SPEC_DISABLE);
    set("3 (not a control)", 3);
    run_child(self, "after exec (force)");

    errno = 0;
    long r = prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, 0, 0, 0);
    printf("get INDIRECT_BRANCH = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_L1D_FLUSH, PR_SPEC_ENABLE, 0, 0);
    printf("set L1D_FLUSH = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 1, 0, 0);
    printf("get with arg3 = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, PR_SPEC_DISABLE, 1, 0);
    printf("set with arg4 = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = prctl(PR_SET_SPECULATION_CTRL, 7, PR_SPEC_ENABLE, 0, 0);
    printf("set which=7 = %ld %s\n", r, strerror(errno));
    return 0;
}
