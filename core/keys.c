/* keys.c — create, store and read a node's CURVE and Ed25519 keys. */
#include "keys.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
ld_keys_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

void
ld_b64_32(const uint8_t in[32], char *out)
{
	sodium_bin2base64(out, LD_B64_32, in, 32,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
ld_unb64_32(const char *in, size_t len, uint8_t out[32])
{
	size_t got = 0;
	const char *end = NULL;
	if (len != 43)
		return false;
	if (sodium_base642bin(out, 32, in, len, NULL, &got, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return false;
	return got == 32 && end == in + len;
}

void
ld_b64_64(const uint8_t in[64], char *out)
{
	sodium_bin2base64(out, LD_B64_64, in, 64,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
ld_unb64_64(const char *in, size_t len, uint8_t out[64])
{
	size_t got = 0;
	const char *end = NULL;
	if (len != 86)
		return false;
	if (sodium_base642bin(out, 64, in, len, NULL, &got, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return false;
	return got == 64 && end == in + len;
}

void
ld_keys_public_text(const struct ld_keys *k, char *out)
{
	char c[LD_B64_32], s[LD_B64_32];
	ld_b64_32(k->curve_pub, c);
	ld_b64_32(k->sign_pub, s);
	snprintf(out, LD_KEY_TEXT_MAX, "ldk1.%s.%s", c, s);
}

bool
ld_keys_parse_public(const char *text, uint8_t curve[32], uint8_t sign[32],
                     bool sign_only_ok, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	static const char bad[] = "not a liandong key (expected "
	                          "ldk1.CURVE.SIGN as printed by 'liandong "
	                          "key show')";
	if (strncmp(text, "ldk1.", 5) != 0) {
		memset(curve, 0, 32);
		if (sign_only_ok && ld_unb64_32(text, strlen(text), sign))
			return true;
		*why = bad;
		return false;
	}
	text += 5;
	const char *dot = strchr(text, '.');
	if (dot == NULL || !ld_unb64_32(text, (size_t)(dot - text), curve) ||
	    !ld_unb64_32(dot + 1, strlen(dot + 1), sign)) {
		*why = bad;
		return false;
	}
	return true;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
ld_keys_create(const char *dir, struct ld_keys *k, char *err, size_t errlen)
{
	char kdir[4200], file[4300];
	snprintf(kdir, sizeof(kdir), "%s/keys", dir);
	snprintf(file, sizeof(file), "%s/%s", dir, LD_KEY_FILE);
	if (mkdir(kdir, 0700) != 0 && errno != EEXIST) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", kdir, ld_strerror(rc));
		return rc;
	}
	return ld_keys_create_file(file, k, err, errlen);
}

int
ld_keys_create_file(const char *file, struct ld_keys *k, char *err,
                    size_t errlen)
{
	crypto_box_keypair(k->curve_pub, k->curve_sec);
	crypto_sign_keypair(k->sign_pub, k->sign_sec);
	char cp[LD_B64_32], cs[LD_B64_32], sp[LD_B64_32];
	char ss[LD_B64_32 * 2 + 1];
	ld_b64_32(k->curve_pub, cp);
	ld_b64_32(k->curve_sec, cs);
	ld_b64_32(k->sign_pub, sp);
	/* The Ed25519 secret key is its 32-byte seed and the public key. */
	ld_b64_32(k->sign_sec, ss);
	char text[1024];
	int n = snprintf(text, sizeof(text),
	                 "# liandong keys. SECRET: anyone holding this file "
	                 "can act as its owner.\n"
	                 "curve_public = %s\ncurve_secret = %s\n"
	                 "sign_public = %s\nsign_seed = %s\n",
	                 cp, cs, sp, ss);
	sodium_memzero(cs, sizeof(cs));
	sodium_memzero(ss, sizeof(ss));
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		sodium_memzero(text, sizeof(text));
		return rc;
	}
	int rc = write_all(fd, text, (size_t)n);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	close(fd);
	sodium_memzero(text, sizeof(text));
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		unlink(file);
		return rc;
	}
	return 0;
}

int
ld_keys_load(const char *dir, struct ld_keys *k, char *err, size_t errlen)
{
	char file[4300];
	snprintf(file, sizeof(file), "%s/%s", dir, LD_KEY_FILE);
	return ld_keys_load_file(file, k, err, errlen);
}

int
ld_keys_load_file(const char *file, struct ld_keys *k, char *err,
                  size_t errlen)
{
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		return rc;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: readable by others (mode %o); make "
		         "it 0600", file, (unsigned)(sb.st_mode & 0777));
		fclose(f);
		return LD_EREFUSED;
	}
	char line[256];
	int lineno = 0, have = 0, rc = 0;
	uint8_t seed[32];
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
		char *eq = strstr(line, " = ");
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: not 'name = value'", file,
			         lineno);
			rc = LD_ESYNTAX;
			break;
		}
		*eq = '\0';
		const char *v = eq + 3;
		uint8_t *dst = NULL;
		int bit = 0;
		if (strcmp(line, "curve_public") == 0)
			dst = k->curve_pub, bit = 1;
		else if (strcmp(line, "curve_secret") == 0)
			dst = k->curve_sec, bit = 2;
		else if (strcmp(line, "sign_public") == 0)
			dst = k->sign_pub, bit = 4;
		else if (strcmp(line, "sign_seed") == 0)
			dst = seed, bit = 8;
		if (dst == NULL) {
			snprintf(err, errlen, "%s:%d: unknown key '%s'", file,
			         lineno, line);
			rc = LD_ESYNTAX;
		} else if (!ld_unb64_32(v, strlen(v), dst)) {
			snprintf(err, errlen, "%s:%d: %s is not a 32-byte "
			         "base64url value", file, lineno, line);
			rc = LD_ESYNTAX;
		} else {
			have |= bit;
		}
	}
	fclose(f);
	sodium_memzero(line, sizeof(line));
	if (rc == 0 && have != 15) {
		snprintf(err, errlen, "%s: incomplete (needs curve_public, "
		         "curve_secret, sign_public and sign_seed)", file);
		rc = LD_ESYNTAX;
	}
	if (rc == 0) {
		uint8_t pk[32], chk[32];
		crypto_sign_seed_keypair(pk, k->sign_sec, seed);
		crypto_scalarmult_base(chk, k->curve_sec);
		if (memcmp(pk, k->sign_pub, 32) != 0 ||
		    memcmp(chk, k->curve_pub, 32) != 0) {
			snprintf(err, errlen, "%s: the public keys do not match "
			         "the secret ones", file);
			rc = LD_EREFUSED;
		}
	}
	sodium_memzero(seed, sizeof(seed));
	return rc;
}
