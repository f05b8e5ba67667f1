/* sign.c — record signatures and key certificates (Ed25519). */
#include "sign.h"
#include "path.h"
#include "seal.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SIG_PREFIX "ldsig1"
#define CERT_PREFIX "ldcert1"

/* `prefix` + the record encoded without its signature or seal. */
static uint8_t *
prefixed_bytes(const Ld__Record *r, const char *prefix, size_t pl, size_t *len)
{
	Ld__Record copy = *r;
	copy.sig.data = NULL;
	copy.sig.len = 0;
	copy.seal = NULL;
	size_t n = ld__record__get_packed_size(&copy);
	uint8_t *buf = malloc(pl + n);
	if (buf == NULL)
		return NULL;
	memcpy(buf, prefix, pl);
	ld__record__pack(&copy, buf + pl);
	*len = pl + n;
	return buf;
}

/* "ldsig1\0" + the record encoded without its signature. */
static uint8_t *
signed_bytes(const Ld__Record *r, size_t *len)
{
	return prefixed_bytes(r, SIG_PREFIX, sizeof(SIG_PREFIX), len);
}

int
ld_sign_leaf(const Ld__Record *r, uint8_t leaf[32])
{
	size_t len;
	uint8_t *m = prefixed_bytes(r, "", 0, &len);
	if (m == NULL)
		return -ENOMEM;
	ld_seal_leaf(m, len, leaf);
	free(m);
	return 0;
}

static bool
seal_verify(const Ld__Record *r, const uint8_t pk[32])
{
	uint8_t leaf[LD_SEAL_HASH], root[LD_SEAL_HASH];
	return ld_sign_leaf(r, leaf) == 0 && ld_seal_fold(leaf, r->seal, root) &&
	       ld_seal_verify_root(root, r->seal->count, r->seal->sig.data,
	                           r->seal->sig.len, pk);
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
	if (r->seal != NULL)
		return r->sig.len == 0 && seal_verify(r, pk);
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
