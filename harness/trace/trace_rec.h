/* trace_rec.h: the recording layer at the mutator-API boundary (docs/traces.md).
 *
 * The Makefile compiles every workload a second time with -DMB_RECORDING
 * and this header forced in first (-include), its workload symbol renamed
 * mb_rec_workload_NAME: there each call of the mutator API below becomes a
 * call of its mbr_ twin (harness/trace/record.c), which does the operation and
 * appends it to the trace being recorded. The measured workloads are the
 * other, untouched copies: recording costs the live runs nothing.
 */
#ifndef MB_TRACE_REC_H
#define MB_TRACE_REC_H

#include "runtime/mb.h"

void mbr_push(mb_rt_t *rt, uint32_t nvars);
void mbr_pop(mb_rt_t *rt);
void mbr_none(mb_rt_t *rt, mb_var_t dst);
void mbr_assign(mb_rt_t *rt, mb_var_t dst, mb_var_t src);
void mbr_gset(mb_rt_t *rt, uint32_t g, mb_var_t src);
void mbr_gget(mb_rt_t *rt, mb_var_t dst, uint32_t g);
void mbr_new_list(mb_rt_t *rt, mb_var_t dst, uint32_t nslots);
void mbr_new_int(mb_rt_t *rt, mb_var_t dst, int64_t value);
void mbr_new_str(mb_rt_t *rt, mb_var_t dst, const char *s);
void mbr_store(mb_rt_t *rt, mb_var_t obj, uint32_t slot, mb_var_t src);
void mbr_store_none(mb_rt_t *rt, mb_var_t obj, uint32_t slot);
void mbr_load(mb_rt_t *rt, mb_var_t dst, mb_var_t obj, uint32_t slot);
bool mbr_is(mb_rt_t *rt, mb_var_t a, mb_var_t b);
bool mbr_is_none(mb_rt_t *rt, mb_var_t v);
bool mbr_is_int(mb_rt_t *rt, mb_var_t v);
bool mbr_is_str(mb_rt_t *rt, mb_var_t v);
bool mbr_is_list(mb_rt_t *rt, mb_var_t v);
int64_t mbr_int_value(mb_rt_t *rt, mb_var_t v);
const char *mbr_str_value(mb_rt_t *rt, mb_var_t v);
uint32_t mbr_len(mb_rt_t *rt, mb_var_t v);
void mbr_collect(mb_rt_t *rt);
void mbr_auto_collect(mb_rt_t *rt, bool on);
void mbr_freeze(mb_rt_t *rt);
void mbr_set_finalizer(mb_rt_t *rt, mb_var_t v, mb_finalizer_fn fn, void *ctx);

#ifdef MB_RECORDING
#define mb_push mbr_push
#define mb_pop mbr_pop
#define mb_none mbr_none
#define mb_assign mbr_assign
#define mb_gset mbr_gset
#define mb_gget mbr_gget
#define mb_new_list mbr_new_list
#define mb_new_int mbr_new_int
#define mb_new_str mbr_new_str
#define mb_store mbr_store
#define mb_store_none mbr_store_none
#define mb_load mbr_load
#define mb_is mbr_is
#define mb_is_none mbr_is_none
#define mb_is_int mbr_is_int
#define mb_is_str mbr_is_str
#define mb_is_list mbr_is_list
#define mb_int_value mbr_int_value
#define mb_str_value mbr_str_value
#define mb_len mbr_len
#define mb_collect mbr_collect
#define mb_auto_collect mbr_auto_collect
#define mb_freeze mbr_freeze
#define mb_set_finalizer mbr_set_finalizer
/* Not recorded (their results depend on the strategy, and no workload's
 * checksum may): mb_refcount, mb_id, mb_exists, mb_census, mb_refcount_id. */
#define mb_refcount mbr_not_recorded_refcount
#define mb_id mbr_not_recorded_id
#define mb_exists mbr_not_recorded_exists
#define mb_census mbr_not_recorded_census
#define mb_refcount_id mbr_not_recorded_refcount_id
#endif

#endif
