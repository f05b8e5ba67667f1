/* bench_store.c — what the benchmarks that write a store directly share:
 * the clock, a province's configuration, and its background of closed
 * records of past years (report_bench times a report over them,
 * web_bench puts its live work on top). */
#include "bench_store.h"

#include "record.h"

#include <stdio.h>
#include <time.h>

#define ROOT LD_BENCH_ROOT

double
ld_bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
ld_bench_config(const char *dir, struct ld_config *cfg, char *err,
                size_t errlen)
{
	ld_config_defaults(cfg);
	snprintf(cfg->dir, sizeof(cfg->dir), "%s", dir);
	snprintf(cfg->id, sizeof(cfg->id), ROOT);
	snprintf(cfg->name, sizeof(cfg->name), "云南省政协");
	snprintf(cfg->level, sizeof(cfg->level), "province");
	cfg->insecure = true;
	return ld_config_write(cfg, err, errlen) != 0 ? -1 : 0;
}

struct fill {
	uint64_t from, to; /* record numbers of this transaction */
};

static const char *const handlers[] = {"县教育局", "县卫生健康局",
                                       "县交通运输局", "县水务局",
                                       "县农业农村局"};

/* The owner of record number i: one of 111 offices. */
static void
owner_of(uint64_t i, char *buf, size_t len)
{
	unsigned o = (unsigned)(i % 111);
	if (o == 0)
		snprintf(buf, len, ROOT);
	else if (o <= 10)
		snprintf(buf, len, ROOT "/53%02u00", o);
	else
		snprintf(buf, len, ROOT "/53%02u00/53%02u%02u",
		         (o - 11) / 10 + 1, (o - 11) / 10 + 1, (o - 11) % 10 + 1);
}

static int
fill_txn(struct ld_txn *t, void *arg)
{
	const struct fill *f = arg;
	for (uint64_t i = f->from; i < f->to; i++) {
		char owner[64], id[96];
		owner_of(i, owner, sizeof(owner));
		snprintf(id, sizeof(id), "%s:%llu", owner,
		         (unsigned long long)(1000000000000ull + i));
		Ld__Record r = LD__RECORD__INIT;
		r.id = id;
		r.owner = owner;
		r.version = 1;
		r.updated_at = 1543968000000LL; /* 2018-12-05 */
		Ld__Proposal p = LD__PROPOSAL__INIT;
		Ld__Survey s = LD__SURVEY__INIT;
		Ld__Task tk = LD__TASK__INIT;
		Ld__Plan pl = LD__PLAN__INIT;
		Ld__PlanItem it[6], *itp[6];
		char *scope[1] = {owner};
		char *targets[2] = {"县教育局", "县水务局"};
		switch (i % 10) {
		case 0: case 1: case 2: case 3:
			r.kind = LD__KIND__KIND_PROPOSAL;
			r.body_case = LD__RECORD__BODY_PROPOSAL;
			r.proposal = &p;
			p.number = "1";
			p.title = "关于加强农村饮水安全保障的建议";
			p.handler = (char *)handlers[i % 5];
			p.year = 2018;
			p.status = "closed";
			p.filing = "filed";
			p.outcome = i % 20 == 3 ? "C" : i % 2 ? "B" : "A";
			p.face_to_face = true;
			p.satisfaction = "满意";
			break;
		case 4: case 5: case 6:
			r.kind = LD__KIND__KIND_SURVEY;
			r.body_case = LD__RECORD__BODY_SURVEY;
			r.survey = &s;
			s.form = i % 3 ? "调研" : "视察";
			s.topic = "河长制落实情况";
			s.start = "2018-05-10";
			s.status = "closed";
			r.scope = scope;
			r.n_scope = 1;
			break;
		case 7: case 8:
			r.kind = LD__KIND__KIND_TASK;
			r.body_case = LD__RECORD__BODY_TASK;
			r.task = &tk;
			tk.form = i % 2 ? "跟踪问效" : "民主评议";
			tk.topic = "易地扶贫搬迁后续扶持";
			tk.targets = targets;
			tk.n_targets = 2;
			tk.due = "2018-09-30";
			tk.status = "closed";
			r.scope = scope;
			r.n_scope = 1;
			break;
		default:
			r.kind = LD__KIND__KIND_PLAN;
			r.body_case = LD__RECORD__BODY_PLAN;
			r.plan = &pl;
			pl.year = 2018;
			pl.title = "2018年协商计划";
			for (int k = 0; k < 6; k++) {
				ld__plan_item__init(&it[k]);
				it[k].form = k ? "对口协商" : "专题协商";
				it[k].month = (uint32_t)k + 3;
				it[k].topic = "议题";
				it[k].status = k < 5 ? "held" : "planned";
				itp[k] = &it[k];
			}
			pl.items = itp;
			pl.n_items = 6;
			r.scope = scope;
			r.n_scope = 1;
			break;
		}
		int rc = ld_store_put(t, &r);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
ld_bench_fill(struct ld_store *st, uint64_t n)
{
	for (uint64_t i = 0; i < n; i += 20000) {
		struct fill f = {i, i + 20000 < n ? i + 20000 : n};
		int rc = ld_store_write(st, fill_txn, &f);
		if (rc != 0)
			return rc;
	}
	return 0;
}
