/* deltablue.c: the DeltaBlue incremental constraint solver (chain and projection tests): a cyclic graph of variables and constraints. */
#include <stdlib.h>

#include "workloads/workload.h"

/*
 * DeltaBlue (Freeman-Benson and Maloney, CACM 1990) as the V8 and
 * pyperformance benchmarks run it: n variables in all, in rounds of
 * DB_ROUND (the benchmark's n = 100; the last round may be smaller); a
 * round of size m runs chain_test(m) and projection_test(m), each with a
 * new planner, and drops everything. Objects:
 *   variable    [serial, constraints (a queue), determined_by]
 *   constraint  [serial, a (v1, or the output of a unary), b (v2), scale, offset]
 *   queue       [head, tail] of cells [item, next] (the OrderedCollection)
 * A serial is an int >= 1000 (never interned) indexing the C tables that
 * hold the scalars (value, mark, walk strength, stay; kind, strength,
 * satisfied, direction). Variables and constraints point at each other, so
 * after each round the whole graph is cyclic garbage. A counting strategy
 * without cycle collection leaks, per round of m: the m + 1 chain and 2m + 2
 * projection variables with their serials and queues, the m + 2 and 2m
 * constraints with their serials, and the 2m + 2 and 5m queue cells linking
 * them: 22m + 15 objects. Edit constraints of projection's change() are
 * destroyed (unlinked) and freed, as are plans and work queues.
 * The checksum mixes the values the benchmark checks (chain: the last
 * variable follows 0..99; projection: 1170, 5, then 1000 + 5i and 2000 + 5i)
 * and the count of unsatisfiable required constraints and cycles (0).
 * BinaryConstraint.chooseMethod is its effective part (the published code's
 * first two tests are always overwritten); incrementalRemove re-adds the
 * unsatisfied constraints strongest first through every strength.
 */
#define DB_ROUND 100u
#define DB_SERIAL 1000
enum { G0, G1, GR };                    /* globals passing objects into and out of calls */
enum { NIL, TMP, TMP2, L0, L1, L2, L3, L4, L5, L6, L7, NL }; /* every call's frame; NIL stays None */
enum { REQUIRED, STRONG_PREFERRED, PREFERRED, STRONG_DEFAULT, NORMAL, WEAK_DEFAULT, WEAKEST };
enum { K_EDIT, K_STAY, K_EQUAL, K_SCALE };
enum { DIR_NONE, DIR_FORWARD, DIR_BACKWARD };
enum { V_SERIAL, V_CONS, V_DET, V_SLOTS };
enum { C_SERIAL, C_A, C_B, C_SCALE, C_OFFSET, C_SLOTS };
enum { CELL_ITEM, CELL_NEXT, CELL_SLOTS };
enum { Q_HEAD, Q_TAIL, Q_SLOTS };

typedef struct db {
    mb_rt_t *rt;                        /* the runtime */
    int64_t *value, *mark, *ws;         /* by variable: value, mark, walk strength */
    bool *stay;                         /* by variable: stay */
    size_t nvars, capv;                 /* variables this round, table capacity */
    int *kind, *strength, *dir;         /* by constraint: kind, strength, direction (binary) */
    bool *sat;                          /* by constraint: satisfied (unary) */
    size_t ncons, capc;                 /* constraints this round, table capacity */
    int64_t current_mark;               /* the planner's */
    uint64_t errors;                    /* unsatisfiable required constraints and cycles met */
} db_t;

static void enter(db_t *d) { mb_push(d->rt, NL); }
static void leave(db_t *d) { mb_pop(d->rt); }
static void arg(db_t *d, uint32_t g, mb_var_t v) { mb_gset(d->rt, g, v); }
static void take(db_t *d, mb_var_t dst, uint32_t g) {
    mb_gget(d->rt, dst, g);
    mb_gset(d->rt, g, NIL);
}
static void *resize(void *p, size_t n, size_t size) {
    void *q = realloc(p, n * size);
    if (!q) abort();
    return q;
}
/* The table index of variable or constraint v (its serial). */
static size_t idx(db_t *d, mb_var_t v) {
    mb_load(d->rt, TMP, v, 0);
    int64_t s = mb_int_value(d->rt, TMP);
    mb_none(d->rt, TMP);
    return (size_t)(s - DB_SERIAL) / 2;
}
/* The index of the variable in slot `slot` of constraint c. */
static size_t slot_idx(db_t *d, mb_var_t c, uint32_t slot) {
    mb_load(d->rt, TMP2, c, slot);
    size_t i = idx(d, TMP2);
    mb_none(d->rt, TMP2);
    return i;
}

