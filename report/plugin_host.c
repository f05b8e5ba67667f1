/* plugin_host.c — load a report plugin, check its descriptor, and give it
 * the host table (plugin_host.h): records read from the store through
 * protobuf-c's descriptors (fields by name), output into a document. */
#include "plugin_host.h"
#include "err.h"
#include "figures.h"
#include "gather.h"
#include "lifecycle.h"
#include "members.h"
#include "path.h"
#include "record.h"
#include "rollup.h"
#include "rules.h"
#include "text.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The descriptor as ABI 1.0 defines it: a smaller one is refused. */
#define PLUGIN_MIN_SIZE                                                        \
	(offsetof(struct ld_plugin, fini) + sizeof(((struct ld_plugin *)0)->fini))

/* What a host function returns to a plugin when it cannot do what was
 * asked: the SDK (liandong/plugin.h) promises -1, beside the callback's
 * own non-zero values. This is the ABI's convention, at the boundary with
 * code built elsewhere, not err.h's. */
#define ABI_FAIL (-1)

/* ---------------------------------------------------------------- load */

static bool
name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
		      s[n] == '-'))
			return false;
	return n >= 1 && n <= 32;
}

bool
ld_plugin_supports(const struct ld_plugin *p, const char *fmt)
{
	size_t fl = strlen(fmt);
	for (const char *s = p->formats; s != NULL && *s != '\0';) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == fl && memcmp(s, fmt, n) == 0)
			return true;
		s = e ? e + 1 : s + n;
	}
	return false;
}

int
ld_plugin_load(const char *file, struct ld_loaded *out, char *err,
               size_t errlen)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->file, sizeof(out->file), "%s", file);
	struct stat sb;
	if (stat(file, &sb) != 0) {
		int rc = -errno;
		snprintf(err, errlen, "%s: cannot read it", file);
		return rc;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", file);
		return -EINVAL;
	}
	/* RTLD_LOCAL: its symbols stay its own; RTLD_NOW: a missing symbol
	 * is found now, not in the middle of a report. */
	out->dl = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (out->dl == NULL) {
		const char *why = dlerror();
		snprintf(err, errlen, "%s: not a loadable shared object (%s)",
		         file, why ? why : "dlopen failed");
		return LD_EREFUSED;
	}
	const struct ld_plugin *(*entry)(void);
	*(void **)&entry = dlsym(out->dl, "ld_plugin_entry_v1");
	const struct ld_plugin *p = entry ? entry() : NULL;
	const char *why = NULL;
	char msg[300];
	if (entry == NULL) {
		why = "no ld_plugin_entry_v1: not a liandong report plugin";
	} else if (p == NULL) {
		why = "ld_plugin_entry_v1 returned no descriptor";
	} else if (p->magic != LD_PLUGIN_MAGIC) {
		snprintf(msg, sizeof(msg), "wrong magic 0x%08x (a liandong "
		         "plugin has 0x%08x)", p->magic, LD_PLUGIN_MAGIC);
		why = msg;
	} else if (p->abi_major != LD_PLUGIN_ABI_MAJOR) {
		snprintf(msg, sizeof(msg), "ABI %u.%u; this host runs ABI %u "
		         "plugins (rebuild it against this SDK)",
		         p->abi_major, p->abi_minor, LD_PLUGIN_ABI_MAJOR);
		why = msg;
	} else if (p->size < PLUGIN_MIN_SIZE) {
		snprintf(msg, sizeof(msg), "descriptor of %u bytes, smaller "
		         "than ABI 1.0's %zu", p->size, PLUGIN_MIN_SIZE);
		why = msg;
	} else if (p->name == NULL || !name_ok(p->name)) {
		why = "name: 1 to 32 of a-z 0-9 _ -";
	} else if (p->run == NULL) {
		why = "no run function";
	} else if (p->formats == NULL ||
	           (!ld_plugin_supports(p, "md") &&
	            !ld_plugin_supports(p, "csv") &&
	            !ld_plugin_supports(p, "json") &&
	            !ld_plugin_supports(p, "html"))) {
		why = "formats: none of md, csv, json, html";
	}
	if (why != NULL) {
		snprintf(err, errlen, "%s: %s", file, why);
		dlclose(out->dl);
		out->dl = NULL;
		return LD_EREFUSED;
	}
	out->p = p;
	return 0;
}

