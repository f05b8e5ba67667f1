/* cli.h — what the liandong CLI's command files share: the command table
 * entry, every option, the parsed arguments, and the helpers that print
 * errors and talk to the node. */
#ifndef LD_CLI_H
#define LD_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"
#include "liandong.pb-c.h"

#define LIST_MAX_ARGS 256

/* --data, or the remote API: endpoint, the node's key, our key file. */
extern const char *data_dir;
extern const char *remote, *server_key, *key_file;

struct cmd {
	const char *name, *sub;
	int (*run)(const struct cmd *c, int argc, char **argv);
	const char *args;  /* one-line synopsis after the command name */
	const char *help;  /* the rest of --help */
};

enum {
	O_DATA = 'd',
	O_HELP = 'h',
	O_JSON = 1000,
	O_TOPIC,
	O_FORM,
	O_SCOPE,
	O_DUE,
	O_TARGET,
	O_PARENT_TASK,
	O_YEAR,
	O_TITLE,
	O_ITEM,
	O_START,
	O_END,
	O_REF,
	O_SUMMARY,
	O_METRIC,
	O_FINDING,
	O_PLAN_ITEM,
	O_VERDICT,
	O_COMMENT,
	O_KIND,
	O_OWNER,
	O_ID,
	O_NAME,
	O_LEVEL,
	O_LISTEN,
	O_PARENT,
	O_PARENT_KEY,
	O_ROOT_KEY,
	O_INSECURE,
	O_OUT,
};

struct strs {
	char *v[LIST_MAX_ARGS];
	size_t n;
};

/* Parsed values of every option; each command reads what it accepts. */
struct args {
	bool json;
	const char *topic, *form, *due, *parent_task, *title, *start, *end,
	    *ref, *summary, *verdict, *comment, *kind, *owner, *id, *name,
	    *level, *listen, *parent, *year, *plan_item, *parent_key,
	    *root_key, *out;
	bool insecure;
	struct strs scope, target, item, metric, finding;
	int nargs;
	char **rest;
};

/* A usage error: one line naming the command, exit code 2. */
int usage_error(const struct cmd *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A refusal or failure: one line, exit code 1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int print_help(const struct cmd *c);

/* Parse argv (argv[0] is the command word) accepting the options in the
 * 0-terminated `allowed`. Returns 0, -1 for --help (printed), or 2 for a
 * usage error (printed). */
int parse(const struct cmd *c, int argc, char **argv, const int *allowed,
          struct args *a);
/* Exactly `want` positional arguments, or a usage error. */
int no_extra(const struct cmd *c, const struct args *a, int want);
/* A required option, or a usage error naming `opt`. */
int need(const struct cmd *c, const char *v, const char *opt);

/* Connect to the node (--data or --remote); 0, or the exit code. */
int connect_node(const struct cmd *c, struct ld_client **cl);
/* One request, one answer. On a refusal prints its reason and returns 1. */
int call(struct ld_client *cl, Ld__Request *req, Ld__Response **resp);
/* Send a new record with the scope of `a`; print its id. */
int add_record(const struct cmd *c, Ld__Record *r, const struct args *a);

/* The commands (cmd_records.c, cmd_node.c). */
int run_task_add(const struct cmd *c, int argc, char **argv);
int run_plan_add(const struct cmd *c, int argc, char **argv);
int run_survey_add(const struct cmd *c, int argc, char **argv);
int run_result_add(const struct cmd *c, int argc, char **argv);
int run_review_add(const struct cmd *c, int argc, char **argv);
int run_list(const struct cmd *c, int argc, char **argv);
int run_show(const struct cmd *c, int argc, char **argv);
int run_status(const struct cmd *c, int argc, char **argv);
int run_init(const struct cmd *c, int argc, char **argv);
int run_key_show(const struct cmd *c, int argc, char **argv);
int run_key_endorse(const struct cmd *c, int argc, char **argv);
int run_key_endorsement(const struct cmd *c, int argc, char **argv);
int run_child_add(const struct cmd *c, int argc, char **argv);
int run_child_remove(const struct cmd *c, int argc, char **argv);
int run_child_list(const struct cmd *c, int argc, char **argv);
int run_admin_add(const struct cmd *c, int argc, char **argv);
int run_admin_remove(const struct cmd *c, int argc, char **argv);
int run_admin_list(const struct cmd *c, int argc, char **argv);
int run_admin_keygen(const struct cmd *c, int argc, char **argv);

#endif
