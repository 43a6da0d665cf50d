/* Memory-access histogram: guest loads and stores by size, and the number
 * of distinct 4 KiB pages they touched.
 *
 *   -plugin libmem.so[,rw=r|w|rw]        (rw defaults to rw)
 *
 * Printed when the process ends, one line per kind and size seen:
 *   load 8: N
 *   store 1: N
 *   atomic 4: N          (read-modify-writes, counted once)
 *   pages: P
 * Counters are atomic: exact with any number of guest threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../emu-plugin.h"

EMU_PLUGIN_EXPORT_VERSION;

enum { LOAD, STORE, ATOMIC, KINDS };
static const char *const kind_name[KINDS] = {"load", "store", "atomic"};
#define MAX_SIZE 64

static const emu_api_t *api;
static enum emu_mem_rw want = EMU_MEM_RW;
static uint64_t counts[KINDS][MAX_SIZE + 1];

/* The set of pages touched: open addressing under a lock. */
static pthread_mutex_t pages_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *pages;
static size_t pages_cap, pages_used;

static void add_page(uint64_t page)
{
    pthread_mutex_lock(&pages_lock);
    if (2 * (pages_used + 1) > pages_cap) {
        uint64_t *old = pages;
        size_t old_cap = pages_cap;
        pages_cap = pages_cap ? 2 * pages_cap : 4096;
        pages = calloc(pages_cap, sizeof *pages);
        for (size_t i = 0; i < old_cap; i++) {
            if (!old[i])
                continue;
            size_t j = (size_t)(old[i] * 0x9e3779b97f4a7c15ull) & (pages_cap - 1);
            while (pages[j])
                j = (j + 1) & (pages_cap - 1);
            pages[j] = old[i];
        }
        free(old);
    }
    uint64_t key = page + 1; /* 0 marks a free slot */
    size_t j = (size_t)(key * 0x9e3779b97f4a7c15ull) & (pages_cap - 1);
    while (pages[j] && pages[j] != key)
        j = (j + 1) & (pages_cap - 1);
    if (!pages[j]) {
        pages[j] = key;
        pages_used++;
    }
    pthread_mutex_unlock(&pages_lock);
}

static void on_access(unsigned vcpu, emu_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    (void)udata;
    unsigned size = emu_mem_size(info);
    int kind = emu_mem_is_load(info) && emu_mem_is_store(info) ? ATOMIC
               : emu_mem_is_store(info)                         ? STORE
                                                                : LOAD;
    if (size > MAX_SIZE)
        size = MAX_SIZE;
    __atomic_fetch_add(&counts[kind][size], 1, __ATOMIC_RELAXED);
    add_page(vaddr >> 12);
}

static void on_block(emu_plugin_id_t id, emu_block_t *block)
{
    (void)id;
    for (uint64_t i = 0; i < block->n_insns; i++)
        api->insn_mem_cb(&block->insns[i], on_access, want, NULL);
}

static void on_exit_(emu_plugin_id_t id, int status, void *udata)
{
    char line[128];
    (void)id;
    (void)status;
    (void)udata;
    for (int k = 0; k < KINDS; k++)
        for (int s = 0; s <= MAX_SIZE; s++) {
            uint64_t n = __atomic_load_n(&counts[k][s], __ATOMIC_RELAXED);
            if (n) {
                snprintf(line, sizeof line, "%s %d: %llu\n", kind_name[k], s,
                         (unsigned long long)n);
                api->outs(line);
            }
        }
    pthread_mutex_lock(&pages_lock);
    snprintf(line, sizeof line, "pages: %zu\n", pages_used);
    pthread_mutex_unlock(&pages_lock);
    api->outs(line);
}

int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv)
{
    api = info->api;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "rw=r"))
            want = EMU_MEM_R;
        else if (!strcmp(argv[i], "rw=w"))
            want = EMU_MEM_W;
        else if (!strcmp(argv[i], "rw=rw"))
            want = EMU_MEM_RW;
        else {
            fprintf(stderr, "mem plugin: unknown argument %s\n", argv[i]);
            return 1;
        }
    }
    api->register_block_trans_cb(id, on_block);
    api->register_atexit_cb(id, on_exit_, NULL);
    return 0;
}