void
ld_plugin_unload(struct ld_loaded *l)
{
	if (l->dl != NULL)
		dlclose(l->dl);
	memset(l, 0, sizeof(*l));
}

/* ---------------------------------------------------------------- context */

struct ld_rec {
	const ProtobufCMessage *m; /* the body, or a nested message */
	const Ld__Record *top;     /* the record (envelope) */
	struct ld_ctx *c;
};

#define NAMES_MAX 4096
#define ARENA_BLOCK 256
#define ARENA_BLOCKS 4096 /* at most 1M nested messages per record */

struct ld_ctx {
	const struct ld_run *run;
	const struct ld_plugin *p;
	struct ld_store *st;
	struct ld_txn *t; /* the run's read transaction */
	struct ld_doc *doc;
	char *raw;
	size_t rawlen, rawcap;
	bool structured, mixed, failed;
	char err[300];
	char last_error[300]; /* the plugin's last ERROR log line */
	/* msg_at wrappers, in blocks that never move, reused for each
	 * record */
	struct ld_rec *arena[ARENA_BLOCKS];
	size_t narena;
	/* office names looked up so far */
	char *name_path[NAMES_MAX], *name_val[NAMES_MAX];
	size_t nnames;
};

static void
ctx_fail(struct ld_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ctx_fail(struct ld_ctx *c, const char *fmt, ...)
{
	if (c->failed)
		return;
	c->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- run */

static const char *
h_format(struct ld_ctx *c)
{
	return c->run->format;
}

static uint32_t
h_year(struct ld_ctx *c)
{
	return c->run->year;
}

static const char *
h_scope(struct ld_ctx *c)
{
	return c->run->scope;
}

static const char *
h_self(struct ld_ctx *c)
{
	return c->run->self;
}

static const char *
h_config(struct ld_ctx *c, const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = c->run->nset; i-- > 0;)
		if (strcmp(c->run->set_key[i], key) == 0)
			return c->run->set_val[i];
	return NULL;
}

/* ---------------------------------------------------------------- fields */

/* The field `name` of r's message, or of the envelope for a record's
 * body; *base gets the message holding it. */
static const ProtobufCFieldDescriptor *
field_of(const struct ld_rec *r, const char *name, const void **base)
{
	if (r == NULL || name == NULL)
		return NULL;
	const ProtobufCFieldDescriptor *f = NULL;
	if (r->m != NULL) {
		f = protobuf_c_message_descriptor_get_field_by_name(
		    r->m->descriptor, name);
		*base = r->m;
	}
	if (f == NULL && r->top != NULL &&
	    (r->m == NULL || r->m == (const ProtobufCMessage *)r->top ||
	     r->m == ld_record_body(r->top))) {
		f = protobuf_c_message_descriptor_get_field_by_name(
		    r->top->base.descriptor, name);
		*base = r->top;
	}
	/* The oneof body itself is not a field a plugin reads. */
	if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE &&
	    f->label != PROTOBUF_C_LABEL_REPEATED)
		return NULL;
	return f;
}

static const void *
at(const void *base, const ProtobufCFieldDescriptor *f)
{
	return (const char *)base + f->offset;
}

static size_t
h_count(const struct ld_rec *r, const char *field)
{
	const void *base;
	const ProtobufCFieldDescriptor *f = field_of(r, field, &base);
	if (f == NULL || f->label != PROTOBUF_C_LABEL_REPEATED)
		return 0;
	return *(const size_t *)((const char *)base + f->quantifier_offset);
}

static const char *
scalar_str(const ProtobufCFieldDescriptor *f, const void *p)
{
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(char *const *)p;
		return s ? s : "";
	}
	if (f->type == PROTOBUF_C_TYPE_ENUM) {
		const ProtobufCEnumValue *v =
		    protobuf_c_enum_descriptor_get_value(f->descriptor,
		                                         *(const int *)p);
		return v ? v->name : "";
	}
	return "";
}

static double
scalar_num(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return *(const int32_t *)p;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return *(const uint32_t *)p;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return (double)*(const int64_t *)p;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return (double)*(const uint64_t *)p;
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)p ? 1 : 0;
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const float *)p;
	case PROTOBUF_C_TYPE_DOUBLE:
		return *(const double *)p;
	default:
		return 0;
	}
}

