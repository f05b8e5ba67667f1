/* cmd_backup.c — 'liandong backup' and 'liandong restore': a backup file
 * is the node's store as the daemon copied it hot (compacted, one read
 * transaction's view), optionally the node's key files sealed with a
 * passphrase, and a BLAKE2b checksum over everything before it.
 *
 * The file, all numbers big-endian:
 *
 *   "LDBACKUP"  u32 format (1)  u32 flags (1: key part)  u16 n  path[n]
 *   key part:   salt[16] u64 opslimit u64 memlimit nonce[24] u32 n  box[n]
 *               (crypto_secretbox of the key files, under a key derived
 *               from the passphrase with Argon2id)
 *   u64 n  store[n]  (an LMDB data.mdb)
 *   BLAKE2b-256 of every byte before it
 *
 * The CLI links core/ only: the daemon writes the store copy (a
 * BackupRequest), the CLI wraps it; restore needs no daemon at all. */
#include "cli.h"
#include "config.h"
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define MAGIC "LDBACKUP"
#define FORMAT 1
#define FLAG_KEY 1u
#define HASH_LEN 32
#define PASS_MAX 1024
/* The key files a backup carries, under the data directory. */
static const char *const key_files[] = {LD_KEY_FILE, LD_ENDORSEMENT_FILE};
#define NKEYFILES (sizeof(key_files) / sizeof(key_files[0]))

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Read a passphrase: the first line of `file`, or from the terminal
 * (asked twice when `confirm`). 0, or 1 after saying why. */
static int
get_passphrase(const char *file, bool confirm, char *buf, size_t len)
{
	if (file != NULL) {
		FILE *f = fopen(file, "r");
		if (f == NULL)
			return ld_cli_fail("%s: %s", file, strerror(errno));
		bool ok = fgets(buf, (int)len, f) != NULL;
		fclose(f);
		buf[ok ? strcspn(buf, "\r\n") : 0] = '\0';
		if (buf[0] == '\0')
			return ld_cli_fail("%s: no passphrase on its first line",
			                   file);
		return 0;
	}
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty < 0)
		return ld_cli_fail("a passphrase is needed: give "
		                   "--passphrase-file FILE (no terminal to ask "
		                   "on)");
	char again[PASS_MAX];
	for (int round = 0; round < (confirm ? 2 : 1); round++) {
		char *dst = round == 0 ? buf : again;
		size_t dl = round == 0 ? len : sizeof(again);
		const char *ask = round == 0 ? "passphrase: " : "again: ";
		if (write(tty, ask, strlen(ask)) < 0)
			break;
		struct termios old, quiet;
		bool echo_off = tcgetattr(tty, &old) == 0;
		if (echo_off) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(tty, TCSAFLUSH, &quiet);
		}
		ssize_t r = read(tty, dst, dl - 1);
		if (echo_off)
			tcsetattr(tty, TCSAFLUSH, &old);
		if (write(tty, "\n", 1) < 0)
			r = -1;
		dst[r > 0 ? r : 0] = '\0';
		dst[strcspn(dst, "\r\n")] = '\0';
	}
	close(tty);
	if (buf[0] == '\0')
		return ld_cli_fail("no passphrase given");
	if (confirm && strcmp(buf, again) != 0) {
		sodium_memzero(again, sizeof(again));
		return ld_cli_fail("the two passphrases differ");
	}
	sodium_memzero(again, sizeof(again));
	return 0;
}

/* ---------------------------------------------------------------- backup */

/* The key files, as [u16 name length, name, u32 size, bytes]... in a
 * malloc'd buffer. 0, or 1 after saying why. */
static int
read_keys(const char *dir, uint8_t **out, size_t *outlen)
{
	size_t cap = 0, n = 0;
	uint8_t *buf = NULL;
	for (size_t i = 0; i < NKEYFILES; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, key_files[i]);
		FILE *f = fopen(path, "rb");
		if (f == NULL && errno == ENOENT && i > 0)
			continue; /* no endorsement: fine */
		if (f == NULL) {
			free(buf);
			return ld_cli_fail("%s: %s", path, strerror(errno));
		}
		uint8_t data[8192];
		size_t dn = fread(data, 1, sizeof(data), f);
		bool whole = feof(f) && !ferror(f);
		fclose(f);
		if (!whole) {
			free(buf);
			return ld_cli_fail("%s: cannot read it whole", path);
		}
		size_t nl = strlen(key_files[i]), need = n + 2 + nl + 4 + dn;
		if (need > cap) {
			cap = need * 2;
			uint8_t *b = sodium_malloc(cap);
			if (b == NULL) {
				free(buf);
				return ld_cli_fail("out of memory");
			}
			if (buf != NULL) {
				memcpy(b, buf, n);
				sodium_free(buf);
			}
			buf = b;
		}
		put_be(buf + n, nl, 2);
		memcpy(buf + n + 2, key_files[i], nl);
		put_be(buf + n + 2 + nl, dn, 4);
		memcpy(buf + n + 6 + nl, data, dn);
		n = need;
		sodium_memzero(data, sizeof(data));
	}
	*out = buf;
	*outlen = n;
	return 0;
}

