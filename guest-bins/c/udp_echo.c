/* A UDP echo server. Without arguments it checks itself over loopback: a
 * client sends two datagrams to a server socket, which answers each one to
 * its sender with "echo: " in front. With arguments PORT COUNT (used in
 * emu-system's network test) it listens on every address's PORT and
 * answers COUNT datagrams (up to 64 KiB: larger than the link's MTU, they
 * come and go in IP fragments), printing each one (its length when longer
 * than 100 bytes) and its sender. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Receives one datagram on `s` and answers it; prints what came from whom
 * when `verbose`. */
static int serve_one(int s, int verbose)
{
    static char buf[65536], reply[65536 + 8];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf - 1, 0, (void *)&from, &fl);
    if (n < 0) {
        perror("recvfrom");
        return -1;
    }
    buf[n] = 0;
    if (verbose) {
        if (n > 100)
            printf("got %zd bytes from %s:%u\n", n, inet_ntoa(from.sin_addr), ntohs(from.sin_port));
        else
            printf("got \"%s\" from %s:%u\n", buf, inet_ntoa(from.sin_addr), ntohs(from.sin_port));
        fflush(stdout);
    }
    int m = snprintf(reply, sizeof reply, "echo: %s", buf);
    if (sendto(s, reply, m, 0, (void *)&from, fl) != m) {
        perror("sendto");
        return -1;
    }
    return 0;
}

static int self_test(void)
{
    int srv = socket(AF_INET, SOCK_DGRAM, 0), cli = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (bind(srv, (void *)&a, sizeof a) || getsockname(srv, (void *)&a, &al)) {
        perror("bind");
        return 1;
    }
    const char *msgs[] = {"ping", "second datagram"};
    for (int i = 0; i < 2; i++) {
        sendto(cli, msgs[i], strlen(msgs[i]), 0, (void *)&a, sizeof a);
        if (serve_one(srv, 0))
            return 1;
        char buf[64];
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(cli, buf, sizeof buf - 1, 0, (void *)&from, &fl);
        if (n < 0) {
            perror("recvfrom");
            return 1;
        }
        buf[n] = 0;
        printf("%s (%zd bytes, from the server's port: %s)\n", buf, n,
               from.sin_port == a.sin_port ? "yes" : "no");
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return self_test();
    int port = atoi(argv[1]), count = atoi(argv[2]);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(s, (void *)&a, sizeof a)) {
        perror("bind");
        return 1;
    }
    printf("udp-echo listening on %d\n", port);
    fflush(stdout);
    for (int i = 0; i < count; i++)
        if (serve_one(s, 1))
            return 1;
    return 0;
}