static const char *
h_str(const struct ld_rec *r, const char *field)
{
	const void *base;
	const ProtobufCFieldDescriptor *f = field_of(r, field, &base);
	if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED)
		return "";
	return scalar_str(f, at(base, f));
}

static double
h_num(const struct ld_rec *r, const char *field)
{
	const void *base;
	const ProtobufCFieldDescriptor *f = field_of(r, field, &base);
	if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED)
		return 0;
	return scalar_num(f, at(base, f));
}

static const char *
h_str_at(const struct ld_rec *r, const char *field, size_t i)
{
	const void *base;
	const ProtobufCFieldDescriptor *f = field_of(r, field, &base);
	if (f == NULL || f->label != PROTOBUF_C_LABEL_REPEATED ||
	    f->type != PROTOBUF_C_TYPE_STRING ||
	    i >= *(const size_t *)((const char *)base + f->quantifier_offset))
		return NULL;
	char *const *v = *(char *const *const *)at(base, f);
	return v[i] ? v[i] : "";
}

static const struct ld_rec *
h_msg_at(const struct ld_rec *r, const char *field, size_t i)
{
	const void *base;
	const ProtobufCFieldDescriptor *f = field_of(r, field, &base);
	if (f == NULL || f->label != PROTOBUF_C_LABEL_REPEATED ||
	    f->type != PROTOBUF_C_TYPE_MESSAGE ||
	    i >= *(const size_t *)((const char *)base + f->quantifier_offset))
		return NULL;
	struct ld_ctx *c = r->c;
	size_t b = c->narena / ARENA_BLOCK;
	if (b >= ARENA_BLOCKS)
		return NULL;
	if (c->arena[b] == NULL &&
	    (c->arena[b] = malloc(ARENA_BLOCK * sizeof(struct ld_rec))) ==
	        NULL)
		return NULL;
	struct ld_rec *w = &c->arena[b][c->narena++ % ARENA_BLOCK];
	w->m = (*(ProtobufCMessage *const *const *)at(base, f))[i];
	w->top = r->top;
	w->c = c;
	return w;
}

static uint32_t
h_kind(const struct ld_rec *r)
{
	return r && r->top ? (uint32_t)r->top->kind : 0;
}

static const char *
h_id(const struct ld_rec *r)
{
	return r && r->top ? r->top->id : "";
}

static const char *
h_owner(const struct ld_rec *r)
{
	return r && r->top ? r->top->owner : "";
}

static uint64_t
h_version(const struct ld_rec *r)
{
	return r && r->top ? r->top->version : 0;
}

static int
h_deleted(const struct ld_rec *r)
{
	return r && r->top ? r->top->deleted : 0;
}

static uint32_t
h_year_of(const struct ld_rec *r)
{
	return r && r->top ? ld_rule_year(r->top) : 0;
}

static const char *
h_office_name(struct ld_ctx *c, const char *path)
{
	if (path == NULL)
		return "";
	for (size_t i = 0; i < c->nnames; i++)
		if (strcmp(c->name_path[i], path) == 0)
			return c->name_val[i];
	char id[LD_ID_MAX + 1];
	if (strlen(path) > LD_PATH_MAX)
		return "";
	snprintf(id, sizeof(id), "%s:0", path);
	Ld__Record *r = ld_store_load(c->t, id);
	const char *name = r && r->body_case == LD__RECORD__BODY_NODE
	                       ? r->node->name
	                       : "";
	char *p = strdup(path), *v = strdup(name);
	if (r != NULL)
		ld__record__free_unpacked(r, NULL);
	if (p == NULL || v == NULL || c->nnames == NAMES_MAX) {
		free(p);
		free(v);
		return "";
	}
	c->name_path[c->nnames] = p;
	c->name_val[c->nnames] = v;
	return c->name_val[c->nnames++];
}

/* ---------------------------------------------------------------- each */

/* Called by walk() for each decoded record of a query; non-zero stops. */
typedef int (*walk_fn)(struct ld_ctx *c, const Ld__Record *r, void *arg);

/* Visit the records of `q` (owner and below, kind, year, live_only) in
 * id order: the one walk behind `each` and `figures`. */