/* Write `n` bytes to `f` and into the checksum. */
static bool
emit(FILE *f, crypto_generichash_state *h, const void *p, size_t n)
{
	crypto_generichash_update(h, p, n);
	return fwrite(p, 1, n, f) == n;
}

/* The key part: salt, limits, nonce, sealed key files. */
static int
emit_key(FILE *f, crypto_generichash_state *h, const char *pass_file)
{
	char pass[PASS_MAX];
	uint8_t *plain = NULL;
	size_t pn = 0;
	int rc = get_passphrase(pass_file, true, pass, sizeof(pass));
	if (rc != 0)
		return rc;
	if ((rc = read_keys(ld_cli_data_dir, &plain, &pn)) != 0)
		goto leave;
	uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
	uint8_t key[crypto_secretbox_KEYBYTES], hdr[16];
	uint64_t ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	uint64_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	if (crypto_pwhash(key, sizeof(key), pass, strlen(pass), salt, ops,
	                  (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = ld_cli_fail("out of memory deriving the key");
		goto leave;
	}
	size_t cn = pn + crypto_secretbox_MACBYTES;
	uint8_t *box = malloc(cn);
	if (box == NULL) {
		rc = ld_cli_fail("out of memory");
		goto leave;
	}
	crypto_secretbox_easy(box, plain, pn, nonce, key);
	sodium_memzero(key, sizeof(key));
	put_be(hdr, ops, 8);
	put_be(hdr + 8, mem, 8);
	uint8_t len4[4];
	put_be(len4, cn, 4);
	if (!emit(f, h, salt, sizeof(salt)) || !emit(f, h, hdr, 16) ||
	    !emit(f, h, nonce, sizeof(nonce)) || !emit(f, h, len4, 4) ||
	    !emit(f, h, box, cn))
		rc = ld_cli_fail("writing the backup: %s", strerror(errno));
	free(box);
leave:
	sodium_memzero(pass, sizeof(pass));
	if (plain != NULL)
		sodium_free(plain);
	return rc;
}

/* Wrap the daemon's copy `copy` into backup file `f`. */
static int
wrap(FILE *f, const char *copy, const char *self, const struct args *a)
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, HASH_LEN);
	uint8_t head[8 + 4 + 4 + 2];
	memcpy(head, MAGIC, 8);
	put_be(head + 8, FORMAT, 4);
	put_be(head + 12, a->with_key ? FLAG_KEY : 0, 4);
	put_be(head + 16, strlen(self), 2);
	if (!emit(f, &h, head, sizeof(head)) ||
	    !emit(f, &h, self, strlen(self)))
		return ld_cli_fail("writing the backup: %s", strerror(errno));
	int rc;
	if (a->with_key && (rc = emit_key(f, &h, a->passphrase_file)) != 0)
		return rc;
	FILE *in = fopen(copy, "rb");
	struct stat sb;
	if (in == NULL || fstat(fileno(in), &sb) != 0) {
		if (in != NULL)
			fclose(in);
		return ld_cli_fail("%s: %s", copy, strerror(errno));
	}
	uint8_t len8[8], buf[65536];
	put_be(len8, (uint64_t)sb.st_size, 8);
	bool ok = emit(f, &h, len8, 8);
	uint64_t left = (uint64_t)sb.st_size;
	while (ok && left > 0) {
		size_t r = fread(buf, 1, sizeof(buf), in);
		if (r == 0)
			break;
		ok = emit(f, &h, buf, r);
		left -= r < left ? r : left;
	}
	fclose(in);
	if (!ok || left != 0)
		return ld_cli_fail("writing the backup: %s",
		                   left ? "the copy shrank" : strerror(errno));
	uint8_t sum[HASH_LEN];
	crypto_generichash_final(&h, sum, sizeof(sum));
	if (fwrite(sum, 1, sizeof(sum), f) != sizeof(sum) || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0)
		return ld_cli_fail("writing the backup: %s", strerror(errno));
	return 0;
}

