/* harness.h — run real liandong nodes for integration tests: temporary data
 * directories, free loopback ports, daemons started by fork+exec and killed
 * only by their pid, every wait bounded by a timeout. */
#ifndef LD_HARNESS_H
#define LD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client.h"
#include "liandong.pb-c.h"

struct th_node {
	char key[128]; /* its public key, as 'liandong key show' prints it */
	char dir[512];
	char id[300];
	char name[128];
	int port;      /* listen port on 127.0.0.1, 0 = none */
	pid_t pid;     /* 0 = not running */
	struct ld_client *cl;
};

/* Make the test's scratch directory (under $TMPDIR or /tmp). */
void th_setup(void);
/* Stop every node still running and remove the scratch directory. */
void th_teardown(void);
const char *th_root(void);

/* Milliseconds scaled by $LD_TEST_TIMEOUT_SCALE (for valgrind runs). */
int th_ms(int ms);
int64_t th_now_ms(void);
void th_sleep_ms(int ms);

/* A loopback port nothing listens on right now. */
int th_free_port(void);

/* Nodes made from now on are insecure (--insecure) or not (the default,
 * reset by th_setup). */
void th_set_insecure(bool insecure);

/* `liandong init` a node in <root>/<sub>; `parent` may be NULL; `listen`
 * gives it a port. `extra` (may be NULL) is appended to its config file.
 * Fails the test if init fails. */
void th_node_init(struct th_node *n, const char *sub, const char *id,
                  const char *name, bool listen, const struct th_node *parent,
                  const char *extra);
/* After `parent` was made again (new keys): give `child` (stopped) the
 * parent's new key and enrol the child there, as administrators would. */
void th_reenroll(struct th_node *child, struct th_node *parent);

/* `node` (stopped) was made again with new keys: have the root endorse
 * them and install the endorsement at the node, as administrators would. */
void th_endorse(struct th_node *top, struct th_node *node);

/* Start liandongd on the node (stderr to <dir>/liandongd.log) and wait
 * until it answers. */
void th_node_start(struct th_node *n);
/* SIGTERM and wait; returns the exit status (0 = clean). */
int th_node_stop(struct th_node *n);
/* SIGKILL and reap. */
void th_node_kill(struct th_node *n);
/* True if the node's log contains `text`. */
bool th_log_contains(const struct th_node *n, const char *text);

/* Run the CLI with args (NULL-terminated) and LIANDONG_DATA unset; capture
 * stdout and stderr (NUL-terminated, truncated to their buffers). Returns
 * the exit code, or -1 on timeout. */
int th_cli(char *out, size_t outlen, char *err, size_t errlen,
           const char *const *args);
/* The same with LIANDONG_DATA set to `data`. */
int th_cli_env(const char *data, char *out, size_t outlen, char *err,
               size_t errlen, const char *const *args);

/* The node's client (connected on first use, closed by stop/kill). */
struct ld_client *th_client(struct th_node *n);

/* Add a record through the API; returns the new id (static buffer per
 * call: copy it) or fails the test. */
const char *th_add(struct th_node *n, Ld__Record *r);
/* A task with `topic`, scoped to `scope`; returns its id (copy it). */
const char *th_add_task(struct th_node *n, const char *scope,
                        const char *topic);
/* Add `count` tasks to `scope`, pipelined (many requests in flight). The
 * last id goes to last_id (LD_ID_MAX + 1 bytes) if not NULL. */
void th_add_tasks(struct th_node *n, const char *scope, int count,
                  char *last_id);

/* Add `count` results answering `ref`, pipelined like th_add_tasks. */
void th_add_results(struct th_node *n, const char *ref, int count,
                    char *last_id);

/* Status of the node; free with ld__response__free_unpacked(resp). */
Ld__Response *th_status(struct th_node *n);
/* Number of records the node holds. */
uint64_t th_count(struct th_node *n);
/* Wait until the node holds `id` (any version); false on timeout. */
bool th_wait_record(struct th_node *n, const char *id, int timeout_ms);
/* Wait until every link of the node is up and has nothing left to send
 * or apply in either direction; false on timeout. */
bool th_wait_quiet(struct th_node *n, int timeout_ms);
/* The stored encoding of `id`, malloc'd, or NULL if absent. */
uint8_t *th_get(struct th_node *n, const char *id, size_t *len);
/* Record `id` at `n` decoded, once it has reached `version` (waits up to
 * 10 s, scaled; fails the test after that). Free with
 * ld__record__free_unpacked. */
Ld__Record *th_record_at(struct th_node *n, const char *id, uint64_t version);
/* The signing key of `owner` as node `n` holds it (its NODE record). */
void th_sign_key(struct th_node *n, const char *owner, uint8_t pk[32]);

/* All (id, version) pairs the node holds whose owner is in `owner`'s
 * subtree ("" = all) and of `kind` (0 = any), sorted by id. */
struct th_idv {
	char id[300];
	uint64_t version;
};
size_t th_list(struct th_node *n, const char *owner, Ld__Kind kind,
               struct th_idv **out);

/* Fail the test unless `b` holds exactly the records of `owner`'s subtree
 * that `a` holds, at the same versions. */
void th_assert_same_set(struct th_node *a, struct th_node *b,
                        const char *owner);
/* Fail the test if `n` received any record twice over a link or applied
 * one twice (its log has more entries than records beyond its node
 * records' superseded versions). */
void th_assert_log_once(struct th_node *n);

#endif
