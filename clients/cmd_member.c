/* cmd_member.c — 'liandong member add|contact|import' and 'liandong duty
 * add': members (委员) and their duty entries (履职记录). A member's
 * personal details go only to DIR/members.private at this office
 * (contacts.h), never into the record; 'member set' is in cmd_edit.c. */
#include "batch.h"
#include "cli.h"
#include "config.h"
#include "contacts.h"
#include "csv.h"
#include "json.h"
#include "record.h"
#include "roster.h"
#include "text.h"
#include "validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROSTER_MAX (16u << 20)

/* DIR/members.private of the office whose data directory this is. The
 * details never travel, so not over --remote. 0, or the exit code. */
static int
contacts_file(const struct cmd *c, char *file, size_t len)
{
	char dir[4096];
	int rc = ld_cli_office_dir(
	    c,
	    "personal details (--phone, --address, --id-number, --email) "
	    "stay in the office's own data directory: use --data DIR there, "
	    "not --remote",
	    dir, sizeof(dir));
	if (rc == 0)
		snprintf(file, len, "%s/%s", dir, LD_CONTACTS_FILE);
	return rc;
}

static bool
personal(const struct args *a)
{
	return a->phone || a->address || a->id_number || a->email;
}

static int
check_personal(const struct args *a)
{
	const char *v[] = {a->phone, a->address, a->id_number, a->email};
	const char *n[] = {"--phone", "--address", "--id-number", "--email"};
	for (size_t i = 0; i < 4; i++) {
		if (v[i] == NULL)
			continue;
		int bad = ld_text_check(v[i], strlen(v[i]), NULL);
		if (bad != 0 || strlen(v[i]) > 1024)
			return ld_cli_fail("%s: %s", n[i],
			                   bad ? ld_strerror(bad)
			                       : "longer than 1024 bytes");
	}
	return 0;
}

static void
print_id(const char *id, bool json)
{
	if (!json) {
		printf("%s\n", id);
		return;
	}
	struct ld_buf b = {0};
	ld_buf_puts(&b, "{\"id\": ");
	ld_json_put_string(&b, id);
	ld_buf_puts(&b, "}\n");
	fputs(b.p ? b.p : "", stdout);
	ld_buf_free(&b);
}

static int
save_contact(const char *file, const char *id, const struct args *a)
{
	struct ld_contact one = {(char *)id, (char *)a->phone,
	                         (char *)a->address, (char *)a->id_number,
	                         (char *)a->email};
	char err[4200];
	if (ld_contacts_update(file, &one, 1, err, sizeof(err)) != 0)
		return ld_cli_fail("%s (the member %s was written; set the "
		                   "details again with 'liandong member "
		                   "contact %s')", err, id, id);
	return 0;
}

int
ld_cli_run_member_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_NAME,   O_SECTOR,     O_COMMITTEE, O_GROUP,
	                         O_TERM,   O_STATUS,     O_JOINED,
	                         O_NEW_MEMBER, O_PHONE,  O_ADDRESS,
	                         O_ID_NUMBER, O_EMAIL,   O_JSON,      0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.name, "--name")) != 0)
		return rc;
	bool nw = false;
	if (a.new_member != NULL &&
	    (rc = ld_cli_parse_yes_no(c, "--new", a.new_member, &nw)) != 0)
		return rc;
	char file[4200] = "";
	if (personal(&a) && ((rc = contacts_file(c, file, sizeof(file))) != 0 ||
	                     (rc = check_personal(&a)) != 0))
		return rc;
	Ld__Member m = LD__MEMBER__INIT;
	m.name = (char *)a.name;
	m.sector = ld_cli_str(a.sector);
	m.committee = ld_cli_str(a.committee);
	m.group = ld_cli_str(a.group);
	m.term = ld_cli_str(a.term);
	m.status = ld_cli_str(a.status);
	m.joined = ld_cli_str(a.joined);
	m.new_member = nw;
	if (!personal(&a))
		return ld_cli_add_body(c, &m.base, &a);
	Ld__Record r;
	struct ld_client *cl = NULL;
	char id[LD_ID_MAX + 1];
	if ((rc = ld_cli_record_init(&r, &m.base)) == 0 &&
	    (rc = ld_cli_connect(c, &cl)) == 0 &&
	    (rc = ld_cli_add_call(cl, &r, id, sizeof(id))) == 0 &&
	    (rc = save_contact(file, id, &a)) == 0)
		print_id(id, a.json);
	ld_client_close(&cl);
	return rc;
}

