/* cmd_backup.c — 'liandong backup' and 'liandong restore': a backup file
 * is the node's store as the daemon copied it hot (compacted, one read
 * transaction's view), the office's configuration files, optionally the
 * node's key files sealed with a passphrase, and a BLAKE2b checksum over
 * everything before it.
 *
 * The file, all numbers big-endian:
 *
 *   "LDBACKUP"  u32 format (2)  u32 flags (1: key part)  u16 n  path[n]
 *   config part (format 2 on): u16 count, then per file
 *               u16 n  name[n]  u32 size  bytes[size]
 *               (liandong.conf, children, admins, users, members.private:
 *               whichever the data directory has, as they are on disk;
 *               in the clear, members' phone and ID numbers included)
 *   key part:   salt[16] u64 opslimit u64 memlimit nonce[24] u32 n  box[n]
 *               (crypto_secretbox of the key files, under a key derived
 *               from the passphrase with Argon2id)
 *   u64 n  store[n]  (an LMDB data.mdb)
 *   BLAKE2b-256 of every byte before it
 *
 * Format 1 (before the config part) is read as well.
 *
 * The CLI links core/ only: the daemon writes the store copy (a
 * BackupRequest), the CLI wraps it; restore needs no daemon at all. */
#include "allow.h"
#include "cli.h"
#include "config.h"
#include "contacts.h"
#include "keys.h"
#include "users.h"

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
#define FORMAT 2
#define FORMAT_OLDEST 1
#define FLAG_KEY 1u
#define HASH_LEN 32
#define PASS_MAX 1024
/* The key files a backup carries, under the data directory. */
static const char *const key_files[] = {LD_KEY_FILE, LD_ENDORSEMENT_FILE};
#define NKEYFILES (sizeof(key_files) / sizeof(key_files[0]))
/* The configuration files a backup carries (format 2 on), under the data
 * directory: the first is the office's liandong.conf. Local to the office,
 * never replicated: only a backup keeps them. members.private holds the
 * members' personal details (core/contacts.c), restored mode 0600 as all
 * of them are. */
static const char *const conf_files[] = {LD_CONFIG_FILE, LD_ALLOW_FILE,
                                         LD_ADMINS_FILE, LD_USERS_FILE,
                                         LD_CONTACTS_FILE};
#define NCONFFILES (sizeof(conf_files) / sizeof(conf_files[0]))
/* The most one of them may hold (the users file of 1000 accounts is
 * well under 1 MiB). */
#define CONF_FILE_MAX (4u << 20)

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

/* Read the whole of `path` (at most CONF_FILE_MAX bytes) into a malloc'd
 * buffer. Returns 0, -ENOENT (no such file), -EFBIG or another -errno. */
static int
slurp(const char *path, uint8_t **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > CONF_FILE_MAX) {
		close(fd);
		return S_ISREG(sb.st_mode) ? -EFBIG : -EINVAL;
	}
	size_t n = (size_t)sb.st_size;
	uint8_t *b = malloc(n ? n : 1);
	if (b == NULL) {
		close(fd);
		return -ENOMEM;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int rc = r < 0 ? -errno : -EIO; /* it shrank */
			free(b);
			close(fd);
			return rc;
		}
		got += (size_t)r;
	}
	close(fd);
	*out = b;
	*outlen = n;
	return 0;
}

