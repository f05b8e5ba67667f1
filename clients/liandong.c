/* liandong.c — the command-line client: the table of commands, --help,
 * and dispatch to the command files (cmd_*.c).
 *
 * Exit codes: 0 ok; 1 refused or failed (one line on stderr); 2 usage. The
 * CLI checks the shape of the command line; the node checks the content. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- table */

static const struct cmd cmds[] = {
    {"init", NULL, run_init,
     "--data DIR --id PATH --name NAME [--level LEVEL] [--listen ENDPOINT] "
     "[--parent ENDPOINT --parent-key KEY] [--root-key KEY] [--insecure]",
     "Create a node's data directory and its configuration\n"
     "(DIR/liandong.conf). The store is created when liandongd first\n"
     "starts.\n\n"
     "  --id PATH          the node's path from the root, e.g.\n"
     "                     530000/530300/530325 (segments of A-Z a-z 0-9 "
     "_ -)\n"
     "  --name NAME        display name, e.g. 富源县政协\n"
     "  --level LEVEL      province, city, county ... (default from the "
     "depth)\n"
     "  --listen ENDPOINT  where children connect, e.g. "
     "tcp://0.0.0.0:7100\n"
     "  --parent ENDPOINT  the parent's listen endpoint, e.g.\n"
     "                     tcp://192.0.2.10:7100 (not for the root)\n"
     "  --parent-key KEY   the parent's key ('liandong key show' there);\n"
     "                     required with --parent\n"
     "  --root-key KEY     the root office's key, pinned here: every\n"
     "                     record's signature chains to it (required\n"
     "                     below the root's children)\n"
     "  --insecure         no CURVE, no signatures: for local experiments\n"
     "                     only; all nodes of a tree must agree\n\n"
     "Makes the node's keys (DIR/keys/node.key, mode 0600) and prints its\n"
     "public key for 'liandong child add' at the parent.\n"},
    {"key", "show", run_key_show, "[--json]",
     "Print this node's public key (ldk1.CURVE.SIGN) -- for 'liandong\n"
     "child add' at the parent, and for --parent-key at its children --\n"
     "and the root key it pinned. Needs no running daemon.\n"},
    {"key", "endorse", run_key_endorse, "PATH KEY",
     "At the root: endorse KEY as the key of PATH (below the root). A\n"
     "node whose key changes (rebuilt, or its key stolen) needs this: nodes\n"
     "that knew its earlier key accept a new one only with the root's\n"
     "endorsement. Prints the endorsement for 'liandong key endorsement'.\n"},
    {"key", "endorsement", run_key_endorsement, "ENDORSEMENT",
     "Install the root's endorsement of this node's keys (from 'liandong\n"
     "key endorse' at the root), after checking it. Restart liandongd to\n"
     "publish it in the node's record.\n"},
    {"child", "add", run_child_add, "PATH KEY",
     "Let the child PATH (one segment below this node) connect with KEY\n"
     "(printed by 'liandong key show' there). Adding a PATH again\n"
     "replaces its key (rotation). Takes effect at once if liandongd runs.\n"},
    {"child", "remove", run_child_remove, "PATH",
     "Revoke the child PATH: it is disconnected at once and refused from\n"
     "then on.\n"},
    {"child", "list", run_child_list, "",
     "Print the children allowed to connect, with their keys.\n"},
    {"admin", "keygen", run_admin_keygen, "--out FILE",
     "Make an administrator's key pair in FILE (mode 0600) for the remote\n"
     "API, and print its public key for 'liandong admin add' at a node.\n"},
    {"admin", "add", run_admin_add, "NAME KEY",
     "Let the administrator NAME use this node's remote API ([api] listen\n"
     "in its config) with KEY. Takes effect at once.\n"},
    {"admin", "remove", run_admin_remove, "NAME",
     "Revoke the administrator NAME: refused from the next request on.\n"},
    {"admin", "list", run_admin_list, "",
     "Print the administrators of the remote API, with their keys.\n"},
    {"task", "add", run_task_add,
     "--topic TEXT --form FORM --scope PATH [--scope PATH]... "
     "[--due YYYY-MM-DD] [--target UNIT]... [--parent-task ID] [--json]",
     "Publish a supervision task (民主监督任务) to the offices in scope.\n"
     "Prints the new record's id.\n\n"
     "  --topic TEXT       what is supervised, e.g. 优化营商环境\n"
     "  --form FORM        监督性视察 (inspection), 明查暗访 "
     "(unannounced),\n"
     "                     问卷调查 (questionnaire), 民主评议 "
     "(appraisal),\n"
     "                     提案督办 (proposal-followup), 跟踪问效 "
     "(follow-up)\n"
     "  --scope PATH       an office the task goes to, with everything "
     "below it\n"
     "  --due DATE         YYYY-MM-DD\n"
     "  --target UNIT      a unit under supervision (被监督单位)\n"
     "  --parent-task ID   the task this one was derived from\n"
     "  --json             print {\"id\": ...} instead of the bare id\n"},
    {"plan", "add", run_plan_add,
     "--year N --title TEXT [--scope PATH]... [--item "
     "'FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|ASSISTING']... [--json]",
     "Publish an annual consultation plan (协商计划). Without --scope it\n"
     "goes to this node's whole subtree. Prints the new record's id.\n\n"
     "  --year N           the plan's year\n"
     "  --title TEXT       e.g. 2017年协商计划\n"
     "  --item SPEC        one activity: FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|"
     "ASSISTING\n"
     "                     FORM: 专题协商 对口协商 界别协商 对口界别协商\n"
     "                     提案办理协商 双月协商 重点协商 其他; MONTH 1-12 "
     "or\n"
     "                     empty; trailing fields may be left out\n"},
    {"survey", "add", run_survey_add,
     "--topic TEXT --form FORM --scope PATH [--scope PATH]... "
     "[--start DATE] [--end DATE] [--json]",
     "Announce a survey or inspection (调研/视察/联合调研) to the offices\n"
     "taking part. Prints the new record's id.\n\n"
     "  --form FORM        调研 (survey), 视察 (inspection), 联合调研 "
     "(joint)\n"
     "  --start, --end     YYYY-MM-DD\n"},
    {"result", "add", run_result_add,
     "--ref ID --summary TEXT [--metric NAME=NUMBER]... [--finding TEXT]... "
     "[--plan-item N] [--json]",
     "Report a result (成果) for a task, survey or plan this node holds.\n"
     "It goes up to every ancestor. Prints the new record's id.\n\n"
     "  --ref ID           the task, survey or plan answered\n"
     "  --metric N=V       a figure, e.g. 调研=10 or 满意率=1.0\n"
     "  --finding TEXT     one finding (问题/建议)\n"
     "  --plan-item N      the plan item answered (1-based)\n"},
    {"review", "add", run_review_add,
     "--ref RESULT_ID --verdict accepted|returned|rectify [--comment TEXT] "
     "[--json]",
     "Review a result from this node's subtree (审核/反馈). The review\n"
     "goes down to the result's owner. Prints the new record's id.\n"},
    {"list", NULL, run_list, "[--kind KIND] [--owner PATH] [--json]",
     "List the records this node holds, by owner and id.\n\n"
     "  --kind KIND        node, plan, survey, task, result, review, "
     "proposal, report\n"
     "  --owner PATH       only records owned by PATH or below it\n"
     "  --json             one JSON array of records\n"},
    {"show", NULL, run_show, "ID [--json]",
     "Show one record with all its fields.\n\n"
     "  --json             one JSON object\n"},
    {"status", NULL, run_status, "[--json]",
     "Show this node, its parent and its children: connected or not,\n"
     "the cursors on each other's logs, and how far behind each is.\n\n"
     "  --json             one JSON object\n"},
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *f)
{
	fprintf(f, "usage: liandong [--data DIR] <command> [options]\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < NCMDS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%s%s%s", cmds[i].name,
		         cmds[i].sub ? " " : "", cmds[i].sub ? cmds[i].sub : "");
		const char *h = cmds[i].help;
		int len = (int)strcspn(h, "\n");
		fprintf(f, "  %-12s %.*s\n", name, len, h);
	}
	fprintf(f, "\nOptions: -d, --data DIR (default $LIANDONG_DATA); -h, "
	           "--help; -V, --version.\nRemote API: --remote ENDPOINT "
	           "--server-key KEY --key-file FILE (default\n"
	           "$LIANDONG_KEY_FILE) instead of --data, for the commands "
	           "that talk to a node.\n'liandong <command> --help' "
	           "explains a command. add commands take --json.\nExit "
	           "codes: 0 ok, 1 refused (reason on stderr), 2 usage.\n");
}

