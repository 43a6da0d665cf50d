/* userfaultfd: a thread touching registered, missing pages waits while this
 * one reads the fault events and fills the pages (UFFDIO_COPY, then
 * UFFDIO_ZEROPAGE). UFFD_USER_MODE_ONLY lets any user do this.
 *
 * qemu-aarch64 7.2 as an oracle differs from the kernel, and the kernel wins:
 * it does not know userfaultfd (ENOSYS). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static char *area;
static long page;
static char got_a, got_b;

static void *toucher(void *arg)
{
    (void)arg;
    volatile char *v = area;
    got_a = v[10];        /* first fault: filled by UFFDIO_COPY */
    got_b = v[page + 20]; /* second fault: UFFDIO_ZEROPAGE */
    return NULL;
}

/* Waits for one fault event; returns its page offset in `area`, or -1. */
static long next_fault(int uffd)
{
    struct uffd_msg msg;
    ssize_t n = read(uffd, &msg, sizeof msg);
    if (n != sizeof msg || msg.event != UFFD_EVENT_PAGEFAULT)
        return -1;
    return (long)((msg.arg.pagefault.address & ~(uintptr_t)(page - 1)) - (uintptr_t)area) / page;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    page = sysconf(_SC_PAGESIZE);
    errno = 0;
    int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
    printf("userfaultfd: %s\n", uffd >= 0 ? "ok" : strerror(errno));
    if (uffd < 0)
        return 1;
    printf("  FD_CLOEXEC: %d\n", (fcntl(uffd, F_GETFD) & FD_CLOEXEC) != 0);
    struct uffdio_api api = {.api = UFFD_API};
    printf("UFFDIO_API: %d, api %llx\n", ioctl(uffd, UFFDIO_API, &api),
           (unsigned long long)api.api);
    errno = 0;
    struct uffdio_api again = {.api = UFFD_API};
    int r = ioctl(uffd, UFFDIO_API, &again);
    printf("UFFDIO_API again: %d %s\n", r, r < 0 ? strerror(errno) : "ok");

    area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct uffdio_register reg = {
        .range = {(uintptr_t)area, 2 * page},
        .mode = UFFDIO_REGISTER_MODE_MISSING,
    };
    r = ioctl(uffd, UFFDIO_REGISTER, &reg);
    printf("UFFDIO_REGISTER: %d, copy and zeropage allowed: %d\n", r,
           (reg.ioctls & (1ull << _UFFDIO_COPY)) && (reg.ioctls & (1ull << _UFFDIO_ZEROPAGE)));

    pthread_t t;
    pthread_create(&t, NULL, toucher, NULL);
    long at = next_fault(uffd);
    printf("fault at page %ld\n", at);
    static char src[65536];
    memset(src, 'Q', sizeof src);
    struct uffdio_copy copy = {.dst = (uintptr_t)area, .src = (uintptr_t)src, .len = page};
    r = ioctl(uffd, UFFDIO_COPY, &copy);
    printf("UFFDIO_COPY: %d, copied one page: %d\n", r, copy.copy == page);
    at = next_fault(uffd);
    printf("fault at page %ld\n", at);
    struct uffdio_zeropage zero = {.range = {(uintptr_t)area + page, page}};
    r = ioctl(uffd, UFFDIO_ZEROPAGE, &zero);
    printf("UFFDIO_ZEROPAGE: %d, zeroed one page: %d\n", r, zero.zeropage == page);
    pthread_join(t, NULL);
    printf("toucher read '%c' and %d\n", got_a, got_b);

    errno = 0;
    r = ioctl(uffd, UFFDIO_COPY, &copy);
    printf("UFFDIO_COPY onto a present page: %d %s\n", r, r < 0 ? strerror(errno) : "ok");
    printf("UFFDIO_UNREGISTER: %d\n", ioctl(uffd, UFFDIO_UNREGISTER, &reg.range));
    close(uffd);
    return 0;
}