/* --- queues -------------------------------------------------------------- */
static void q_new(db_t *d, mb_var_t q) { mb_new_list(d->rt, q, Q_SLOTS); }
static void q_append(db_t *d, mb_var_t q, mb_var_t item) {
    mb_new_list(d->rt, TMP, CELL_SLOTS);
    mb_store(d->rt, TMP, CELL_ITEM, item);
    mb_load(d->rt, TMP2, q, Q_TAIL);
    if (mb_is_none(d->rt, TMP2)) mb_store(d->rt, q, Q_HEAD, TMP);
    else mb_store(d->rt, TMP2, CELL_NEXT, TMP);
    mb_store(d->rt, q, Q_TAIL, TMP);
    mb_none(d->rt, TMP);
    mb_none(d->rt, TMP2);
}
static bool q_empty(db_t *d, mb_var_t q) {
    mb_load(d->rt, TMP, q, Q_HEAD);
    bool e = mb_is_none(d->rt, TMP);
    mb_none(d->rt, TMP);
    return e;
}
static void q_pop(db_t *d, mb_var_t q, mb_var_t dst) {
    mb_load(d->rt, TMP, q, Q_HEAD);
    mb_load(d->rt, dst, TMP, CELL_ITEM);
    mb_load(d->rt, TMP, TMP, CELL_NEXT);
    mb_store(d->rt, q, Q_HEAD, TMP);
    if (mb_is_none(d->rt, TMP)) mb_store_none(d->rt, q, Q_TAIL);
    mb_none(d->rt, TMP);
}
/* Cursor loop over queue q: cur walks the cells, item gets each item. */
#define Q_EACH(d, q, cur, item) \
    for (mb_load((d)->rt, cur, q, Q_HEAD); !mb_is_none((d)->rt, cur) && (mb_load((d)->rt, item, cur, CELL_ITEM), 1); \
         mb_load((d)->rt, cur, cur, CELL_NEXT))

/* --- objects ------------------------------------------------------------- */
static void new_var(db_t *d, mb_var_t dst, int64_t value) {
    if (d->nvars == d->capv) {
        d->capv = d->capv ? 2 * d->capv : 256;
        d->value = resize(d->value, d->capv, sizeof *d->value);
        d->mark = resize(d->mark, d->capv, sizeof *d->mark);
        d->ws = resize(d->ws, d->capv, sizeof *d->ws);
        d->stay = resize(d->stay, d->capv, sizeof *d->stay);
    }
    size_t i = d->nvars++;
    d->value[i] = value, d->mark[i] = 0, d->ws[i] = WEAKEST, d->stay[i] = true;
    mb_new_list(d->rt, dst, V_SLOTS);
    mb_new_int(d->rt, TMP, DB_SERIAL + 2 * (int64_t)i);
    mb_store(d->rt, dst, V_SERIAL, TMP);
    q_new(d, TMP);
    mb_store(d->rt, dst, V_CONS, TMP);
    mb_none(d->rt, TMP);
}

/* dst = a new constraint of this kind and strength on variables a, b (b may be NIL). */
static void new_con(db_t *d, mb_var_t dst, int kind, int strength, mb_var_t a, mb_var_t b) {
    if (d->ncons == d->capc) {
        d->capc = d->capc ? 2 * d->capc : 256;
        d->kind = resize(d->kind, d->capc, sizeof *d->kind);
        d->strength = resize(d->strength, d->capc, sizeof *d->strength);
        d->dir = resize(d->dir, d->capc, sizeof *d->dir);
        d->sat = resize(d->sat, d->capc, sizeof *d->sat);
    }
    size_t i = d->ncons++;
    d->kind[i] = kind, d->strength[i] = strength, d->dir[i] = DIR_NONE, d->sat[i] = false;
    mb_new_list(d->rt, dst, C_SLOTS);
    mb_new_int(d->rt, TMP, DB_SERIAL + 1 + 2 * (int64_t)i);
    mb_store(d->rt, dst, C_SERIAL, TMP);
    mb_none(d->rt, TMP);
    mb_store(d->rt, dst, C_A, a);
    mb_store(d->rt, dst, C_B, b);
}