static int
walk(struct ld_ctx *c, const struct ld_query *q, walk_fn fn, void *arg)
{
	if (q == NULL || fn == NULL || q->size < sizeof(uint32_t) * 2)
		return ABI_FAIL;
	/* Fields a plugin of an older minor did not have read as 0. */
	struct ld_query qq = {0};
	memcpy(&qq, q, q->size < sizeof(qq) ? q->size : sizeof(qq));
	const char *owner = qq.owner ? qq.owner : c->run->scope;
	uint32_t year = qq.year == LD_YEAR_ALL ? 0
	                : qq.year             ? qq.year
	                                      : c->run->year;
	const char *why;
	if (!ld_path_valid(owner, &why)) {
		ctx_fail(c, "each: owner '%.64s': %s", owner, why);
		return ABI_FAIL;
	}
	size_t ol = strlen(owner);
	struct ld_reciter it;
	if (ld_store_rec_open(c->t, owner, &it) != 0)
		return ABI_FAIL;
	const char *id;
	struct ld_val v;
	int rc = 0, irc;
	while ((irc = ld_store_rec_next(&it, &id, &v)) == 0) {
		/* Ids are OWNER:N; the subtree's ids all start with owner. */
		if (strncmp(id, owner, ol) != 0)
			break;
		if (id[ol] != ':' && id[ol] != '/')
			continue;
		Ld__Record *r = ld_record_unpack(v.p, v.n);
		if (r == NULL)
			continue;
		bool ok = (qq.kind == 0 || (uint32_t)r->kind == qq.kind) &&
		          (!qq.live_only || !r->deleted) &&
		          (year == 0 || ld_rule_year(r) == year);
		if (ok)
			rc = fn(c, r, arg);
		ld__record__free_unpacked(r, NULL);
		if (rc != 0)
			break;
	}
	ld_store_rec_close(&it);
	if (irc != 0 && irc != MDB_NOTFOUND && rc == 0) {
		ctx_fail(c, "store: %s", ld_store_strerror(irc));
		return ABI_FAIL;
	}
	return rc;
}

struct each_arg {
	ld_rec_fn fn;
	void *arg;
};

static int
each_one(struct ld_ctx *c, const Ld__Record *r, void *arg)
{
	struct each_arg *a = arg;
	struct ld_rec w = {ld_record_body(r), r, c};
	c->narena = 0;
	return a->fn(&w, a->arg);
}

static int
h_each(struct ld_ctx *c, const struct ld_query *q, ld_rec_fn fn, void *arg)
{
	if (fn == NULL)
		return ABI_FAIL;
	struct each_arg a = {fn, arg};
	return walk(c, q, each_one, &a);
}

/* ---------------------------------------------------------------- rules */

static const ProtobufCMessage *
msg_of(const struct ld_rec *r, const ProtobufCMessageDescriptor *d)
{
	return r != NULL && r->m != NULL && r->m->descriptor == d ? r->m
	                                                          : NULL;
}

static int
h_is(const struct ld_rec *r, uint32_t rule)
{
	const Ld__PlanItem *it =
	    (const Ld__PlanItem *)msg_of(r, &ld__plan_item__descriptor);
	const Ld__Proposal *p =
	    (const Ld__Proposal *)msg_of(r, &ld__proposal__descriptor);
	switch (rule) {
	case LD_RULE_PLANNED:
		return it ? ld_rule_item_planned(it->status) : ABI_FAIL;
	case LD_RULE_HELD:
		return it ? ld_rule_item_held(it->status) : ABI_FAIL;
	case LD_RULE_ANSWERED:
		return p ? ld_rule_proposal_answered(p) : ABI_FAIL;
	case LD_RULE_SOLVED:
		return p ? ld_rule_proposal_solved(p) : ABI_FAIL;
	case LD_RULE_RATED:
		return p ? ld_rule_proposal_rated(p) : ABI_FAIL;
	case LD_RULE_SATISFIED:
		return p ? ld_rule_proposal_satisfied(p) : ABI_FAIL;
	default:
		return ABI_FAIL;
	}
}

