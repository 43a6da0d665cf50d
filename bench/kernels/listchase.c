/* list chase (load latency): 65,536 nodes linked in a random order
 * (Fisher-Yates over the LCG), traversed 200 times. */
#include "bench.h"

enum { NODES = 65536, TRAVERSALS = 200 };

struct node {
    struct node *next;
    uint64_t value;
};

KERNEL static uint64_t chase(const struct node *head, int traversals)
{
    uint64_t sum = 0;
    for (int t = 0; t < traversals; t++)
        for (const struct node *n = head; n; n = n->next)
            sum = sum * 31 + n->value;
    return sum;
}

int main(void)
{
    struct node *nodes = xmalloc(NODES * sizeof *nodes);
    uint32_t *order = xmalloc(NODES * sizeof *order);
    for (uint32_t i = 0; i < NODES; i++)
        order[i] = i;
    for (uint32_t i = NODES - 1; i > 0; i--) {
        uint32_t j = lcg_next() % (i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < NODES; i++) {
        struct node *n = &nodes[order[i]];
        n->next = i + 1 < NODES ? &nodes[order[i + 1]] : NULL;
        n->value = lcg_next();
    }
    uint64_t t0 = now_ns();
    uint64_t sum = chase(&nodes[order[0]], TRAVERSALS);
    uint64_t t1 = now_ns();
    report("listchase", sum, t0, t1);
    return 0;
}
