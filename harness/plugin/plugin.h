/* plugin.h: loading plug-in strategies (`-s plugin:PATH.so`, docs/plugins.md). */
#ifndef MB_HARNESS_PLUGIN_H
#define MB_HARNESS_PLUGIN_H

#include "runtime/strategy.h"

/* The strategy of the plug-in spec names (PATH.so, or NAME found as NAME.so on
 * MEMBENCH_PLUGIN_PATH), loaded once (the same file again: the same strategy).
 * A file that cannot be loaded, has no entry symbol, was built for another
 * ABI version or names a built-in strategy (builtin(name) non-NULL): one
 * line "membench: plugin SPEC: problem" on stderr, exit 2. Child processes
 * forked after it inherit the loaded plug-in. */
const mb_strategy_t *mb_plugin_load(const char *spec, const mb_strategy_t *(*builtin)(const char *name));
/* A loaded plug-in's strategy by its name, or NULL. */
const mb_strategy_t *mb_plugin_find(const char *name);
/* The resolved file of a loaded plug-in's strategy, or NULL for a built-in. */
const char *mb_plugin_path(const mb_strategy_t *s);
/* How to name s on a command line: its name, or plugin:PATH for a plug-in. */
const char *mb_strategy_spec(const mb_strategy_t *s, char *buf, size_t n);

#endif
