/* auth.h — who may connect: the ZAP handler that ZeroMQ asks during every
 * CURVE handshake (on the children's socket and on the remote API), and
 * the allow-lists it checks.
 * The authenticated identity it hands ZeroMQ ("User-Id") is the child's
 * path and key, and every frame's identity is checked against the list as
 * it is now, so a removed child is refused at once. */
#ifndef LD_AUTH_H
#define LD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "allow.h"
#include "config.h"

struct ld_auth;

/* Bind the ZAP handler in `zctx` (before any CURVE server socket binds)
 * and load the allow-list. Returns 0, or with a reason in err -ENOMEM,
 * the socket's -errno, or ld_allow_load's code. */
int ld_auth_open(void *zctx, const struct ld_config *cfg,
                 struct ld_auth **out, char *err, size_t errlen);
void ld_auth_close(struct ld_auth **a);

/* The ZAP socket, to poll for requests; answer them with ld_auth_handle. */
void *ld_auth_socket(struct ld_auth *a);
void ld_auth_handle(struct ld_auth *a);

/* Re-read the allow-list. On a bad file the old list stays, and the
 * code of ld_allow_load (or ld_admins_load) is returned. */
int ld_auth_reload(struct ld_auth *a, char *err, size_t errlen);
/* How many children and administrators the lists hold. */
void ld_auth_counts(const struct ld_auth *a, size_t *children,
                    size_t *admins);

/* Is `user_id` (a frame's "User-Id") a child on the list now, and is it
 * `path`? */
bool ld_auth_allows(struct ld_auth *a, const char *path, const char *user_id);

/* The enrolled keys of the child `path`, or NULL. */
const struct ld_child_key *ld_auth_child(struct ld_auth *a, const char *path);

/* The ZAP domains: links to children, and the remote API. */
#define LD_ZAP_LINKS "liandong"
#define LD_ZAP_API "liandong-api"

/* Is `user_id` (a remote API frame's "User-Id") an administrator now? */
bool ld_auth_admin_allows(struct ld_auth *a, const char *user_id);

#endif
