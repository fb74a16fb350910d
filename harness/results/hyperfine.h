/* hyperfine.h: turns hyperfine's --export-json file into a suite (one iteration entry per hyperfine run). */
#ifndef MB_HYPERFINE_H
#define MB_HYPERFINE_H

#include <stddef.h>

#include "harness/run/runner.h"

/*
 * Read FILE (hyperfine 1.x --export-json: {"results": [{"command", "times",
 * "user", "system", "exit_codes", "parameters"}]}) into s: one family per
 * command, one measured entry per element of "times" (real_time = that run's
 * wall time; cpu_time = the command's mean user + system time, as hyperfine
 * keeps no per-run CPU time), no section 6 counters (whole processes). The
 * name is <workload>/<strategy>/interning:<on|off> from the command's
 * -w/-s/-i options (or hyperfine's parameters), else the command itself.
 * A nonzero exit code makes that run an error entry. Context fields (scale,
 * seed, allocator, heap multiplier) come from the first command's options.
 * Returns 0, or -1 with err naming the problem (s is then empty).
 */
int mb_hyperfine_import(const char *path, mb_suite_t *s, char *err, size_t errsz);
/* The same from a buffer of len bytes (name is what messages call it): the libFuzzer target's entry. */
int mb_hyperfine_import_buffer(const char *buf, size_t len, const char *name, mb_suite_t *s, char *err, size_t errsz);

#endif
