/* units.c: numbers in human units: nanoseconds, bytes, counts. */
#include <stdio.h>

#include "harness/base/units.h"

/* One unit of a scale: values below `below` are shown divided by `div` in `fmt`. */
typedef struct unit {
    double below;                       /* the first value too large for this unit (0: no limit) */
    double div;                         /* what one of this unit is */
    const char *fmt;                    /* printf format of the divided value, with the unit's name */
} unit_t;

/* v in the first unit of scale it is below. */
static char *scaled(char *buf, size_t n, double v, const unit_t *scale) {
    while (scale->below && v >= scale->below) scale++;
    snprintf(buf, n, scale->fmt, v / scale->div);
    return buf;
}

char *mb_fmt_ns(char *buf, size_t n, double ns) {
    static const unit_t scale[] = {{1e3, 1, "%.0f ns"}, {1e6, 1e3, "%.2f us"}, {1e9, 1e6, "%.2f ms"}, {0, 1e9, "%.2f s"}};
    return scaled(buf, n, ns, scale);
}

char *mb_fmt_bytes(char *buf, size_t n, double b) {
    static const unit_t scale[] = {{1024, 1, "%.0f B"}, {1024.0 * 1024, 1024, "%.1f KiB"},
                                   {1024.0 * 1024 * 1024, 1024.0 * 1024, "%.1f MiB"}, {0, 1024.0 * 1024 * 1024, "%.2f GiB"}};
    return scaled(buf, n, b, scale);
}

char *mb_fmt_count(char *buf, size_t n, double v) {
    static const unit_t scale[] = {{1e4, 1, "%.0f"}, {1e6, 1e3, "%.1fk"}, {1e9, 1e6, "%.2fM"}, {0, 1e9, "%.2fG"}};
    return scaled(buf, n, v, scale);
}
