/* cli_assert.h — running the liandong CLI against a test node and
 * asserting what it printed. The including file defines the buffers
 * `out` and `err` the CLI's stdout and stderr go to. */
#ifndef LD_CLI_ASSERT_H
#define LD_CLI_ASSERT_H

#include "harness.h"
#include "record.h"

#include <check.h>
#include <string.h>

/* Run the CLI against node `n`. */
#define AT(n, ...)                                                             \
	th_cli(out, sizeof(out), err, sizeof(err),                             \
	       (const char *const[]){"--data", (n)->dir, __VA_ARGS__, NULL})

/* Exit code `code` and one line on stderr mentioning each of the words. */
#define REFUSED(code, call, ...)                                               \
	do {                                                                   \
		int rc_ = (call);                                              \
		ck_assert_msg(rc_ == (code), "line %d: exit %d, not %d: %s",   \
		              __LINE__, rc_, (code), err);                     \
		const char *const w_[] = {__VA_ARGS__, NULL};                  \
		for (size_t i_ = 0; w_[i_] != NULL; i_++)                      \
			ck_assert_msg(strstr(err, w_[i_]) != NULL,             \
			              "line %d: stderr lacks '%s': %s",        \
			              __LINE__, w_[i_], err);                  \
		char *nl_ = strchr(err, '\n');                                 \
		ck_assert_msg(nl_ != NULL && nl_[1] == '\0',                   \
		              "line %d: stderr is not one line: %s", __LINE__, \
		              err);                                            \
	} while (0)

#define OK(call)                                                               \
	do {                                                                   \
		int rc_ = (call);                                              \
		ck_assert_msg(rc_ == 0, "line %d: exit %d: %s", __LINE__, rc_, \
		              err);                                            \
	} while (0)

/* The id a command printed (the first line of `out`), copied to `id`. */
#define take_id(id) take_id_from(out, (id))
static inline void
take_id_from(const char *out, char *id)
{
	size_t n = strcspn(out, "\n");
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_le(n, LD_ID_MAX);
	memcpy(id, out, n);
	id[n] = '\0';
}

#endif