int
ld_cli_run_backup(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_OUT, O_WITH_KEY, O_PASSPHRASE_FILE, 0};
	struct args a;
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = ld_cli_no_extra(c, &a, 0)) ||
	    (rc = ld_cli_need(c, a.out, "--out")) ||
	    (rc = ld_cli_need(c, ld_cli_data_dir, "--data")))
		return rc;
	if (ld_cli_remote != NULL)
		return ld_cli_usage_error(c, "the daemon writes the copy on its "
		                             "own machine; run it there, not "
		                             "over --remote");
	if (a.passphrase_file != NULL && !a.with_key)
		return ld_cli_usage_error(c, "--passphrase-file is for "
		                             "--with-key");
	if (sodium_init() < 0)
		return ld_cli_fail("libsodium cannot start");
	/* The daemon copies next to the file, under a name of its own. */
	char out[PATH_MAX], copy[PATH_MAX + 64], part[PATH_MAX + 64];
	if (a.out[0] == '/') {
		snprintf(out, sizeof(out), "%s", a.out);
	} else {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    snprintf(out, sizeof(out), "%s/%s", cwd, a.out) >=
		        (int)sizeof(out))
			return ld_cli_fail("--out: path too long");
	}
	if (access(out, F_OK) == 0)
		return ld_cli_fail("%s exists already; not overwritten", out);
	uint32_t tag = randombytes_random();
	snprintf(copy, sizeof(copy), "%s.store-%08" PRIx32, out, tag);
	snprintf(part, sizeof(part), "%s.part-%08" PRIx32, out, tag);

	struct ld_client *cl = NULL;
	if ((rc = ld_cli_connect(c, &cl)) != 0)
		return rc;
	char self[LD_PATH_MAX + 1];
	if ((rc = ld_cli_node_path(cl, self, sizeof(self))) != 0) {
		ld_client_close(&cl);
		return rc;
	}
	Ld__BackupRequest q = LD__BACKUP_REQUEST__INIT;
	q.path = copy;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_BACKUP;
	req.backup = &q;
	Ld__Response *resp = NULL;
	rc = ld_cli_call(cl, &req, &resp);
	ld_client_close(&cl);
	if (rc != 0)
		return rc;
	ld__response__free_unpacked(resp, NULL);
	int fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL) {
		rc = ld_cli_fail("%s: %s", part, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		rc = wrap(f, copy, self, &a);
		fclose(f);
		if (rc == 0 && rename(part, out) != 0)
			rc = ld_cli_fail("%s: %s", out, strerror(errno));
		if (rc != 0)
			unlink(part);
	}
	unlink(copy);
	if (rc == 0) {
		struct stat sb;
		printf("backed up %s to %s (%" PRIu64 " bytes%s)\n", self, out,
		       stat(out, &sb) == 0 ? (uint64_t)sb.st_size : 0,
		       a.with_key ? ", with the node key sealed by the "
		                    "passphrase"
		                  : ", without the node key");
	}
	return rc;
}

/* --------------------------------------------------------------- restore */

/* Check the checksum of the whole file. 0, or 1 after saying why. */
static int
check_sum(FILE *f, const char *name, uint64_t size)
{
	if (size < 8 + 4 + 4 + 2 + 8 + HASH_LEN)
		return ld_cli_fail("%s: not a liandong backup (too short); "
		                   "nothing restored",
		                   name);
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, HASH_LEN);
	uint8_t buf[65536], sum[HASH_LEN], want[HASH_LEN];
	uint64_t left = size - HASH_LEN;
	while (left > 0) {
		size_t r = fread(buf, 1, left < sizeof(buf) ? left : sizeof(buf),
		                 f);
		if (r == 0)
			return ld_cli_fail("%s: %s; nothing restored", name,
			                   strerror(errno ? errno : EIO));
		crypto_generichash_update(&h, buf, r);
		left -= r;
	}
	crypto_generichash_final(&h, sum, sizeof(sum));
	if (fread(want, 1, HASH_LEN, f) != HASH_LEN ||
	    sodium_memcmp(sum, want, HASH_LEN) != 0)
		return ld_cli_fail("%s: damaged (its checksum does not match); "
		                   "nothing restored",
		                   name);
	return 0;
}

static bool
read_exact(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n;
}

/* Write `n` bytes to a new file `path` (mode 0600) atomically. */
static int
write_file(const char *path, const uint8_t *p, size_t n)
{
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	bool ok = write(fd, p, n) == (ssize_t)n && fsync(fd) == 0;
	int e = errno;
	close(fd);
	if (!ok || rename(tmp, path) != 0) {
		e = ok ? errno : e;
		unlink(tmp);
		return -e;
	}
	return 0;
}