/* core's figures as the SDK hands them over. */
static void
figs_of(const struct ld_figures *g, struct ld_figs *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->year = g->year;
	f->surveys = (double)g->research;
	f->inspections = (double)g->inspections;
	f->planned = (double)g->planned;
	f->held = (double)g->held.total;
	f->tasks = (double)g->tasks.total;
	f->follow_ups = (double)g->follow_ups;
	f->appraised = (double)g->appraised;
	f->proposals = (double)g->proposals.total;
	f->filed = (double)g->proposals.filed;
	f->answered = (double)g->proposals.replied;
	f->a = (double)g->proposals.a;
	f->b = (double)g->proposals.b;
	f->c = (double)g->proposals.c;
	f->solved = (double)g->proposals.solved;
	f->face_to_face = (double)g->proposals.face_to_face;
	f->rated = (double)g->proposals.rated;
	f->satisfied = (double)g->proposals.satisfied;
}

/* One walk: the office whose records come now (ids are grouped by
 * owner) and the total. */
struct figs_arg {
	ld_figs_fn fn;
	void *arg;
	uint32_t year; /* walk() has kept only the records of this year */
	char office[LD_PATH_MAX + 1];
	struct ld_figures one, all;
};

static int
figs_flush(struct figs_arg *a)
{
	if (a->office[0] == '\0')
		return 0;
	struct ld_figs f;
	figs_of(&a->one, &f);
	f.year = a->year;
	int rc = a->fn(a->office, &f, a->arg);
	a->office[0] = '\0';
	return rc;
}

static int
figs_one(struct ld_ctx *c, const Ld__Record *r, void *arg)
{
	(void)c;
	struct figs_arg *a = arg;
	if (r->deleted)
		return 0;
	if (strcmp(a->office, r->owner) != 0) {
		int rc = figs_flush(a);
		if (rc != 0)
			return rc;
		snprintf(a->office, sizeof(a->office), "%s", r->owner);
		ld_figures_init(&a->one, 0);
	}
	ld_figures_add(&a->one, r);
	ld_figures_add(&a->all, r);
	return 0;
}

static int
h_record_figures(const struct ld_rec *r, struct ld_figs *out)
{
	if (r == NULL || r->top == NULL || out == NULL)
		return ABI_FAIL;
	struct ld_figures g;
	ld_figures_init(&g, 0);
	ld_figures_add(&g, r->top);
	figs_of(&g, out);
	return 0;
}

static int
h_figures(struct ld_ctx *c, const struct ld_query *q, ld_figs_fn fn,
          void *arg)
{
	if (q == NULL || fn == NULL || q->size < sizeof(uint32_t) * 2)
		return ABI_FAIL;
	struct ld_query qq = {0};
	memcpy(&qq, q, q->size < sizeof(qq) ? q->size : sizeof(qq));
	qq.size = sizeof(qq);
	qq.live_only = 1;
	uint32_t year = qq.year == LD_YEAR_ALL ? 0
	                : qq.year             ? qq.year
	                                      : c->run->year;
	struct figs_arg *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		ctx_fail(c, "figures: out of memory");
		return ABI_FAIL;
	}
	a->fn = fn;
	a->arg = arg;
	a->year = year;
	/* walk() filters by year already: count all it visits. */
	ld_figures_init(&a->all, 0);
	int rc = walk(c, &qq, figs_one, a);
	if (rc == 0)
		rc = figs_flush(a);
	if (rc == 0) {
		struct ld_figs f;
		figs_of(&a->all, &f);
		f.year = year;
		rc = fn(NULL, &f, arg);
	}
	free(a);
	return rc;
}

static int
h_progress(struct ld_ctx *c, const char *task, const char *today,
           ld_target_fn fn, void *arg)
{
	char day[11];
	if (task == NULL || fn == NULL)
		return ABI_FAIL;
	if (today != NULL) {
		if (!ld_text_date_valid(today))
			return ABI_FAIL;
		snprintf(day, sizeof(day), "%s", today);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		if (localtime_r(&now, &tm) == NULL ||
		    strftime(day, sizeof(day), "%Y-%m-%d", &tm) != 10)
			snprintf(day, sizeof(day), "1970-01-01");
	}
	struct ld_bag b = {0};
	if (ld_store_gather_task(c->t, task, &b) != 0)
		return ABI_FAIL;
	struct ld_progress p = {0};
	if (b.oom || ld_progress_compute((const Ld__Record *const *)b.v, b.n,
	                                 0, day, &p) != 0) {
		ld_bag_free(&b);
		ctx_fail(c, "progress: out of memory, or the store could not "
		            "be read");
		return ABI_FAIL;
	}
	int rc = 0;
	for (size_t i = 0; i < p.n && rc == 0; i++) {
		const struct ld_progress_row *w = &p.rows[i];
		struct ld_target t = {
		    .size = sizeof(t),
		    .state = (uint32_t)w->state,
		    .path = w->path,
		    .group = w->group,
		    .task = w->task->id,
		    .due = w->due,
		    .result = w->result ? w->result->id : "",
		    .result_version = w->result ? w->result->version : 0,
		    .review = w->review ? w->review->id : "",
		    .draft = w->draft,
		};
		rc = fn(&t, arg);
	}
	ld_progress_free(&p);
	ld_bag_free(&b);
	return rc;
}