int
main(int argc, char **argv)
{
	data_dir = getenv("LIANDONG_DATA");
	static const struct option gopts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"remote", required_argument, NULL, 'r'},
	    {"server-key", required_argument, NULL, 's'},
	    {"key-file", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	key_file = getenv("LIANDONG_KEY_FILE");
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, "+:d:hV", gopts, NULL)) != -1) {
		switch (o) {
		case 'd':
			data_dir = optarg;
			break;
		case 'r':
			remote = optarg;
			break;
		case 's':
			server_key = optarg;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("liandong %s\n", LD_VERSION);
			return 0;
		default:
			fprintf(stderr, "liandong: unknown option '%s' (see "
			                "'liandong --help')\n",
			        argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind];
	const char *sub = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	bool known = false;
	for (size_t i = 0; i < NCMDS; i++) {
		const struct cmd *c = &cmds[i];
		if (strcmp(c->name, name) != 0)
			continue;
		/* "liandong task --help": the help of "task add". */
		if (c->sub != NULL && sub != NULL &&
		    (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0))
			return print_help(c);
		known = true;
		if (c->sub == NULL)
			return c->run(c, argc - optind, argv + optind);
		if (sub != NULL && strcmp(c->sub, sub) == 0)
			return c->run(c, argc - optind - 1, argv + optind + 1);
	}
	if (known)
		fprintf(stderr, "liandong %s: unknown or missing subcommand%s%s "
		                "(try 'liandong %s add --help')\n",
		        name, sub ? " " : "", sub ? sub : "", name);
	else
		fprintf(stderr, "liandong: unknown command '%s' (see "
		                "'liandong --help')\n",
		        name);
	return 2;
}
