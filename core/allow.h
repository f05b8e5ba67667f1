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

/* An entry's public key as its text, "ldk1.<curve>.<sign>" (keys.h,
 * LD_KEY_TEXT_MAX bytes). */
void ld_allow_key_text(const struct ld_child_key *k, char *out);

/* The two lists a node keeps, as 'liandong child ...' and 'liandong admin
 * ...' and the console edit them. */
enum ld_keylist { LD_KEYLIST_CHILDREN, LD_KEYLIST_ADMINS };

/* What was wrong with an edit, so each caller words it in its language
 * and beside the right field; err holds the detail in English. */
enum ld_keylist_err {
	LD_KL_OK = 0,
	LD_KL_BAD_NAME,  /* not a path (children) or an admin name */
	LD_KL_BAD_KEY,   /* not a public key token */
	LD_KL_INSECURE,  /* an insecure node keeps no such list */
	LD_KL_NOT_CHILD, /* not one segment below this node */
	LD_KL_KEY_TAKEN, /* the key is another entry's */
	LD_KL_ABSENT,    /* removing what is not there */
	LD_KL_IO,        /* the list cannot be read or written */
};

/* Load one list of the node at `dir` (its path `self`). */
int ld_keylist_load(enum ld_keylist which, const char *dir, const char *self,
                    struct ld_allow *a, char *err, size_t errlen);

/* Add `name` with `key` to a list (key NULL: remove it) and save it: the
 * one load-check-modify-save of both lists. The caller then asks a
 * running daemon to reload (ReloadRequest). *had says whether `name` was
 * there before. Returns LD_KL_OK, or what was wrong (nothing written). */
enum ld_keylist_err ld_keylist_edit(enum ld_keylist which, const char *dir,
                                    const char *self, bool insecure,
                                    const char *name, const char *key,
                                    bool *had, char *err, size_t errlen);

#endif
