/* path.h — node paths ("530000/530300/530325") and subtree tests. Pure. */
#ifndef LD_PATH_H
#define LD_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define LD_PATH_MAX_DEPTH 8
#define LD_PATH_SEG_MAX 32
/* 8 segments of 32 bytes and 7 separators. */
#define LD_PATH_MAX (LD_PATH_MAX_DEPTH * (LD_PATH_SEG_MAX + 1))

/* True if `p` is a valid node path: 1..8 segments of [A-Za-z0-9_-]{1,32}
 * joined by '/'. On false, *why (if not NULL) says what is wrong. */
bool ld_path_valid(const char *p, const char **why);

/* Same, for a path given with its length (not NUL-terminated). */
bool ld_path_valid_n(const char *p, size_t n, const char **why);

/* Number of segments of a valid path. */
int ld_path_depth(const char *p);

/* in_subtree(x, s): x == s or x starts with s + "/". */
bool ld_path_in_subtree(const char *x, const char *s);
bool ld_path_in_subtree_n(const char *x, size_t xn, const char *s,
                          size_t sn);

/* True if `child` is exactly one segment below `parent`. */
bool ld_path_is_child(const char *child, const char *parent);

/* Length of the parent's path within `p`, or 0 for a root path. */
size_t ld_path_parent_len(const char *p);

/* The last segment of `p` (points into p). */
const char *ld_path_last(const char *p);

#endif
