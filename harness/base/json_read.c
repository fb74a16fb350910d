/* json_read.c: generic JSON reading helpers over jansson. */
#include <stdio.h>
#include <stdlib.h>

#include "harness/base/json_read.h"

static bool json_oom;
static void *track_malloc(size_t n) {
    void *p = malloc(n);
    if (!p) json_oom = true;
    return p;
}

void mb_json_oom_reset(void) {
    static bool installed;
    if (!installed) json_set_alloc_funcs(track_malloc, free);
    installed = true;
    json_oom = false;
}

bool mb_json_oom(void) { return json_oom; }

json_t *mb_json_load_file(const char *path, char *err, size_t errsz) {
    json_error_t je;
    mb_json_oom_reset();
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        if (mb_json_oom() || json_error_code(&je) == json_error_out_of_memory || !je.text[0]) snprintf(err, errsz, "%s: out of memory reading it", path);
        else if (je.line > 0) snprintf(err, errsz, "%s: line %d, column %d: %s", path, je.line, je.column, je.text);
        else snprintf(err, errsz, "%s: %s", path, je.text);
    }
    return j;
}

const char *mb_json_str(const json_t *obj, const char *key) {
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool mb_json_num(const json_t *obj, const char *key, double *out) {
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!json_is_number(v)) return false;
    *out = json_number_value(v);
    return true;
}

json_t *mb_json_array(const json_t *obj, const char *key) {
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_array(v) ? v : NULL;
}
