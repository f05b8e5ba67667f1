/* cli.h — what the liandong CLI's command files share: the command table
 * entry, every option, the parsed arguments, and the helpers that print
 * errors and talk to the node. */
#ifndef LD_CLI_H
#define LD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "err.h"
#include "liandong.pb-c.h"

#define LIST_MAX_ARGS 256

/* --data, or the remote API: endpoint, the node's key, our key file. */
extern const char *ld_cli_data_dir;
extern const char *ld_cli_remote, *ld_cli_server_key, *ld_cli_key_file;
/* --as NAME: the person every write is recorded as (NULL: not given). */
extern const char *ld_cli_as;

/* Check --as (ld_validate_author's rule, and not empty): 0, or 2 with a
 * one-line usage error printed ("liandong: --as 'a b': author: ..."). */
int ld_cli_check_as(const char *name);
/* The author of this run's writes: --as, else the local account's name
 * if it is a valid name, else "" (not said). */
const char *ld_cli_author(void);

struct cmd {
	const char *name, *sub;
	int (*run)(const struct cmd *c, int argc, char **argv);
	const char *args;  /* one-line synopsis after the command name */
	const char *help;  /* the rest of --help */
};

/* Every option after the command word: its name, the field of struct args
 * it fills, its code, and its kind (STR: one value, LIST: repeatable,
 * FLAG: no value). */
#define LD_OPTIONS(X)                                                          \
	X("json", json, JSON, FLAG)                                            \
	X("topic", topic, TOPIC, STR)                                          \
	X("form", form, FORM, STR)                                             \
	X("scope", scope, SCOPE, LIST)                                         \
	X("due", due, DUE, STR)                                                \
	X("target", target, TARGET, LIST)                                      \
	X("parent-task", parent_task, PARENT_TASK, STR)                        \
	X("year", year, YEAR, STR)                                             \
	X("title", title, TITLE, STR)                                          \
	X("item", item, ITEM, LIST)                                            \
	X("start", start, START, STR)                                          \
	X("end", end, END, STR)                                                \
	X("ref", ref, REF, STR)                                                \
	X("summary", summary, SUMMARY, STR)                                    \
	X("metric", metric, METRIC, LIST)                                      \
	X("finding", finding, FINDING, LIST)                                   \
	X("plan-item", plan_item, PLAN_ITEM, STR)                              \
	X("verdict", verdict, VERDICT, STR)                                    \
	X("comment", comment, COMMENT, STR)                                    \
	X("kind", kind, KIND, STR)                                             \
	X("owner", owner, OWNER, STR)                                          \
	X("id", id, ID, STR)                                                   \
	X("name", name, NAME, STR)                                             \
	X("level", level, LEVEL, STR)                                          \
	X("listen", listen, LISTEN, STR)                                       \
	X("parent", parent, PARENT, STR)                                       \
	X("parent-key", parent_key, PARENT_KEY, STR)                           \
	X("root-key", root_key, ROOT_KEY, STR)                                 \
	X("insecure", insecure, INSECURE, FLAG)                                \
	X("out", out, OUT, STR)                                                \
	X("status", status, STATUS, STR)                                       \
	X("number", number, NUMBER, STR)                                       \
	X("submitter", submitter, SUBMITTER, STR)                              \
	X("handler", handler, HANDLER, STR)                                    \
	X("outcome", outcome, OUTCOME, STR)                                    \
	X("face-to-face", face_to_face, FACE_TO_FACE, STR)                     \
	X("satisfaction", satisfaction, SATISFACTION, STR)                     \
	X("member", member, MEMBER, LIST)                                      \
	X("activity", activity, ACTIVITY, STR)                                 \
	X("date", date, DATE, STR)                                             \
	X("sector", sector, SECTOR, STR)                                       \
	X("committee", committee, COMMITTEE, STR)                              \
	X("group", group, GROUP, STR)                                          \
	X("term", term, TERM, STR)                                             \
	X("joined", joined, JOINED, STR)                                       \
	X("new", new_member, NEW_MEMBER, STR)                                  \
	X("note", note, NOTE, STR)                                             \
	X("phone", phone, PHONE, STR)                                          \
	X("address", address, ADDRESS, STR)                                    \
	X("id-number", id_number, ID_NUMBER, STR)                              \
	X("email", email, EMAIL, STR)                                          \
	X("month", month, MONTH, STR)                                          \
	X("lead", lead, LEAD, STR)                                             \
	X("responsible", responsible, RESPONSIBLE, STR)                        \
	X("assisting", assisting, ASSISTING, STR)                              \
	X("today", today, TODAY, STR)                                          \
	X("days", days, DAYS, STR)                                             \
	X("attach", attach, ATTACH, LIST)                                      \
	X("index", index, INDEX, STR)                                          \
	X("version", version, VERSION, STR)                                    \
	X("timeout", timeout, TIMEOUT, STR)                                    \
	X("format", format, FORMAT, STR)                                       \
	X("bom", bom, BOM, FLAG)                                               \
	X("set", set, SET, LIST)                                               \
	X("csv", csv, CSV, FLAG)                                               \
	X("dry-run", dry_run, DRY_RUN, FLAG)                                   \
	X("with-key", with_key, WITH_KEY, FLAG)                                \
	X("no-key", no_key, NO_KEY, FLAG)                                      \
	X("passphrase-file", passphrase_file, PASSPHRASE_FILE, STR)            \
	X("role", role, ROLE, STR)                                             \
	X("password-file", password_file, PASSWORD_FILE, STR)                  \
	X("revoke", revoke, REVOKE, FLAG)                                      \
	X("cosigner", cosigner, COSIGNER, LIST)                                \
	X("assist", assist, ASSIST, LIST)                                      \
	X("key", key, KEY, STR)                                                \
	X("supervisor", supervisor, SUPERVISOR, STR)                           \
	X("filed-on", filed_on, FILED_ON, STR)                                 \
	X("deadline", deadline, DEADLINE, STR)                                 \
	X("extend", extend, EXTEND, FLAG)                                      \
	X("content", content, CONTENT, STR)                                    \
	X("leader", leader, LEADER, STR)                                       \
	X("tree", tree, TREE, FLAG)                                            \
	X("proposals", proposals, PROPOSALS, FLAG)

