/* members.c — the counting rules of members' years (members.h). */
#include "members.h"
#include "err.h"
#include "record.h"
#include "rules.h"
#include "vocab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
ld_activity_name(unsigned a)
{
	static const char *const names[LD_ACTIVITY_COUNT] = {
	    "调研", "视察", "协商",     "会议", "培训",
	    "提案", "社情民意", "建议", "实事"};
	return a < LD_ACTIVITY_COUNT ? names[a] : NULL;
}

int
ld_quota_parse(const char *spec, struct ld_quota *q, char *err,
               size_t errlen)
{
	memset(q, 0, sizeof(*q));
	if (spec == NULL || spec[0] == '\0')
		spec = LD_QUOTA_DEFAULT;
	char buf[512];
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "quota: longer than %zu bytes",
		         sizeof(buf) - 1);
		return LD_EREFUSED;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",，", &save); t != NULL;
	     t = strtok_r(NULL, ",，", &save)) {
		while (*t == ' ')
			t++;
		char *eq = strchr(t, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "quota: '%.64s' is not "
			         "ACTIVITY=N", t);
			return LD_EREFUSED;
		}
		*eq = '\0';
		char *end = eq;
		while (end > t && end[-1] == ' ')
			*--end = '\0';
		int a = ld_vocab_index(LD_VOCAB_ACTIVITY, t);
		if (a < 0) {
			snprintf(err, errlen, "quota: unknown activity '%.64s' "
			         "(one of: %s)", t,
			         ld_vocab_describe(LD_VOCAB_ACTIVITY));
			return LD_EREFUSED;
		}
		char *num = eq + 1, *stop = NULL;
		errno = 0;
		long n = strtol(num, &stop, 10);
		if (num[0] < '0' || num[0] > '9' || errno != 0 ||
		    stop == num || *stop != '\0' || n > 100) {
			snprintf(err, errlen, "quota: %s=%.32s: the number "
			         "must be 0 to 100", ld_activity_name((unsigned)a),
			         num);
			return LD_EREFUSED;
		}
		q->want[a] = (uint32_t)n;
	}
	return 0;
}

void
ld_members_init(struct ld_members *m, uint32_t year, const struct ld_quota *q)
{
	memset(m, 0, sizeof(*m));
	m->year = year;
	if (q != NULL)
		m->quota = *q;
}

static void
year_free(struct ld_member_year *y)
{
	free(y->id);
	free(y->office);
	free(y->name);
	free(y->sector);
	free(y->committee);
	free(y->group);
	free(y->term);
	free(y->status);
}

void
ld_members_free(struct ld_members *m)
{
	for (size_t i = 0; i < m->n; i++)
		year_free(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int
ld_members_add_member(struct ld_members *m, const Ld__Record *r)
{
	if (r->body_case != LD__RECORD__BODY_MEMBER || r->deleted)
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct ld_member_year *v = realloc(m->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	const Ld__Member *b = r->member;
	struct ld_member_year *y = &m->v[m->n];
	memset(y, 0, sizeof(*y));
	y->id = strdup(r->id);
	y->office = strdup(r->owner);
	y->name = strdup(b->name);
	y->sector = strdup(b->sector);
	y->committee = strdup(b->committee);
	y->group = strdup(b->group);
	y->term = strdup(b->term);
	y->status = strdup(b->status);
	if (!y->id || !y->office || !y->name || !y->sector || !y->committee ||
	    !y->group || !y->term || !y->status) {
		year_free(y);
		return -ENOMEM;
	}
	y->active = strcmp(b->status, "active") == 0;
	y->is_new = b->new_member ||
	            (m->year != 0 && ld_rule_date_year(b->joined) == m->year);
	m->n++;
	m->sorted = false;
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct ld_member_year *)a)->id,
	              ((const struct ld_member_year *)b)->id);
}

void
ld_members_add_duty(struct ld_members *m, const Ld__Record *r)
{
	if (r->body_case != LD__RECORD__BODY_DUTY || r->deleted)
		return;
	if (m->year != 0 && ld_rule_year(r) != m->year)
		return;
	int a = ld_vocab_index(LD_VOCAB_ACTIVITY, r->duty->activity);
	if (!m->sorted) {
		if (m->n > 0)
			qsort(m->v, m->n, sizeof(*m->v), by_id);
		m->sorted = true;
	}
	for (size_t i = 0; i < r->duty->n_members; i++) {
		struct ld_member_year key = {.id = r->duty->members[i]};
		struct ld_member_year *y =
		    m->n ? bsearch(&key, m->v, m->n, sizeof(*m->v), by_id)
		         : NULL;
		if (y == NULL)
			continue;
		y->entries++;
		if (a >= 0)
			y->count[a]++;
	}
}

static int
by_office(const void *a, const void *b)
{
	const struct ld_member_year *x = a, *y = b;
	int c = strcmp(x->office, y->office);
	if (c != 0)
		return c;
	uint64_t i = ld_id_counter(x->id), k = ld_id_counter(y->id);
	return i < k ? -1 : i > k;
}

void
ld_members_finish(struct ld_members *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct ld_member_year *y = &m->v[i];
		y->took_part = y->active && y->entries > 0;
		y->trained = y->active && y->count[LD_ACTIVITY_TRAINING] > 0;
		y->short_of = 0;
		for (int a = 0; y->active && a < LD_ACTIVITY_COUNT; a++)
			if (y->count[a] < m->quota.want[a])
				y->short_of += m->quota.want[a] - y->count[a];
	}
	if (m->n > 0)
		qsort(m->v, m->n, sizeof(*m->v), by_office);
	m->sorted = false;
}

void
ld_members_missing(const struct ld_members *m, const struct ld_member_year *y,
                   char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (unsigned a = 0; y->active && a < LD_ACTIVITY_COUNT; a++) {
		if (y->count[a] >= m->quota.want[a])
			continue;
		int w = snprintf(buf + off, len - off, "%s%s %u",
		                 off ? ", " : "", ld_activity_name(a),
		                 m->quota.want[a] - y->count[a]);
		if (w < 0 || (size_t)w >= len - off)
			return;
		off += (size_t)w;
	}
}

void
ld_member_tally_add(struct ld_member_tally *t, const struct ld_member_year *y)
{
	t->members++;
	if (!y->active)
		return;
	t->active++;
	t->took_part += y->took_part;
	t->trained += y->trained;
	t->short_ += y->short_of > 0;
	if (y->is_new) {
		t->new_active++;
		t->new_trained += y->trained;
	}
}

int
ld_members_tally_of(Ld__Record *const *recs, size_t n, uint32_t year,
                    struct ld_member_tally *out)
{
	memset(out, 0, sizeof(*out));
	struct ld_quota q;
	char err[64];
	int rc = ld_quota_parse(NULL, &q, err, sizeof(err));
	if (rc != 0)
		return rc;
	struct ld_members m;
	ld_members_init(&m, year, &q);
	/* Every member before the first duty entry, as the host does. */
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (recs[i]->body_case == LD__RECORD__BODY_MEMBER)
			rc = ld_members_add_member(&m, recs[i]);
	if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			if (recs[i]->body_case == LD__RECORD__BODY_DUTY)
				ld_members_add_duty(&m, recs[i]);
		ld_members_finish(&m);
		for (size_t i = 0; i < m.n; i++)
			ld_member_tally_add(out, &m.v[i]);
	}
	ld_members_free(&m);
	return rc;
}
