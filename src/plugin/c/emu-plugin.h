/*
 * emu-plugin.h: the instrumentation plugin interface of emu-user.
 *
 * A plugin is a shared library (cc -shared -fPIC) loaded with
 *
 *     emu-user -plugin ./libfoo.so,key=value,... PROGRAM [ARGS]
 *
 * (repeatable; EMU_PLUGIN="a.so,k=v;b.so" does the same). It exports
 *
 *     EMU_PLUGIN_EXPORT_VERSION;                       (the ABI version)
 *     int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info,
 *                            int argc, char **argv);
 *
 * emu-user checks emu_plugin_version against its own EMU_PLUGIN_VERSION and
 * then calls emu_plugin_install once, before the guest runs, with the
 * "key=value" items that followed the file name. A nonzero result stops
 * emu-user with exit status 1. install registers callbacks through the
 * function table info->api, which stays valid for the life of the process.
 *
 * Translation time and run time. A block-translation callback sees each
 * guest block once, when emu-user translates it (again after the code cache
 * is emptied), and asks for instrumentation of that block: a callback or an
 * inline counter add when the block or one of its instructions runs, and
 * callbacks after each guest memory access of an instruction. Only what is
 * asked for is put into the translated code; with no block-translation
 * callback registered the translated code is exactly as without plugins.
 * The functions of the vDSO (clock_gettime...) run as host code and are
 * not seen as guest blocks.
 *
 * Threads. Every guest thread runs translated code on its own host thread,
 * so run-time callbacks (execution, memory, syscall, thread callbacks) may
 * be called from several threads at once: a plugin protects its own shared
 * data (atomics or locks), or keys it by the vcpu index, which numbers the
 * guest threads of the process from 0 in the order they started. Inline
 * counter adds are plain (non-atomic) read-add-write sequences: exact for a
 * single-threaded guest, and may lose increments that threads make to the
 * same counter at the same moment. Block-translation callbacks are called
 * one at a time (translation is serialised), on the thread that needs the
 * block. The atexit callbacks run once, on the thread that ends the process.
 *
 * Processes. A fork's child goes on with the plugin's state as it was (its
 * atexit callbacks run when the child ends, too); an execve replaces the
 * process without the atexit callbacks, and the new program's emulator
 * loads the same plugins, with the same arguments, afresh. A signal whose
 * default action the kernel carries out directly (abort()'s SIGABRT with
 * no handler) also ends the process without them.
 *
 * Output. emu-user ends the process with _exit(2), so stdio buffers of the
 * plugin are not flushed for it: write with api->outs (unbuffered, to
 * emu-user's standard error) or fflush before returning from a callback.
 */
#ifndef EMU_PLUGIN_H
#define EMU_PLUGIN_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version: bumped whenever a type or the function table below
 * changes incompatibly. */
#define EMU_PLUGIN_VERSION 1

/* Every plugin says which version it was built against. */
#define EMU_PLUGIN_EXPORT_VERSION \
    __attribute__((visibility("default"))) \
    const uint32_t emu_plugin_version = EMU_PLUGIN_VERSION

/* Identifies the plugin in calls to the function table. */
typedef uint64_t emu_plugin_id_t;

/* One guest instruction of a block being translated. */
typedef struct emu_insn {
    uint64_t pc;          /* guest address */
    uint32_t encoding;    /* the instruction word */
    uint32_t index;       /* position in the block, from 0 */
    const char *disas;    /* emu's disassembly (encoding name and fields);
                             valid during the translation callback only */
} emu_insn_t;

/* A guest block being translated: valid during the callback only. */
typedef struct emu_block {
    uint64_t pc;          /* address of its first instruction */
    uint64_t n_insns;     /* instructions in insns[] */
    emu_insn_t *insns;
} emu_block_t;

/* What a memory access was: size in bytes (1..64) in the low 16 bits, and
 * flags. An atomic read-modify-write (LDADD, SWP, CAS...) is one access
 * with both EMU_MEM_LOAD and EMU_MEM_STORE. */
typedef uint32_t emu_meminfo_t;
#define EMU_MEM_SIZE_MASK 0xffffu
#define EMU_MEM_LOAD (1u << 16)
#define EMU_MEM_STORE (1u << 17)
#define EMU_MEM_SIGNED (1u << 18)   /* a sign-extending load */
#define EMU_MEM_VECTOR (1u << 19)   /* to or from SIMD&FP registers */

