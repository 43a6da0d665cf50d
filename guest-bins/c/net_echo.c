/* A TCP echo server and client over loopback in one process, driven by
 * edge-triggered epoll with data, plus getaddrinfo("localhost"), eventfd in
 * semaphore mode, and System V shared memory with a semaphore shared with a
 * forked child. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void echo_over_epoll(void)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(ls, (void *)&a, sizeof a);
    listen(ls, 8);
    socklen_t al = sizeof a;
    getsockname(ls, (void *)&a, &al);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);

    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (void *)&a, sizeof a);
    printf("nonblocking connect: %s\n", r == 0 ? "done" : errno == EINPROGRESS ? "in progress" : "error");
    ev = (struct epoll_event){.events = EPOLLOUT | EPOLLIN | EPOLLET, .data.fd = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);

    const char *msgs[] = {"hello", "edge-triggered", "epoll"};
    int sent = 0, echoed = 0, srv = -1;
    char got[256] = "";
    for (int round = 0; round < 200 && echoed < 3; round++) {
        struct epoll_event evs[8];
        int n = epoll_wait(ep, evs, 8, 1000);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == ls) {
                int s;
                while ((s = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    srv = s;
                    struct epoll_event e2 = {.events = EPOLLIN | EPOLLET, .data.fd = s};
                    epoll_ctl(ep, EPOLL_CTL_ADD, s, &e2);
                }
            } else if (fd == srv) {
                /* edge-triggered: drain everything, echo it back upper-cased */
                char buf[64];
                ssize_t k;
                while ((k = read(srv, buf, sizeof buf)) > 0) {
                    for (ssize_t j = 0; j < k; j++)
                        buf[j] = buf[j] >= 'a' && buf[j] <= 'z' ? buf[j] - 32 : buf[j];
                    write(srv, buf, k);
                }
            } else if (fd == c) {
                if ((evs[i].events & EPOLLOUT) && sent < 3) {
                    write(c, msgs[sent], strlen(msgs[sent]) + 1);
                    sent++;
                }
                char buf[64];
                ssize_t k;
                while ((k = read(c, buf, sizeof buf)) > 0) {
                    for (ssize_t j = 0; j < k; j++)
                        if (buf[j] == 0) {
                            echoed++;
                            strcat(got, " ");
                        } else
                            strncat(got, &buf[j], 1);
                }
                if (sent < 3 && sent == echoed) {
                    write(c, msgs[sent], strlen(msgs[sent]) + 1);
                    sent++;
                }
            }
        }
    }
    printf("echoed %d messages:%s\n", echoed, got);
    close(c);
    close(srv);
    close(ls);
    close(ep);
}

static void resolve(void)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    int r = getaddrinfo("localhost", "80", &hints, &res);
    if (r != 0) {
        printf("getaddrinfo: %s\n", gai_strerror(r));
        return;
    }
    struct sockaddr_in *sin = (void *)res->ai_addr;
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
    printf("localhost:80 -> %s port %d\n", ip, ntohs(sin->sin_port));
    freeaddrinfo(res);
}

static void semaphore_eventfd(void)
{
    int e = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    uint64_t v;
    int reads = 0;
    while (read(e, &v, sizeof v) == sizeof v)
        reads += v == 1;
    printf("eventfd semaphore: %d reads of 1, then %s\n", reads, errno == EAGAIN ? "EAGAIN" : "?");
    close(e);
}

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static void sysv_with_child(void)
{
    int shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    int sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    union semun u = {.val = 1};
    semctl(sem, 0, SETVAL, u);
    volatile long *counter = shmat(shm, NULL, 0);
    *counter = 0;
    struct sembuf down = {0, -1, SEM_UNDO}, up = {0, 1, SEM_UNDO};
    pid_t pid = fork();
    for (int i = 0; i < 2000; i++) {
        semop(sem, &down, 1);
        long x = *counter;
        *counter = x + 1;
        semop(sem, &up, 1);
    }
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    printf("shared counter after parent and child: %ld\n", *counter);
    shmdt((void *)counter);
    shmctl(shm, IPC_RMID, NULL);
    semctl(sem, 0, IPC_RMID);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    echo_over_epoll();
    resolve();
    semaphore_eventfd();
    sysv_with_child();
    return 0;
}