/* Open the key part: derive the key, open the box, write the files. */
static int
restore_key(FILE *f, const char *name, const char *dir, const struct args *a)
{
	uint8_t salt[crypto_pwhash_SALTBYTES], hdr[16],
	    nonce[crypto_secretbox_NONCEBYTES], len4[4];
	if (!read_exact(f, salt, sizeof(salt)) || !read_exact(f, hdr, 16) ||
	    !read_exact(f, nonce, sizeof(nonce)) || !read_exact(f, len4, 4))
		return ld_cli_fail("%s: truncated key part", name);
	uint64_t ops = get_be(hdr, 8), mem = get_be(hdr + 8, 8);
	size_t cn = (size_t)get_be(len4, 4);
	if (cn < crypto_secretbox_MACBYTES || cn > 1 << 20 ||
	    ops > crypto_pwhash_OPSLIMIT_MAX ||
	    mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
		return ld_cli_fail("%s: the key part is malformed", name);
	uint8_t *box = malloc(cn);
	uint8_t *plain = sodium_malloc(cn);
	char pass[PASS_MAX];
	uint8_t key[crypto_secretbox_KEYBYTES];
	int rc = 0;
	if (box == NULL || plain == NULL) {
		rc = ld_cli_fail("out of memory");
		goto leave;
	}
	if (!read_exact(f, box, cn)) {
		rc = ld_cli_fail("%s: truncated key part", name);
		goto leave;
	}
	if ((rc = get_passphrase(a->passphrase_file, false, pass,
	                         sizeof(pass))) != 0)
		goto leave;
	if (crypto_pwhash(key, sizeof(key), pass, strlen(pass), salt, ops,
	                  (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = ld_cli_fail("out of memory deriving the key");
		goto leave;
	}
	size_t pn = cn - crypto_secretbox_MACBYTES;
	if (crypto_secretbox_open_easy(plain, box, cn, nonce, key) != 0) {
		rc = ld_cli_fail("%s: wrong passphrase for the node key; "
		                 "nothing restored",
		                 name);
		goto leave;
	}
	char kd[PATH_MAX];
	snprintf(kd, sizeof(kd), "%s/keys", dir);
	if (mkdir(kd, 0700) != 0 && errno != EEXIST) {
		rc = ld_cli_fail("%s: %s", kd, strerror(errno));
		goto leave;
	}
	for (size_t off = 0; off < pn;) {
		size_t nl = off + 2 <= pn ? (size_t)get_be(plain + off, 2) : pn;
		if (off + 2 + nl + 4 > pn) {
			rc = ld_cli_fail("%s: the key part is malformed", name);
			goto leave;
		}
		char fn[256];
		snprintf(fn, sizeof(fn), "%.*s", (int)nl, plain + off + 2);
		size_t dn = (size_t)get_be(plain + off + 2 + nl, 4);
		const uint8_t *data = plain + off + 6 + nl;
		bool known = false;
		for (size_t i = 0; i < NKEYFILES; i++)
			known = known || strcmp(fn, key_files[i]) == 0;
		if (!known || off + 6 + nl + dn > pn) {
			rc = ld_cli_fail("%s: the key part is malformed", name);
			goto leave;
		}
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, fn);
		int wr = write_file(path, data, dn);
		if (wr != 0) {
			rc = ld_cli_fail("%s: %s", path, strerror(-wr));
			goto leave;
		}
		off += 6 + nl + dn;
	}
leave:
	sodium_memzero(pass, sizeof(pass));
	sodium_memzero(key, sizeof(key));
	free(box);
	if (plain != NULL)
		sodium_free(plain);
	return rc;
}

int
ld_cli_run_restore(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_PASSPHRASE_FILE, O_NO_KEY, 0};
	struct args a;
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = ld_cli_no_extra(c, &a, 1)) ||
	    (rc = ld_cli_need(c, ld_cli_data_dir, "--data")))
		return rc;
	if (ld_cli_remote != NULL)
		return ld_cli_usage_error(c, "writes a data directory here; not "
		                             "over --remote");
	if (sodium_init() < 0)
		return ld_cli_fail("libsodium cannot start");
	const char *name = a.rest[0], *dir = ld_cli_data_dir;
	FILE *f = fopen(name, "rb");
	struct stat sb;
	if (f == NULL || fstat(fileno(f), &sb) != 0) {
		if (f != NULL)
			fclose(f);
		return ld_cli_fail("%s: %s", name, strerror(errno));
	}
	int lock = -1;
	uint8_t *store = NULL;
	if ((rc = check_sum(f, name, (uint64_t)sb.st_size)) != 0)
		goto leave;
	rewind(f);
	uint8_t head[18];
	char self[LD_PATH_MAX + 1];
	if (!read_exact(f, head, sizeof(head)) || memcmp(head, MAGIC, 8) != 0) {
		rc = ld_cli_fail("%s: not a liandong backup; nothing restored",
		                 name);
		goto leave;
	}
	uint32_t flags = (uint32_t)get_be(head + 12, 4);
	size_t pl = (size_t)get_be(head + 16, 2);
	if (get_be(head + 8, 4) != FORMAT || pl > LD_PATH_MAX ||
	    !read_exact(f, self, pl)) {
		rc = ld_cli_fail("%s: a backup format this liandong does not "
		                 "read; nothing restored",
		                 name);
		goto leave;
	}
	self[pl] = '\0';
	/* The data directory: an office's (its liandong.conf says which,
	 * and how it links), never under a running node. The backup holds
	 * the store and the key, not the configuration. */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/liandong.conf", dir);
	if (access(path, F_OK) != 0) {
		rc = ld_cli_fail("%s has no liandong.conf: make the office's "
		                 "directory first ('liandong init --data %s "
		                 "--id %s' with its name, parent and keys as "
		                 "before), then restore into it; nothing "
		                 "restored",
		                 dir, dir, self);
		goto leave;
	}
	snprintf(path, sizeof(path), "%s/liandongd.pid", dir);
	lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
		rc = ld_cli_fail("%s: a liandongd is running on it; stop it "
		                 "first (nothing restored)",
		                 dir);
		goto leave;
	}
	struct ld_config cfg;
	char err[600];
	if (ld_config_load(dir, &cfg, err, sizeof(err)) != 0) {
		rc = ld_cli_fail("%s", err);
		goto leave;
	}
	if (strcmp(cfg.id, self) != 0) {
		rc = ld_cli_fail("%s is a backup of %s, but %s is the data "
		                 "directory of %s; nothing restored",
		                 name, self, dir, cfg.id);
		goto leave;
	}
	if ((flags & FLAG_KEY) && !a.no_key &&
	    (rc = restore_key(f, name, dir, &a)) != 0)
		goto leave;
	if ((flags & FLAG_KEY) && a.no_key) {
		/* Skip the key part unread. */
		uint8_t skip[crypto_pwhash_SALTBYTES + 16 +
		             crypto_secretbox_NONCEBYTES + 4];
		if (!read_exact(f, skip, sizeof(skip)) ||
		    fseek(f, (long)get_be(skip + sizeof(skip) - 4, 4),
		          SEEK_CUR) != 0) {
			rc = ld_cli_fail("%s: truncated key part", name);
			goto leave;
		}
	}
	uint8_t len8[8];
	if (!read_exact(f, len8, 8)) {
		rc = ld_cli_fail("%s: truncated", name);
		goto leave;
	}
	uint64_t sn = get_be(len8, 8);
	if (sn > (uint64_t)sb.st_size || (store = malloc(sn ? sn : 1)) == NULL ||
	    !read_exact(f, store, sn)) {
		rc = ld_cli_fail("%s: the store part is truncated or too big "
		                 "to read",
		                 name);
		goto leave;
	}
	snprintf(path, sizeof(path), "%s/store", dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		rc = ld_cli_fail("%s: %s", path, strerror(errno));
		goto leave;
	}
	snprintf(path, sizeof(path), "%s/store/data.mdb", dir);
	int wr = write_file(path, store, sn);
	snprintf(path, sizeof(path), "%s/store/lock.mdb", dir);
	if (wr == 0 && unlink(path) != 0 && errno != ENOENT)
		wr = -errno;
	/* The mark liandongd takes at its next start: a new log epoch, and
	 * (below the root) no writes until the parent sent our records. */
	snprintf(path, sizeof(path), "%s/store/restored", dir);
	if (wr == 0)
		wr = write_file(path, (const uint8_t *)self, strlen(self));
	if (wr != 0) {
		rc = ld_cli_fail("%s: %s", path, strerror(-wr));
		goto leave;
	}
	printf("restored the store of %s into %s/store (%" PRIu64 " bytes%s)\n"
	       "liandongd takes a new log epoch at its next start; below the "
	       "root it writes nothing of its own until its parent has sent "
	       "this office's newer records back\n",
	       self, dir, sn,
	       !(flags & FLAG_KEY) ? ", no node key in the backup"
	       : a.no_key          ? ", node key left out"
	                           : ", and the node key");
leave:
	if (lock >= 0)
		close(lock);
	free(store);
	fclose(f);
	return rc;
}