/* --- constraints: the methods that need no frame of their own ------------ */
static bool unary(db_t *d, size_t c) { return d->kind[c] == K_EDIT || d->kind[c] == K_STAY; }
static bool stronger(int a, int b) { return a < b; }

static bool is_satisfied(db_t *d, mb_var_t c) {
    size_t i = idx(d, c);
    return unary(d, i) ? d->sat[i] : d->dir[i] != DIR_NONE;
}
static uint32_t out_slot(db_t *d, size_t c) { return unary(d, c) || d->dir[c] != DIR_FORWARD ? C_A : C_B; }
static uint32_t in_slot(db_t *d, size_t c) { return d->dir[c] == DIR_FORWARD ? C_A : C_B; }
static void output(db_t *d, mb_var_t c, mb_var_t dst) { mb_load(d->rt, dst, c, out_slot(d, idx(d, c))); }
static void mark_unsatisfied(db_t *d, mb_var_t c) {
    size_t i = idx(d, c);
    d->sat[i] = false, d->dir[i] = DIR_NONE;
}

static void choose_method(db_t *d, mb_var_t c, int64_t mark) {
    size_t i = idx(d, c);
    if (unary(d, i)) {
        size_t o = slot_idx(d, c, C_A);
        d->sat[i] = d->mark[o] != mark && stronger(d->strength[i], (int)d->ws[o]);
        return;
    }
    int64_t w1 = d->ws[slot_idx(d, c, C_A)], w2 = d->ws[slot_idx(d, c, C_B)];
    if (w1 > w2) d->dir[i] = stronger(d->strength[i], (int)w1) ? DIR_BACKWARD : DIR_NONE;
    else d->dir[i] = stronger(d->strength[i], (int)w2) ? DIR_FORWARD : DIR_BACKWARD;
}

static void mark_inputs(db_t *d, mb_var_t c, int64_t mark) {
    size_t i = idx(d, c);
    if (!unary(d, i)) d->mark[slot_idx(d, c, in_slot(d, i))] = mark;
}

static bool inputs_known(db_t *d, mb_var_t c, int64_t mark) {
    size_t i = idx(d, c);
    if (unary(d, i)) return true;
    mb_load(d->rt, TMP2, c, in_slot(d, i));
    size_t v = idx(d, TMP2);
    mb_load(d->rt, TMP2, TMP2, V_DET);
    bool known = d->mark[v] == mark || d->stay[v] || mb_is_none(d->rt, TMP2);
    mb_none(d->rt, TMP2);
    return known;
}

static void execute(db_t *d, mb_var_t c) {
    size_t i = idx(d, c);
    if (unary(d, i)) return;
    size_t v1 = slot_idx(d, c, C_A), v2 = slot_idx(d, c, C_B);
    if (d->kind[i] == K_EQUAL) {
        if (d->dir[i] == DIR_FORWARD) d->value[v2] = d->value[v1];
        else d->value[v1] = d->value[v2];
        return;
    }
    int64_t scale = d->value[slot_idx(d, c, C_SCALE)], offset = d->value[slot_idx(d, c, C_OFFSET)];
    if (d->dir[i] == DIR_FORWARD) d->value[v2] = d->value[v1] * scale + offset;
    else d->value[v1] = (d->value[v2] - offset) / scale;
}

static void recalculate(db_t *d, mb_var_t c) {
    size_t i = idx(d, c), out = slot_idx(d, c, out_slot(d, i));
    if (unary(d, i)) {
        d->ws[out] = d->strength[i];
        d->stay[out] = d->kind[i] != K_EDIT;
    } else {
        size_t in = slot_idx(d, c, in_slot(d, i));
        d->ws[out] = d->strength[i] > d->ws[in] ? d->strength[i] : d->ws[in];
        d->stay[out] = d->stay[in];
    }
    if (d->stay[out]) execute(d, c);
}

/* --- graph and planner: each call has its own frame (arguments in G0, G1) - */
static void incremental_add(db_t *d);
static void incremental_remove(db_t *d);

