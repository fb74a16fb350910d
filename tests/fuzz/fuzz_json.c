/* fuzz_json.c: libFuzzer target on the JSON readers of `membench compare` (gbench_read) and `import-hyperfine` (hyperfine.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/compare.h"
#include "harness/base/gbench_read.h"
#include "harness/results/hyperfine.h"

/*
 * Each input is given to both readers. An input the compare reader accepts is
 * then compared with itself in both formats, with every check on (times,
 * memory, counters, strict), and with the instructions metric: whatever it
 * holds, reading and comparing must not crash, overflow, leak or hit
 * undefined behaviour (the target is built with ASan + UBSan), and a file
 * compared with itself must pass unless it has entries that cannot be judged.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    char err[1024];
    mb_gb_file_t f;
    if (mb_gb_parse((const char *)data, size, "fuzz-input", &f, err, sizeof err) == 0) {
        mb_cmp_opts_t o;
        mb_cmp_opts_default(&o);
        o.strict_counters = true;
        mb_cmp_summary_t sum;
        mb_compare(sink, &f, &f, &o, &sum);
        if (sum.passed + sum.failed > f.n) abort();        /* never more entries than rows */
        o.format = MB_CMP_MARKDOWN;
        o.metric = MB_CMP_INSTRUCTIONS;
        o.counter_list = "checksum,,leaked_objects,label";
        mb_compare(sink, &f, &f, &o, &sum);
        mb_gb_free(&f);
    } else if (!strstr(err, "fuzz-input")) {
        abort();                                            /* every message names the input */
    }
    mb_suite_t s = {0};
    if (mb_hyperfine_import_buffer((const char *)data, size, "fuzz-input", &s, err, sizeof err) == 0) mb_suite_free(&s);
    return 0;
}
