/* sign.c — record signatures and key certificates (Ed25519). */
#include "sign.h"
#include "path.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SIG_PREFIX "ldsig1"
#define CERT_PREFIX "ldcert1"

/* "ldsig1\0" + the record encoded without its signature. */
static uint8_t *
signed_bytes(const Ld__Record *r, size_t *len)
{
	Ld__Record copy = *r;
	copy.sig.data = NULL;
	copy.sig.len = 0;
	size_t n = ld__record__get_packed_size(&copy);
	size_t pl = sizeof(SIG_PREFIX);
	uint8_t *buf = malloc(pl + n);
	if (buf == NULL)
		return NULL;
	memcpy(buf, SIG_PREFIX, pl);
	ld__record__pack(&copy, buf + pl);
	*len = pl + n;
	return buf;
}

int
ld_sign_record(Ld__Record *r, const uint8_t sk[64], bool own, uint8_t *buf)
{
	size_t len;
	uint8_t *m = signed_bytes(r, &len);
	if (m == NULL)
		return -ENOMEM;
	uint8_t *sig = own ? malloc(crypto_sign_BYTES) : buf;
	if (sig == NULL) {
		free(m);
		return -ENOMEM;
	}
	crypto_sign_detached(sig, NULL, m, len, sk);
	free(m);
	if (own && r->sig.data != NULL)
		free(r->sig.data);
	r->sig.data = sig;
	r->sig.len = crypto_sign_BYTES;
	return 0;
}

bool
ld_sign_verify(const Ld__Record *r, const uint8_t pk[32])
{
	if (r->sig.len != crypto_sign_BYTES)
		return false;
	size_t len;
	uint8_t *m = signed_bytes(r, &len);
	if (m == NULL)
		return false;
	bool ok = crypto_sign_verify_detached(r->sig.data, m, len, pk) == 0;
	free(m);
	return ok;
}

/* Room for the prefix, a path, its NUL and two keys. */
#define CERT_BUF (sizeof(CERT_PREFIX) + LD_PATH_MAX + 1 + 64)

static size_t
cert_bytes(uint8_t *buf, const char *path, const uint8_t sign_pub[32],
           const uint8_t curve_pub[32])
{
	size_t pl = sizeof(CERT_PREFIX), n = strlen(path) + 1;
	memcpy(buf, CERT_PREFIX, pl);
	memcpy(buf + pl, path, n);
	memcpy(buf + pl + n, sign_pub, 32);
	memcpy(buf + pl + n + 32, curve_pub, 32);
	return pl + n + 64;
}

void
ld_cert_make(const uint8_t parent_sk[64], const char *path,
             const uint8_t sign_pub[32], const uint8_t curve_pub[32],
             uint8_t cert[64])
{
	uint8_t buf[CERT_BUF];
	if (strlen(path) > LD_PATH_MAX) { /* never a valid path */
		memset(cert, 0, 64);
		return;
	}
	size_t n = cert_bytes(buf, path, sign_pub, curve_pub);
	crypto_sign_detached(cert, NULL, buf, n, parent_sk);
}

bool
ld_cert_verify(const uint8_t parent_pk[32], const char *path,
               const uint8_t sign_pub[32], const uint8_t curve_pub[32],
               const uint8_t cert[64])
{
	if (strlen(path) > LD_PATH_MAX)
		return false;
	uint8_t buf[CERT_BUF];
	size_t n = cert_bytes(buf, path, sign_pub, curve_pub);
	return crypto_sign_verify_detached(cert, buf, n, parent_pk) == 0;
}
