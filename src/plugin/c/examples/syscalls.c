/* Syscall log: one line per guest syscall, with its name, first three
 * arguments and result, plus thread starts and exits and the end.
 *
 *   -plugin libsyscalls.so
 *
 *   [vcpu] write(0x1, 0x4100d8, 0x3) = 3
 *   [vcpu] exit_group(0x3, ...) = ?          (never returns)
 *   [vcpu] thread start / [vcpu] thread exit
 *   exit status S                            (when the process ends)
 *   syscalls: N
 * Lines of several guest threads interleave, each line whole. */
#include <stdio.h>
#include <string.h>
#include "../emu-plugin.h"

EMU_PLUGIN_EXPORT_VERSION;

static const emu_api_t *api;
static uint64_t total;
/* The call each thread is in, printed with its result. */
static __thread char pending[160];

static void describe(char *out, size_t len, int64_t num, const uint64_t args[6])
{
    const char *name = api->syscall_name(num);
    char unknown[32];
    if (!name) {
        snprintf(unknown, sizeof unknown, "syscall_%lld", (long long)num);
        name = unknown;
    }
    snprintf(out, len, "%s(%#llx, %#llx, %#llx, ...)", name, (unsigned long long)args[0],
             (unsigned long long)args[1], (unsigned long long)args[2]);
}

static void on_syscall(emu_plugin_id_t id, unsigned vcpu, int64_t num, const uint64_t args[6])
{
    char line[200];
    const char *name = api->syscall_name(num);
    (void)id;
    __atomic_fetch_add(&total, 1, __ATOMIC_RELAXED);
    describe(pending, sizeof pending, num, args);
    if (name && (!strcmp(name, "exit") || !strcmp(name, "exit_group"))) {
        snprintf(line, sizeof line, "[%u] %s = ?\n", vcpu, pending);
        api->outs(line);
    }
}

static void on_syscall_ret(emu_plugin_id_t id, unsigned vcpu, int64_t num, int64_t ret)
{
    char line[220];
    (void)id;
    (void)num;
    snprintf(line, sizeof line, "[%u] %s = %lld\n", vcpu, pending, (long long)ret);
    api->outs(line);
}

static void on_thread_start(emu_plugin_id_t id, unsigned vcpu)
{
    char line[64];
    (void)id;
    snprintf(line, sizeof line, "[%u] thread start\n", vcpu);
    api->outs(line);
}

static void on_thread_exit(emu_plugin_id_t id, unsigned vcpu)
{
    char line[64];
    (void)id;
    snprintf(line, sizeof line, "[%u] thread exit\n", vcpu);
    api->outs(line);
}

static void on_exit_(emu_plugin_id_t id, int status, void *udata)
{
    char line[96];
    (void)id;
    (void)udata;
    snprintf(line, sizeof line, "exit status %d\nsyscalls: %llu\n", status,
             (unsigned long long)__atomic_load_n(&total, __ATOMIC_RELAXED));
    api->outs(line);
}

int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv)
{
    (void)argv;
    api = info->api;
    if (argc != 0) {
        fprintf(stderr, "syscalls plugin: takes no arguments\n");
        return 1;
    }
    api->register_syscall_cb(id, on_syscall);
    api->register_syscall_ret_cb(id, on_syscall_ret);
    api->register_thread_start_cb(id, on_thread_start);
    api->register_thread_exit_cb(id, on_thread_exit);
    api->register_atexit_cb(id, on_exit_, NULL);
    return 0;
}
