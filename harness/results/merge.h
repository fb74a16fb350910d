/* merge.h: `membench merge SHARD.json...`: the results files of `run --shard
 * I/N` into one, after checking they are the shards of one plan. */
#ifndef MB_MERGE_H
#define MB_MERGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Read the files, check them and merge them into *out (a new JSON document:
 * Google Benchmark's schema, as `run` writes it). The checks, each failing
 * with err naming the file: every file a membench results file (the one
 * validating reader of report and compare) run with --shard; one commit
 * (context git_commit) and build type; the same run options (the context's
 * `options`, all but shard, shard-costs, out and format) and the same shard
 * plan; no shard index given twice, no case in two shards; every index of
 * 0..N-1 present unless allow_partial (then the result says which are
 * missing, marked incomplete). Entries come in the unsharded run's order
 * (its family_index, which each shard keeps), family_index renumbered
 * 0, 1, ...; each carries "shard": its index; the context keeps every
 * shard's machine under "shards". Returns 0, or -1 with err.
 * *missing gets how many shards were missing (allow_partial).
 */
int mb_merge(char *const *paths, int n, bool allow_partial, json_t **out, unsigned *missing, char *err, size_t errsz);

#endif
