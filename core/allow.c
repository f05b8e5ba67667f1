/* allow.c — read, write and edit the allow-lists of children and
 * administrators (allow.h). */
#include "allow.h"
#include "err.h"
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
ld_allow_free(struct ld_allow *a)
{
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

const struct ld_child_key *
ld_allow_by_curve(const struct ld_allow *a, const uint8_t curve[32])
{
	for (size_t i = 0; i < a->n; i++)
		if (memcmp(a->v[i].curve, curve, 32) == 0)
			return &a->v[i];
	return NULL;
}

const struct ld_child_key *
ld_allow_by_path(const struct ld_allow *a, const char *path)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].path, path) == 0)
			return &a->v[i];
	return NULL;
}

bool
ld_allow_put(struct ld_allow *a, const char *path, const uint8_t curve[32],
             const uint8_t sign[32], const char **why)
{
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].path, path) != 0 &&
		    (memcmp(a->v[i].curve, curve, 32) == 0 ||
		     memcmp(a->v[i].sign, sign, 32) == 0)) {
			*why = "this key is already given to another child";
			return false;
		}
	}
	struct ld_child_key *e = (struct ld_child_key *)ld_allow_by_path(a, path);
	if (e == NULL) {
		struct ld_child_key *v = realloc(a->v, (a->n + 1) * sizeof(*v));
		if (v == NULL) {
			*why = "out of memory";
			return false;
		}
		a->v = v;
		e = &a->v[a->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->path, sizeof(e->path), "%s", path);
	}
	memcpy(e->curve, curve, 32);
	memcpy(e->sign, sign, 32);
	return true;
}

bool
ld_allow_remove(struct ld_allow *a, const char *path)
{
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].path, path) == 0) {
			a->v[i] = a->v[--a->n];
			return true;
		}
	}
	return false;
}

bool
ld_admin_name_valid(const char *name)
{
	size_t n = strlen(name);
	return n >= 1 && n <= 64 &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
	                    "xyz0123456789_.-") == n;
}

/* With `self`, entries are children of self; without, admin names. */
static int
load_file(const char *dir, const char *name, const char *self,
          struct ld_allow *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	char file[4300];
	snprintf(file, sizeof(file), "%s/%s", dir, name);
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		return rc;
	}
	char line[512];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %zu "
			         "bytes", file, lineno, sizeof(line) - 2);
			rc = LD_ESYNTAX;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *sp = strchr(line, ' ');
		const char *why = NULL;
		uint8_t curve[32], sign[32];
		if (sp == NULL) {
			why = "not 'PATH KEY'";
		} else {
			*sp = '\0';
			/* Each check sets `why` when it fails. */
			if (self == NULL) {
				if (!ld_admin_name_valid(line))
					why = "an admin name is 1-64 of "
					      "A-Z a-z 0-9 _ . -";
			} else if (ld_path_valid(line, &why) &&
			           !ld_path_is_child(line, self)) {
				why = "not a child of this node (one segment "
				      "below it)";
			}
			if (why == NULL && ld_allow_by_path(a, line) != NULL)
				why = self != NULL ? "this path is given twice"
				                   : "this name is given twice";
			if (why == NULL && ld_keys_parse_public(sp + 1, curve, sign,
			                                        false, &why))
				ld_allow_put(a, line, curve, sign, &why);
		}
		if (why != NULL) {
			snprintf(err, errlen, "%s:%d: %s", file, lineno, why);
			rc = LD_ESYNTAX;
		}
	}
	fclose(f);
	if (rc != 0)
		ld_allow_free(a);
	return rc;
}

int
ld_allow_load(const char *dir, const char *self, struct ld_allow *a,
              char *err, size_t errlen)
{
	return load_file(dir, LD_ALLOW_FILE, self, a, err, errlen);
}

int
ld_admins_load(const char *dir, struct ld_allow *a, char *err, size_t errlen)
{
	return load_file(dir, LD_ADMINS_FILE, NULL, a, err, errlen);
}

