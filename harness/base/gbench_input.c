/* gbench_input.c: the Google Benchmark reader's input: a file in chunks or a buffer, jansson's parse of one value, and
 * its error messages exactly as a parse of the whole file gives them (gbench_int.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/base/gbench_int.h"
#include "harness/base/json_read.h"

/* The read buffer, and at least how much of it jansson is given (unless the
 * file ends first); both can be made tiny to test the buffer's edges. */
#ifndef MB_GB_CHUNK
#define MB_GB_CHUNK (1 << 20)
#endif
#ifndef MB_GB_WINDOW
#define MB_GB_WINDOW (1 << 16)
#endif
enum { RD_CHUNK = MB_GB_CHUNK, RD_WINDOW = MB_GB_WINDOW };

/* ------------------------------------------------------------------------ */
/* The input: a file read in chunks, or a buffer. */


/* Count lines and columns up to b[upto]: a newline starts a line; any other byte but a UTF-8 continuation is a column. */
static void lc_advance(rd_t *rd, size_t upto) {
    const unsigned char *p = (const unsigned char *)rd->b + rd->lc_pos, *e = (const unsigned char *)rd->b + upto;
    const unsigned char *nl;
    while (p < e && (nl = memchr(p, '\n', (size_t)(e - p)))) {
        rd->line++;
        rd->col = 0;
        p = nl + 1;
    }
    long col = 0;
    for (; p < e; p++) col += (*p & 0xC0) != 0x80;
    rd->col += col;
    rd->lc_pos = upto;
}

/* At least want bytes unread, unless the file ends first (read errors end it, as for jansson's loader). -1: out of memory. */
int gb_rd_more(rd_t *rd, size_t want) {
    if (rd->eof || rd->len - rd->pos >= want) return 0;
    if (rd->pos) {                      /* keep the unread bytes only */
        lc_advance(rd, rd->pos);
        memmove(rd->own, rd->own + rd->pos, rd->len - rd->pos);
        rd->len -= rd->pos;
        rd->lc_pos -= rd->pos;
        rd->pos = 0;
    }
    if (want > rd->cap) {
        size_t ncap = rd->cap ? rd->cap : RD_CHUNK;
        while (ncap < want) ncap *= 2;
        char *nb = realloc(rd->own, ncap);
        if (!nb) return -1;
        rd->own = nb;
        rd->b = nb;
        rd->cap = ncap;
    }
    while (rd->len < want) {
        ssize_t n = read(rd->fd, rd->own + rd->len, rd->cap - rd->len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            rd->eof = true;
            break;
        }
        rd->len += (size_t)n;
    }
    return 0;
}


/* Skip whitespace; the next byte, -1 at the end of the file, -2 out of memory. */
int gb_rd_peek(rd_t *rd) {
    for (;;) {
        while (rd->pos < rd->len) {
            unsigned char c = (unsigned char)rd->b[rd->pos];
            if (!is_ws(c)) return c;
            rd->pos++;
        }
        if (rd->eof) return -1;
        if (gb_rd_more(rd, 1) != 0) return -2;
    }
}

int gb_rd_oom(rd_t *rd) {
    snprintf(rd->err, rd->errsz, "%s: out of memory reading it", rd->path);
    return -1;
}

/* jansson's error je, from a parse of prefix (pchars characters, no newline) and then the file from b[pos]. */
int gb_rd_syntax(rd_t *rd, const json_error_t *je, long pchars) {
    if (je->line <= 0) {
        snprintf(rd->err, rd->errsz, "%s: %s", rd->path, je->text);
        return -1;
    }
    lc_advance(rd, rd->pos);
    long line = rd->line + je->line - 1, col = je->line == 1 ? rd->col + je->column - pchars : je->column;
    snprintf(rd->err, rd->errsz, "%s: malformed JSON at line %ld, column %ld: %s", rd->path, line, col, je->text);
    return -1;
}

/*
 * The offset in data (n bytes) where jansson stopped, from its position: it
 * counts the bytes it read, less every NUL byte it lost (rd_past), and the
 * only NUL bytes a parse gets past are lost ones.
 */
static size_t jansson_offset(const char *data, size_t n, size_t at) {
    size_t end = at, from = 0;
    const char *z;
    while (end <= n && from < end && (z = memchr(data + from, '\0', end - from))) {
        from = (size_t)(z - data) + 1;
        end++;
    }
    return end < n ? end : n;
}

