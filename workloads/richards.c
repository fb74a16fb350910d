/* richards.c: Martin Richards' OS-scheduler simulation: six tasks passing packets through work queues. */
#include "workloads/workload.h"

/*
 * The Richards benchmark (as in Richards' bench.c and pyperformance's
 * bm_richards), with n the idle task's count (bench.c's Count): the run
 * schedules until the idle task has counted n down. At n = 10,000 (bench.c)
 * it queues 23,246 packets and holds 9,297 times, at n = 1,000,000
 * (bench100) 2,326,410 and 930,563: both counts are the checksum, and
 * tests/test_programs.c checks them at those sizes.
 * Objects: a task is a list [link, work queue, v1, v2, id]; a packet a list
 * [link, number, destination id, a1]. The pointer traffic is the benchmark's
 * own: packets move between the tasks' queues all the time (link and queue
 * slots rewritten), the handlers keep packet queues in v1 and v2. A packet's
 * destination and a1 are int objects, replaced on every change (small: with
 * interning they are immortal and nothing is allocated after set-up). The
 * scalars of tasks (priority, state, the idle and worker tasks' v1, v2) and
 * of packets (kind, data buffer) are in C tables indexed by the id and the
 * packet number. The 6 tasks and 10 packets are dropped at the end.
 * Acyclic: every strategy that frees leaks 0.
 */
#define BUFSIZE 3                       /* bench.c: a2 holds BUFSIZE + 1 = 4 values */
#define NPKT 10
enum { I_IDLE = 1, I_WORK, I_HANDLERA, I_HANDLERB, I_DEVA, I_DEVB, NTASK };
enum { K_DEV = 1000, K_WORK = 1001 };
enum { PKTBIT = 1, WAITBIT = 2, HOLDBIT = 4 };
enum { S_RUN = 0, S_RUNPKT = 1, S_WAIT = 2, S_WAITPKT = 3, S_HOLD = 4, S_HOLDWAITPKT = 7 };
enum { F_IDLE, F_WORK, F_HANDLER, F_DEV };
enum { T_LINK, T_WKQ, T_V1, T_V2, T_ID, T_SLOTS };      /* a task's slots */
enum { P_LINK, P_NUM, P_ID, P_A1, P_SLOTS };            /* a packet's slots */
enum { TASKTAB, TCB, NEWT, PKT, V1, V2, T1, T2, W, D, DT, TLIST, WKQ, NVARS };

typedef struct rich {
    mb_rt_t *rt;                        /* the runtime */
    int64_t pri[NTASK];                 /* task priority by id */
    int64_t state[NTASK];               /* task state bits by id */
    int64_t v1[NTASK], v2[NTASK];       /* the idle and worker tasks' integer v1, v2 */
    int fn[NTASK];                      /* which function each task runs */
    int kind[NPKT];                     /* packet kind by packet number */
    int64_t a2[NPKT][BUFSIZE + 1];      /* packet data by packet number */
    int npkt;                           /* packets made this run */
    int64_t cur;                        /* the running task's id */
    uint64_t qpkt, hold;                /* packets queued, holds: the benchmark's check */
} rich_t;

static int64_t ival(rich_t *r, mb_var_t obj, uint32_t slot) {
    mb_load(r->rt, T2, obj, slot);
    int64_t v = mb_int_value(r->rt, T2);
    mb_none(r->rt, T2);
    return v;
}
static void iset(rich_t *r, mb_var_t obj, uint32_t slot, int64_t v) {
    mb_new_int(r->rt, T2, v);
    mb_store(r->rt, obj, slot, T2);
    mb_none(r->rt, T2);
}

/* *var = the queue in var with packet p appended (p's link cleared). */
static void append(rich_t *r, mb_var_t p, mb_var_t var) {
    mb_store_none(r->rt, p, P_LINK);
    if (mb_is_none(r->rt, var)) {
        mb_assign(r->rt, var, p);
        return;
    }
    mb_assign(r->rt, T1, var);
    for (mb_load(r->rt, T2, T1, P_LINK); !mb_is_none(r->rt, T2); mb_load(r->rt, T2, T1, P_LINK))
        mb_assign(r->rt, T1, T2);
    mb_store(r->rt, T1, P_LINK, p);
    mb_none(r->rt, T1);
}

static void wait_(rich_t *r) {
    r->state[r->cur] |= WAITBIT;
    mb_assign(r->rt, NEWT, TCB);
}
static void holdself(rich_t *r) {
    r->hold++;
    r->state[r->cur] |= HOLDBIT;
    mb_load(r->rt, NEWT, TCB, T_LINK);
}
static void release(rich_t *r, int64_t id) {
    r->state[id] &= ~(int64_t)HOLDBIT;
    if (r->pri[id] > r->pri[r->cur]) mb_load(r->rt, NEWT, TASKTAB, (uint32_t)id);
    else mb_assign(r->rt, NEWT, TCB);
}

