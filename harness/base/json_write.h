/* json_write.h: JSON written by hand (the reporters, list, the options): string literals. */
#ifndef MB_JSON_WRITE_H
#define MB_JSON_WRITE_H

#include <stdio.h>

/* A JSON string literal of s, escaped. */
void mb_json_write_str(FILE *out, const char *s);

#endif