static int
save_file(const char *dir, const char *name, const char *header,
          const struct ld_allow *a, char *err, size_t errlen)
{
	char file[4300], tmp[4400];
	snprintf(file, sizeof(file), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	/* A stale temporary file must not lend the list its mode. */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	              0600);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (f == NULL) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, ld_strerror(rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	fprintf(f, "%s\n", header);
	for (size_t i = 0; i < a->n; i++) {
		struct ld_keys k;
		memcpy(k.curve_pub, a->v[i].curve, 32);
		memcpy(k.sign_pub, a->v[i].sign, 32);
		char text[LD_KEY_TEXT_MAX];
		ld_keys_public_text(&k, text);
		fprintf(f, "%s %s\n", a->v[i].path, text);
	}
	int bad = ferror(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0 || bad || rename(tmp, file) != 0) {
		int rc = errno != 0 ? -errno : -EIO;
		snprintf(err, errlen, "%s: cannot write: %s", file,
		         ld_strerror(rc));
		unlink(tmp);
		return rc;
	}
	return 0;
}

int
ld_allow_save(const char *dir, const struct ld_allow *a, char *err,
              size_t errlen)
{
	return save_file(dir, LD_ALLOW_FILE,
	                 "# Children allowed to connect: PATH KEY. Managed "
	                 "with 'liandong child add/remove'.",
	                 a, err, errlen);
}

int
ld_admins_save(const char *dir, const struct ld_allow *a, char *err,
               size_t errlen)
{
	return save_file(dir, LD_ADMINS_FILE,
	                 "# Administrators of the remote API: NAME KEY. "
	                 "Managed with 'liandong admin add/remove'.",
	                 a, err, errlen);
}

void
ld_allow_key_text(const struct ld_child_key *k, char *out)
{
	struct ld_keys keys;
	memset(&keys, 0, sizeof(keys));
	memcpy(keys.curve_pub, k->curve, 32);
	memcpy(keys.sign_pub, k->sign, 32);
	ld_keys_public_text(&keys, out);
}

int
ld_keylist_load(enum ld_keylist which, const char *dir, const char *self,
                struct ld_allow *a, char *err, size_t errlen)
{
	return which == LD_KEYLIST_CHILDREN
	           ? ld_allow_load(dir, self, a, err, errlen)
	           : ld_admins_load(dir, a, err, errlen);
}

enum ld_keylist_err
ld_keylist_edit(enum ld_keylist which, const char *dir, const char *self,
                bool insecure, const char *name, const char *key, bool *had,
                char *err, size_t errlen)
{
	uint8_t curve[32], sign[32];
	const char *why;
	bool children = which == LD_KEYLIST_CHILDREN;
	*had = false;
	err[0] = '\0';
	if (children && !ld_path_valid(name, &why)) {
		snprintf(err, errlen, "PATH '%s': %s", name, why);
		return LD_KL_BAD_NAME;
	}
	if (!children && !ld_admin_name_valid(name)) {
		snprintf(err, errlen, "NAME is 1-64 of A-Z a-z 0-9 _ . -");
		return LD_KL_BAD_NAME;
	}
	if (key != NULL && !ld_keys_parse_public(key, curve, sign, false, &why)) {
		snprintf(err, errlen, "KEY: %s", why);
		return LD_KL_BAD_KEY;
	}
	if (insecure) {
		snprintf(err, errlen, "%s",
		         children ? "this node is insecure: children are not "
		                    "enrolled (any child with the right path "
		                    "may connect)"
		                  : "this node is insecure: it has no remote "
		                    "API");
		return LD_KL_INSECURE;
	}
	if (children && key != NULL && !ld_path_is_child(name, self)) {
		snprintf(err, errlen, "%s is not one segment below this node (%s)",
		         name, self);
		return LD_KL_NOT_CHILD;
	}
	struct ld_allow al;
	if (ld_keylist_load(which, dir, self, &al, err, errlen) != 0)
		return LD_KL_IO;
	*had = ld_allow_by_path(&al, name) != NULL;
	enum ld_keylist_err res = LD_KL_OK;
	if (key != NULL && !ld_allow_put(&al, name, curve, sign, &why)) {
		snprintf(err, errlen, "%s", why);
		res = LD_KL_KEY_TAKEN;
	} else if (key == NULL && !ld_allow_remove(&al, name)) {
		snprintf(err, errlen, "%s is not %s here", name,
		         children ? "enrolled" : "an administrator");
		res = LD_KL_ABSENT;
	} else if ((children ? ld_allow_save(dir, &al, err, errlen)
	                     : ld_admins_save(dir, &al, err, errlen)) != 0) {
		res = LD_KL_IO;
	}
	ld_allow_free(&al);
	return res;
}
