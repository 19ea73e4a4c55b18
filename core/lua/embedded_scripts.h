/* embedded_scripts.h - the Lua modules of scripts/, compiled into the
 * binary by tools/embed-lua (build/embedded_scripts.c). */
#ifndef DEMOB_EMBEDDED_SCRIPTS_H
#define DEMOB_EMBEDDED_SCRIPTS_H
#include <stddef.h>

struct embedded_script {
    const char *name;   /* module name for require, e.g. "ddr" */
    const char *source;
    size_t size;
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_script lua_embedded_scripts[];

#endif
