/* install.c — the installation found from /proc/self/exe (install.h). */
#include "install.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LD_PLUGIN_RELDIR
#define LD_PLUGIN_RELDIR "../lib/liandong/plugins"
#endif

int
ld_install_exe_dir(char *out, size_t len)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash == NULL)
		return -ENOENT;
	*slash = '\0';
	if (strlen(self) + 1 > len)
		return -ENAMETOOLONG;
	memcpy(out, self, strlen(self) + 1);
	return 0;
}

static int
is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void
ld_install_plugin_dir(char *out, size_t len)
{
	char dir[4096], cand[4200];
	if (ld_install_exe_dir(dir, sizeof(dir)) == 0) {
		/* Installed: the plugins are where the program's prefix put
		 * them. The path is made plain (no "bin/.."), for messages. */
		snprintf(cand, sizeof(cand), "%s/%s", dir, LD_PLUGIN_RELDIR);
		char real[4096];
		if (is_dir(cand) && realpath(cand, real) != NULL &&
		    strlen(real) < len) {
			snprintf(out, len, "%s", real);
			return;
		}
		/* A build tree: build/clients/liandong, build/plugins/lib. */
		snprintf(cand, sizeof(cand), "%s/../plugins/lib", dir);
		if (is_dir(cand) && realpath(cand, real) != NULL &&
		    strlen(real) < len) {
			snprintf(out, len, "%s", real);
			return;
		}
	}
	snprintf(out, len, "%s", LD_PLUGIN_DIR);
}