/* The SDK's states are rollup.h's, by number. */
_Static_assert(LD_ST_PENDING == (int)LD_PS_PENDING &&
                   LD_ST_RELAYED == (int)LD_PS_RELAYED &&
                   LD_ST_OVERDUE == (int)LD_PS_OVERDUE &&
                   LD_ST_REPORTED == (int)LD_PS_REPORTED &&
                   LD_ST_RESUBMITTED == (int)LD_PS_RESUBMITTED &&
                   LD_ST_REVIEWED == (int)LD_PS_REVIEWED &&
                   LD_ST_RETURNED == (int)LD_PS_RETURNED &&
                   LD_ST_RECTIFY == (int)LD_PS_RECTIFY &&
                   LD_ST_COUNT == (int)LD_PS_COUNT,
               "enum ld_plugin_state is enum ld_ps");

static const char *
h_state_name(uint32_t st)
{
	return ld_ps_name((enum ld_ps)st);
}

static const char *
h_state_label(uint32_t st)
{
	return ld_ps_label((enum ld_ps)st);
}

/* ---------------------------------------------------------------- members */

static int
members_one(struct ld_ctx *c, const Ld__Record *r, void *arg)
{
	struct ld_members *m = arg;
	if (ld_members_add_member(m, r) != 0) {
		ctx_fail(c, "members: out of memory");
		return ABI_FAIL;
	}
	return 0;
}

static int
duty_one(struct ld_ctx *c, const Ld__Record *r, void *arg)
{
	(void)c;
	ld_members_add_duty(arg, r);
	return 0;
}

static int
h_members(struct ld_ctx *c, const struct ld_query *q, const char *quota,
          ld_member_fn fn, void *arg)
{
	if (q == NULL || fn == NULL || q->size < sizeof(uint32_t) * 2)
		return ABI_FAIL;
	struct ld_query qq = {0};
	memcpy(&qq, q, q->size < sizeof(qq) ? q->size : sizeof(qq));
	qq.size = sizeof(qq);
	qq.live_only = 1;
	uint32_t year = qq.year == LD_YEAR_ALL ? 0
	                : qq.year             ? qq.year
	                                      : c->run->year;
	struct ld_quota qt;
	char err[300];
	if (ld_quota_parse(quota, &qt, err, sizeof(err)) != 0) {
		ctx_fail(c, "%s", err);
		return ABI_FAIL;
	}
	struct ld_members m;
	ld_members_init(&m, year, &qt);
	/* Members whatever the year; their duty entries of the year. */
	qq.kind = LD__KIND__KIND_MEMBER;
	qq.year = LD_YEAR_ALL;
	int rc = walk(c, &qq, members_one, &m);
	if (rc == 0) {
		qq.kind = LD__KIND__KIND_DUTY;
		qq.year = year ? year : LD_YEAR_ALL;
		rc = walk(c, &qq, duty_one, &m);
	}
	ld_members_finish(&m);
	for (size_t i = 0; rc == 0 && i < m.n; i++) {
		const struct ld_member_year *y = &m.v[i];
		char missing[512];
		ld_members_missing(&m, y, missing, sizeof(missing));
		struct ld_member one = {
		    .size = sizeof(one),
		    .active = y->active,
		    .is_new = y->is_new,
		    .took_part = y->took_part,
		    .trained = y->trained,
		    .entries = y->entries,
		    .short_of = y->short_of,
		    .nact = LD_ACTIVITY_COUNT,
		    .counts = y->count,
		    .id = y->id,
		    .office = y->office,
		    .name = y->name,
		    .sector = y->sector,
		    .committee = y->committee,
		    .group = y->group,
		    .term = y->term,
		    .status = y->status,
		    .missing = missing,
		    .status_label = ld_status_label(LD_SM_MEMBER, y->status),
		};
		rc = fn(&one, arg);
	}
	ld_members_free(&m);
	return rc;
}