enum {
	O_DATA = 'd',
	O_HELP = 'h',
	O_AS = 'a',
	O_FIRST = 999,
#define X(name, field, code, type) O_##code,
	LD_OPTIONS(X)
#undef X
};

struct strs {
	char *v[LIST_MAX_ARGS];
	size_t n;
};

/* Parsed values of every option; each command reads what it accepts. */
struct args {
	bool json, insecure, csv, dry_run, bom, with_key, no_key, revoke, tree;
	bool extend, proposals;
	const char *key, *supervisor, *filed_on, *deadline, *content, *leader;
	const char *topic, *form, *due, *parent_task, *year, *title, *start, *end,
	    *ref, *summary, *plan_item, *verdict, *comment, *kind, *owner, *id,
	    *name, *level, *listen, *parent, *parent_key, *root_key, *out,
	    *status, *number, *submitter, *handler, *outcome, *face_to_face,
	    *satisfaction, *month, *lead, *responsible, *assisting, *today,
	    *days, *index, *version, *timeout, *format, *passphrase_file,
	    *role, *password_file;
	/* members and duty entries (cmd_member.c) */
	const char *activity, *date, *sector, *committee, *group, *term,
	    *joined, *new_member, *note, *phone, *address, *id_number, *email;
	struct strs member;
	struct strs scope, target, item, metric, finding, attach, set;
	struct strs cosigner, assist;
	int nargs;
	char **rest;
};

