/* probe.c: `membench probe` (hidden): one timed collection of a heap built for it, for scripts/perf and scripts/calibrate (harness/run/probe.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "harness/run/probe.h"

/* probe PROBE -s STRATEGY|bdwgc-direct -n N [-r R]: hidden, for scripts/perf and scripts/calibrate (probe.h).
 * Prints one line per repetition: strategy probe n wall-ns cpu-ns. */
int mb_cmd_probe(int argc, char **argv) {
    const char *sname = "mark-sweep";
    uint64_t n = 100000, reps = 1;
    int c;
    while ((c = getopt(argc, argv, "s:n:r:")) != -1) {
        if (c == 's') sname = optarg;
        else if (c == 'n' || c == 'r') {
            char *end;
            errno = 0;
            unsigned long long x = strtoull(optarg, &end, 10);
            if (!*optarg || *optarg == '-' || *end || errno || !x) usage_error("probe: -%c must be a positive integer", c);
            if (c == 'n') n = x;
            else reps = x;
        }
        else usage_error("probe: bad option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1) usage_error("probe: expected one probe name (%s)", mb_probe_names);
    const mb_strategy_t *s = mb_find_strategy(sname);
    bool direct = !strcmp(sname, MB_PROBE_DIRECT);
    if (!s && !direct) usage_error("unknown strategy '%s' (see membench list, or %s)", sname, MB_PROBE_DIRECT);
    for (uint64_t r = 0; r < reps; r++) {
        uint64_t ns, cpu;
        char err[256];
        if ((direct ? mb_probe_direct(argv[optind], n, &ns, &cpu, err, sizeof err)
                    : mb_probe(argv[optind], s, n, &ns, &cpu, err, sizeof err)) != 0) {
            fprintf(stderr, "membench: %s\n", err);
            return 1;
        }
        printf("%s %s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", sname, argv[optind], n, ns, cpu);
    }
    return 0;
}
