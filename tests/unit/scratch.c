/* scratch.c — per-test-case scratch directories for the unit tests. */
#include "scratch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char rootdir[256];

void
ut_rm_rf(const char *p)
{
	struct stat sb;
	if (lstat(p, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		unlink(p);
		return;
	}
	DIR *d = opendir(p);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", p, de->d_name);
		ut_rm_rf(sub);
	}
	if (d != NULL)
		closedir(d);
	rmdir(p);
}

void
ut_root_setup(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	snprintf(rootdir, sizeof(rootdir), "%s/%s-XXXXXX",
	         base != NULL && base[0] != '\0' ? base : "/tmp", prefix);
	if (mkdtemp(rootdir) == NULL) {
		perror(rootdir);
		abort();
	}
	char *abs = realpath(rootdir, NULL);
	if (abs == NULL) {
		perror(rootdir);
		abort();
	}
	snprintf(rootdir, sizeof(rootdir), "%s", abs);
	free(abs);
}

void
ut_root_teardown(void)
{
	if (rootdir[0] != '\0')
		ut_rm_rf(rootdir);
	rootdir[0] = '\0';
}

const char *
ut_root(void)
{
	return rootdir;
}
