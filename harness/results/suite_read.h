/* suite_read.h: a Google Benchmark JSON file turned back into a suite (for `membench report`): gbench_read.h's
 * rows, as entries the reporters print. */
#ifndef MB_GBJSON_H
#define MB_GBJSON_H

#include <stddef.h>

#include "harness/run/runner.h"

/*
 * Read FILE's iteration entries into s (aggregates are recomputed from them
 * by the reporters, as they were when the file was written): name, family,
 * repetition, times, error_occurred/error_message, label and the counters of
 * metrics.h (an entry without "checksum" is taken as counter-less, e.g. a
 * hyperfine import). Context scale, seed, allocator and heap_multiplier are
 * copied into s; strings live in storage owned by this module until the next
 * call. Returns 0, or -1 with err naming the problem (s is then empty).
 */
int mb_gbjson_read(const char *path, mb_suite_t *s, char *err, size_t errsz);

#endif
