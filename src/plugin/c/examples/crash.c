/* A plugin that crashes on purpose, to show how emu reports it: a write
 * through a null pointer in the callback chosen by `at`.
 *
 *   -plugin libcrash.so,at=exec|mem|syscall|block|install
 *
 *   exec     the first instruction execution callback
 *   mem      the first memory-access callback
 *   syscall  the first syscall callback
 *   block    the first block-translation callback
 *   install  emu_plugin_install itself
 *
 * emu-user then prints one line naming the plugin, delivers nothing to the
 * guest and exits with status 70. */
#include <stdio.h>
#include <string.h>
#include "../emu-plugin.h"

EMU_PLUGIN_EXPORT_VERSION;

static const emu_api_t *api;
static char at[16] = "exec";

static void crash(void)
{
    volatile int *volatile p = 0;
    *p = 1;
}

static void on_exec(unsigned vcpu, void *udata)
{
    (void)vcpu;
    (void)udata;
    crash();
}

static void on_access(unsigned vcpu, emu_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    (void)info;
    (void)vaddr;
    (void)udata;
    crash();
}

static void on_block(emu_plugin_id_t id, emu_block_t *block)
{
    (void)id;
    if (!strcmp(at, "block"))
        crash();
    for (uint64_t i = 0; i < block->n_insns; i++) {
        if (!strcmp(at, "exec"))
            api->insn_exec_cb(&block->insns[i], on_exec, NULL);
        if (!strcmp(at, "mem"))
            api->insn_mem_cb(&block->insns[i], on_access, EMU_MEM_RW, NULL);
    }
}

static void on_syscall(emu_plugin_id_t id, unsigned vcpu, int64_t num, const uint64_t args[6])
{
    (void)id;
    (void)vcpu;
    (void)num;
    (void)args;
    crash();
}

int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv)
{
    api = info->api;
    for (int i = 0; i < argc; i++)
        if (!strncmp(argv[i], "at=", 3))
            snprintf(at, sizeof at, "%s", argv[i] + 3);
    if (!strcmp(at, "install"))
        crash();
    if (!strcmp(at, "syscall"))
        api->register_syscall_cb(id, on_syscall);
    else
        api->register_block_trans_cb(id, on_block);
    return 0;
}
