/* model_same.h - comparing two frozen models declared by two loads of one
 * scenario script. A script can declare a different model on each load
 * (from os.clock(), os.time() or a file that changes); the runner loads
 * one copy per worker thread, but sizes the output labels, value arrays
 * and slots by the main thread's copy, so a worker running another model
 * would write out of bounds (and its runs would not be reproducible). */
#ifndef DEMOB_MODEL_SAME_H
#define DEMOB_MODEL_SAME_H
#include "demob.h"

/* What differs ("an origin name", "the number of declarations", ...), or
 * NULL when a and b have the same settings, declarations, names, value
 * defaults and initial stocks. */
const char *model_mismatch(const demob_model *a, const demob_model *b);

#endif
