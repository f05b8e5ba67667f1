/* peers.c — the peer table: the parent and the children by path, their
 * cursors loaded from the store, and the peer a record came through. */
#include "node_int.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text a peer sends about itself (its name, a refusal's reason) ends up
 * in logs and in 'liandong status': keep one line of valid text, at most
 * `len` - 1 bytes, with anything else replaced by '?'. */
void
ld_peer_text(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src), k = 0;
	if (n >= len)
		n = len - 1;
	/* Cut back to a whole character. */
	while (n > 0 && !ld_text_valid(src, n))
		n--;
	for (; k < n; k++)
		dst[k] = src[k] == '\n' || src[k] == '\r' || src[k] == '\t'
		             ? ' '
		             : src[k];
	dst[k] = '\0';
	if (n == 0 && src[0] != '\0')
		snprintf(dst, len, "?");
}

struct ld_peer *
ld_peers_find(struct ld_node *n, const char *path)
{
	for (size_t i = 0; i < n->nchildren; i++)
		if (strcmp(n->children[i]->path, path) == 0)
			return n->children[i];
	return NULL;
}

struct ld_peer *
ld_peers_toward(struct ld_node *n, const char *owner)
{
	for (size_t i = 0; i < n->nchildren; i++)
		if (ld_path_in_subtree(owner, n->children[i]->path))
			return n->children[i];
	/* Above us, or ours (or an office below us with no link here):
	 * after a restore only the ancestors hold those files. */
	if (n->has_parent)
		return &n->parent;
	return NULL;
}

struct ld_peer *
ld_peers_add(struct ld_node *n, const char *path)
{
	if (n->nchildren == n->capchildren) {
		size_t cap = n->capchildren ? n->capchildren * 2 : 8;
		struct ld_peer **c =
		    realloc(n->children, cap * sizeof(*n->children));
		if (c == NULL)
			return NULL;
		n->children = c;
		n->capchildren = cap;
	}
	struct ld_peer *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	snprintf(p->path, sizeof(p->path), "%s", path);
	n->children[n->nchildren++] = p;
	return p;
}

static void
cursor_seen(const char *peer, size_t len, uint64_t epoch, uint64_t seq,
            void *arg)
{
	struct ld_node *n = arg;
	char path[LD_PATH_MAX + 1];
	if (len > LD_PATH_MAX)
		return;
	memcpy(path, peer, len);
	path[len] = '\0';
	struct ld_peer *p = NULL;
	if (n->has_parent && strcmp(path, n->parent.path) == 0)
		p = &n->parent;
	else if (ld_path_is_child(path, n->cfg.id))
		p = ld_peers_find(n, path) ? ld_peers_find(n, path)
		                           : ld_peers_add(n, path);
	if (p != NULL) {
		p->in_epoch = epoch;
		p->in_seq = seq;
	}
}

/* Load the cursors this node holds on its parent's and children's logs.
 * Children known from earlier runs show up in status before they
 * reconnect. */
int
ld_peers_load(struct ld_node *n)
{
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0)
		return rc;
	rc = ld_store_cursor_each(&t, cursor_seen, n);
	ld_store_read_end(&t);
	return rc;
}

void
ld_peers_free(struct ld_node *n)
{
	for (size_t i = 0; i < n->nchildren; i++) {
		free(n->children[i]->early);
		free(n->children[i]);
	}
	free(n->children);
	n->children = NULL;
	n->nchildren = n->capchildren = 0;
	free(n->parent.early);
	n->parent.early = NULL;
}

const char *
ld_peer_state_name(enum ld_peer_state s)
{
	switch (s) {
	case LD_PEER_UP:
		return "up";
	case LD_PEER_HELLO_SENT:
		return "connecting";
	case LD_PEER_REJECTED:
		return "rejected";
	default:
		return "down";
	}
}
