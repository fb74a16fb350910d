/* json_read.h: small jansson helpers for JSON that is not read as Google Benchmark rows (hyperfine's export, a
 * shard's whole document for merge, contexts); results files are read by gbench_read.h. */
#ifndef MB_JSON_READ_H
#define MB_JSON_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* jansson reports a failed allocation while parsing as a syntax error
 * ("invalid token"): its allocations go through a wrapper that notes the
 * failure. Call mb_json_oom_reset() before a parse; mb_json_oom() after a
 * failed one says whether memory ran out. */
void mb_json_oom_reset(void);
bool mb_json_oom(void);

/* Parse a whole file. NULL on failure, with err = "FILE: line L, column C: what". */
json_t *mb_json_load_file(const char *path, char *err, size_t errsz);
/* obj[key] as a string, or NULL if obj is not an object or the key is missing or not a string. */
const char *mb_json_str(const json_t *obj, const char *key);
/* obj[key] as a number (integer or real) into *out; false if missing or not a number. */
bool mb_json_num(const json_t *obj, const char *key, double *out);
/* obj[key] if it is an array, else NULL. */
json_t *mb_json_array(const json_t *obj, const char *key);

#endif
