/* assert_double.h - double-precision asserts for the unit tests (cmocka's
 * assert_float_equal compares in float precision). A failure prints the
 * file and line, what was checked, both values and the tolerance.
 * Include after <cmocka.h>. */
#ifndef DEMOB_TEST_ASSERT_DOUBLE_H
#define DEMOB_TEST_ASSERT_DOUBLE_H
#include <math.h>

/* |got - want| <= tol (a NaN always fails), labelled by what. */
static inline void assert_double_at(double got, double want, double tol, const char *what,
                                    const char *file, int line)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s:%d: %s: got %.17g, want %.17g (tolerance %g)\n", file, line, what, got,
                    want, tol);
        _fail(file, line);
    }
}

/* assert_double(got, want, tol), labelled by the expression of got. */
#define assert_double(got, want, tol)                                                              \
    assert_double_at((got), (want), (tol), #got, __FILE__, __LINE__)
/* assert_double_msg(got, want, tol, what), labelled by the string what. */
#define assert_double_msg(got, want, tol, what)                                                    \
    assert_double_at((got), (want), (tol), (what), __FILE__, __LINE__)

#endif
