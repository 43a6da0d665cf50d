/* Instruction count: every guest instruction that starts running.
 *
 *   -plugin libinsn.so[,inline=on|off|both]
 *
 * inline=on (default) counts with an inline add in translated code (no
 * call), inline=off with a call per instruction, inline=both both ways at
 * once. Printed when the process ends:  insns: N  (and, with both,
 * insns-calls: M). The inline count is exact for one guest thread; the
 * call count is exact for any number (atomic). */
#include <stdio.h>
#include <string.h>
#include "../emu-plugin.h"

EMU_PLUGIN_EXPORT_VERSION;

static const emu_api_t *api;
static uint64_t inline_count;
static uint64_t call_count;
static int use_inline = 1, use_calls;

static void on_insn(unsigned vcpu, void *udata)
{
    (void)vcpu;
    (void)udata;
    __atomic_fetch_add(&call_count, 1, __ATOMIC_RELAXED);
}

static void on_block(emu_plugin_id_t id, emu_block_t *block)
{
    (void)id;
    for (uint64_t i = 0; i < block->n_insns; i++) {
        emu_insn_t *insn = &block->insns[i];
        if (use_inline)
            api->insn_exec_inline_add(insn, &inline_count, 1);
        if (use_calls)
            api->insn_exec_cb(insn, on_insn, NULL);
    }
}

static void on_exit_(emu_plugin_id_t id, int status, void *udata)
{
    char line[128];
    (void)id;
    (void)status;
    (void)udata;
    if (use_inline) {
        snprintf(line, sizeof line, "insns: %llu\n", (unsigned long long)inline_count);
        api->outs(line);
    }
    if (use_calls) {
        snprintf(line, sizeof line, "insns-calls: %llu\n",
                 (unsigned long long)__atomic_load_n(&call_count, __ATOMIC_RELAXED));
        api->outs(line);
    }
}

int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv)
{
    api = info->api;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "inline=on")) {
            use_inline = 1, use_calls = 0;
        } else if (!strcmp(argv[i], "inline=off")) {
            use_inline = 0, use_calls = 1;
        } else if (!strcmp(argv[i], "inline=both")) {
            use_inline = 1, use_calls = 1;
        } else {
            fprintf(stderr, "insn plugin: unknown argument %s\n", argv[i]);
            return 1;
        }
    }
    api->register_block_trans_cb(id, on_block);
    api->register_atexit_cb(id, on_exit_, NULL);
    return 0;
}
