/* cmd_attach.c — files attached to results: reading, cutting into chunks
 * and uploading them for 'result add --attach', and 'attachment get'. */
#include "attach.h"
#include "attachio.h"
#include "cli.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Read `path` whole (at most 16 MiB). 0, or the exit code (printed). */
static int
read_file(const struct cmd *c, const char *path, uint8_t **buf, size_t *len)
{
	*buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ld_cli_usage_error(c, "--attach %s: %s", path,
		                          strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ld_cli_usage_error(c, "--attach %s: not a regular file",
		                          path);
	}
	if ((uint64_t)st.st_size > LD_ATTACH_MAX) {
		close(fd);
		return ld_cli_usage_error(
		    c,
		    "--attach %s: %.1f MiB, more than the "
		    "16 MiB an attachment may have",
		    path, (double)st.st_size / (1 << 20));
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	size_t got = 0;
	while (*buf != NULL && got < *len) {
		ssize_t r = read(fd, *buf + got, *len - got);
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;
			close(fd);
			free(*buf);
			*buf = NULL;
			return ld_cli_fail("%s: %s", path, strerror(e));
		}
		got += (size_t)r;
	}
	close(fd);
	if (*buf == NULL)
		return ld_cli_fail("out of memory");
	return 0;
}

void
ld_cli_free_attachments(Ld__Attachment **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		ld_attach_free(&v[i]);
	free(v);
}

/* One file: read it, and describe it and store its chunks as the
 * console does (api/attachio.c). */
static int
upload_one(const struct cmd *c, struct ld_client *cl, const char *path,
           Ld__Attachment **a)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = read_file(c, path, &buf, &len);
	if (rc != 0)
		return rc;
	char err[600];
	rc = ld_attachio_put(ld_attachio_client_call, cl, path, buf, len, a,
	                     err, sizeof(err));
	free(buf);
	if (rc == LD_ELIMIT || rc == LD_ESYNTAX)
		return ld_cli_usage_error(c, "--attach %s: %s", path, err);
	if (rc != 0)
		return ld_cli_fail("%s", err);
	return 0;
}

int
ld_cli_upload_attachments(const struct cmd *c, const struct strs *files,
                          Ld__Attachment ***out)
{
	*out = NULL;
	if (files->n == 0)
		return 0;
	if (files->n > LD_ATTACH_PER_RESULT)
		return ld_cli_usage_error(
		    c, "--attach: at most %d files per result",
		    LD_ATTACH_PER_RESULT);
	if (sodium_init() < 0)
		return ld_cli_fail("libsodium cannot start");
	Ld__Attachment **v = calloc(files->n, sizeof(*v));
	if (v == NULL)
		return ld_cli_fail("out of memory");
	struct ld_client *cl = NULL;
	int rc = ld_cli_connect(c, &cl);
	for (size_t i = 0; i < files->n && rc == 0; i++) {
		rc = upload_one(c, cl, files->v[i], &v[i]);
	}
	ld_client_close(&cl);
	if (rc != 0) {
		ld_cli_free_attachments(v, files->n);
		return rc;
	}
	*out = v;
	return 0;
}

/* The download's sink: the .part file. */
static int
write_out(void *ctx, const void *data, size_t n)
{
	return fwrite(data, 1, n, ctx) == n ? 0 : ld_err_errno();
}

/* Which attachment of `r` --name or --index picks (0-based), or the exit
 * code (printed). */
static int
pick(const struct cmd *c, const struct args *a, const Ld__Record *r,
     uint32_t *index)
{
	const char *id = a->rest[0];
	if (r->body_case != LD__RECORD__BODY_RESULT)
		return ld_cli_fail("%s is not a result: only results have "
		                   "attachments",
		                   id);
	size_t n = r->result->n_attachments;
	if (n == 0)
		return ld_cli_fail("%s has no attachments", id);
	if (a->index != NULL) {
		char *end;
		unsigned long v = strtoul(a->index, &end, 10);
		if (a->index[0] < '0' || a->index[0] > '9' || *end != '\0' ||
		    v < 1 || v > n)
			return ld_cli_usage_error(c,
			                          "--index '%s': %s has %zu "
			                          "attachment%s (1 .. %zu)",
			                          a->index, id, n,
			                          n == 1 ? "" : "s", n);
		*index = (uint32_t)(v - 1);
		return 0;
	}
	if (a->name != NULL) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(r->result->attachments[i]->name, a->name) ==
			    0) {
				*index = (uint32_t)i;
				return 0;
			}
		return ld_cli_fail("%s has no attachment named '%s'", id,
		                   a->name);
	}
	if (n > 1)
		return ld_cli_usage_error(
		    c,
		    "%s has %zu attachments: choose one with "
		    "--name or --index",
		    id, n);
	*index = 0;
	return 0;
}

