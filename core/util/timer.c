/* timer.c - the monotonic clock in seconds (see timer.h). */
#include <time.h>

#include "timer.h"

static double seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double timer_now(void)
{
    return seconds(CLOCK_MONOTONIC);
}

double timer_now_coarse(void)
{
#ifdef CLOCK_MONOTONIC_COARSE
    return seconds(CLOCK_MONOTONIC_COARSE);
#else
    return seconds(CLOCK_MONOTONIC);
#endif
}