static const char *
h_activity_name(uint32_t i)
{
	return ld_activity_name(i);
}

/* ---------------------------------------------------------------- output */

static bool
structured(struct ld_ctx *c)
{
	if (c->raw != NULL) {
		c->mixed = true;
		return false;
	}
	c->structured = true;
	return true;
}

static void
doc_rc(struct ld_ctx *c, int rc)
{
	if (rc != 0)
		ctx_fail(c, "output: %s", ld_doc_error(c->doc));
}

static void
h_title(struct ld_ctx *c, const char *text)
{
	if (structured(c))
		doc_rc(c, ld_doc_title(c->doc, text ? text : ""));
}

static void
h_heading(struct ld_ctx *c, const char *text)
{
	if (structured(c))
		doc_rc(c, ld_doc_heading(c->doc, text ? text : ""));
}

static void
h_para(struct ld_ctx *c, const char *text)
{
	if (structured(c))
		doc_rc(c, ld_doc_para(c->doc, text ? text : ""));
}

static void
h_table(struct ld_ctx *c, const char *caption, size_t ncols,
        const char *const *cols)
{
	if (structured(c))
		doc_rc(c, ld_doc_table(c->doc, caption ? caption : "", ncols,
		                       cols));
}

static void
h_row(struct ld_ctx *c, const char *const *cells)
{
	if (structured(c))
		doc_rc(c, ld_doc_row(c->doc, cells));
}

static void
h_chart(struct ld_ctx *c, const char *caption, size_t n,
        const char *const *labels, const double *values)
{
	if (structured(c))
		doc_rc(c, ld_doc_chart(c->doc, caption ? caption : "", n,
		                       labels, values));
}

static void
h_figure(struct ld_ctx *c, const char *name, double value)
{
	/* Figures go with raw output too: they are what a published
	 * report carries upward. */
	if (name != NULL)
		doc_rc(c, ld_doc_figure(c->doc, name, value));
}

void
ld_sources_free(struct ld_sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->figure[i]);
		free(s->id[i]);
	}
	free(s->figure);
	free(s->id);
	free(s->version);
	memset(s, 0, sizeof(*s));
}

/* At most this many records named behind the figures of one run. */
#define SOURCES_MAX (1u << 20)

static void
h_figure_source(struct ld_ctx *c, const char *name, const struct ld_rec *r)
{
	struct ld_sources *s = c->run->sources;
	if (s == NULL || name == NULL)
		return;
	s->attributed = true;
	if (s->n == SOURCES_MAX) {
		ctx_fail(c, "figure_source: more than %u records", SOURCES_MAX);
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		char **f = realloc(s->figure, cap * sizeof(*f));
		if (f != NULL)
			s->figure = f;
		char **id = f ? realloc(s->id, cap * sizeof(*id)) : NULL;
		if (id != NULL)
			s->id = id;
		uint64_t *v = id ? realloc(s->version, cap * sizeof(*v)) : NULL;
		if (v == NULL) {
			ctx_fail(c, "figure_source: out of memory");
			return;
		}
		s->version = v;
		s->cap = cap;
	}
	const Ld__Record *top = r ? r->top : NULL;
	char *f = strdup(name), *id = top ? strdup(top->id) : NULL;
	if (f == NULL || (top != NULL && id == NULL)) {
		free(f);
		free(id);
		ctx_fail(c, "figure_source: out of memory");
		return;
	}
	s->figure[s->n] = f;
	s->id[s->n] = id;
	s->version[s->n++] = top ? top->version : 0;
}

#define RAW_MAX (256u << 20)

