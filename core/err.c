/* err.c — words for error codes: -errno, LD_E*, and ranges registered by
 * the modules that own them (store/: LMDB). */
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct range {
	int lo, hi;
	const char *(*name)(int rc);
};

static struct range ranges[8];
static size_t nranges;

int
ld_err_register(int lo, int hi, const char *(*name)(int rc))
{
	if (name == NULL || lo > hi || hi >= 0 || (lo <= -1 && hi >= -4095) ||
	    (lo <= LD_EBASE && hi >= LD_ELAST))
		return -EINVAL;
	for (size_t i = 0; i < nranges; i++)
		if (ranges[i].lo == lo && ranges[i].hi == hi &&
		    ranges[i].name == name)
			return 0;
	if (nranges == sizeof(ranges) / sizeof(ranges[0]))
		return -ENOSPC;
	ranges[nranges++] = (struct range){lo, hi, name};
	return 0;
}

int
ld_err_errno(void)
{
	int e = errno;
	return e > 0 && e < 4096 ? -e : -EIO;
}

static const char *
own(int rc)
{
	switch (rc) {
	case LD_EUTF8:
		return "not valid UTF-8 text";
	case LD_ECONTROL:
		return "contains a control character";
	case LD_EBIDI:
		return "contains a bidi override";
	case LD_ELIMIT:
		return "over a limit";
	case LD_ESYNTAX:
		return "malformed";
	case LD_EREFUSED:
		return "refused";
	case LD_EPLUGIN:
		return "the report plugin failed";
	default:
		return NULL;
	}
}

const char *
ld_strerror(int rc)
{
	static _Thread_local char unknown[32];
	if (rc == 0)
		return "";
	if (rc < 0 && rc > -4096)
		return strerror(-rc);
	const char *s = own(rc);
	if (s != NULL)
		return s;
	for (size_t i = 0; i < nranges; i++)
		if (rc >= ranges[i].lo && rc <= ranges[i].hi)
			return ranges[i].name(rc);
	snprintf(unknown, sizeof(unknown), "error %d", rc);
	return unknown;
}