/* The config part: the configuration files the data directory has. */
static int
emit_conf(FILE *f, crypto_generichash_state *h, const char *dir, char *held,
          size_t heldlen)
{
	uint8_t *data[NCONFFILES] = {0};
	size_t len[NCONFFILES] = {0}, count = 0;
	bool have[NCONFFILES] = {0};
	int rc = 0;
	for (size_t i = 0; i < NCONFFILES && rc == 0; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, conf_files[i]);
		int r = slurp(path, &data[i], &len[i]);
		if (r == -ENOENT)
			continue;
		if (r != 0)
			rc = ld_cli_fail("%s: %s", path, ld_strerror(r));
		else
			have[i] = true, count++;
		if (have[i]) {
			size_t hl = strlen(held);
			snprintf(held + hl, heldlen - hl, "%s%s",
			         hl ? ", " : "", conf_files[i]);
		}
	}
	uint8_t n2[2], n4[4];
	put_be(n2, count, 2);
	if (rc == 0 && !emit(f, h, n2, 2))
		rc = ld_cli_fail("writing the backup: %s", strerror(errno));
	for (size_t i = 0; i < NCONFFILES && rc == 0; i++) {
		if (!have[i])
			continue;
		size_t nl = strlen(conf_files[i]);
		put_be(n2, nl, 2);
		put_be(n4, len[i], 4);
		if (!emit(f, h, n2, 2) || !emit(f, h, conf_files[i], nl) ||
		    !emit(f, h, n4, 4) || !emit(f, h, data[i], len[i]))
			rc = ld_cli_fail("writing the backup: %s",
			                 strerror(errno));
	}
	for (size_t i = 0; i < NCONFFILES; i++) {
		if (data[i] != NULL)
			sodium_memzero(data[i], len[i]);
		free(data[i]);
	}
	return rc;
}

