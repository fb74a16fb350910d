/* test_docs.c: the documentation holds together: a short README, links that resolve, references
 * to docs/design.md sections that exist, and no reference to a file outside the repository. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "tests/helpers.h"

#define SRC MB_SOURCE_DIR

/* The whole file, NUL-terminated (*len without the NUL), or NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* The Markdown pages: README.md and every docs/ page (.md), paths relative to the source directory. */
static size_t markdown_pages(char pages[][256], size_t max) {
    size_t n = 0;
    snprintf(pages[n++], 256, "README.md");
    DIR *d = opendir(SRC "/docs");
    cr_assert_not_null(d, "no docs/ directory in %s", SRC);
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l > 3 && !strcmp(e->d_name + l - 3, ".md")) snprintf(pages[n++], 256, "docs/%.200s", e->d_name);
    }
    closedir(d);
    return n;
}

/* GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
static void slug(const char *heading, size_t len, char *out, size_t outsz) {
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < outsz; i++) {
        unsigned char c = (unsigned char)heading[i];
        if (isalnum(c) || c == '-' || c == '_') out[k++] = (char)tolower(c);
        else if (c == ' ') out[k++] = '-';
        else if (c >= 0x80) out[k++] = (char)c;   /* letters beyond ASCII stay */
    }
    out[k] = '\0';
}

/* Does the Markdown text have a heading whose anchor is `anchor`? Headings in code blocks do not count. */
static bool has_anchor(const char *text, const char *anchor) {
    bool fence = false;
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len >= 3 && !strncmp(line, "```", 3)) fence = !fence;
        if (fence || line[0] != '#') continue;
        size_t h = 0;
        while (h < len && line[h] == '#') h++;
        while (h < len && line[h] == ' ') h++;
        char s[512];
        slug(line + h, len - h, s, sizeof s);
        if (!strcmp(s, anchor)) return true;
    }
    return false;
}

/* Checks every relative link of a page outside code blocks (the file exists; for a Markdown
 * file, the #anchor is one of its headings), appends what is broken to bad; returns the count. */