/* Send packet p to the task its id names; p's id becomes the sender's. */
static void qpkt(rich_t *r, mb_var_t p) {
    int64_t id = ival(r, p, P_ID);
    r->qpkt++;
    mb_store_none(r->rt, p, P_LINK);
    iset(r, p, P_ID, r->cur);
    mb_load(r->rt, DT, TASKTAB, (uint32_t)id);
    mb_load(r->rt, T1, DT, T_WKQ);
    bool empty = mb_is_none(r->rt, T1);
    mb_none(r->rt, T1);
    if (empty) {
        mb_store(r->rt, DT, T_WKQ, p);
        r->state[id] |= PKTBIT;
        if (r->pri[id] > r->pri[r->cur]) {
            mb_assign(r->rt, NEWT, DT);
            return;
        }
    } else {
        mb_load(r->rt, T1, DT, T_WKQ);
        append(r, p, T1);
        mb_none(r->rt, T1);
    }
    mb_assign(r->rt, NEWT, TCB);
}

static void idlefn(rich_t *r) {
    int64_t *v1 = &r->v1[r->cur], *v2 = &r->v2[r->cur];
    if (--*v2 == 0) {
        holdself(r);
    } else if ((*v1 & 1) == 0) {
        *v1 = (*v1 >> 1) & 0x7fffffff;
        release(r, I_DEVA);
    } else {
        *v1 = ((*v1 >> 1) & 0x7fffffff) ^ 0xD008;
        release(r, I_DEVB);
    }
}

static void workfn(rich_t *r) {
    int64_t *v1 = &r->v1[r->cur], *v2 = &r->v2[r->cur];
    if (mb_is_none(r->rt, PKT)) {
        wait_(r);
        return;
    }
    *v1 = I_HANDLERA + I_HANDLERB - *v1;
    iset(r, PKT, P_ID, *v1);
    iset(r, PKT, P_A1, 0);
    int64_t num = ival(r, PKT, P_NUM);
    for (int i = 0; i <= BUFSIZE; i++) {
        if (++*v2 > 26) *v2 = 1;
        r->a2[num][i] = 'A' + *v2 - 1;
    }
    qpkt(r, PKT);
}

/* A handler keeps work packets in V1 and device packets in V2. */
static void handlerfn(rich_t *r) {
    if (!mb_is_none(r->rt, PKT)) append(r, PKT, r->kind[ival(r, PKT, P_NUM)] == K_WORK ? V1 : V2);
    if (!mb_is_none(r->rt, V1)) {
        mb_assign(r->rt, W, V1);
        int64_t count = ival(r, W, P_A1);
        if (count > BUFSIZE) {
            mb_load(r->rt, V1, V1, P_LINK);
            qpkt(r, W);
            return;
        }
        if (!mb_is_none(r->rt, V2)) {
            mb_assign(r->rt, D, V2);
            mb_load(r->rt, V2, V2, P_LINK);
            iset(r, D, P_A1, r->a2[ival(r, W, P_NUM)][count]);
            iset(r, W, P_A1, count + 1);
            qpkt(r, D);
            return;
        }
    }
    wait_(r);
}

/* A device keeps its one packet in V1. */
static void devfn(rich_t *r) {
    if (mb_is_none(r->rt, PKT)) {
        if (mb_is_none(r->rt, V1)) {
            wait_(r);
            return;
        }
        mb_assign(r->rt, PKT, V1);
        mb_none(r->rt, V1);
        qpkt(r, PKT);
    } else {
        mb_assign(r->rt, V1, PKT);
        holdself(r);
    }
}

/* Run the task in TCB with the packet in PKT (or None); NEWT = the next task. */
static void run_task(rich_t *r) {
    mb_load(r->rt, V1, TCB, T_V1);
    mb_load(r->rt, V2, TCB, T_V2);
    switch (r->fn[r->cur]) {
    case F_IDLE: idlefn(r); break;
    case F_WORK: workfn(r); break;
    case F_HANDLER: handlerfn(r); break;
    default: devfn(r); break;
    }
    mb_store(r->rt, TCB, T_V1, V1);
    mb_store(r->rt, TCB, T_V2, V2);
}

