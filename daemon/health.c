/* health.c — this node's HEALTH record: every [health] every, look at the
 * links and write the record's next version if something changed or
 * [health] refresh passed (core/health.c decides), through the group
 * commit; and the tree of offices below this node, with their newest
 * HEALTH, for 'liandong status --tree'. */
#include "gather.h"
#include "health.h"
#include "node_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first look comes this soon after start (or `every`, if shorter), so
 * an office that starts shows up above without waiting a whole period. */
#define FIRST_LOOK_MS 5000
/* The meta flag holding the id counter of our HEALTH record. */
#define FLAG "health"

static char *
dup(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static Ld__LinkHealth *
link_of(struct ld_node *n, struct ld_txn *t, const struct ld_peer *p,
        int64_t now, int64_t wall, uint64_t *budget)
{
	Ld__LinkHealth *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	ld__link_health__init(l);
	l->path = dup(p->path);
	l->role = dup(p->is_parent ? "parent" : "child");
	l->state = dup(ld_peer_state_name(p->state));
	l->connected = p->state == LD_PEER_UP;
	l->lag_in = p->in_head > p->in_seq ? p->in_head - p->in_seq : 0;
	l->lag_out = ld_stream_lag_out(n, t, p, budget);
	l->last_heard_ms = p->last_recv_ms ? wall - (now - p->last_recv_ms) : 0;
	l->refused = p->refused;
	l->conflicts = p->conflicts;
	if (l->path == NULL || l->role == NULL || l->state == NULL) {
		ld__link_health__free_unpacked(l, NULL);
		return NULL;
	}
	return l;
}

/* This node's HEALTH record as it stands (body only; the envelope is
 * own.c's), or NULL if out of memory. */
static Ld__Record *
build(struct ld_node *n, struct ld_txn *t, int64_t now)
{
	Ld__Record *r = calloc(1, sizeof(*r));
	Ld__Health *h = calloc(1, sizeof(*h));
	size_t np = n->nchildren + (n->has_parent ? 1 : 0);
	Ld__LinkHealth **lv = calloc(np ? np : 1, sizeof(*lv));
	if (r == NULL || h == NULL || lv == NULL) {
		free(r);
		free(h);
		free(lv);
		return NULL;
	}
	ld__record__init(r);
	ld__health__init(h);
	r->kind = LD__KIND__KIND_HEALTH;
	r->body_case = LD__RECORD__BODY_HEALTH;
	r->health = h;
	h->links = lv;
	h->version = dup(LD_VERSION);
	h->head = ld_store_head(n->st);
	h->records = ld_store_count(t);
	h->recovering = ld_recover_refusing(n);
	h->every_s = n->cfg.health_every_s;
	int64_t wall = ld_wall_ms();
	uint64_t budget = 200000;
	bool ok = h->version != NULL;
	if (ok && n->has_parent)
		ok = (lv[h->n_links++] = link_of(n, t, &n->parent, now, wall,
		                                 &budget)) != NULL;
	for (size_t i = 0; ok && i < n->nchildren; i++)
		ok = (lv[h->n_links++] = link_of(n, t, n->children[i], now,
		                                 wall, &budget)) != NULL;
	if (!ok) {
		if (h->n_links > 0 && lv[h->n_links - 1] == NULL)
			h->n_links--;
		ld__record__free_unpacked(r, NULL);
		return NULL;
	}
	return r;
}

void
ld_health_tick(struct ld_node *n, int64_t now)
{
	unsigned every_ms = n->cfg.health_every_s * 1000;
	if (every_ms == 0) /* [health] every = off */
		return;
	if (n->health_next_ms == 0) {
		n->health_next_ms =
		    now + (every_ms < FIRST_LOOK_MS ? every_ms : FIRST_LOOK_MS);
		return;
	}
	if (now < n->health_next_ms || n->health_queued)
		return;
	n->health_next_ms = now + every_ms;
	struct ld_txn t;
	if (ld_store_read_begin(n->st, &t) != 0)
		return;
	Ld__Record *rec = build(n, &t, now);
	ld_store_read_end(&t);
	if (rec == NULL)
		return;
	Ld__Health *prev =
	    n->health_prev
	        ? ld__health__unpack(NULL, n->health_prev_len, n->health_prev)
	        : NULL;
	bool due = ld_health_due(prev, n->health_prev_ms, rec->health, now,
	                         n->cfg.health_refresh_s);
	if (prev != NULL)
		ld__health__free_unpacked(prev, NULL);
	struct work *w = due ? ld_commit_queue(n) : NULL;
	if (w == NULL) {
		ld__record__free_unpacked(rec, NULL);
		return;
	}
	w->type = WORK_HEALTH;
	w->code = LD__CODE__CODE_OK;
	w->rec = rec;
	n->health_queued = true;
}

int
ld_health_write(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	w->code = LD__CODE__CODE_OK;
	w->err[0] = '\0';
	uint64_t counter = 0;
	int rc = ld_store_flag_get(t, FLAG, &counter);
	if (rc != 0)
		return rc;
	if (counter != 0) {
		/* The next version of the one HEALTH record we keep. */
		char id[LD_ID_MAX + 1];
		ld_id_format(id, sizeof(id), n->cfg.id, counter);
		Ld__Record *old = ld_store_load(t, id);
		bool ours = old != NULL &&
		            old->body_case == LD__RECORD__BODY_HEALTH &&
		            strcmp(old->owner, n->cfg.id) == 0 &&
		            old->version < LD_NUM_MAX;
		uint64_t version = ours ? old->version + 1 : 0;
		if (old != NULL)
			ld__record__free_unpacked(old, NULL);
		if (ours)
			return ld_own_put(n, t, w, w->rec, id, version);
	}
	rc = ld_own_create(n, t, w, w->rec);
	if (rc != 0 || w->code != LD__CODE__CODE_OK)
		return rc;
	return ld_store_flag_put(t, FLAG, ld_id_counter(w->id));
}

void
ld_health_done(struct ld_node *n, struct work *w, int rc)
{
	n->health_queued = false;
	if (rc != 0 || w->code != LD__CODE__CODE_OK) {
		/* Refused while a restore's records are on their way, or the
		 * store failed: the next look tries again. */
		ld_debug("health record not written: %s",
		         w->err[0] ? w->err : ld_store_strerror(rc));
		return;
	}
	size_t len = ld__health__get_packed_size(w->rec->health);
	uint8_t *buf = malloc(len ? len : 1);
	if (buf == NULL)
		return;
	ld__health__pack(w->rec->health, buf);
	free(n->health_prev);
	n->health_prev = buf;
	n->health_prev_len = len;
	n->health_prev_ms = ld_now_ms();
}

void
ld_health_drop(struct work *w)
{
	ld__record__free_unpacked(w->rec, NULL);
	w->rec = NULL;
}

void
ld_health_free(struct ld_node *n)
{
	free(n->health_prev);
	n->health_prev = NULL;
}

/* ---------------------------------------------------------------- tree */

struct ld_health_tree {
	struct ld_bag bag;
	struct ld_tree tree;
	Ld__TreeOffice *rows;
	Ld__TreeOffice **rp;
};

struct ld_health_tree *
ld_health_tree_fill(struct ld_node *n, struct ld_txn *t, Ld__StatusResponse *s)
{
	struct ld_health_tree *ht = calloc(1, sizeof(*ht));
	if (ht == NULL)
		return NULL;
	int rc = ld_store_gather_health(t, n->cfg.id, &ht->bag);
	if (rc == 0 && !ht->bag.oom)
		rc = ld_tree_compute(
		    n->cfg.id, (const Ld__Record *const *)ht->bag.v, ht->bag.n,
		    ld_wall_ms(), n->cfg.health_silent_after_s, &ht->tree);
	else
		rc = -ENOMEM;
	size_t k = ht->tree.n;
	if (rc == 0) {
		ht->rows = calloc(k ? k : 1, sizeof(*ht->rows));
		ht->rp = calloc(k ? k : 1, sizeof(*ht->rp));
	}
	if (rc != 0 || ht->rows == NULL || ht->rp == NULL) {
		ld_health_tree_free(&ht);
		return NULL;
	}
	for (size_t i = 0; i < k; i++) {
		const struct ld_tree_row *w = &ht->tree.rows[i];
		Ld__TreeOffice *o = &ht->rows[i];
		ld__tree_office__init(o);
		o->path = (char *)w->path;
		o->name = (char *)w->name;
		o->level = (char *)w->level;
		o->reported_ms = w->reported_ms;
		o->silent = w->silent;
		o->health = w->health != NULL ? w->health->health : NULL;
		ht->rp[i] = o;
	}
	s->n_tree = k;
	s->tree = ht->rp;
	s->silent_after_s = n->cfg.health_silent_after_s;
	return ht;
}

void
ld_health_tree_free(struct ld_health_tree **htp)
{
	if (htp == NULL || *htp == NULL)
		return;
	struct ld_health_tree *ht = *htp;
	free(ht->rows);
	free(ht->rp);
	ld_tree_free(&ht->tree);
	ld_bag_free(&ht->bag);
	free(ht);
	*htp = NULL;
}
