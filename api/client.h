/* client.h — talk to the local liandongd over ipc://<data>/api.sock: one
 * request, one response with the same req_id; requests may be pipelined. */
#ifndef LD_CLIENT_H
#define LD_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

#define LD_CLIENT_TIMEOUT_MS 30000

struct ld_client;

/* Connect to the daemon of data directory `dir`. Returns 0, or with a
 * one-line reason in `err`: -errno (`dir` cannot be resolved), -ENOENT
 * (not a data directory), -ECONNREFUSED (its daemon is not running),
 * -ENOMEM, or a socket's -errno (-EIO for zmq's own errors). */
int ld_client_open(const char *dir, struct ld_client **out, char *err,
                   size_t errlen);

struct ld_keys;
/* Connect to a node's remote API at `endpoint` over CURVE: `server` is
 * the node's CURVE key, `mine` an administrator's keys it has enrolled.
 * Waits for the handshake (up to timeout_ms) so a refused key or a wrong
 * server key is reported at once. Returns 0, or with a one-line reason:
 * -EACCES (the node refused the key), -EPROTO (the handshake failed),
 * -ETIMEDOUT, -ENOMEM, or a socket's -errno. */
int ld_client_open_remote(const char *endpoint, const uint8_t server[32],
                          const struct ld_keys *mine, int timeout_ms,
                          struct ld_client **out, char *err, size_t errlen);
void ld_client_close(struct ld_client **c);

/* Send `req` (its req_id is set if 0). Returns 0, or -ENOMEM, -EMSGSIZE
 * (larger than LD_API_MSG_MAX: not sent) or a socket's -errno with err. */
int ld_client_send(struct ld_client *c, Ld__Request *req, char *err,
                   size_t errlen);
/* Receive the next response, waiting up to timeout_ms. Returns 0 with
 * *resp (free with ld__response__free_unpacked), or with err -ETIMEDOUT,
 * a socket's -errno, or LD_ESYNTAX (an answer that does not decode); then
 * *resp is NULL. The same for ld_client_call. */
int ld_client_recv(struct ld_client *c, Ld__Response **resp, int timeout_ms,
                   char *err, size_t errlen);
/* Send and wait for the answer to this request. */
int ld_client_call(struct ld_client *c, Ld__Request *req, Ld__Response **resp,
                   int timeout_ms, char *err, size_t errlen);

/* The data directory (absolute). */
const char *ld_client_dir(const struct ld_client *c);

#endif
