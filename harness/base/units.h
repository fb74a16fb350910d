/* units.h: numbers in human units for the console and Markdown ("1.23 ms", "4.5 MiB", "12.3M"). */
#ifndef MB_UNITS_H
#define MB_UNITS_H

#include <stddef.h>

/* Human units: "1.23 ms", "4.5 MiB", "12.3M". Return buf. */
char *mb_fmt_ns(char *buf, size_t n, double ns);
char *mb_fmt_bytes(char *buf, size_t n, double bytes);
char *mb_fmt_count(char *buf, size_t n, double v);

#endif