/*
 * jansson's parse of prefix (NULL: none) and then the file from b[pos], with
 * flags. It is given at least RD_WINDOW bytes, and the whole value: when it
 * stopped within 4 bytes (a UTF-8 sequence) of what it was given, it may have
 * stopped at the end of the buffer and not of the value (a number cut short,
 * a premature end), so it is run again on twice as much. The value, with
 * *used = how many bytes of the file it took; or NULL with *je, or with *oom.
 */
json_t *gb_rd_jansson(rd_t *rd, const char *prefix, size_t flags, json_error_t *je, size_t *used, bool *oom) {
    size_t plen = prefix ? strlen(prefix) : 0, want = RD_WINDOW;
    *oom = false;
    for (;;) {
        if (gb_rd_more(rd, want) != 0) break;
        size_t avail = rd->len - rd->pos, n = plen + avail;
        const char *data = rd->b + rd->pos;
        char *tmp = NULL;
        if (plen) {
            if (!(tmp = malloc(n ? n : 1))) break;
            memcpy(tmp, prefix, plen);
            memcpy(tmp + plen, data, avail);
            data = tmp;
        }
        mb_json_oom_reset();
        json_t *j = json_loadb(data, n, flags, je);
        size_t at = jansson_offset(data, n, je->position > 0 ? (size_t)je->position : 0);
        free(tmp);
        if (j && je->text[0]) {         /* a number's or literal's look-ahead byte was bad UTF-8: jansson noted the */
            json_decref(j);             /* error but returned the value; the whole file's parse fails there */
            j = NULL;
        }
        if (!j && (mb_json_oom() || json_error_code(je) == json_error_out_of_memory || !je->text[0])) break;
        if (!rd->eof && at + 4 >= n) {
            if (j) json_decref(j);
            want = 2 * avail > want ? 2 * avail : 2 * want;
            continue;
        }
        *used = at > plen ? at - plen : 0;
        return j;
    }
    *oom = true;
    return NULL;
}

/*
 * Past a value jansson parsed that took used bytes from b[pos]. A number or
 * literal ends where jansson read one byte too far and put it back; a NUL
 * byte put back is lost (its stream takes NUL for "buffer empty"), so the
 * whole file's parse never sees it, nor counts its column: skip it too.
 */
void gb_rd_past(rd_t *rd, const json_t *v, size_t used) {
    rd->pos += used;
    if ((json_is_number(v) || json_is_boolean(v) || json_is_null(v)) && rd->pos < rd->len && !rd->b[rd->pos]) {
        lc_advance(rd, rd->pos);
        rd->lc_pos++;
        rd->pos++;
    }
}

/* UTF-8 characters of s (jansson's columns). */
static long utf8_chars(const char *s) {
    long n = 0;
    for (; *s; s++) n += (*s & 0xC0) != 0x80;
    return n;
}

/*
 * The file is malformed at b[pos] (after whitespace): jansson says how, given
 * prefix first, the start of a document that leaves its parser where the
 * whole file's parse is here ("{" after an object's brace, "{\"\":\"\"," after
 * a member's comma, "[\"\"" after an element, ...). A prefix ends in a token
 * that needs no look-ahead (a string, a brace, a colon, a comma), never a
 * number or literal, which would run on into the file's next bytes.
 */
int gb_rd_exact(rd_t *rd, const char *prefix, size_t flags) {
    json_error_t je;
    size_t used;
    bool oom;
    json_t *j = gb_rd_jansson(rd, prefix, flags, &je, &used, &oom);
    if (oom) return gb_rd_oom(rd);
    if (!j) return gb_rd_syntax(rd, &je, prefix ? utf8_chars(prefix) : 0);
    json_decref(j);                     /* not seen: the caller found the error first */
    lc_advance(rd, rd->pos);
    snprintf(rd->err, rd->errsz, "%s: malformed JSON at line %ld, column %ld: unexpected text", rd->path, rd->line,
             rd->col);
    return -1;
}

/* The nesting depth of a parsed value (a scalar is 1). */
size_t gb_json_depth(json_t *j) {
    size_t d = 0, i;
    const char *k;
    json_t *v;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            size_t x = gb_json_depth(v);
            if (x > d) d = x;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            size_t x = gb_json_depth(v);
            if (x > d) d = x;
        }
    }
    return d + 1;
}

