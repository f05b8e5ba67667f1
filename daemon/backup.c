/* backup.c — a hot copy of the store for 'liandong backup': LMDB copies
 * it compacted from one read transaction's view while the node runs, into
 * a new file the local client names. The loop waits while it copies (the
 * copy reads at disk speed; writes queue meanwhile and are answered
 * after). The client wraps the copy into the backup file (checksum, key). */
#include "log.h"
#include "node_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

void
ld_backup_copy(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
               const Ld__BackupRequest *q)
{
	char err[600];
	/* A file on this machine: not for remote administrators, who
	 * could otherwise make the node write wherever it may. */
	if (rid->remote) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_REFUSED,
		               "backup writes a file on the node's machine: "
		               "run it there, on the local API socket");
		return;
	}
	if (q->path[0] != '/') {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_BAD_REQUEST,
		               "backup: the path must be absolute");
		return;
	}
	int fd = open(q->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, sizeof(err), "backup: %.400s: %s", q->path,
		         ld_strerror(-errno));
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_REFUSED, err);
		return;
	}
	int rc = mdb_env_copyfd2(ld_store_env(n->st), fd, MDB_CP_COMPACT);
	struct stat sb;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (rc == 0 && fstat(fd, &sb) != 0)
		rc = -errno;
	close(fd);
	if (rc != 0) {
		unlink(q->path);
		snprintf(err, sizeof(err), "backup: copying the store: %s",
		         ld_store_strerror(rc));
		ld_err("%s", err);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL, err);
		return;
	}
	char size[32];
	snprintf(size, sizeof(size), "%" PRIu64, (uint64_t)sb.st_size);
	ld_info("backup: store copied to %s (%s bytes)", q->path, size);
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.result_case = LD__RESPONSE__RESULT_ID;
	r.id = size;
	ld_reply(n, rid, &r);
}
