/* Calls through function pointers and recursion: a random expression tree
 * of 2^16 - 1 nodes whose every node is evaluated by a recursive call
 * through its own function pointer (BLR + RET, data-dependent targets),
 * 240 times with a different input each time. */
#include "bench.h"

enum { DEPTH = 16, PASSES = 240 };

struct node;
typedef uint64_t (*eval_fn)(const struct node *, uint64_t);

struct node {
    eval_fn eval;
    const struct node *l, *r;
    uint64_t k;
};

static uint64_t ev_leaf(const struct node *n, uint64_t x)
{
    return x ^ n->k;
}

static uint64_t ev_add(const struct node *n, uint64_t x)
{
    return n->l->eval(n->l, x) + n->r->eval(n->r, x);
}

static uint64_t ev_sub(const struct node *n, uint64_t x)
{
    return n->l->eval(n->l, x) - n->r->eval(n->r, x + n->k);
}

static uint64_t ev_mul(const struct node *n, uint64_t x)
{
    return n->l->eval(n->l, x) * (n->r->eval(n->r, x) | 1);
}

static uint64_t ev_xor(const struct node *n, uint64_t x)
{
    return n->l->eval(n->l, x) ^ (n->r->eval(n->r, x) >> (n->k & 31));
}

/* Conditional: evaluates both sides (the tree is a full binary tree, and
 * every node must be visited), picks one by the input. */
static uint64_t ev_sel(const struct node *n, uint64_t x)
{
    uint64_t a = n->l->eval(n->l, x), b = n->r->eval(n->r, x);
    return (x + n->k) & 4 ? a : b;
}

static const eval_fn inner_ops[] = { ev_add, ev_sub, ev_mul, ev_xor, ev_sel };

static struct node *build(struct node **pool, int depth)
{
    struct node *n = (*pool)++;
    n->k = (uint64_t)lcg_next() << 32 | lcg_next();
    if (depth == 1) {
        n->eval = ev_leaf;
        n->l = n->r = NULL;
    } else {
        n->eval = inner_ops[lcg_next() % (sizeof inner_ops / sizeof inner_ops[0])];
        n->l = build(pool, depth - 1);
        n->r = build(pool, depth - 1);
    }
    return n;
}

KERNEL static uint64_t run(const struct node *root)
{
    uint64_t sum = 0;
    for (int p = 0; p < PASSES; p++)
        sum = sum * 31 + root->eval(root, sum + (uint64_t)p);
    return sum;
}

int main(void)
{
    struct node *pool = xmalloc(((size_t)1 << DEPTH) * sizeof *pool), *next = pool;
    const struct node *root = build(&next, DEPTH);
    uint64_t t0 = now_ns();
    uint64_t sum = run(root);
    uint64_t t1 = now_ns();
    report("fnptr", sum, t0, t1);
    return 0;
}
