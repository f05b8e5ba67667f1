/* path.c — node path syntax and prefix-based subtree tests. Pure. */
#include "path.h"

#include <string.h>

static bool
seg_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool
ld_path_valid_n(const char *p, size_t n, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	if (p == NULL || n == 0) {
		*why = "empty path";
		return false;
	}
	int depth = 1;
	size_t seg = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '/') {
			if (seg == 0) {
				*why = "empty path segment";
				return false;
			}
			if (++depth > LD_PATH_MAX_DEPTH) {
				*why = "path deeper than 8 levels";
				return false;
			}
			seg = 0;
			continue;
		}
		if (!seg_char(c)) {
			*why = "path segments may only hold A-Z a-z 0-9 _ -";
			return false;
		}
		if (++seg > LD_PATH_SEG_MAX) {
			*why = "path segment longer than 32 characters";
			return false;
		}
	}
	if (seg == 0) {
		*why = "empty path segment";
		return false;
	}
	return true;
}

bool
ld_path_valid(const char *p, const char **why)
{
	return ld_path_valid_n(p, p == NULL ? 0 : strlen(p), why);
}

int
ld_path_depth(const char *p)
{
	int d = 1;
	for (; *p != '\0'; p++)
		if (*p == '/')
			d++;
	return d;
}

bool
ld_path_in_subtree_n(const char *x, size_t xn, const char *s, size_t sn)
{
	if (xn < sn || memcmp(x, s, sn) != 0)
		return false;
	return xn == sn || x[sn] == '/';
}

bool
ld_path_in_subtree(const char *x, const char *s)
{
	return ld_path_in_subtree_n(x, strlen(x), s, strlen(s));
}

size_t
ld_path_parent_len(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash == NULL ? 0 : (size_t)(slash - p);
}

bool
ld_path_is_child(const char *child, const char *parent)
{
	size_t pl = strlen(parent);
	return ld_path_parent_len(child) == pl && pl > 0 &&
	       memcmp(child, parent, pl) == 0 && child[pl] == '/';
}

const char *
ld_path_last(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash == NULL ? p : slash + 1;
}
