/* shard.h: `run --shard I/N`: the planned cases split into N disjoint
 * shares, whole workloads each, balanced by an estimated cost (LPT). */
#ifndef MB_SHARD_H
#define MB_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/workload.h"

/* What one repetition costs besides the workload, seconds: fork,
 * pipe, wait4, and the memory estimate's
 * two small runs spread over the repetitions: `make bench`'s wall time
 * minus the sum of its cases' times, per run (docs/performance.md). */
#define MB_SHARD_OVERHEAD_S 0.03

/* The largest N accepted. */
#define MB_SHARD_MAX 10000

/* "I/N" into *index, *count: 0 and both set, or -1 with err saying the
 * valid form and range ("--shard 3/3: I must be from 0 to 2 ..."). */
int mb_shard_parse(const char *text, unsigned *index, unsigned *count, char *err, size_t errsz);

/* The built-in cost model: the seconds one repetition of one case of w
 * takes at size n, from the workload's shard_seconds (workload.h; a
 * workload without one, a trace, costs the mean of the registered ones),
 * scaled linearly by size (geometrically for a size that is a depth), plus
 * the per-process overhead of the runner. */
double mb_shard_model_seconds(const mb_workload_t *w, uint64_t n);

/* Seconds per repetition of each case name in a results file (the mean
 * real_time of its error-free iteration entries): a jansson object name ->
 * real; NULL and err when the file cannot be read. */
struct json_t;
struct json_t *mb_shard_costs_read(const char *path, char *err, size_t errsz);

/* LPT: units (cost[i], in plan order) onto count shards, the costliest
 * first, each onto the least-loaded shard; ties go to the unit earlier in
 * the plan and to the lower shard index, so every machine computes the same
 * partition. shard_of[i] gets unit i's shard; load[k] (count of them) each
 * shard's estimated total. */
void mb_shard_assign(const double *cost, size_t n, unsigned count, unsigned *shard_of, double *load);

/* The suite's units (its workloads, in plan order) assigned to count shards
 * by estimated cost (costs from a results file, costs_path, else the
 * model); the entries of the other shards are dropped, each kept entry
 * keeping the family_index of the whole plan (merge orders by it). One line
 * on stderr says what this shard runs. Returns the context's "shard" object. */
struct mb_suite;
struct json_t *mb_shard_plan(struct mb_suite *suite, unsigned index, unsigned count, const struct json_t *costs,
                             const char *costs_path);

#endif
