/* test_tutorial.c: the tour's answers checked against CPython itself. CPython
 * runs the seed tutorial's examples (scripts/calibrate.d/tutorial.py) and
 * prints each answer in the tour's lines; every one must equal the line of
 * `membench tour -s rc-gen` (the strategy that models CPython), with the
 * differences CPython 3.11 really has listed below, each checked to still
 * differ. Skipped without python3. */
#include <string.h>

#include "tests/helpers.h"

#define SRC MB_SOURCE_DIR

static char tour[1 << 18], py[1 << 16];

/* A commented line `EXPRESSION  # VALUE` (expression and value trimmed,
 * the value up to its first ":" or " (", as tutorial.py prints it), or false. */
static bool split(const char *line, char *expr, size_t en, char *val, size_t vn) {
    const char *h = strstr(line, " # ");
    if (!h || line[0] == '#') return false;
    const char *e = line;
    while (*e == ' ') e++;
    if (e >= h) return false;           /* "   # a note": no expression (the spaces run past the " # ") */
    size_t elen = (size_t)(h - e);
    while (elen && e[elen - 1] == ' ') elen--;
    if (!elen || elen >= en) return false;
    memcpy(expr, e, elen);
    expr[elen] = '\0';
    const char *v = h + 3;
    size_t vlen = strcspn(v, ":\n");
    const char *paren = strstr(v, " (");
    if (paren && (size_t)(paren - v) < vlen) vlen = (size_t)(paren - v);
    if (vlen >= vn) vlen = vn - 1;
    memcpy(val, v, vlen);
    val[vlen] = '\0';
    return true;
}

/* Where CPython 3.11 answers otherwise than the tour, and why. */
static const struct {
    const char *section, *expr, *tour, *cpython, *why;
} known[] = {
    {"## 4. Interning (on)", "ref_count(id(a))", "immortal", "counted",
     "interned strings are counted in CPython 3.11; immortal objects came with 3.12 (PEP 683)"},
};

static bool is_known(const char *section, const char *expr, const char *tv, const char *pv) {
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strncmp(section, known[i].section, strlen(known[i].section)) && !strcmp(expr, known[i].expr) &&
            !strcmp(tv, known[i].tour) && !strcmp(pv, known[i].cpython)) {
            cr_log_info("known difference, %s %s: tour '%s', CPython '%s': %s", section, expr, tv, pv, known[i].why);
            return true;
        }
    return false;
}

/* The next commented line of the tour's section `sec` (from *at) whose
 * expression is `want`; NULL at the section's end. */
static const char *next_in_section(const char **at, const char *want, char *val, size_t vn) {
    char line[512], expr[256];
    while (**at && strncmp(*at, "## ", 3) && strncmp(*at, "# membench tour", 15)) {
        size_t len = strcspn(*at, "\n");
        const char *start = *at;
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line - 1 ? len : sizeof line - 1), start);
        *at += len + (start[len] == '\n');
        if (split(line, expr, sizeof expr, val, vn) && !strcmp(expr, want)) return start;
    }
    return NULL;
}

Test(tutorial, tour_matches_cpython, .timeout = 120) {
    if (system("command -v python3 >/dev/null 2>&1") != 0) cr_skip_test("no python3");
    FILE *p = popen("python3 '" SRC "/scripts/calibrate.d/tutorial.py' 2>&1", "r");
    cr_assert_not_null(p);
    size_t n = fread(py, 1, sizeof py - 1, p);
    py[n] = '\0';
    cr_assert_eq(pclose(p), 0, "tutorial.py failed:\n%s", py);
    cr_assert_eq(run_cli("tour -s rc-gen -i both --finalizers modern", tour, sizeof tour), 0, "%s", tour);

    const char *section = NULL, *tat = NULL;
    char sec[512] = "", line[512], expr[256], pv[256], tv[256];
    int compared = 0, differences = 0;
    for (const char *at = py; *at;) {
        size_t len = strcspn(at, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line - 1 ? len : sizeof line - 1), at);
        at += len + (at[len] == '\n');
        if (!strncmp(line, "## ", 3)) {             /* the same section of the tour */
            section = strstr(tour, line);
            cr_assert_not_null(section, "the tour has no section '%s':\n%s", line, tour);
            snprintf(sec, sizeof sec, "%s", line);
            tat = section + strlen(line);
            continue;
        }
        if (!split(line, expr, sizeof expr, pv, sizeof pv)) continue;
        cr_assert_not_null(section, "tutorial.py printed an answer before a section: %s", line);
        const char *tl = next_in_section(&tat, expr, tv, sizeof tv);
        cr_assert_not_null(tl, "%s: CPython answers '%s' but the tour has no such line (left) in:\n%s", sec, line,
                           section);
        if (strcmp(tv, pv)) {
            int tlen = (int)strcspn(tl, "\n");
            cr_assert(is_known(sec, expr, tv, pv), "%s: the tour and CPython differ:\n  tour:    %.*s\n  CPython: %s",
                      sec, tlen, tl, line);
            differences++;
        }
        compared++;
    }
    cr_assert_geq(compared, 20, "only %d answers compared:\n%s", compared, py);
    /* Every known difference is still one (a CPython that agrees drops it from the list). */
    cr_assert_eq(differences, (int)(sizeof known / sizeof known[0]), "known differences seen: %d", differences);
}
