/* cmd_sweep.c - `demob sweep`: runs every (point, replicate) of a parameter
 * design. First version: a placeholder so the binary links. */
#include <stdio.h>

#include "commands.h"

int cmd_sweep(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "demob sweep: not implemented yet\n");
    return 2;
}

int cmd_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "demob merge: not implemented yet\n");
    return 2;
}
