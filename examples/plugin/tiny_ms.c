/* tiny_ms.c: an example plug-in strategy (docs/plugins.md): a non-moving mark-sweep collector
 * over malloc, in one file, against the installed <membench/mb_plugin.h> only.
 *
 * Every object comes from malloc (no alloc method); on_alloc appends it to a
 * table of all objects (its index in the header's aux word), on_free takes it
 * out (the last entry moves into its place). A collection, at the shared heap
 * policy's trigger or at gc.collect():
 *
 *   mark      from the runtime's roots (mb_plugin_each_root), with an
 *             explicit stack (a long chain needs no deep recursion);
 *   finalize  unmarked objects with a finalizer that has not run are
 *             finalized once (PEP 442) or, under legacy semantics, put in
 *             `garbage`; either way marking resumes from the roots, so what a
 *             finalizer resurrected, or `garbage` reaches, survives;
 *   sweep     unmarked objects are freed through mb_plugin_free_obj.
 *
 * Objects allocated during a collection (by a finalizer) are born marked.
 * Immortal (interned) objects are not the strategy's: never marked or freed.
 *
 * Built with -DTINY_MS_BUGGY (make BUGGY=1) it has one deliberate bug: the
 * mark never follows the last slot of a list with two or more slots, so an
 * object reachable only through such a slot is freed while still reachable.
 * `membench check` finds it.
 */
#include <stdlib.h>

#include <membench/mb_plugin.h>

#ifdef TINY_MS_BUGGY
#define TINY_NAME "tiny-ms-buggy"
#define SKIPPED_SLOTS(o) ((o)->len >= 2 ? 1u : 0u)   /* the bug: the last slot is never marked */
#else
#define TINY_NAME "tiny-ms"
#define SKIPPED_SLOTS(o) 0u
#endif

typedef struct vec {
    mb_obj_t **v;
    size_t n, cap;
} vec_t;

typedef struct tiny {
    vec_t all;                          /* every object of the strategy; o->aux is its index */
    vec_t stack;                        /* the mark stack */
} tiny_t;

static void push(vec_t *s, mb_obj_t *o) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        mb_obj_t **v = realloc(s->v, cap * sizeof *v);
        if (!v) mb_plugin_panic("tiny-ms: out of memory for its tables");
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = o;
}

static void tiny_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    tiny_t *t = mb_plugin_state(rt);
    o->aux = (uint32_t)t->all.n;
    if (mb_plugin_in_collect(rt)) o->flags |= MB_F_MARK;    /* a finalizer's allocation: born marked */
    push(&t->all, o);
}

static void tiny_on_free(mb_rt_t *rt, mb_obj_t *o) {
    tiny_t *t = mb_plugin_state(rt);
    uint32_t i = o->aux;
    if (i >= t->all.n || t->all.v[i] != o) mb_plugin_panic("tiny-ms: freeing an object it does not own");
    mb_obj_t *last = t->all.v[--t->all.n];
    t->all.v[i] = last;
    last->aux = i;
}

static void mark_one(tiny_t *t, mb_obj_t *o) {
    if (!o || mb_obj_immortal(o) || (o->flags & MB_F_MARK)) return;
    o->flags |= MB_F_MARK;
    push(&t->stack, o);
}

static void mark_root(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    (void)rt;
    mark_one(ctx, o);
}

/* After: everything reachable from the roots is marked. */
static void mark(mb_rt_t *rt, tiny_t *t) {
    mb_plugin_each_root(rt, mark_root, t);
    while (t->stack.n) {
        mb_obj_t *o = t->stack.v[--t->stack.n];
        if (o->kind != MB_LIST) continue;
        mb_obj_t **slot = mb_obj_slots(o);
        for (uint32_t i = 0; i < o->len - SKIPPED_SLOTS(o); i++) mark_one(t, slot[i]);
    }
}

static void tiny_collect(mb_rt_t *rt, bool full) {
    (void)full;                         /* every collection is full */
    tiny_t *t = mb_plugin_state(rt);
    mark(rt, t);
    /* Finalizers: gather first (a finalizer may allocate, which grows the table). */
    vec_t todo = {0};
    for (size_t i = 0; i < t->all.n; i++)
        if (!(t->all.v[i]->flags & MB_F_MARK) && mb_plugin_needs_finalize(t->all.v[i])) push(&todo, t->all.v[i]);
    for (size_t i = 0; i < todo.n; i++) {
        if (mb_plugin_finalizer_mode(rt) == MB_PLUGIN_FIN_LEGACY) mb_plugin_make_uncollectable(rt, todo.v[i]);
        else mb_plugin_finalize(rt, todo.v[i]);
    }
    if (todo.n) mark(rt, t);            /* resurrected objects, and `garbage` (a root) */
    free(todo.v);
    /* Sweep: gather the dead, then free them (freeing edits the table). */
    vec_t dead = {0};
    for (size_t i = 0; i < t->all.n; i++) {
        mb_obj_t *o = t->all.v[i];
        if (o->flags & MB_F_MARK) o->flags &= (uint8_t)~MB_F_MARK;
        else push(&dead, o);
    }
    for (size_t i = 0; i < dead.n; i++) mb_plugin_free_obj(rt, dead.v[i]);
    free(dead.v);
}

static void tiny_finish(mb_rt_t *rt) {
    tiny_t *t = mb_plugin_state(rt);
    free(t->all.v);
    free(t->stack.v);
}

/* Debug builds, after every collection: no mark is left, every index is right. */
static void tiny_verify(mb_rt_t *rt) {
    tiny_t *t = mb_plugin_state(rt);
    for (size_t i = 0; i < t->all.n; i++) {
        if (t->all.v[i]->aux != i) mb_plugin_panic("tiny-ms: object %zu has index %u", i, t->all.v[i]->aux);
        if (t->all.v[i]->flags & MB_F_MARK) mb_plugin_panic("tiny-ms: a mark left after a collection");
    }
}

static const mb_plugin_t tiny_ms = {
    .abi_version = MB_PLUGIN_ABI_VERSION,
    .name = TINY_NAME,
    .description = "example plug-in: non-moving mark-sweep over malloc, a table of all objects",
    .attrs = MB_PLUGIN_ATTR_FREES | MB_PLUGIN_ATTR_CYCLES | MB_PLUGIN_ATTR_TRACES | MB_PLUGIN_ATTR_POLICY,
    .state_size = sizeof(tiny_t),
    .on_alloc = tiny_on_alloc,
    .on_free = tiny_on_free,
    .collect = tiny_collect,
    .finish = tiny_finish,
    .verify = tiny_verify,
};

MB_PLUGIN_EXPORT(tiny_ms)
