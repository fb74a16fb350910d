/* mdtext.c: Markdown table-cell text and code spans, escaped; one line of text from a file. */
#include <stdbool.h>
#include <string.h>

#include "harness/base/mdtext.h"

static void md_chars(FILE *out, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '|') fputs("\\|", out);
        else if (c < 0x20 || c == 0x7f) fputc(' ', out);
        else fputc(c, out);
    }
}

void mb_md_text(FILE *out, const char *s) {
    for (; *s; s++) {                   /* plain text: a backtick would open a code span */
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == '`') { fputc('\\', out); fputc(c, out); }
        else if (c == '|') fputs("\\|", out);
        else if (c < 0x20 || c == 0x7f) fputc(' ', out);
        else fputc(c, out);
    }
}

void mb_md_code(FILE *out, const char *s) {
    size_t longest = 0, run = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    size_t len = strlen(s);
    bool pad = len && (s[0] == '`' || s[len - 1] == '`' || s[0] == ' ');
    for (size_t i = 0; i <= longest; i++) fputc('`', out);
    if (pad) fputc(' ', out);
    md_chars(out, s);
    if (pad) fputc(' ', out);
    for (size_t i = 0; i <= longest; i++) fputc('`', out);
}

void mb_line_text(FILE *out, bool md, const char *t) {
    if (md) {
        mb_md_text(out, t);
        return;
    }
    for (; *t; t++) fputc((unsigned char)*t < 0x20 || *t == 0x7f ? ' ' : *t, out);
}