/* G0: a constraint. Add it to (remove it from) the constraint queues of its variables. */
static void link_constraint(db_t *d, bool add) {
    enter(d);
    take(d, L0, G0);
    size_t i = idx(d, L0);
    uint32_t last = d->kind[i] == K_SCALE ? C_OFFSET : unary(d, i) ? C_A : C_B;
    for (uint32_t slot = C_A; slot <= last; slot++) {
        mb_load(d->rt, L1, L0, slot);
        mb_load(d->rt, L2, L1, V_CONS);
        if (add) {
            q_append(d, L2, L0);
            continue;
        }
        mb_none(d->rt, L3);                 /* the cell before, None at the head */
        Q_EACH(d, L2, L4, L5) {
            if (!mb_is(d->rt, L5, L0)) {
                mb_assign(d->rt, L3, L4);
                continue;
            }
            mb_load(d->rt, L6, L4, CELL_NEXT);
            if (mb_is_none(d->rt, L3)) mb_store(d->rt, L2, Q_HEAD, L6);
            else mb_store(d->rt, L3, CELL_NEXT, L6);
            mb_load(d->rt, L7, L2, Q_TAIL);
            if (mb_is(d->rt, L7, L4)) mb_store(d->rt, L2, Q_TAIL, L3);
            break;
        }
        mb_load(d->rt, L3, L1, V_DET);
        if (mb_is(d->rt, L3, L0)) mb_store_none(d->rt, L1, V_DET);
    }
    mark_unsatisfied(d, L0);
    leave(d);
}

/* G0: a variable, G1: a queue. Append the satisfied constraints that use
 * the variable, except the one that determines it. */
static void add_consuming_to(db_t *d) {
    enter(d);
    take(d, L0, G0);
    take(d, L1, G1);
    mb_load(d->rt, L2, L0, V_DET);
    mb_load(d->rt, L3, L0, V_CONS);
    Q_EACH(d, L3, L4, L5) if (!mb_is(d->rt, L5, L2) && is_satisfied(d, L5)) q_append(d, L1, L5);
    leave(d);
}

/* G0: a constraint just satisfied. Recalculate downstream; false on a cycle. */
static bool add_propagate(db_t *d, int64_t mark) {
    bool ok = true;
    enter(d);
    take(d, L0, G0);
    q_new(d, L1);
    q_append(d, L1, L0);
    while (ok && !q_empty(d, L1)) {
        q_pop(d, L1, L2);
        output(d, L2, L3);
        if (d->mark[idx(d, L3)] == mark) {
            arg(d, G0, L0);
            incremental_remove(d);
            ok = false;
            break;
        }
        recalculate(d, L2);
        arg(d, G0, L3);
        arg(d, G1, L1);
        add_consuming_to(d);
    }
    leave(d);
    return ok;
}

/* G0: a constraint. GR: the constraint it overrides, or None. */
static void satisfy(db_t *d, int64_t mark) {
    enter(d);
    take(d, L0, G0);
    choose_method(d, L0, mark);
    if (is_satisfied(d, L0)) {
        mark_inputs(d, L0, mark);
        output(d, L0, L1);
        mb_load(d->rt, L2, L1, V_DET);
        if (!mb_is_none(d->rt, L2)) mark_unsatisfied(d, L2);
        mb_store(d->rt, L1, V_DET, L0);
        arg(d, G0, L0);
        if (!add_propagate(d, mark)) d->errors++;
        d->mark[idx(d, L1)] = mark;
        arg(d, GR, L2);
    } else if (d->strength[idx(d, L0)] == REQUIRED) {
        d->errors++;
    }
    leave(d);
}

/* G0: a constraint. */
static void incremental_add(db_t *d) {
    enter(d);
    take(d, L0, G0);
    int64_t mark = ++d->current_mark;
    for (arg(d, G0, L0), satisfy(d, mark), take(d, L1, GR); !mb_is_none(d->rt, L1); take(d, L1, GR)) {
        arg(d, G0, L1);
        satisfy(d, mark);
    }
    leave(d);
}

/* G0: a variable whose determining constraint went. GR: the unsatisfied
 * constraints met while recalculating what it determined. */
