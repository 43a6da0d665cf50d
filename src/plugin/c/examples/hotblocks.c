/* Hottest blocks: the N blocks that started running most often.
 *
 *   -plugin libhotblocks.so[,n=N][,inline=off]      (N defaults to 10)
 *
 * Each translated block gets an inline counter add (no call), or with
 * inline=off a call that adds atomically. A block
 * translated again (after the code cache was emptied) keeps its counter.
 * Printed when the process ends, hottest first:
 *   hotblocks: B blocks
 *   0xPC COUNT INSNS
 * Inline counts are exact for one guest thread (the adds are not atomic). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../emu-plugin.h"

EMU_PLUGIN_EXPORT_VERSION;

struct entry {
    uint64_t pc;
    uint64_t count;
    uint64_t insns;
};

static const emu_api_t *api;
static unsigned top = 10;
static int use_inline = 1;
/* Open-addressing table of entries, keyed by pc; entries never move. */
static struct entry **table;
static size_t capacity, used;

static size_t slot_of(uint64_t pc)
{
    size_t i = (size_t)((pc >> 2) * 0x9e3779b97f4a7c15ull) & (capacity - 1);
    while (table[i] && table[i]->pc != pc)
        i = (i + 1) & (capacity - 1);
    return i;
}

static void grow(void)
{
    struct entry **old = table;
    size_t old_cap = capacity;
    capacity = capacity ? capacity * 2 : 1024;
    table = calloc(capacity, sizeof *table);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            table[slot_of(old[i]->pc)] = old[i];
    free(old);
}

static void on_exec(unsigned vcpu, void *udata)
{
    struct entry *e = udata;
    (void)vcpu;
    __atomic_fetch_add(&e->count, 1, __ATOMIC_RELAXED);
}

/* Translation callbacks come one at a time: no lock needed. */
static void on_block(emu_plugin_id_t id, emu_block_t *block)
{
    (void)id;
    if (2 * (used + 1) > capacity)
        grow();
    size_t i = slot_of(block->pc);
    if (!table[i]) {
        table[i] = calloc(1, sizeof **table);
        table[i]->pc = block->pc;
        used++;
    }
    table[i]->insns = block->n_insns;
    if (use_inline)
        api->block_exec_inline_add(block, &table[i]->count, 1);
    else
        api->block_exec_cb(block, on_exec, table[i]);
}

static int hotter(const void *a, const void *b)
{
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static void on_exit_(emu_plugin_id_t id, int status, void *udata)
{
    char line[128];
    size_t n = 0;
    (void)id;
    (void)status;
    (void)udata;
    struct entry **all = calloc(used ? used : 1, sizeof *all);
    for (size_t i = 0; i < capacity; i++)
        if (table[i])
            all[n++] = table[i];
    qsort(all, n, sizeof *all, hotter);
    snprintf(line, sizeof line, "hotblocks: %zu blocks\n", n);
    api->outs(line);
    for (size_t i = 0; i < n && i < top; i++) {
        snprintf(line, sizeof line, "0x%llx %llu %llu\n", (unsigned long long)all[i]->pc,
                 (unsigned long long)all[i]->count, (unsigned long long)all[i]->insns);
        api->outs(line);
    }
    free(all);
}

int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv)
{
    api = info->api;
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "n=", 2) && atoi(argv[i] + 2) > 0) {
            top = (unsigned)atoi(argv[i] + 2);
        } else if (!strcmp(argv[i], "inline=off")) {
            use_inline = 0;
        } else if (!strcmp(argv[i], "inline=on")) {
            use_inline = 1;
        } else {
            fprintf(stderr, "hotblocks plugin: unknown argument %s\n", argv[i]);
            return 1;
        }
    }
    grow();
    api->register_block_trans_cb(id, on_block);
    api->register_atexit_cb(id, on_exit_, NULL);
    return 0;
}
