/* contacts.c — DIR/members.private: members' contact details, local to
 * the owning office (contacts.h). */
#include "contacts.h"
#include "buf.h"
#include "csv.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONTACTS_MAX (16u << 20)

static const char *const header[] = {"member", "phone", "address",
                                     "id_number", "email"};
#define NF (sizeof(header) / sizeof(header[0]))

static char **
field(struct ld_contact *c, size_t i)
{
	char **f[NF] = {&c->member, &c->phone, &c->address, &c->id_number,
	                &c->email};
	return f[i];
}

static void
contact_free(struct ld_contact *c)
{
	for (size_t i = 0; i < NF; i++)
		free(*field(c, i));
}

void
ld_contacts_free(struct ld_contacts *c)
{
	for (size_t i = 0; i < c->n; i++)
		contact_free(&c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

const struct ld_contact *
ld_contacts_find(const struct ld_contacts *c, const char *member)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].member, member) == 0)
			return &c->v[i];
	return NULL;
}

static struct ld_contact *
push(struct ld_contacts *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		struct ld_contact *v = realloc(c->v, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	struct ld_contact *one = &c->v[c->n];
	for (size_t i = 0; i < NF; i++)
		if ((*field(one, i) = strdup("")) == NULL) {
			contact_free(one);
			return NULL;
		}
	c->n++;
	return one;
}

static int
set(char **f, const char *v)
{
	char *copy = strdup(v);
	if (copy == NULL)
		return -ENOMEM;
	free(*f);
	*f = copy;
	return 0;
}

int
ld_contacts_load(const char *file, struct ld_contacts *c, char *err,
                 size_t errlen)
{
	memset(c, 0, sizeof(*c));
	FILE *f = fopen(file, "rb");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -errno;
	}
	char *buf = malloc(CONTACTS_MAX + 1);
	size_t len = buf ? fread(buf, 1, CONTACTS_MAX + 1, f) : 0;
	int rc = 0;
	if (buf == NULL)
		rc = -ENOMEM;
	else if (ferror(f))
		rc = -EIO;
	else if (len > CONTACTS_MAX)
		rc = LD_ELIMIT;
	fclose(f);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		free(buf);
		return rc;
	}
	struct ld_csv csv;
	struct ld_csv_error ce;
	rc = ld_csv_parse(buf, len, &csv, &ce);
	free(buf);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%zu: %s", file, ce.line, ce.msg);
		ld_csv_free(&csv);
		return rc;
	}
	/* The first row is the header this module writes. */
	for (size_t r = 1; r < csv.n && rc == 0; r++) {
		const struct ld_csv_row *row = &csv.rows[r];
		struct ld_contact *one = push(c);
		if (one == NULL) {
			rc = -ENOMEM;
			break;
		}
		for (size_t i = 0; i < NF && i < row->n && rc == 0; i++)
			rc = set(field(one, i), row->f[i]);
	}
	ld_csv_free(&csv);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		ld_contacts_free(c);
	}
	return rc;
}

static int
save(const char *file, const struct ld_contacts *c, char *err, size_t errlen)
{
	struct ld_buf b = {0};
	ld_csv_put_row(&b, header, NF);
	for (size_t i = 0; i < c->n; i++) {
		struct ld_contact one = c->v[i];
		const char *row[NF];
		for (size_t k = 0; k < NF; k++)
			row[k] = *field(&one, k);
		ld_csv_put_row(&b, row, NF);
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	int rc = b.oom ? -ENOMEM : 0;
	int fd = rc != 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	              0600);
	if (fd < 0) {
		if (rc == 0)
			rc = -errno;
	} else {
		size_t off = 0;
		while (rc == 0 && off < b.n) {
			ssize_t w = write(fd, b.p + off, b.n - off);
			if (w < 0 && errno != EINTR)
				rc = -errno;
			else if (w > 0)
				off += (size_t)w;
		}
		if (rc == 0 && fsync(fd) != 0)
			rc = -errno;
		if (close(fd) != 0 && rc == 0)
			rc = -errno;
		if (rc == 0 && rename(tmp, file) != 0)
			rc = -errno;
		if (rc != 0)
			unlink(tmp);
	}
	ld_buf_free(&b);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
	return rc;
}

int
ld_contacts_update(const char *file, const struct ld_contact *v, size_t n,
                   char *err, size_t errlen)
{
	char lock[4096];
	snprintf(lock, sizeof(lock), "%s.lock", file);
	int lf = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lf < 0) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		return rc;
	}
	int rc;
	while ((rc = flock(lf, LOCK_EX)) != 0 && errno == EINTR)
		;
	struct ld_contacts c;
	if (rc != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		close(lf);
		return rc;
	}
	if ((rc = ld_contacts_load(file, &c, err, errlen)) != 0) {
		close(lf);
		return rc;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct ld_contact *one =
		    (struct ld_contact *)ld_contacts_find(&c, v[i].member);
		if (one == NULL && (one = push(&c)) != NULL)
			rc = set(&one->member, v[i].member);
		if (one == NULL)
			rc = -ENOMEM;
		struct ld_contact src = v[i];
		for (size_t k = 1; k < NF && rc == 0; k++)
			if (*field(&src, k) != NULL)
				rc = set(field(one, k), *field(&src, k));
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
	else
		rc = save(file, &c, err, errlen);
	ld_contacts_free(&c);
	close(lf);
	return rc;
}