static int
h_write(struct ld_ctx *c, const void *p, size_t n)
{
	if (c->structured) {
		c->mixed = true;
		return ABI_FAIL;
	}
	if (n > RAW_MAX - c->rawlen) {
		ctx_fail(c, "output: more than 256 MiB");
		return ABI_FAIL;
	}
	if (c->rawlen + n + 1 > c->rawcap) {
		size_t cap = c->rawcap ? c->rawcap : 65536;
		while (cap < c->rawlen + n + 1)
			cap *= 2;
		char *b = realloc(c->raw, cap);
		if (b == NULL) {
			ctx_fail(c, "output: out of memory");
			return ABI_FAIL;
		}
		c->raw = b;
		c->rawcap = cap;
	}
	memcpy(c->raw + c->rawlen, p, n);
	c->rawlen += n;
	c->raw[c->rawlen] = '\0';
	return 0;
}

static void
h_log(struct ld_ctx *c, int level, const char *msg)
{
	static const char *const lv[] = {"ERROR", "WARN", "INFO"};
	if (level == LD_PL_ERROR)
		snprintf(c->last_error, sizeof(c->last_error), "%s",
		         msg ? msg : "");
	fprintf(stderr, "liandong-report: %s: %s: %s\n", c->p->name,
	        level >= 0 && level <= 2 ? lv[level] : "INFO",
	        msg ? msg : "");
}

static const struct ld_host host = {
    .size = sizeof(struct ld_host),
    .abi_major = LD_PLUGIN_ABI_MAJOR,
    .abi_minor = LD_PLUGIN_ABI_MINOR,
    .format = h_format,
    .year = h_year,
    .scope = h_scope,
    .self = h_self,
    .config = h_config,
    .each = h_each,
    .kind = h_kind,
    .id = h_id,
    .owner = h_owner,
    .version = h_version,
    .deleted = h_deleted,
    .year_of = h_year_of,
    .str = h_str,
    .num = h_num,
    .count = h_count,
    .str_at = h_str_at,
    .msg_at = h_msg_at,
    .office_name = h_office_name,
    .title = h_title,
    .heading = h_heading,
    .para = h_para,
    .table = h_table,
    .row = h_row,
    .chart = h_chart,
    .figure = h_figure,
    .write = h_write,
    .log = h_log,
    .is = h_is,
    .figures = h_figures,
    .progress = h_progress,
    .state_name = h_state_name,
    .state_label = h_state_label,
    .figure_source = h_figure_source,
    .record_figures = h_record_figures,
    .members = h_members,
    .activity_name = h_activity_name,
};

int
ld_plugin_run(const struct ld_loaded *l, const struct ld_run *run,
              struct ld_store *st, struct ld_doc *doc, char **raw,
              size_t *rawlen, char *err, size_t errlen)
{
	*raw = NULL;
	*rawlen = 0;
	struct ld_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->run = run;
	c->p = l->p;
	c->st = st;
	c->doc = doc;
	struct ld_txn t;
	int rc = ld_store_read_begin(st, &t);
	if (rc != 0) {
		snprintf(err, errlen, "store: %s", ld_store_strerror(rc));
		free(c);
		return rc;
	}
	c->t = &t;
	const struct ld_plugin *p = l->p;
	int prc = 0;
	if (p->init != NULL && (prc = p->init(c, &host)) != 0)
		ctx_fail(c, "the plugin's init failed (%d)", prc);
	if (!c->failed && (prc = p->run(c, &host)) != 0) {
		/* What the plugin said last, if it logged an error. */
		if (c->last_error[0] != '\0')
			ctx_fail(c, "%s", c->last_error);
		else
			ctx_fail(c, "the plugin's run failed (%d)", prc);
	}
	if (p->fini != NULL)
		p->fini(c, &host);
	ld_store_read_end(&t);
	if (!c->failed && c->mixed)
		ctx_fail(c, "the plugin mixed raw output (write) with "
		            "structured output (title, table ...)");
	rc = c->failed ? LD_EPLUGIN : 0;
	if (rc != 0) {
		snprintf(err, errlen, "%s", c->err);
		free(c->raw);
	} else {
		*raw = c->raw;
		*rawlen = c->rawlen;
	}
	for (size_t i = 0; i < c->nnames; i++) {
		free(c->name_path[i]);
		free(c->name_val[i]);
	}
	for (size_t i = 0; i < ARENA_BLOCKS && c->arena[i] != NULL; i++)
		free(c->arena[i]);
	free(c);
	return rc;
}
