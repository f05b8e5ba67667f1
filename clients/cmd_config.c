/* cmd_config.c — 'liandong config check': every mistake of a node's
 * configuration and of the files it names, one "FILE:LINE: reason" a
 * line, like slaptest; exit 0 when there is none, 1 otherwise. Reads
 * files only: the daemon need not run. */
#include "cli.h"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

static void
print_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}

int
ld_cli_run_config_check(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {0};
	struct args a;
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_no_extra(c, &a, a.nargs > 0 ? 1 : 0)) != 0)
		return rc;
	const char *path = a.nargs > 0 ? a.rest[0] : ld_cli_data_dir;
	if (path == NULL || path[0] == '\0')
		return ld_cli_usage_error(c, "no configuration: pass --data "
		                             "DIR, a FILE, or set LIANDONG_DATA");
	struct ld_config *cfg = malloc(sizeof(*cfg));
	if (cfg == NULL)
		return ld_cli_fail("out of memory");
	int n = ld_config_check(path, print_line, NULL, cfg);
	if (n == 0 && a.nargs > 0)
		printf("%s: configuration OK (node %s, %s)\n", path, cfg->id,
		       cfg->level);
	else if (n == 0)
		printf("%s/%s: configuration OK (node %s, %s)\n", cfg->dir,
		       LD_CONFIG_FILE, cfg->id, cfg->level);
	free(cfg);
	return n == 0 ? 0 : 1;
}