static void remove_propagate_from(db_t *d) {
    enter(d);
    take(d, L0, G0);
    mb_store_none(d->rt, L0, V_DET);
    size_t v = idx(d, L0);
    d->ws[v] = WEAKEST, d->stay[v] = true;
    q_new(d, L1);
    q_new(d, L2);
    q_append(d, L2, L0);
    while (!q_empty(d, L2)) {
        q_pop(d, L2, L3);
        mb_load(d->rt, L4, L3, V_CONS);
        Q_EACH(d, L4, L5, L6) if (!is_satisfied(d, L6)) q_append(d, L1, L6);
        mb_load(d->rt, L7, L3, V_DET);
        Q_EACH(d, L4, L5, L6) {
            if (mb_is(d->rt, L6, L7) || !is_satisfied(d, L6)) continue;
            recalculate(d, L6);
            output(d, L6, L0);
            q_append(d, L2, L0);
        }
    }
    arg(d, GR, L1);
    leave(d);
}

/* G0: a satisfied constraint to take out of the graph. */
static void incremental_remove(db_t *d) {
    enter(d);
    take(d, L0, G0);
    output(d, L0, L1);
    mark_unsatisfied(d, L0);
    arg(d, G0, L0);
    link_constraint(d, false);
    arg(d, G0, L1);
    remove_propagate_from(d);
    take(d, L2, GR);
    for (int s = REQUIRED; s <= WEAKEST; s++) {
        Q_EACH(d, L2, L3, L4) {
            if (d->strength[idx(d, L4)] != s) continue;
            arg(d, G0, L4);
            incremental_add(d);
        }
    }
    leave(d);
}

/* The constraint in variable c joins the graph and is satisfied if it can be. */
static void add_constraint(db_t *d, mb_var_t c) {
    arg(d, G0, c);
    link_constraint(d, true);
    arg(d, G0, c);
    incremental_add(d);
}

static void destroy_constraint(db_t *d, mb_var_t c) {
    arg(d, G0, c);
    if (is_satisfied(d, c)) incremental_remove(d);
    else link_constraint(d, false);
}

/* G0: a queue of constraints. GR: the plan (a queue) from its satisfied inputs. */
static void extract_plan(db_t *d) {
    enter(d);
    take(d, L0, G0);
    q_new(d, L1);                           /* sources, then make_plan's todo */
    Q_EACH(d, L0, L2, L3) if (d->kind[idx(d, L3)] == K_EDIT && is_satisfied(d, L3)) q_append(d, L1, L3);
    int64_t mark = ++d->current_mark;
    q_new(d, L4);
    while (!q_empty(d, L1)) {
        q_pop(d, L1, L2);
        output(d, L2, L3);
        size_t out = idx(d, L3);
        if (d->mark[out] == mark || !inputs_known(d, L2, mark)) continue;
        q_append(d, L4, L2);
        d->mark[out] = mark;
        arg(d, G0, L3);
        arg(d, G1, L1);
        add_consuming_to(d);
    }
    arg(d, GR, L4);
    leave(d);
}

/* Uses L6 and L7 of the caller's frame. */
static void execute_plan(db_t *d, mb_var_t plan) { Q_EACH(d, plan, L6, L7) execute(d, L7); }

/* A plan for an edit constraint on variable v, run `times` times with v = value; then destroyed. */
static void change(db_t *d, mb_var_t v, int64_t value, int times) {
    enter(d);
    take(d, L0, G0);
    new_con(d, L1, K_EDIT, PREFERRED, L0, NIL);
    add_constraint(d, L1);
    q_new(d, L2);
    q_append(d, L2, L1);
    arg(d, G0, L2);
    extract_plan(d);
    take(d, L3, GR);
    for (int i = 0; i < times; i++) {
        d->value[idx(d, L0)] = value;
        execute_plan(d, L3);
    }
    destroy_constraint(d, L1);
    leave(d);
    (void)v;
}

