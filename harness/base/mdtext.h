/* mdtext.h: text and code spans inside a Markdown table cell (reports, compare, history). */
#ifndef MB_MDTEXT_H
#define MB_MDTEXT_H

#include <stdbool.h>
#include <stdio.h>

/* Text in a Markdown table cell: newlines and control characters become
 * spaces, '|' is escaped (GitHub's tables split on it even inside code).
 * As code, the span's fence is longer than any run of backticks inside. */
void mb_md_text(FILE *out, const char *s);
void mb_md_code(FILE *out, const char *s);
/* Text from a file (a host or case name) on one line: Markdown text when md,
 * else control characters as spaces. */
void mb_line_text(FILE *out, bool md, const char *t);

#endif
