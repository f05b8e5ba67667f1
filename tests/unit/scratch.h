/* scratch.h — scratch directories for unit tests. Each test case gets a
 * root directory, made and removed by the runner process (an unchecked
 * fixture), so that a test that fails in fork mode, exiting before its own
 * teardown, leaves nothing behind; tests make their directories under it. */
#ifndef LD_SCRATCH_H
#define LD_SCRATCH_H

/* The root for this test case: <$TMPDIR or /tmp>/<prefix>-XXXXXX, made
 * absolute. Aborts if it cannot be made. */
void ut_root_setup(const char *prefix);
/* Remove the root and everything under it. */
void ut_root_teardown(void);
/* The current root ("" outside a test case). */
const char *ut_root(void);
/* rm -r, without following symbolic links. */
void ut_rm_rf(const char *path);

#endif