static inline unsigned emu_mem_size(emu_meminfo_t info) { return info & EMU_MEM_SIZE_MASK; }
static inline int emu_mem_is_store(emu_meminfo_t info) { return (info & EMU_MEM_STORE) != 0; }
static inline int emu_mem_is_load(emu_meminfo_t info) { return (info & EMU_MEM_LOAD) != 0; }

/* Which accesses a memory callback wants. */
enum emu_mem_rw {
    EMU_MEM_R = 1,
    EMU_MEM_W = 2,
    EMU_MEM_RW = 3,
};

/* Information passed to emu_plugin_install. */
typedef struct emu_info {
    uint32_t version;            /* EMU_PLUGIN_VERSION of emu-user */
    uint32_t reserved;
    const struct emu_api *api;   /* the function table */
    const char *target;          /* "aarch64" */
    const char *program;         /* the guest program as given */
} emu_info_t;

typedef void (*emu_block_trans_cb_t)(emu_plugin_id_t id, emu_block_t *block);
/* An execution callback: vcpu index and the udata given at registration. */
typedef void (*emu_exec_cb_t)(unsigned vcpu, void *udata);
/* After a memory access: the access, its (untagged) guest address. */
typedef void (*emu_mem_cb_t)(unsigned vcpu, emu_meminfo_t info, uint64_t vaddr,
                             void *udata);
/* A syscall about to run: number (x8) and arguments x0..x5. */
typedef void (*emu_syscall_cb_t)(emu_plugin_id_t id, unsigned vcpu, int64_t num,
                                 const uint64_t args[6]);
/* A syscall returned (exit and exit_group do not): number and x0. */
typedef void (*emu_syscall_ret_cb_t)(emu_plugin_id_t id, unsigned vcpu, int64_t num,
                                     int64_t ret);
typedef void (*emu_vcpu_cb_t)(emu_plugin_id_t id, unsigned vcpu);
/* The process ends: status is the guest's exit status (0..255), or minus
 * the number of the signal that kills it. */
typedef void (*emu_atexit_cb_t)(emu_plugin_id_t id, int status, void *udata);

/* The functions emu-user offers plugins. */
typedef struct emu_api {
    /* Registration, any time (normally from emu_plugin_install). */
    void (*register_block_trans_cb)(emu_plugin_id_t id, emu_block_trans_cb_t cb);
    void (*register_syscall_cb)(emu_plugin_id_t id, emu_syscall_cb_t cb);
    void (*register_syscall_ret_cb)(emu_plugin_id_t id, emu_syscall_ret_cb_t cb);
    void (*register_thread_start_cb)(emu_plugin_id_t id, emu_vcpu_cb_t cb);
    void (*register_thread_exit_cb)(emu_plugin_id_t id, emu_vcpu_cb_t cb);
    void (*register_atexit_cb)(emu_plugin_id_t id, emu_atexit_cb_t cb, void *udata);

    /* Instrumentation, only inside a block-translation callback and only
     * for the block (or its instructions) passed to it. */
    /* Call cb each time the block starts running. */
    void (*block_exec_cb)(emu_block_t *block, emu_exec_cb_t cb, void *udata);
    /* *counter += n each time the block starts running, without a call. */
    void (*block_exec_inline_add)(emu_block_t *block, uint64_t *counter, uint64_t n);
    /* Call cb each time the instruction is about to run. */
    void (*insn_exec_cb)(emu_insn_t *insn, emu_exec_cb_t cb, void *udata);
    /* *counter += n each time the instruction is about to run, without a call. */
    void (*insn_exec_inline_add)(emu_insn_t *insn, uint64_t *counter, uint64_t n);
    /* Call cb after each memory access of the instruction that rw selects
     * (not called when the access faults, nor for a store-exclusive that
     * fails). CASP of a pair is one access that loads and stores all 16
     * bytes; an Advanced SIMD structure load or store (LDn/STn, single
     * lanes, LDnR) is one vector access of all its bytes. */
    void (*insn_mem_cb)(emu_insn_t *insn, emu_mem_cb_t cb, enum emu_mem_rw rw,
                        void *udata);

    /* Utilities, any time. */
    /* The name of an arm64 syscall number ("write"), or NULL. */
    const char *(*syscall_name)(int64_t num);
    /* Writes the string to emu-user's standard error, unbuffered. */
    void (*outs)(const char *text);
} emu_api_t;

/* The plugin's entry point. */
__attribute__((visibility("default")))
int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* EMU_PLUGIN_H */