/* A usage error: one line naming the command, exit code 2. */
int ld_cli_usage_error(const struct cmd *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A refusal or failure: one line, exit code 1. */
int ld_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* mkdir -p: `path` and the directories above it, each one made with
 * mode 0700 (keys and stores live there). Returns 0 or -errno. */
int ld_cli_mkdirs(const char *path);
int ld_cli_print_help(const struct cmd *c);

/* What ld_cli_parse returns when --help was asked for (and printed): not
 * an error; a command returns it as it is and main() exits 0. Far below
 * every -errno, so no failure passed up reads as it. */
#define LD_CLI_HELP (-10000)

/* Parse argv (argv[0] is the command word) accepting the options in the
 * 0-terminated `allowed`. Returns 0, LD_CLI_HELP for --help (printed), or
 * 2 for a usage error (printed): exit codes, this being the process's
 * boundary (err.h). */
int ld_cli_parse(const struct cmd *c, int argc, char **argv, const int *allowed,
                 struct args *a);
/* Exactly `want` positional arguments, or a usage error. */
int ld_cli_no_extra(const struct cmd *c, const struct args *a, int want);
/* The start of every command: ld_cli_parse, then ld_cli_no_extra with
 * `want`. 0 to go on; else what the command returns (LD_CLI_HELP, or 2
 * with the usage error printed). */
int ld_cli_args(const struct cmd *c, int argc, char **argv, const int *allowed,
                int want, struct args *a);
/* An option's value for a string field of a message (a record's body, a
 * request): "" when the option was not given (protobuf-c strings are
 * never NULL). Borrowed. */
char *ld_cli_str(const char *v);
/* A required option, or a usage error naming `opt`. */
/* The one --member given (a 社情民意's writer), or NULL; the caller has
 * refused more than one. */
const char *ld_cli_one_member(const struct cmd *c, const struct args *a);
int ld_cli_need(const struct cmd *c, const char *v, const char *opt);

/* The office's own data directory, absolute as its liandong.conf has
 * it, for what a command reads or writes there itself: refused over
 * --remote with `remote_refusal` (a usage error). 0, or the exit code
 * (said). */
int ld_cli_office_dir(const struct cmd *c, const char *remote_refusal,
                      char *dir, size_t len);
/* Connect to the node (--data or --remote); 0, or the exit code. */
int ld_cli_connect(const struct cmd *c, struct ld_client **cl);
/* One request, one answer. On a refusal prints its reason and returns 1. */
int ld_cli_call(struct ld_client *cl, Ld__Request *req, Ld__Response **resp);
/* A request on a connection of its own: connect to the node (--data or
 * --remote), send `req`, wait up to `timeout_ms` (0: LD_CLIENT_TIMEOUT_MS)
 * for the answer, close. 0 with *resp (free with
 * ld__response__free_unpacked), or the exit code with the reason printed
 * (a refusal included). */
int ld_cli_request(const struct cmd *c, Ld__Request *req, int timeout_ms,
                   Ld__Response **resp);

/* How a command prints an answer for people: `r` is the record it
 * carries, decoded (NULL if none). Both are freed after. */
typedef void ld_cli_print_fn(const Ld__Response *resp, const Ld__Record *r);

/* The CLI request: ld_cli_request, then the answer printed and freed.
 * With `json` the record, message or id it carries is printed as JSON;
 * else by `print`, or (NULL) the record as 'show' prints it or the bare
 * id. 0, or the exit code (reason printed). */
int ld_cli_request_print(const struct cmd *c, Ld__Request *req, int timeout_ms,
                         bool json, ld_cli_print_fn *print);
/* The same on a connection the caller holds (several requests). */
int ld_cli_call_print(struct ld_client *cl, Ld__Request *req, bool json,
                      ld_cli_print_fn *print);

/* Send a new record with the scope of `a`; print its id. */
int ld_cli_add_record(const struct cmd *c, Ld__Record *r, const struct args *a);
/* A new record around `body` (the message of one of the record's bodies:
 * a task, a member ...), which it borrows. 0, or 1 (said) if `body` is
 * not a record's body. */
int ld_cli_record_init(Ld__Record *r, ProtobufCMessage *body);
/* ld_cli_record_init and ld_cli_add_record: what each 'add' command ends
 * with. */
int ld_cli_add_body(const struct cmd *c, ProtobufCMessage *body,
                    const struct args *a);
/* Send new record `r` with this run's author on a connection the caller
 * holds; its id into `id`, nothing printed. 0, or the exit code (the
 * refusal printed). */
int ld_cli_add_call(struct ld_client *cl, Ld__Record *r, char *id,
                    size_t len);
/* Read record `id` from the node, decoded (free with
 * ld__record__free_unpacked). 0, or the exit code (reason printed). */
int ld_cli_get_record(struct ld_client *cl, const char *id, Ld__Record **out);
/* ld_cli_get_record on a connection of its own. */
int ld_cli_get(const struct cmd *c, const char *id, Ld__Record **out);
/* Send `r` as the next version of the record it names, edited from
 * version `base`; print its id. */
int ld_cli_update_record(struct ld_client *cl, Ld__Record *r, uint64_t base,
                         bool json);
/* Delete (tombstone) record `id`, read at version `base`; print its id. */
int ld_cli_delete_record(struct ld_client *cl, const char *id, uint64_t base,
                         bool json);

/* Every record the node holds of `kind` (0 = any) whose owner is in the
 * subtree of `owner` ("" = any), paged through list requests and sorted
 * by owner and then by id counter. Free with ld_cli_free_records. 0, or the exit
 * code (reason printed). */
int ld_cli_fetch_records(struct ld_client *cl, Ld__Kind kind, const char *owner,
                         Ld__Record ***out, size_t *n);
void ld_cli_free_records(Ld__Record **recs, size_t n);
/* ld_cli_fetch_records on a connection of its own. `owner` NULL means this
 * node's own subtree; `whose` (if not NULL) gets the owner used. */
int ld_cli_fetch(const struct cmd *c, Ld__Kind kind, const char *owner,
                 char *whose, size_t wlen, Ld__Record ***out, size_t *n);
/* This node's path, asked of the node. 0, or the exit code. */
int ld_cli_node_path(struct ld_client *cl, char *self, size_t len);

/* Values typed on the command line; each returns 0 or prints a usage
 * error and returns 2. A year ("2017" or "2017年"); a month ("10" or
 * "10月", "" = not fixed); NAME=NUMBER (cuts `spec`, whose name `m`
 * borrows); yes/no (是/否, true/false, 1/0). */
/* A date given as option `opt` (NULL: not given; "" if empty_ok): 0, or
 * 2 with a one-line usage error ("--due '2026-13-01' is not a date
 * (YYYY-MM-DD)"). ld_cli_parse checks --due, --start, --end and --today
 * with it. */
int ld_cli_check_date(const struct cmd *c, const char *opt, const char *s,
                      bool empty_ok);
int ld_cli_parse_year(const struct cmd *c, const char *s, uint32_t *out);
int ld_cli_parse_month(const struct cmd *c, const char *s, uint32_t *out);
int ld_cli_parse_metric(const struct cmd *c, char *spec, Ld__Metric *m);
int ld_cli_parse_yes_no(const struct cmd *c, const char *opt, const char *s,
                        bool *out);
/* A plan item, "FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|ASSISTING" (trailing
 * fields may be left out). Cuts `spec` in place; `it` borrows from it. */
int ld_cli_parse_item(const struct cmd *c, char *spec, Ld__PlanItem *it);

/* Attachments (cmd_attach.c): read, hash and upload each file of
 * `files` to the node; *out gets one Attachment per file (NULL if none).
 * 0, or the exit code (printed). */
int ld_cli_upload_attachments(const struct cmd *c, const struct strs *files,
                              Ld__Attachment ***out);
void ld_cli_free_attachments(Ld__Attachment **v, size_t n);

/* The commands (cmd_records.c, cmd_edit.c, cmd_rollup.c, cmd_node.c,
 * cmd_import.c). */
int ld_cli_run_task_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_plan_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_survey_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_result_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_review_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_proposal_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_task_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_survey_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_plan_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_plan_item(const struct cmd *c, int argc, char **argv);
int ld_cli_run_result_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_review_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_proposal_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_opinion_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_opinion_act(const struct cmd *c, int argc, char **argv);
int ld_cli_run_opinion_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_opinion_trail(const struct cmd *c, int argc, char **argv);
int ld_cli_run_verify(const struct cmd *c, int argc, char **argv);
int ld_cli_run_delete(const struct cmd *c, int argc, char **argv);
int ld_cli_run_list(const struct cmd *c, int argc, char **argv);
int ld_cli_run_attachment_get(const struct cmd *c, int argc, char **argv);
int ld_cli_run_plugins(const struct cmd *c, int argc, char **argv);
int ld_cli_run_report(const struct cmd *c, int argc, char **argv);
int ld_cli_run_report_list(const struct cmd *c, int argc, char **argv);
int ld_cli_run_report_get(const struct cmd *c, int argc, char **argv);
int ld_cli_run_wait(const struct cmd *c, int argc, char **argv);
int ld_cli_run_figures(const struct cmd *c, int argc, char **argv);
int ld_cli_run_progress(const struct cmd *c, int argc, char **argv);
int ld_cli_run_inbox(const struct cmd *c, int argc, char **argv);
int ld_cli_run_show(const struct cmd *c, int argc, char **argv);
int ld_cli_run_history(const struct cmd *c, int argc, char **argv);
int ld_cli_run_status(const struct cmd *c, int argc, char **argv);
int ld_cli_run_backup(const struct cmd *c, int argc, char **argv);
int ld_cli_run_restore(const struct cmd *c, int argc, char **argv);
int ld_cli_run_import(const struct cmd *c, int argc, char **argv);
int ld_cli_run_export(const struct cmd *c, int argc, char **argv);
int ld_cli_run_init(const struct cmd *c, int argc, char **argv);
int ld_cli_run_key_show(const struct cmd *c, int argc, char **argv);
int ld_cli_run_key_endorse(const struct cmd *c, int argc, char **argv);
int ld_cli_run_key_endorsement(const struct cmd *c, int argc, char **argv);
int ld_cli_run_child_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_child_remove(const struct cmd *c, int argc, char **argv);
int ld_cli_run_child_list(const struct cmd *c, int argc, char **argv);
int ld_cli_run_admin_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_admin_remove(const struct cmd *c, int argc, char **argv);
int ld_cli_run_admin_list(const struct cmd *c, int argc, char **argv);
int ld_cli_run_admin_keygen(const struct cmd *c, int argc, char **argv);
/* 'config check' (cmd_config.c). */
int ld_cli_run_config_check(const struct cmd *c, int argc, char **argv);

/* Members (委员) and duty entries (履职记录) (cmd_member.c). */
int ld_cli_run_member_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_member_set(const struct cmd *c, int argc, char **argv);
int ld_cli_run_member_contact(const struct cmd *c, int argc, char **argv);
int ld_cli_run_member_import(const struct cmd *c, int argc, char **argv);
int ld_cli_run_duty_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_duty_set(const struct cmd *c, int argc, char **argv);
/* The office's users (cmd_user.c). */
int ld_cli_run_user_add(const struct cmd *c, int argc, char **argv);
int ld_cli_run_user_passwd(const struct cmd *c, int argc, char **argv);
int ld_cli_run_user_remove(const struct cmd *c, int argc, char **argv);
int ld_cli_run_user_list(const struct cmd *c, int argc, char **argv);
int ld_cli_run_user_token(const struct cmd *c, int argc, char **argv);

#endif
