/*
 * Structs by value under the AAPCS64: small structs in general registers,
 * large ones (> 16 bytes) passed by reference to a caller copy and returned
 * through x8, homogeneous floating-point aggregates (HFAs, up to four
 * floats or doubles) in consecutive SIMD registers, HFAs that no longer fit
 * in v0-v7 going to the stack, and mixed argument lists.  Functions are
 * noinline so the calling convention is really used.
 */
#include <stdio.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

struct small {
    int a;
    short b;
    char c;
};
struct pair {
    long x, y;
};
struct big {
    long v[9];
    char tag[12];
};
struct hfa2f {
    float a, b;
};
struct hfa3d {
    double x, y, z;
};
struct hfa4f {
    float a, b, c, d;
};
struct hfa4d {
    double a, b, c, d;
};
struct mixed {
    double d;
    int i;
};

NOINLINE static struct small make_small(int a, short b, char c)
{
    struct small s = {a, b, c};
    return s;
}

NOINLINE static long sum_pair(struct pair p, struct pair q)
{
    return p.x * 1000 + p.y * 100 + q.x * 10 + q.y;
}

NOINLINE static struct pair swap_pair(struct pair p)
{
    struct pair r = {p.y, p.x};
    return r;
}

/* The callee modifies its copy: the caller's struct must not change. */
NOINLINE static long big_sum_and_clobber(struct big b)
{
    long s = 0;
    for (int i = 0; i < 9; i++) {
        s += b.v[i];
        b.v[i] = -1;
    }
    b.tag[0] = '!';
    return s + (long)strlen(b.tag);
}

NOINLINE static struct big make_big(long base, const char *tag)
{
    struct big b;
    for (int i = 0; i < 9; i++)
        b.v[i] = base + i * i;
    snprintf(b.tag, sizeof b.tag, "%s", tag);
    return b;
}

NOINLINE static struct hfa3d cross(struct hfa3d u, struct hfa3d v)
{
    struct hfa3d r = {u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x};
    return r;
}

NOINLINE static struct hfa4f scale4f(struct hfa4f f, float k)
{
    struct hfa4f r = {f.a * k, f.b * k, f.c * k, f.d * k};
    return r;
}

NOINLINE static float dot2f(struct hfa2f p, struct hfa2f q)
{
    return p.a * q.a + p.b * q.b;
}

/* Two hfa4d fill v0-v7; the third goes on the stack, and so does the
 * double after it (once an HFA spills, the AAPCS64 sets NSRN to 8). */
NOINLINE static double hfa_spill(struct hfa4d a, struct hfa4d b, struct hfa4d c, double tail)
{
    return a.a + a.d * 2 + b.b * 4 + b.c * 8 + c.a * 16 + c.d * 32 + tail * 64;
}

NOINLINE static double mixed_args(int i0, struct mixed m, float f, struct pair p, double d,
                                  struct hfa2f h, long l, struct small s)
{
    return i0 + m.d * m.i + f + (double)(p.x - p.y) + d + h.a * h.b + (double)l + s.a + s.b +
           s.c;
}

/* More than eight integer arguments plus a struct: some go on the stack. */
NOINLINE static long many(long a, long b, long c, long d, long e, long f, long g, long h,
                          struct pair p, long i, struct small s)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * p.x + 10 * p.y +
           11 * i + 12 * s.a + 13 * s.b + 14 * s.c;
}

typedef struct big (*big_maker)(long, const char *);

int main(void)
{
    struct small s = make_small(-123456, 4321, 'q');
    printf("small: %d %d %c\n", s.a, s.b, s.c);

    struct pair p = {7, 8}, q = {9, 3};
    printf("sum_pair: %ld\n", sum_pair(p, q));
    struct pair w = swap_pair(p);
    printf("swap_pair: %ld %ld\n", w.x, w.y);

    volatile big_maker maker = make_big;
    struct big b = maker(100, "hello");
    printf("big: v[0]=%ld v[8]=%ld tag=%s\n", b.v[0], b.v[8], b.tag);
    printf("big_sum_and_clobber: %ld\n", big_sum_and_clobber(b));
    printf("caller copy intact: v[3]=%ld tag=%s\n", b.v[3], b.tag);

    struct hfa3d x = {1, 0, 0}, y = {0, 1, 0};
    struct hfa3d z = cross(x, y);
    printf("cross: %g %g %g\n", z.x, z.y, z.z);
    struct hfa3d u = {1.5, -2, 3.25}, v = {-4, 0.5, 2};
    z = cross(u, v);
    printf("cross: %g %g %g\n", z.x, z.y, z.z);

    struct hfa4f f = {1, 2, 3, 4};
    struct hfa4f g = scale4f(f, 0.5f);
    printf("scale4f: %g %g %g %g\n", g.a, g.b, g.c, g.d);
    struct hfa2f h1 = {3, 4}, h2 = {-1, 0.25f};
    printf("dot2f: %g\n", dot2f(h1, h2));

    struct hfa4d a = {1, 2, 3, 4}, bb = {5, 6, 7, 8}, c = {9, 10, 11, 12};
    printf("hfa_spill: %g\n", hfa_spill(a, bb, c, 0.5));

    struct mixed m = {2.5, 4};
    printf("mixed_args: %g\n", mixed_args(1, m, 0.25f, p, 100.0, h1, -50, s));
    printf("many: %ld\n", many(1, 2, 3, 4, 5, 6, 7, 8, q, 10, s));
    return 0;
}