/* Print one member's details as the file holds them. */
static void
print_contact(const char *id, const struct ld_contact *one, bool json)
{
	const char *v[] = {one ? one->phone : "", one ? one->address : "",
	                   one ? one->id_number : "", one ? one->email : ""};
	const char *n[] = {"phone", "address", "id_number", "email"};
	struct ld_buf b = {0};
	if (json) {
		ld_buf_puts(&b, "{\"member\": ");
		ld_json_put_string(&b, id);
		for (size_t i = 0; i < 4; i++) {
			ld_buf_printf(&b, ", \"%s\": ", n[i]);
			ld_json_put_string(&b, v[i]);
		}
		ld_buf_puts(&b, "}\n");
	} else {
		ld_buf_printf(&b, "member     %s\n", id);
		for (size_t i = 0; i < 4; i++)
			ld_buf_printf(&b, "%-10s %s\n", n[i], v[i]);
	}
	fputs(b.p ? b.p : "", stdout);
	ld_buf_free(&b);
}

int
ld_cli_run_member_contact(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_PHONE, O_ADDRESS, O_ID_NUMBER, O_EMAIL,
	                         O_JSON,  0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	const char *id = a.rest[0];
	char file[4200];
	if ((rc = contacts_file(c, file, sizeof(file))) != 0 ||
	    (rc = check_personal(&a)) != 0)
		return rc;
	/* Only a member this office owns has its details here. */
	Ld__Record *r = NULL;
	if ((rc = ld_cli_get(c, id, &r)) != 0)
		return rc;
	char self[LD_PATH_MAX + 1];
	snprintf(self, sizeof(self), "%s", r->owner);
	bool member = r->body_case == LD__RECORD__BODY_MEMBER && !r->deleted;
	static struct ld_config cfg;
	char err[4200];
	if (ld_config_load(ld_cli_data_dir, &cfg, err, sizeof(err)) != 0) {
		ld__record__free_unpacked(r, NULL);
		return ld_cli_fail("%s", err);
	}
	ld__record__free_unpacked(r, NULL);
	if (!member)
		return ld_cli_fail("%s is not a member", id);
	if (strcmp(self, cfg.id) != 0)
		return ld_cli_fail("%s is a member of %s: personal details are "
		                   "kept only there", id, self);
	if (personal(&a) && (rc = save_contact(file, id, &a)) != 0)
		return rc;
	struct ld_contacts all;
	if (ld_contacts_load(file, &all, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	print_contact(id, ld_contacts_find(&all, id), a.json);
	ld_contacts_free(&all);
	return 0;
}

int
ld_cli_run_duty_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_ACTIVITY, O_DATE, O_REF,  O_MEMBER,
	                         O_NOTE,     O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.activity, "--activity")) ||
	    (rc = ld_cli_need(c, a.date, "--date")))
		return rc;
	if (a.member.n == 0)
		return ld_cli_usage_error(c, "--member ID is required (once "
		                             "for each member who took part)");
	Ld__Duty d = LD__DUTY__INIT;
	d.activity = (char *)a.activity;
	d.date = (char *)a.date;
	d.ref = ld_cli_str(a.ref);
	d.note = ld_cli_str(a.note);
	d.members = a.member.v;
	d.n_members = a.member.n;
	return ld_cli_add_body(c, &d.base, &a);
}

/* Read all of `path` ("-": standard input) into a NUL-terminated
 * buffer. 0, or the exit code (said). */
