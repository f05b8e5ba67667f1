/* node.h — a running node, as main.c sees it: open it on a config, run
 * its loop until told to stop, close it (docs/architecture.md, "Inside
 * the daemon"). Its parts share node_int.h. */
#ifndef LD_NODE_H
#define LD_NODE_H

#include <signal.h>
#include <stddef.h>

#include "config.h"

struct ld_node;

/* Open the store and bind/connect the sockets (node.c). On failure
 * writes a one-line reason to err and returns a negative code: -errno
 * (-EBUSY: another liandongd runs there), LD_EREFUSED (keys that do not
 * fit the configuration), the store's, or that of what it loads. */
int ld_node_open(const struct ld_config *cfg, struct ld_node **out, char *err,
                 size_t errlen);
/* Run until *stop becomes non-zero; then commit what is pending and
 * return 0 (loop.c); or the socket's -errno if polling fails. */
int ld_node_run(struct ld_node *n, volatile sig_atomic_t *stop);
/* SIGHUP: the loop reloads what it can when *flag becomes non-zero, and
 * zeroes it (reload.c). */
void ld_node_on_reload(struct ld_node *n, volatile sig_atomic_t *flag);
/* Free everything and null *n (node.c). */
void ld_node_close(struct ld_node **n);

#endif