static void schedule(rich_t *r) {
    while (!mb_is_none(r->rt, TCB)) {
        int64_t id = ival(r, TCB, T_ID);
        mb_none(r->rt, PKT);
        if (r->state[id] == S_WAITPKT) {
            mb_load(r->rt, PKT, TCB, T_WKQ);
            mb_load(r->rt, T1, PKT, P_LINK);
            mb_store(r->rt, TCB, T_WKQ, T1);
            r->state[id] = mb_is_none(r->rt, T1) ? S_RUN : S_RUNPKT;
            mb_none(r->rt, T1);
        }
        if (r->state[id] == S_RUN || r->state[id] == S_RUNPKT) {
            r->cur = id;
            run_task(r);
            mb_assign(r->rt, TCB, NEWT);
        } else if (r->state[id] >= S_WAIT && r->state[id] <= S_HOLDWAITPKT) {
            mb_load(r->rt, TCB, TCB, T_LINK);
        } else {
            return;
        }
    }
}

/* WKQ = a new packet (link WKQ, destination id, kind). */
static void make_pkt(rich_t *r, int64_t id, int kind) {
    int num = r->npkt++;
    r->kind[num] = kind;
    for (int i = 0; i <= BUFSIZE; i++) r->a2[num][i] = 0;
    mb_new_list(r->rt, T1, P_SLOTS);
    mb_store(r->rt, T1, P_LINK, WKQ);
    iset(r, T1, P_NUM, num);
    iset(r, T1, P_ID, id);
    iset(r, T1, P_A1, 0);
    mb_assign(r->rt, WKQ, T1);
    mb_none(r->rt, T1);
}

/* A new task at the head of TLIST, its work queue WKQ (then cleared). */
static void make_task(rich_t *r, int64_t id, int64_t pri, int64_t state, int fn, int64_t v1, int64_t v2) {
    r->pri[id] = pri;
    r->state[id] = state;
    r->fn[id] = fn;
    r->v1[id] = v1;
    r->v2[id] = v2;
    mb_new_list(r->rt, T1, T_SLOTS);
    mb_store(r->rt, T1, T_LINK, TLIST);
    mb_store(r->rt, T1, T_WKQ, WKQ);
    iset(r, T1, T_ID, id);
    mb_store(r->rt, TASKTAB, (uint32_t)id, T1);
    mb_assign(r->rt, TLIST, T1);
    mb_none(r->rt, T1);
    mb_none(r->rt, WKQ);
}

/* The benchmark with the idle task counting `count` down; returns qpkt and hold mixed. */
static uint64_t richards_once(rich_t *r, int64_t count) {
    r->npkt = 0;
    r->qpkt = r->hold = 0;
    mb_new_list(r->rt, TASKTAB, NTASK);
    make_task(r, I_IDLE, 0, S_RUN, F_IDLE, 1, count);
    make_pkt(r, 0, K_WORK);
    make_pkt(r, 0, K_WORK);
    make_task(r, I_WORK, 1000, S_WAITPKT, F_WORK, I_HANDLERA, 0);
    for (int h = 0; h < 2; h++) {
        for (int k = 0; k < 3; k++) make_pkt(r, h ? I_DEVB : I_DEVA, K_DEV);
        make_task(r, h ? I_HANDLERB : I_HANDLERA, h ? 3000 : 2000, S_WAITPKT, F_HANDLER, 0, 0);
    }
    make_task(r, I_DEVA, 4000, S_WAIT, F_DEV, 0, 0);
    make_task(r, I_DEVB, 5000, S_WAIT, F_DEV, 0, 0);
    mb_assign(r->rt, TCB, TLIST);
    mb_none(r->rt, TLIST);
    schedule(r);
    for (mb_var_t v = 0; v < NVARS; v++) mb_none(r->rt, v);
    return mb_wl_mix(r->qpkt, r->hold);
}

static uint64_t rich_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    rich_t r = {.rt = rt};
    mb_push(rt, NVARS);
    uint64_t sum = richards_once(&r, (int64_t)a->n);
    mb_pop(rt);
    return sum;
}

/* Idle-task steps: about 2.3 packets are queued per step. */
static uint64_t rich_ops(const mb_wl_args_t *a) { return a->n; }

static uint64_t rich_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_richards = {
    .name = "richards",
    .description = "Richards' OS scheduler simulation: 6 tasks, 10 packets moving between work queues (n = idle count; 10,000 is bench.c)",
    .unit = "idle steps",
    .size_quick = 10000,
    .size_default = 1500000,
    .size_large = 15000000,
    .size_max = 2000000000,
    .ops = rich_ops,
    .leaks_acyclic = rich_leaks,
    .run = rich_run,
    .shard_seconds = 0.3419,
};
