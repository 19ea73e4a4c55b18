/* timer.h - the monotonic clock, in seconds, for progress lines, time
 * limits and sync intervals (never for anything written to a file). */
#ifndef DEMOB_TIMER_H
#define DEMOB_TIMER_H

/* Seconds on the monotonic clock (an arbitrary origin): differences only. */
double timer_now(void);

/* The same clock read coarsely (a few ms resolution, about a fifth of the
 * cost of timer_now on Linux); timer_now where no coarse clock exists. For
 * limits of a tenth of a second or more that are checked very often. */
double timer_now_coarse(void);

#endif
