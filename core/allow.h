/* allow.h — who a node lets in, by key: its children (<data>/children,
 * "PATH KEY" lines, managed by 'liandong child add/remove') and the
 * administrators of its remote API (<data>/admins, "NAME KEY" lines,
 * managed by 'liandong admin add/remove'). Read by the daemon at start and
 * whenever the CLI asks it to reload. */
#ifndef LD_ALLOW_H
#define LD_ALLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "path.h"

#define LD_ALLOW_FILE "children"
#define LD_ADMINS_FILE "admins"

struct ld_child_key {
	char path[LD_PATH_MAX + 1]; /* a child's path, or an admin's name */
	uint8_t curve[32], sign[32];
};

struct ld_allow {
	struct ld_child_key *v;
	size_t n;
};

/* Read the list (a missing file is an empty list). Every entry must be a
 * child of `self` (one segment below). On failure writes "FILE:LINE:
 * reason" to err and returns -errno (cannot read it) or LD_ESYNTAX (a
 * line that is not an entry, or one given twice). */
int ld_allow_load(const char *dir, const char *self, struct ld_allow *a,
                  char *err, size_t errlen);
/* Write the list atomically (mode 0600). Returns 0, or -errno with a
 * reason in err. */
int ld_allow_save(const char *dir, const struct ld_allow *a, char *err,
                  size_t errlen);

/* The same for the administrators: names of [A-Za-z0-9_.-], 1..64. */
int ld_admins_load(const char *dir, struct ld_allow *a, char *err,
                   size_t errlen);
int ld_admins_save(const char *dir, const struct ld_allow *a, char *err,
                   size_t errlen);
bool ld_admin_name_valid(const char *name);
void ld_allow_free(struct ld_allow *a);

const struct ld_child_key *ld_allow_by_curve(const struct ld_allow *a,
                                             const uint8_t curve[32]);
const struct ld_child_key *ld_allow_by_path(const struct ld_allow *a,
                                            const char *path);

/* Add or replace the entry for `path`. Refuses (false, *why) a key
 * already given to another child. */
bool ld_allow_put(struct ld_allow *a, const char *path, const uint8_t curve[32],
                  const uint8_t sign[32], const char **why);
/* Remove `path`; false if it was not there. */
bool ld_allow_remove(struct ld_allow *a, const char *path);

#endif