/* Wait up to `secs` for every chunk of attachment `index` of `id` to be
 * at the node. 0 when they are (or secs is 0: the download says what is
 * missing), or the exit code (printed). */
static int
wait_chunks(struct ld_client *cl, const char *id, uint32_t index,
            unsigned long secs)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char err[1024];
	for (;;) {
		Ld__AttachmentGetRequest g = LD__ATTACHMENT_GET_REQUEST__INIT;
		g.id = (char *)id;
		g.index = index;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_ATTACHMENT_GET;
		req.attachment_get = &g;
		Ld__Response *resp = NULL;
		if (ld_client_call(cl, &req, &resp, LD_CLIENT_TIMEOUT_MS, err,
		                   sizeof(err)) != 0)
			return ld_cli_fail("%s", err);
		bool all = resp->code == LD__CODE__CODE_OK &&
		           resp->attachment->have ==
		               resp->attachment->meta->n_chunks;
		bool later = resp->code == LD__CODE__CODE_NOT_FOUND ||
		             resp->code == LD__CODE__CODE_OK;
		ld__response__free_unpacked(resp, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (all || !later ||
		    (unsigned long)(now.tv_sec - t0.tv_sec) >= secs)
			return 0;
		nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
	}
}

int
ld_cli_run_attachment_get(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_OUT, O_NAME, O_INDEX, O_TIMEOUT, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.out, "--out")) != 0)
		return rc;
	unsigned long secs = 0;
	char *end;
	if (a.timeout != NULL &&
	    ((secs = strtoul(a.timeout, &end, 10)) > 3600 || *end != '\0' ||
	     a.timeout[0] < '0' || a.timeout[0] > '9'))
		return ld_cli_usage_error(
		    c, "--timeout '%s': seconds from 0 to 3600", a.timeout);
	if (sodium_init() < 0)
		return ld_cli_fail("libsodium cannot start");
	struct ld_client *cl = NULL;
	if ((rc = ld_cli_connect(c, &cl)) != 0)
		return rc;
	Ld__Record *r = NULL;
	uint32_t index = 0;
	if ((rc = ld_cli_get_record(cl, a.rest[0], &r)) != 0 ||
	    (rc = pick(c, &a, r, &index)) != 0) {
		if (r != NULL)
			ld__record__free_unpacked(r, NULL);
		ld_client_close(&cl);
		return rc;
	}
	if (secs > 0 && (rc = wait_chunks(cl, a.rest[0], index, secs)) != 0) {
		ld__record__free_unpacked(r, NULL);
		ld_client_close(&cl);
		return rc;
	}
	const Ld__Attachment *meta = r->result->attachments[index];
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.part", a.out);
	/* Not through a symlink someone left at FILE.part. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	              0644);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL) {
		if (fd >= 0)
			close(fd);
		rc = ld_cli_fail("%s: %s", tmp, strerror(errno));
		goto out;
	}
	char err[1024];
	rc = ld_attachio_get(ld_attachio_client_call, cl, a.rest[0], index,
	                     meta, write_out, f, err, sizeof(err));
	if (rc != 0)
		rc = ld_cli_fail("%s", err);
	if (fclose(f) != 0 && rc == 0)
		rc = ld_cli_fail("%s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, a.out) != 0)
		rc = ld_cli_fail("%s: %s", a.out, strerror(errno));
	if (rc != 0)
		unlink(tmp);
	else
		fprintf(stderr, "%s: %s, %llu bytes, sha256 verified\n", a.out,
		        meta->name, (unsigned long long)meta->size);
out:
	ld__record__free_unpacked(r, NULL);
	ld_client_close(&cl);
	return rc;
}