static int
slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return ld_cli_fail("%s: %s", path, strerror(errno));
	char *p = malloc(ROSTER_MAX + 1);
	if (p == NULL) {
		fprintf(stderr, "liandong: out of memory\n");
		exit(1);
	}
	size_t n = fread(p, 1, ROSTER_MAX + 1, f);
	bool bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad || n > ROSTER_MAX) {
		free(p);
		return ld_cli_fail("%s: %s", path,
		                   bad ? "read failed"
		                       : "larger than 16 MiB");
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int
ld_cli_run_member_import(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_DRY_RUN, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	const char *path = a.rest[0];
	char *buf = NULL;
	size_t len = 0;
	if ((rc = slurp(path, &buf, &len)) != 0)
		return rc;
	struct ld_batch b = {.file = strcmp(path, "-") == 0 ? "stdin" : path,
	                     .csv = true};
	struct ld_csv csv;
	struct ld_csv_error ce;
	struct ld_contact *ct = NULL;
	char err[2048], file[4200] = "";
	char **ids = NULL;
	struct ld_client *cl = NULL;
	if (ld_csv_parse(buf, len, &csv, &ce) != 0) {
		rc = ld_cli_fail("%s:%zu:%zu: %s", b.file, ce.line, ce.col,
		                 ce.msg);
		ld_csv_free(&csv);
		free(buf);
		return rc;
	}
	free(buf);
	ct = ld_xcalloc(csv.n + 1, sizeof(*ct));
	if (ld_roster_read(&csv, &b, ct, err, sizeof(err)) != 0)
		rc = ld_cli_fail("%s", err);
	else if (b.n == 0)
		rc = ld_cli_fail("%s: no members to import", b.file);
	ld_csv_free(&csv);
	bool priv = rc == 0 && ld_roster_personal(ct, b.n);
	char self[LD_PATH_MAX + 1];
	if (rc == 0 && priv)
		rc = contacts_file(c, file, sizeof(file));
	if (rc == 0 && (rc = ld_cli_connect(c, &cl)) == 0 &&
	    (rc = ld_cli_node_path(cl, self, sizeof(self))) == 0 &&
	    ld_batch_check(&b, self, err, sizeof(err)) != 0)
		rc = ld_cli_fail("%s", err);
	ids = ld_xcalloc(b.n + 1, sizeof(char *));
	size_t sent = 0;
	for (size_t i = 0; rc == 0 && !a.dry_run && i < b.n; i++) {
		char id[LD_ID_MAX + 1], where[1024];
		ld_set_str(&b.v[i].r->author, ld_cli_author());
		Ld__AddRequest add = LD__ADD_REQUEST__INIT;
		add.record = b.v[i].r;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_ADD;
		req.add = &add;
		Ld__Response *resp = NULL;
		char why[1024];
		rc = ld_client_call(cl, &req, &resp, LD_CLIENT_TIMEOUT_MS, why,
		                    sizeof(why));
		if (rc == 0 && resp->code != LD__CODE__CODE_OK) {
			snprintf(why, sizeof(why), "%s",
			         resp->error[0] ? resp->error : "refused");
			rc = LD_EREFUSED;
		}
		if (rc == 0) {
			snprintf(id, sizeof(id), "%s", resp->id);
			ids[i] = ld_xstrdup(id);
			ct[i].member = ld_xstrdup(id);
			sent++;
		}
		if (resp != NULL)
			ld__response__free_unpacked(resp, NULL);
		if (rc != 0) {
			ld_batch_where(&b, i, 0, where, sizeof(where));
			rc = ld_cli_fail("%s: not imported: %s (%zu member%s "
			                 "before it were written)", where, why,
			                 i, i == 1 ? "" : "s");
		}
	}
	/* The details of those written, whatever happened after. */
	if (priv && sent > 0 &&
	    ld_contacts_update(file, ct, sent, err, sizeof(err)) != 0 &&
	    rc == 0)
		rc = ld_cli_fail("%s", err);
	if (rc == 0) {
		struct ld_buf out = {0};
		if (a.json) {
			ld_buf_puts(&out, "{\"file\": ");
			ld_json_put_string(&out, b.file);
			ld_buf_printf(&out, ", \"%s\": %zu, \"ids\": [",
			              a.dry_run ? "checked" : "imported", b.n);
			for (size_t i = 0; i < sent; i++) {
				ld_buf_puts(&out, i ? ", " : "");
				ld_json_put_string(&out, ids[i]);
			}
			ld_buf_puts(&out, "]}\n");
		} else {
			ld_buf_printf(&out, "%s %zu member%s from %s",
			              a.dry_run ? "checked" : "imported", b.n,
			              b.n == 1 ? "" : "s", b.file);
			if (a.dry_run)
				ld_buf_puts(&out, " (nothing written)");
			else
				ld_buf_printf(&out, "\nids %s .. %s", ids[0],
				              ids[b.n - 1]);
			if (priv && !a.dry_run)
				ld_buf_puts(&out, "\npersonal details kept in "
				                  "this office's " LD_CONTACTS_FILE);
			ld_buf_puts(&out, "\n");
		}
		fputs(out.p ? out.p : "", stdout);
		ld_buf_free(&out);
	}
	ld_client_close(&cl);
	for (size_t i = 0; ids != NULL && i < b.n; i++)
		free(ids[i]);
	free(ids);
	ld_roster_free_contacts(ct, b.n);
	free(ct);
	ld_batch_free(&b);
	return rc;
}
