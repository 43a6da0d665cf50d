/* FP n-body: 5 bodies with LCG positions, velocities and masses, 3,000,000
 * leapfrog steps in double precision (softened gravity, so no close
 * encounter divides by zero).  Built with -ffp-contract=off so that every
 * engine rounds the same operations and the checksum is bit-exact. */
#include <math.h>
#include <string.h>

#include "bench.h"

enum { BODIES = 5, STEPS = 3000000 };

struct body {
    double x, y, z, vx, vy, vz, m;
};

static double lcg_double(double lo, double hi)
{
    return lo + (hi - lo) * (double)lcg_next() / 4294967296.0;
}

KERNEL static void advance(struct body *b, int steps, double dt)
{
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < BODIES; i++)
            for (int j = i + 1; j < BODIES; j++) {
                double dx = b[i].x - b[j].x;
                double dy = b[i].y - b[j].y;
                double dz = b[i].z - b[j].z;
                double d2 = dx * dx + dy * dy + dz * dz + 0.01;
                double mag = dt / (d2 * sqrt(d2));
                b[i].vx -= dx * b[j].m * mag;
                b[i].vy -= dy * b[j].m * mag;
                b[i].vz -= dz * b[j].m * mag;
                b[j].vx += dx * b[i].m * mag;
                b[j].vy += dy * b[i].m * mag;
                b[j].vz += dz * b[i].m * mag;
            }
        for (int i = 0; i < BODIES; i++) {
            b[i].x += dt * b[i].vx;
            b[i].y += dt * b[i].vy;
            b[i].z += dt * b[i].vz;
        }
    }
}

int main(void)
{
    struct body b[BODIES];
    for (int i = 0; i < BODIES; i++) {
        b[i].x = lcg_double(-10, 10);
        b[i].y = lcg_double(-10, 10);
        b[i].z = lcg_double(-10, 10);
        b[i].vx = lcg_double(-0.5, 0.5);
        b[i].vy = lcg_double(-0.5, 0.5);
        b[i].vz = lcg_double(-0.5, 0.5);
        b[i].m = lcg_double(0.1, 1.0);
    }
    uint64_t t0 = now_ns();
    advance(b, STEPS, 0.001);
    uint64_t t1 = now_ns();
    uint64_t sum = 0;
    for (int i = 0; i < BODIES; i++) {
        const double *f = &b[i].x;
        for (int k = 0; k < 6; k++) {
            uint64_t bits;
            memcpy(&bits, &f[k], sizeof bits);
            sum = sum * 1000003 + bits;
        }
    }
    report("nbody", sum, t0, t1);
    return 0;
}