/* Wrap the daemon's copy `copy` into backup file `f`. */
static int
wrap(FILE *f, const char *copy, const char *self, const struct args *a,
     char *held, size_t heldlen)
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
	if ((rc = emit_conf(f, &h, ld_cli_data_dir, held, heldlen)) != 0)
		return rc;
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
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.out, "--out")) ||
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
	char held[200] = "";
	int fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL) {
		rc = ld_cli_fail("%s: %s", part, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		rc = wrap(f, copy, self, &a, held, sizeof(held));
		fclose(f);
		if (rc == 0 && rename(part, out) != 0)
			rc = ld_cli_fail("%s: %s", out, strerror(errno));
		if (rc != 0)
			unlink(part);
	}
	unlink(copy);
	if (rc == 0) {
		struct stat sb;
		printf("backed up %s to %s (%" PRIu64 " bytes: the store, "
		       "%s%s)\n",
		       self, out, stat(out, &sb) == 0 ? (uint64_t)sb.st_size : 0,
		       held[0] ? held : "no configuration files",
		       a.with_key ? ", and the node key sealed by the "
		                    "passphrase"
		                  : "; without the node key");
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

/* The config part of a format-2 backup, read whole. */
struct conf_part {
	uint8_t *data[NCONFFILES];
	size_t len[NCONFFILES];
	bool have[NCONFFILES];
};

static void
conf_part_free(struct conf_part *cp)
{
	for (size_t i = 0; i < NCONFFILES; i++) {
		if (cp->data[i] != NULL)
			sodium_memzero(cp->data[i], cp->len[i]);
		free(cp->data[i]);
		cp->data[i] = NULL;
	}
}

static int
read_conf_part(FILE *f, const char *name, struct conf_part *cp)
{
	uint8_t n2[2], n4[4];
	if (!read_exact(f, n2, 2))
		return ld_cli_fail("%s: truncated config part", name);
	size_t count = (size_t)get_be(n2, 2);
	if (count > NCONFFILES)
		return ld_cli_fail("%s: the config part is malformed", name);
	for (size_t k = 0; k < count; k++) {
		char fn[256];
		if (!read_exact(f, n2, 2))
			return ld_cli_fail("%s: truncated config part", name);
		size_t nl = (size_t)get_be(n2, 2);
		if (nl >= sizeof(fn) || !read_exact(f, fn, nl) ||
		    !read_exact(f, n4, 4))
			return ld_cli_fail("%s: the config part is malformed",
			                   name);
		fn[nl] = '\0';
		size_t i = 0;
		while (i < NCONFFILES && strcmp(fn, conf_files[i]) != 0)
			i++;
		size_t dn = (size_t)get_be(n4, 4);
		if (i == NCONFFILES || cp->have[i] || dn > CONF_FILE_MAX)
			return ld_cli_fail("%s: the config part is malformed",
			                   name);
		if ((cp->data[i] = malloc(dn ? dn : 1)) == NULL)
			return ld_cli_fail("out of memory");
		if (!read_exact(f, cp->data[i], dn))
			return ld_cli_fail("%s: truncated config part", name);
		cp->len[i] = dn;
		cp->have[i] = true;
	}
	return 0;
}

/* Check the backup's liandong.conf (`p`, `n` bytes) as liandongd will
 * read it, in a private directory under `dir`, into `cfg`. 0, or 1 after
 * saying why. */
static int
check_new_conf(const char *name, const char *dir, const uint8_t *p, size_t n,
               struct ld_config *cfg)
{
	char tmp[PATH_MAX], file[PATH_MAX + 32], err[600];
	snprintf(tmp, sizeof(tmp), "%s/.restore-XXXXXX", dir);
	if (mkdtemp(tmp) == NULL)
		return ld_cli_fail("%s: %s", dir, strerror(errno));
	snprintf(file, sizeof(file), "%s/%s", tmp, LD_CONFIG_FILE);
	int rc = write_file(file, p, n);
	if (rc == 0)
		rc = ld_config_load(tmp, cfg, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "%s: %s", file, ld_strerror(rc));
	unlink(file);
	rmdir(tmp);
	if (rc != 0)
		return ld_cli_fail("%s: its liandong.conf does not load (%s); "
		                   "nothing restored",
		                   name, err);
	return 0;
}

/* Is there a file at `dir`/`rel`? */
static bool
exists_in(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return access(path, F_OK) == 0;
}

/* "users (3 accounts)", "children (2 entries)": the file `i` of the config
 * part as restored into `dir`, for the summary. */
static void
describe_conf(const char *dir, const char *self, size_t i, char *out,
              size_t outlen)
{
	const char *f = conf_files[i];
	char err[600];
	long count = -1;
	const char *what = "entries";
	if (strcmp(f, LD_USERS_FILE) == 0) {
		struct ld_user *u = NULL;
		size_t n = 0;
		if (ld_users_load(dir, &u, &n, err, sizeof(err)) == 0)
			count = (long)n;
		if (u != NULL)
			sodium_memzero(u, n * sizeof(*u));
		free(u);
		what = count == 1 ? "account" : "accounts";
	} else if (strcmp(f, LD_ALLOW_FILE) == 0 ||
	           strcmp(f, LD_ADMINS_FILE) == 0) {
		struct ld_allow a = {0};
		int rc = f[0] == 'c' ? ld_allow_load(dir, self, &a, err,
		                                     sizeof(err))
		                     : ld_admins_load(dir, &a, err, sizeof(err));
		if (rc == 0)
			count = (long)a.n;
		ld_allow_free(&a);
		what = f[0] == 'c' ? (count == 1 ? "child" : "children")
		                   : (count == 1 ? "administrator"
		                                 : "administrators");
	}
	if (strcmp(f, LD_CONTACTS_FILE) == 0)
		snprintf(out, outlen, "%s (members' personal details, mode 0600)",
		         f);
	else if (count >= 0)
		snprintf(out, outlen, "%s (%ld %s)", f, count, what);
	else if (strcmp(f, LD_CONFIG_FILE) == 0)
		snprintf(out, outlen, "%s", f);
	else
		snprintf(out, outlen, "%s (it does not load: %s)", f, err);
}

/* A warning for each absolute path in `dir`/liandong.conf (a value that
 * starts with '/', or the directory of an ipc:// endpoint) that does not
 * exist on this machine: plugin_dir and the like, from the old machine. */
static void
warn_missing_paths(const char *dir)
{
	char file[PATH_MAX], line[512], section[64] = "";
	snprintf(file, sizeof(file), "%s/%s", dir, LD_CONFIG_FILE);
	FILE *f = fopen(file, "r");
	if (f == NULL)
		return;
	for (int no = 1; fgets(line, sizeof(line), f) != NULL; no++) {
		char *p = line + strspn(line, " \t");
		p[strcspn(p, "\r\n")] = '\0';
		if (*p == '[') {
			size_t e = strcspn(p + 1, "]");
			snprintf(section, sizeof(section), "%.*s", (int)e, p + 1);
			continue;
		}
		char *eq = strchr(p, '=');
		if (*p == ';' || *p == '#' || eq == NULL)
			continue;
		char *key = p, *v = eq + 1;
		while (eq > key && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		v += strspn(v, " \t");
		char *c = strstr(v, " ;");
		if (c != NULL)
			*c = '\0';
		size_t vl = strlen(v);
		while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			v[--vl] = '\0';
		char path[512];
		if (v[0] == '/') {
			snprintf(path, sizeof(path), "%s", v);
		} else if (strncmp(v, "ipc:///", 7) == 0) {
			snprintf(path, sizeof(path), "%s", v + 6);
			*strrchr(path, '/') = '\0';
			if (path[0] == '\0')
				continue;
		} else {
			continue;
		}
		struct stat sb;
		if (stat(path, &sb) != 0)
			fprintf(stderr,
			        "liandong: warning: %s:%d: [%s] %s = %s: %s%s on "
			        "this machine\n",
			        file, no, section, key, v,
			        v[0] == '/' ? "" : "the socket's directory ",
			        errno == ENOENT ? "does not exist"
			                        : strerror(errno));
	}
	fclose(f);
}

/* A new node key in `dir` for an office below the root restored without
 * its key; its public text into `key` (LD_KEY_TEXT_MAX). 0, or 1. */
static int
new_key(const char *dir, char *key)
{
	struct ld_keys k;
	char err[600];
	if (ld_keys_init() != 0)
		return ld_cli_fail("libsodium cannot start");
	if (ld_keys_create(dir, &k, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	ld_keys_public_text(&k, key);
	sodium_memzero(&k, sizeof(k));
	return 0;
}

int
ld_cli_run_restore(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_PASSPHRASE_FILE, O_NO_KEY, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, ld_cli_data_dir, "--data")) != 0)
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
	bool made_dir = false, wrote = false;
	uint8_t *store = NULL;
	struct conf_part cp = {0};
	char path[PATH_MAX];
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
	uint32_t format = (uint32_t)get_be(head + 8, 4);
	uint32_t flags = (uint32_t)get_be(head + 12, 4);
	size_t pl = (size_t)get_be(head + 16, 2);
	if (format < FORMAT_OLDEST || format > FORMAT || pl > LD_PATH_MAX ||
	    !read_exact(f, self, pl)) {
		rc = ld_cli_fail("%s: a backup format this liandong does not "
		                 "read; nothing restored",
		                 name);
		goto leave;
	}
	self[pl] = '\0';
	if (format >= 2 && (rc = read_conf_part(f, name, &cp)) != 0)
		goto leave;
	/* The data directory: an office's (its liandong.conf says which,
	 * and how it links), never under a running node. Without one, a
	 * backup that holds the office's liandong.conf makes it. */
	bool have_conf = exists_in(dir, LD_CONFIG_FILE);
	if (!have_conf && !cp.have[0]) {
		rc = ld_cli_fail(
		    "%s has no liandong.conf and %s holds none (%s): make the "
		    "office's directory first ('liandong init --data %s --id "
		    "%s' with its name, parent and keys as before), then "
		    "restore into it; nothing restored",
		    dir, name,
		    format < 2 ? "a format-1 backup, from before backups held "
		                 "the configuration"
		               : "it had none when backed up",
		    dir, self);
		goto leave;
	}
	if (!have_conf) {
		struct stat ds;
		made_dir = stat(dir, &ds) != 0;
		int mr = made_dir ? ld_cli_mkdirs(dir) : 0;
		if (mr != 0) {
			rc = ld_cli_fail("%s: %s; nothing restored", dir,
			                 ld_strerror(mr));
			goto leave;
		}
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
	if (have_conf && ld_config_load(dir, &cfg, err, sizeof(err)) != 0) {
		rc = ld_cli_fail("%s", err);
		goto leave;
	}
	if (!have_conf &&
	    (rc = check_new_conf(name, dir, cp.data[0], cp.len[0], &cfg)) != 0)
		goto leave;
	if (strcmp(cfg.id, self) != 0) {
		rc = ld_cli_fail("%s is a backup of %s, but %s is %s %s; "
		                 "nothing restored",
		                 name, self,
		                 have_conf ? dir : "its liandong.conf",
		                 have_conf ? "the data directory of"
		                           : "for",
		                 cfg.id);
		goto leave;
	}
	/* Without its key an office below the root takes a new one (as
	 * 'liandong init' would); the root cannot: every office pinned its
	 * key as root_key. Known before anything is written. */
	bool key_in = (flags & FLAG_KEY) && !a.no_key;
	bool need_key = !cfg.insecure && !key_in &&
	                !exists_in(dir, LD_KEY_FILE);
	if (need_key && ld_path_depth(cfg.id) == 1) {
		rc = ld_cli_fail("%s holds no node key%s and %s has none: the "
		                 "root %s cannot take a new key (every office "
		                 "pinned its key as root_key); restore a backup "
		                 "made with --with-key; nothing restored",
		                 name, (flags & FLAG_KEY) ? " (left out)" : "",
		                 dir, self);
		goto leave;
	}
	if (key_in && (rc = restore_key(f, name, dir, &a)) != 0)
		goto leave;
	wrote = key_in;
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
	/* The configuration files, before the store: those the directory
	 * lacks (all of them in a new one); an office's own are kept. */
	char restored[800] = "", kept[300] = "";
	for (size_t i = 0; i < NCONFFILES; i++) {
		if (!cp.have[i])
			continue;
		if (exists_in(dir, conf_files[i])) {
			size_t kl = strlen(kept);
			snprintf(kept + kl, sizeof(kept) - kl, "%s%s",
			         kl ? ", " : "", conf_files[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, conf_files[i]);
		int wr = write_file(path, cp.data[i], cp.len[i]);
		if (wr != 0) {
			rc = ld_cli_fail("%s: %s", path, strerror(-wr));
			goto leave;
		}
		wrote = true;
		char what[300];
		describe_conf(dir, self, i, what, sizeof(what));
		size_t rl = strlen(restored);
		snprintf(restored + rl, sizeof(restored) - rl, "%s%s",
		         rl ? ", " : "", what);
	}
	char key[LD_KEY_TEXT_MAX] = "";
	if (need_key && (rc = new_key(dir, key)) != 0)
		goto leave;
	wrote = true;
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
	printf("restored the store of %s into %s/store (%" PRIu64 " bytes%s)\n",
	       self, dir, sn,
	       key_in                  ? ", and the node key"
	       : need_key              ? ""
	       : !(flags & FLAG_KEY)   ? "; no node key in the backup: kept "
	                                 "the one the directory has"
	                               : "; node key left out: kept the one "
	                                 "the directory has");
	if (format < 2)
		printf("the backup (format 1) holds no configuration: kept "
		       "%s's\n",
		       dir);
	else if (restored[0] != '\0' || kept[0] != '\0')
		printf("%s%s%s%s%s\n", kept[0] ? "kept the existing " : "", kept,
		       kept[0] && restored[0] ? "; " : "",
		       restored[0] ? "restored " : "", restored);
	if (need_key)
		printf("%s: made a new node key, as 'liandong init' does: "
		       "%s\n"
		       "before this office links again: have the root endorse "
		       "it ('liandong key endorse %s %s' there, then "
		       "'liandong key endorsement ENDORSEMENT' here), enroll "
		       "it at the parent ('liandong child add %s %s' there)"
		       "%s\n",
		       (flags & FLAG_KEY) ? "node key left out, and the "
		                            "directory had none"
		                          : "no node key in the backup, and the "
		                            "directory had none",
		       key, self, key, self, key,
		       exists_in(dir, LD_ALLOW_FILE)
		           ? ", and give its children the new key as their "
		             "parent_key"
		           : "");
	printf("liandongd takes a new log epoch at its next start; below the "
	       "root it writes nothing of its own until its parent has sent "
	       "this office's newer records back\n");
	warn_missing_paths(dir);
leave:
	if (rc != 0 && made_dir && !wrote) {
		/* Nothing restored: leave no directory behind either. */
		snprintf(path, sizeof(path), "%s/liandongd.pid", dir);
		unlink(path);
		rmdir(dir);
	}
	if (lock >= 0)
		close(lock);
	free(store);
	conf_part_free(&cp);
	fclose(f);
	return rc;
}
