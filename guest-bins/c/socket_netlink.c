/* AF_NETLINK (NETLINK_ROUTE): glibc's getifaddrs (RTM_GETLINK and
 * RTM_GETADDR dumps over sendto/recvmsg) finds lo with 127.0.0.1/8;
 * if_nametoindex / if_indextoname (the SIOCGIFINDEX / SIOCGIFNAME ioctls);
 * a hand-made RTM_GETLINK and RTM_GETADDR dump; getsockname's port id.
 * Only lo is looked at: other interfaces depend on the machine. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Prints a call's result and errno, evaluated in that order. */
static void show(const char *what, long r)
{
    int e = errno;
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(e) : "ok");
}

static void ifaddrs(void)
{
    struct ifaddrs *list;
    show("getifaddrs", getifaddrs(&list));
    int inet = 0, packet = 0, up = 0, loopback = 0, netmask = 0;
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        if (strcmp(i->ifa_name, "lo") || !i->ifa_addr)
            continue;
        up |= !!(i->ifa_flags & IFF_UP);
        loopback |= !!(i->ifa_flags & IFF_LOOPBACK);
        if (i->ifa_addr->sa_family == AF_PACKET)
            packet = 1;
        if (i->ifa_addr->sa_family == AF_INET) {
            struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr;
            struct sockaddr_in *m = (struct sockaddr_in *)i->ifa_netmask;
            inet |= a->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
            netmask |= m && m->sin_addr.s_addr == htonl(0xff000000);
        }
    }
    printf("  lo: AF_PACKET=%d inet 127.0.0.1=%d netmask 255.0.0.0=%d IFF_UP=%d IFF_LOOPBACK=%d\n",
           packet, inet, netmask, up, loopback);
    freeifaddrs(list);
}

static void names(void)
{
    unsigned idx = if_nametoindex("lo");
    char name[IF_NAMESIZE] = {0};
    char *n = if_indextoname(idx, name);
    printf("if_nametoindex(lo) > 0: %d, back to name: %s\n", idx > 0, n ? n : strerror(errno));
    unsigned none = if_nametoindex("no-such-if0");
    int e = errno;
    printf("if_nametoindex(no-such-if0): %u %s\n", none, strerror(e));

    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    show("SIOCGIFFLAGS", ioctl(s, SIOCGIFFLAGS, &ifr));
    printf("  loopback: %d\n", !!(ifr.ifr_flags & IFF_LOOPBACK));
    show("SIOCGIFADDR", ioctl(s, SIOCGIFADDR, &ifr));
    printf("  127.0.0.1: %d\n",
           ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    show("SIOCGIFMTU", ioctl(s, SIOCGIFMTU, &ifr));
    printf("  mtu > 0: %d\n", ifr.ifr_mtu > 0);
    close(s);
}

/* Sends an RTM dump request and walks the answer; returns the messages of
 * `type` seen, with `check` run on each. */
static int dump(int s, int type, int family, unsigned seq, void (*check)(struct nlmsghdr *))
{
    struct {
        struct nlmsghdr nh;
        struct rtgenmsg g;
    } req = {{NLMSG_LENGTH(sizeof(struct rtgenmsg)), type, NLM_F_REQUEST | NLM_F_DUMP, seq, 0},
             {family}};
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(s, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
        printf("sendto: %s\n", strerror(errno));
    int count = 0, done = 0, seq_ok = 1, from_kernel = 1;
    static char buf[65536] __attribute__((aligned(4)));
    while (!done) {
        struct sockaddr_nl from;
        struct iovec iov = {buf, sizeof buf};
        struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                            .msg_iovlen = 1};
        ssize_t n = recvmsg(s, &mh, 0);
        if (n <= 0) {
            printf("recvmsg: %s\n", strerror(errno));
            break;
        }
        from_kernel &= from.nl_pid == 0 && mh.msg_namelen == sizeof from;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            seq_ok &= h->nlmsg_seq == seq;
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
                done = 1;
                break;
            }
            if (h->nlmsg_type == type - 2) { /* RTM_GETLINK answers RTM_NEWLINK */
                count++;
                check(h);
            }
        }
    }
    printf("  done=%d seq echoed=%d from the kernel=%d\n", done, seq_ok, from_kernel);
    return count;
}

static int saw_lo_link, saw_lo_addr;

static void check_link(struct nlmsghdr *h)
{
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    int len = IFLA_PAYLOAD(h);
    for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFLA_IFNAME && strcmp(RTA_DATA(a), "lo") == 0)
            saw_lo_link = (ifi->ifi_flags & IFF_LOOPBACK) && ifi->ifi_index == (int)if_nametoindex("lo");
}

static void check_addr(struct nlmsghdr *h)
{
    struct ifaddrmsg *ifa = NLMSG_DATA(h);
    int len = IFA_PAYLOAD(h);
    for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFA_LOCAL && *(in_addr_t *)RTA_DATA(a) == htonl(INADDR_LOOPBACK))
            saw_lo_addr = ifa->ifa_prefixlen == 8 && ifa->ifa_family == AF_INET;
}

static void raw(void)
{
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    show("socket AF_NETLINK", s < 0 ? -1 : 0);
    struct sockaddr_nl me = {.nl_family = AF_NETLINK};
    show("bind", bind(s, (struct sockaddr *)&me, sizeof me));
    socklen_t len = sizeof me;
    show("getsockname", getsockname(s, (struct sockaddr *)&me, &len));
    printf("  family=%d len=%u port id assigned=%d\n", me.nl_family, len, me.nl_pid != 0);
    int links = dump(s, RTM_GETLINK, AF_UNSPEC, 77, check_link);
    printf("RTM_GETLINK: links>=1: %d, lo with IFF_LOOPBACK and its index: %d\n", links >= 1,
           saw_lo_link);
    int addrs = dump(s, RTM_GETADDR, AF_INET, 78, check_addr);
    printf("RTM_GETADDR: addresses>=1: %d, 127.0.0.1/8: %d\n", addrs >= 1, saw_lo_addr);
    int bufsz = 0;
    len = sizeof bufsz;
    show("SO_RCVBUF", getsockopt(s, SOL_SOCKET, SO_RCVBUF, &bufsz, &len));
    int on = 1;
    show("NETLINK_EXT_ACK", setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on));
    close(s);
    show("socket NETLINK bad protocol", socket(AF_NETLINK, SOCK_RAW, 1234));
}

int main(void)
{
    ifaddrs();
    names();
    raw();
    return 0;
}