static size_t each_link(const char *page, const char *text, char *bad, size_t badsz) {
    size_t links = 0;
    bool fence = false;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", page);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len >= 3 && !strncmp(line, "```", 3)) fence = !fence;
        if (fence) continue;
        for (const char *p = line; (p = memmem(p, len - (size_t)(p - line), "](", 2)); p += 2) {
            const char *t = p + 2, *close = memchr(t, ')', len - (size_t)(t - line));
            if (!close) continue;
            char target[512];
            size_t tl = (size_t)(close - t);
            if (tl >= sizeof target) tl = sizeof target - 1;
            memcpy(target, t, tl);
            target[tl] = '\0';
            char *sp = strchr(target, ' ');       /* [x](file "title") */
            if (sp) *sp = '\0';
            if (!*target || strstr(target, "://") || !strncmp(target, "mailto:", 7)) continue;
            links++;
            char *hash = strchr(target, '#');
            const char *anchor = hash ? hash + 1 : NULL;
            if (hash) *hash = '\0';
            char path[1024];
            if (*target) snprintf(path, sizeof path, "%s/%s/%s", SRC, dir, target);
            else snprintf(path, sizeof path, "%s/%s", SRC, page);
            struct stat st;
            if (stat(path, &st) != 0) {
                size_t u = strlen(bad);
                snprintf(bad + u, badsz - u, "\n  %s: %s does not exist", page, target);
                continue;
            }
            size_t pl = strlen(path);
            if (anchor && *anchor && pl > 3 && !strcmp(path + pl - 3, ".md")) {
                char *other = slurp(path, NULL);
                cr_assert_not_null(other, "%s", path);
                if (!has_anchor(other, anchor)) {
                    size_t u = strlen(bad);
                    snprintf(bad + u, badsz - u, "\n  %s: %s has no heading #%s", page, *target ? target : page,
                             anchor);
                }
                free(other);
            }
        }
    }
    return links;
}

/* The README is an introduction: at most 200 lines; the rest lives in docs/. */
Test(docs, readme_is_short) {
    char *text = slurp(SRC "/README.md", NULL);
    cr_assert_not_null(text, "cannot read README.md");
    size_t lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    if (*text && text[strlen(text) - 1] != '\n') lines++;
    cr_assert_leq(lines, 200, "README.md has %zu lines; move material to docs/ (at most 200)", lines);
    free(text);
}

/* Every relative link of README.md and the docs/ pages names a file that exists (and a heading there, for #anchors). */
Test(docs, links_resolve) {
    char pages[64][256];
    size_t n = markdown_pages(pages, 64);
    cr_assert_geq(n, 8, "README.md and the docs/ pages: found %zu", n);
    static char bad[16384];
    bad[0] = '\0';
    size_t links = 0;
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", SRC, pages[i]);
        char *text = slurp(path, NULL);
        cr_assert_not_null(text, "cannot read %s", path);
        links += each_link(pages[i], text, bad, sizeof bad);
        free(text);
    }
    cr_assert_gt(links, 20, "the pages link to each other: only %zu links found", links);
    cr_assert_eq(bad[0], '\0', "broken links:%s", bad);
}

/* The files of the repository: `git ls-files` (tracked, and new files not ignored), or a walk of its directories outside git. */
static size_t repo_files(char ***out) {
    size_t n = 0, cap = 256;
    char **files = malloc(cap * sizeof *files);
    cr_assert_not_null(files);
    char line[1024];
    FILE *p = popen("git -C '" SRC "' ls-files --cached --others --exclude-standard 2>/dev/null", "r");
    if (p) {
        while (fgets(line, sizeof line, p)) {
            line[strcspn(line, "\n")] = '\0';
            if (n == cap) files = realloc(files, (cap *= 2) * sizeof *files);
            files[n++] = strdup(line);
        }
        pclose(p);
    }
    if (!n) {                                     /* not a git checkout: the directories and files we know */
        p = popen("cd '" SRC "' && find harness runtime include strategies workloads scripts tests plots docs results examples -type f "
                  "-not -path 'plots/out/*' 2>/dev/null; ls README.md Makefile", "r");
        cr_assert_not_null(p);
        while (fgets(line, sizeof line, p)) {
            line[strcspn(line, "\n")] = '\0';
            if (n == cap) files = realloc(files, (cap *= 2) * sizeof *files);
            files[n++] = strdup(line);
        }
        pclose(p);
    }
    *out = files;
    return n;
}

/* No file of the repository points outside it: the contracts are docs/design.md, in the repository.
 * (The needles are split so that this file does not match itself.) */
Test(docs, no_reference_outside_the_repository) {
    static const char *const needles[] = {"DESIGN" ".md", ".." "/shared"};
    char **files;
    size_t n = repo_files(&files);
    cr_assert_gt(n, 50, "the repository's files: found %zu", n);
    static char bad[16384];
    bad[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", SRC, files[i]);
        size_t len;
        char *text = slurp(path, &len);
        if (text) {
            for (size_t k = 0; k < sizeof needles / sizeof *needles; k++) {
                size_t nl = strlen(needles[k]);
                for (const char *hit = text; (hit = memmem(hit, len - (size_t)(hit - text), needles[k], nl)); hit += nl) {
                    size_t line = 1;
                    for (const char *q = text; q < hit; q++) line += *q == '\n';
                    size_t u = strlen(bad);
                    if (u + 200 < sizeof bad) snprintf(bad + u, sizeof bad - u, "\n  %s:%zu: %s", files[i], line, needles[k]);
                }
            }
            free(text);
        }
        free(files[i]);
    }
    free(files);
    cr_assert_eq(bad[0], '\0', "references to files outside the repository (use docs/design.md):%s", bad);
}

/* Every "design.md section N" anywhere in the repository names a section "## N. " of docs/design.md. */
Test(docs, design_sections_exist) {
    char *design = slurp(SRC "/docs/design.md", NULL);
    cr_assert_not_null(design, "docs/design.md is missing");
    bool have[100] = {false};
    size_t nsections = 0;
    for (const char *p = design; (p = strstr(p, "\n## ")); p++) {
        char *end;
        long v = strtol(p + 4, &end, 10);
        if (end > p + 4 && *end == '.' && v > 0 && v < 100) {
            cr_assert_not(have[v], "docs/design.md has two sections %ld", v);
            have[v] = true;
            nsections++;
        }
    }
    cr_assert_geq(nsections, 9, "docs/design.md has %zu numbered sections", nsections);
    char **files;
    size_t n = repo_files(&files);
    static char bad[16384];
    bad[0] = '\0';
    size_t refs = 0;
    static const char needle[] = "design.md section";
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", SRC, files[i]);
        size_t len;
        char *text = slurp(path, &len);
        for (const char *p = text; p && (p = memmem(p, len - (size_t)(p - text), needle, sizeof needle - 1));
             p += sizeof needle - 1) {
            const char *q = p + sizeof needle - 1;
            while (*q == ' ' || *q == '\n' || *q == '\t' || *q == '*' || *q == '#') q++;
            char *end;
            long v = strtol(q, &end, 10);
            if (end == q) continue;               /* prose: "design.md sections" and the like */
            refs++;
            if (v <= 0 || v >= 100 || !have[v]) {
                size_t u = strlen(bad);
                if (u + 200 < sizeof bad) snprintf(bad + u, sizeof bad - u, "\n  %s: section %ld", files[i], v);
            }
        }
        free(text);
        free(files[i]);
    }
    free(files);
    free(design);
    cr_assert_gt(refs, 0, "no reference to a docs/design.md section found");
    cr_assert_eq(bad[0], '\0', "references to sections docs/design.md does not have:%s", bad);
}

/* The number a word names ("nine", "11", "1,000"), or -1. */
static long number_word(const char *w, size_t n) {
    static const char *const words[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                                        "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (strlen(words[k]) == n && !strncasecmp(w, words[k], n)) return (long)k;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == ',') continue;
        if (!isdigit((unsigned char)w[i])) return -1;
        v = v * 10 + (w[i] - '0');
    }
    return n ? v : -1;
}

/* The words of a line: start and length of each (letters, digits, ',', '-'), at most max; near[i]: only blanks
 * between word i - 1 and word i (one phrase, not "four counters; strategies" nor "5. Workloads"). */
static size_t line_words(const char *line, size_t len, const char *ws[], size_t wl[], bool near[], size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < len && n < max;) {
        bool blank = true;
        for (; i < len && !isalnum((unsigned char)line[i]); i++) blank &= line[i] == ' ';
        size_t b = i;
        while (i < len && (isalnum((unsigned char)line[i]) || line[i] == ',' || line[i] == '-')) i++;
        size_t e = i;
        while (e > b && line[e - 1] == ',') e--;
        if (e > b) {
            near[n] = blank && n > 0 && line[b - 1] == ' ' && ws[n - 1][wl[n - 1]] == ' ';
            ws[n] = line + b;
            wl[n++] = e - b;
        }
    }
    return n;
}

/* Every "N strategies" / "N workloads" (N a number from three up, in digits or words, perhaps one word between:
 * "nine interchangeable strategies") in the text, checked against the registry: a count written by hand goes
 * stale the day a strategy or workload is added. Failures are appended to bad as "page:line: ...". */
static void check_counts(const char *page, const char *text, long nstrat, long nwork, char *bad, size_t badsz) {
    unsigned lineno = 0;
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        lineno++;
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *ws[256];
        size_t wl[256];
        bool near[256];
        size_t nw = line_words(line, len, ws, wl, near, 256);
        for (size_t i = 1; i < nw; i++) {
            bool strat = wl[i] == 10 && !strncasecmp(ws[i], "strategies", 10);
            bool work = wl[i] == 9 && !strncasecmp(ws[i], "workloads", 9);
            if (!strat && !work) continue;
            if (!near[i]) continue;
            long v = number_word(ws[i - 1], wl[i - 1]);
            if (v < 0 && i >= 2 && near[i - 1]) v = number_word(ws[i - 2], wl[i - 2]);
            long want = strat ? nstrat : nwork;
            if (v < 3 || v == want) continue;
            size_t l = strlen(bad);
            snprintf(bad + l, badsz - l, "%s:%u: %ld %s, the registry has %ld\n", page, lineno, v,
                     strat ? "strategies" : "workloads", want);
        }
    }
}

/* No page counts the strategies or the workloads by hand unless the count is the registry's. */
Test(docs, counts_are_the_registry_s) {
    long nstrat = 0, nwork = 0;
    while (mb_strategies[nstrat]) nstrat++;
    while (mb_workloads[nwork]) nwork++;
    char pages[64][256], bad[8192] = "";
    size_t np = markdown_pages(pages, 64);
    snprintf(pages[np++], 256, "strategies/README.md");
    for (size_t i = 0; i < np; i++) {
        char path[512];
        snprintf(path, sizeof path, SRC "/%s", pages[i]);
        char *text = slurp(path, NULL);
        cr_assert_not_null(text, "cannot read %s", path);
        check_counts(pages[i], text, nstrat, nwork, bad, sizeof bad);
        free(text);
    }
    cr_assert_str_empty(bad, "counts written by hand that are not the registry's:\n%s", bad);
}

/* Every strategy and every workload of the registry has its own entry in its docs page, by name in backquotes. */
Test(docs, registry_documented) {
    char bad[4096] = "";
    char *strat = slurp(SRC "/docs/strategies.md", NULL), *work = slurp(SRC "/docs/workloads.md", NULL);
    cr_assert(strat && work, "docs/strategies.md or docs/workloads.md missing");
    for (int k = 0; k < 2; k++)
        for (size_t i = 0;; i++) {
            const char *name = k ? (mb_workloads[i] ? mb_workloads[i]->name : NULL)
                                 : (mb_strategies[i] ? mb_strategies[i]->name : NULL);
            if (!name) break;
            char quoted[160];
            snprintf(quoted, sizeof quoted, "`%s`", name);
            if (strstr(k ? work : strat, quoted)) continue;
            size_t l = strlen(bad);
            snprintf(bad + l, sizeof bad - l, "%s %s is not in docs/%s.md\n", k ? "workload" : "strategy", name,
                     k ? "workloads" : "strategies");
        }
    free(strat);
    free(work);
    cr_assert_str_empty(bad, "%s", bad);
}
