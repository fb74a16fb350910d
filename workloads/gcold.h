/* gcold.h: GCOld's parameters, shared by the workload and its explicit-free twin so the two agree. */
#ifndef MB_WORKLOADS_GCOLD_H
#define MB_WORKLOADS_GCOLD_H

#define GO_HEIGHT 14u
#define GO_NODES_PER_STEP 100u
#define GO_WORK 100u
#define GO_DEAD 100u
#define GO_RATIO 10u
#define GO_MUT 10u
#define GO_MIN_PARTIAL 63u              /* GCOld's INSIGNIFICANT: smaller trees are not made (height 6) */

#endif
