/* web_mkuser.c — test helper: add a person to a data directory's users
 * file (as `liandong user add` will), for the console's tests.
 *   web_mkuser DIR NAME ROLE PASSWORD */
#include "users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: web_mkuser DIR NAME ROLE PASSWORD\n");
		return 2;
	}
	char err[512];
	struct ld_user *u = NULL;
	size_t n = 0;
	if (sodium_init() < 0 ||
	    ld_users_load(argv[1], &u, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "web_mkuser: %s\n", err);
		return 1;
	}
	struct ld_user *nu = realloc(u, (n + 1) * sizeof(*u));
	if (nu == NULL)
		return 1;
	u = nu;
	memset(&u[n], 0, sizeof(u[n]));
	snprintf(u[n].name, sizeof(u[n].name), "%s", argv[2]);
	if (ld_role_parse(argv[3], &u[n].role) != 0 ||
	    ld_password_hash(argv[4], u[n].hash, err, sizeof(err)) != 0 ||
	    ld_users_save(argv[1], u, n + 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "web_mkuser: %s\n", err);
		return 1;
	}
	free(u);
	return 0;
}
