/* units.c: numbers in human units: nanoseconds, bytes, counts. */
#include <stdio.h>

#include "harness/base/units.h"

char *mb_fmt_ns(char *buf, size_t n, double ns) {
    if (ns < 1e3) snprintf(buf, n, "%.0f ns", ns);
    else if (ns < 1e6) snprintf(buf, n, "%.2f us", ns / 1e3);
    else if (ns < 1e9) snprintf(buf, n, "%.2f ms", ns / 1e6);
    else snprintf(buf, n, "%.2f s", ns / 1e9);
    return buf;
}

char *mb_fmt_bytes(char *buf, size_t n, double b) {
    if (b < 1024) snprintf(buf, n, "%.0f B", b);
    else if (b < 1024.0 * 1024) snprintf(buf, n, "%.1f KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024) snprintf(buf, n, "%.1f MiB", b / (1024.0 * 1024));
    else snprintf(buf, n, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    return buf;
}

char *mb_fmt_count(char *buf, size_t n, double v) {
    if (v < 1e4) snprintf(buf, n, "%.0f", v);
    else if (v < 1e6) snprintf(buf, n, "%.1fk", v / 1e3);
    else if (v < 1e9) snprintf(buf, n, "%.2fM", v / 1e6);
    else snprintf(buf, n, "%.2fG", v / 1e9);
    return buf;
}