/* chain_test(m): m + 1 variables joined by required equalities; edits at the first. */
static uint64_t chain_test(db_t *d, uint64_t m, uint64_t sum) {
    enter(d);
    for (uint64_t i = 0; i <= m; i++) {
        new_var(d, L3, 0);
        if (i > 0) {
            new_con(d, L4, K_EQUAL, REQUIRED, L0, L3);
            add_constraint(d, L4);
        }
        if (i == 0) mb_assign(d->rt, L1, L3);
        if (i == m) mb_assign(d->rt, L2, L3);
        mb_assign(d->rt, L0, L3);
    }
    new_con(d, L4, K_STAY, STRONG_DEFAULT, L2, NIL);
    add_constraint(d, L4);
    new_con(d, L4, K_EDIT, PREFERRED, L1, NIL);
    add_constraint(d, L4);
    q_new(d, L5);
    q_append(d, L5, L4);
    arg(d, G0, L5);
    extract_plan(d);
    take(d, L5, GR);
    for (int64_t i = 0; i < 100; i++) {
        d->value[idx(d, L1)] = i;
        execute_plan(d, L5);
        sum = mb_wl_mix(sum, (uint64_t)d->value[idx(d, L2)]);
    }
    leave(d);
    return sum;
}

/* Mix the values of the first m - 1 variables in queue q (uses L6, L7). */
static uint64_t mix_values(db_t *d, mb_var_t q, uint64_t m, uint64_t sum) {
    uint64_t k = 0;
    Q_EACH(d, q, L6, L7) if (k++ + 1 < m) sum = mb_wl_mix(sum, (uint64_t)d->value[idx(d, L7)]);
    return sum;
}

/* projection_test(m): m pairs dst = src * scale + offset; four changes. */
static uint64_t projection_test(db_t *d, uint64_t m, uint64_t sum) {
    enter(d);
    new_var(d, L0, 10);                     /* scale */
    new_var(d, L1, 1000);                   /* offset */
    q_new(d, L4);                           /* dests */
    for (uint64_t i = 0; i < m; i++) {
        new_var(d, L2, (int64_t)i);
        new_var(d, L3, (int64_t)i);
        q_append(d, L4, L3);
        new_con(d, L5, K_STAY, NORMAL, L2, NIL);
        add_constraint(d, L5);
        new_con(d, L5, K_SCALE, REQUIRED, L2, L3);
        mb_store(d->rt, L5, C_SCALE, L0);
        mb_store(d->rt, L5, C_OFFSET, L1);
        add_constraint(d, L5);
    }
    arg(d, G0, L2);
    change(d, L2, 17, 10);
    sum = mb_wl_mix(sum, (uint64_t)d->value[idx(d, L3)]);
    arg(d, G0, L3);
    change(d, L3, 1050, 10);
    sum = mb_wl_mix(sum, (uint64_t)d->value[idx(d, L2)]);
    arg(d, G0, L0);
    change(d, L0, 5, 10);
    sum = mix_values(d, L4, m, sum);
    arg(d, G0, L1);
    change(d, L1, 2000, 10);
    sum = mix_values(d, L4, m, sum);
    leave(d);
    return sum;
}

static uint64_t db_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    db_t d = {.rt = rt};
    uint64_t sum = 0;
    for (uint64_t done = 0; done < a->n; done += DB_ROUND) {
        uint64_t m = a->n - done < DB_ROUND ? a->n - done : DB_ROUND;
        d.nvars = d.ncons = 0;
        d.current_mark = 0;
        sum = chain_test(&d, m, sum);
        d.nvars = d.ncons = 0;
        d.current_mark = 0;
        sum = projection_test(&d, m, sum);
    }
    free(d.value), free(d.mark), free(d.ws), free(d.stay);
    free(d.kind), free(d.strength), free(d.dir), free(d.sat);
    return mb_wl_mix(sum, d.errors);
}

static uint64_t db_ops(const mb_wl_args_t *a) { return a->n; }

/* Per round of m: 22m + 15 objects in the cyclic graph (see above). */
static uint64_t db_leaks(const mb_wl_args_t *a) {
    uint64_t full = a->n / DB_ROUND, rest = a->n % DB_ROUND;
    return full * (22 * DB_ROUND + 15) + (rest ? 22 * rest + 15 : 0);
}

const mb_workload_t mb_workload_deltablue = {
    .name = "deltablue",
    .description = "DeltaBlue constraint solver: chain and projection tests in rounds of 100 variables, each round's graph cyclic garbage",
    .unit = "variables",
    .size_quick = 1000,
    .size_default = 100000,
    .size_large = 1000000,
    .ops = db_ops,
    .leaks_acyclic = db_leaks,
    .run = db_run,
    .shard_seconds = 0.5871,
};
