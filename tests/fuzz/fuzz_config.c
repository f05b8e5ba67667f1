/* fuzz_config.c — fuzz target: the files an administrator edits by hand.
 * The first byte picks the file: the node's liandong.conf, the allow-list
 * of children, or the key file; the rest is its content. */
#include "allow.h"
#include "config.h"
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void
put(const char *name, const uint8_t *data, size_t size)
{
	char file[128];
	snprintf(file, sizeof(file), "%s/%s", dir, name);
	FILE *f = fopen(file, "w");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	chmod(file, 0600);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/ld-fuzz-config.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		char kd[96];
		snprintf(kd, sizeof(kd), "%s/keys", dir);
		mkdir(kd, 0700);
		if (ld_keys_init() != 0)
			abort();
	}
	if (size < 1)
		return 0;
	char err[1024];
	switch (data[0] % 3) {
	case 0: {
		put("liandong.conf", data + 1, size - 1);
		struct ld_config c;
		if (ld_config_load(dir, &c, err, sizeof(err)) == 0 &&
		    (c.id[0] == '\0' || c.name[0] == '\0'))
			abort(); /* loaded without the required keys */
		break;
	}
	case 1: {
		put("children", data + 1, size - 1);
		struct ld_allow a;
		if (ld_allow_load(dir, "530000/530300", &a, err,
		                  sizeof(err)) == 0) {
			for (size_t i = 0; i < a.n; i++)
				if (!ld_path_is_child(a.v[i].path,
				                      "530000/530300"))
					abort();
			ld_allow_free(&a);
		}
		break;
	}
	default: {
		put("keys/node.key", data + 1, size - 1);
		struct ld_keys k;
		(void)ld_keys_load(dir, &k, err, sizeof(err));
		break;
	}
	}
	return 0;
}
