/* cmd_node.c — commands that set a node up without its daemon: init, its
 * keys, and the lists of children and administrators allowed in. */
#include "cli.h"
#include "allow.h"
#include "config.h"
#include "format.h"
#include "keys.h"
#include "sign.h"
#include "vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
ld_cli_run_init(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_ID,     O_NAME,       O_LEVEL,
	                         O_LISTEN, O_PARENT,     O_PARENT_KEY,
	                         O_ROOT_KEY, O_INSECURE, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, ld_cli_data_dir, "--data")) ||
	    (rc = ld_cli_need(c, a.id, "--id")) ||
	    (rc = ld_cli_need(c, a.name, "--name")))
		return rc;
	if (ld_cli_remote != NULL)
		return ld_cli_usage_error(
		    c, "makes a data directory here; not over "
		       "--remote");
	const char *why;
	if (!ld_path_valid(a.id, &why))
		return ld_cli_usage_error(c, "--id '%s': %s", a.id, why);
	if (!ld_name_valid(a.name, &why))
		return ld_cli_usage_error(c, "--name: %s", why);
	if (a.level != NULL) {
		size_t ll = strlen(a.level);
		if (ll == 0 || ll > 32 || strspn(a.level,
		                                 "abcdefghijklmnopqrstuvwxyz_-") !=
		                              ll)
			return ld_cli_usage_error(
			    c, "--level must be a word of a-z, "
			       "_ or - (e.g. province, city, "
			       "county)");
	}
	if (a.listen != NULL && !ld_endpoint_valid(a.listen, &why))
		return ld_cli_usage_error(c, "--listen '%s': %s", a.listen,
		                          why);
	if (a.parent != NULL && !ld_endpoint_valid(a.parent, &why))
		return ld_cli_usage_error(c, "--parent '%s': %s", a.parent,
		                          why);
	int depth = ld_path_depth(a.id);
	if (a.parent != NULL && depth < 2)
		return ld_cli_usage_error(
		    c,
		    "--parent given, but --id %s is a root "
		    "path (a child's id is its parent's id "
		    "plus one segment)",
		    a.id);

	/* Keys: the parent's (for its links) and the root's (every record
	 * signature chains to it). */
	struct ld_config cfg;
	ld_config_defaults(&cfg);
	cfg.insecure = a.insecure;
	uint8_t curve[32];
	if (a.parent_key != NULL &&
	    !ld_keys_parse_public(a.parent_key, cfg.parent_curve,
	                          cfg.parent_sign, false, &why))
		return ld_cli_usage_error(c, "--parent-key: %s", why);
	if (a.root_key != NULL &&
	    !ld_keys_parse_public(a.root_key, curve, cfg.root_sign, true, &why))
		return ld_cli_usage_error(c, "--root-key: %s", why);
	if (!a.insecure) {
		if (a.parent != NULL && a.parent_key == NULL)
			return ld_cli_usage_error(
			    c, "--parent-key KEY is required "
			       "with --parent (run 'liandong key "
			       "show' at the parent)");
		if (depth == 1 && a.root_key != NULL)
			return ld_cli_usage_error(
			    c, "--root-key is for nodes below the "
			       "root; the root's own key is its "
			       "root key");
		if (depth == 2 && a.root_key == NULL && a.parent_key != NULL)
			memcpy(cfg.root_sign, cfg.parent_sign, 32);
		else if (depth == 2 && a.root_key != NULL &&
		         a.parent_key != NULL &&
		         memcmp(cfg.root_sign, cfg.parent_sign, 32) != 0)
			return ld_cli_usage_error(
			    c,
			    "--root-key differs from the "
			    "parent's key, but the parent of "
			    "%s is the root",
			    a.id);
		else if (depth >= 2 && a.root_key == NULL)
			return ld_cli_usage_error(
			    c, "--root-key KEY is required (the "
			       "root office's key, from 'liandong "
			       "key show' there)");
	}

	if ((rc = ld_cli_mkdirs(ld_cli_data_dir)) != 0)
		return ld_cli_fail("%s: %s", ld_cli_data_dir, ld_strerror(rc));
	if (realpath(ld_cli_data_dir, cfg.dir) == NULL)
		return ld_cli_fail("%s: %s", ld_cli_data_dir, strerror(errno));
	char file[PATH_MAX + 32];
	snprintf(file, sizeof(file), "%s/%s", cfg.dir, LD_CONFIG_FILE);
	if (access(file, F_OK) == 0)
		return ld_cli_fail("%s is already initialized (%s exists)",
		                   ld_cli_data_dir, file);
	if (strlen(cfg.dir) > 98)
		return ld_cli_fail(
		    "data directory path %s is too long for the API "
		    "socket (at most 98 bytes)",
		    cfg.dir);
	snprintf(cfg.id, sizeof(cfg.id), "%s", a.id);
	snprintf(cfg.name, sizeof(cfg.name), "%s", a.name);
	snprintf(cfg.level, sizeof(cfg.level), "%s",
	         a.level ? a.level : ld_vocab_level_for_depth(depth));
	snprintf(cfg.listen, sizeof(cfg.listen), "%s",
	         a.listen ? a.listen : "");
	snprintf(cfg.parent, sizeof(cfg.parent), "%s",
	         a.parent ? a.parent : "");
	char err[1024];
	struct ld_keys k;
	if (ld_keys_init() != 0)
		return ld_cli_fail("libsodium cannot start");
	if (ld_keys_create(cfg.dir, &k, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	if (depth == 1)
		memcpy(cfg.root_sign, k.sign_pub, 32);
	if (a.parent_key != NULL)
		snprintf(cfg.parent_key, sizeof(cfg.parent_key), "%s",
		         a.parent_key);
	if (!a.insecure || a.root_key != NULL || depth == 1) {
		char b[LD_B64_32];
		ld_b64_32(cfg.root_sign, b);
		snprintf(cfg.root_key, sizeof(cfg.root_key), "%s", b);
	}
	if (ld_config_write(&cfg, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	char key[LD_KEY_TEXT_MAX];
	ld_keys_public_text(&k, key);
	sodium_memzero(&k, sizeof(k));
	printf("initialized %s for %s (%s, %s)\n", cfg.dir, cfg.id, cfg.name,
	       cfg.level);
	printf("key: %s\n", key);
	if (a.parent != NULL && !a.insecure)
		printf("enroll it at the parent: liandong child add %s %s\n",
		       cfg.id, key);
	printf("start it with: liandongd --data %s\n", ld_cli_data_dir);
	return 0;
}

/* Load this node's config and keys (no daemon needed). */
static int
load_local(const struct cmd *c, struct ld_config *cfg, struct ld_keys *k)
{
	if (ld_cli_remote != NULL)
		return ld_cli_usage_error(
		    c, "works on the node's own data directory, "
		       "not over --remote");
	if (ld_cli_data_dir == NULL || ld_cli_data_dir[0] == '\0')
		return ld_cli_usage_error(
		    c, "no data directory: pass --data DIR or "
		       "set LIANDONG_DATA");
	char err[1024];
	if (ld_config_load(ld_cli_data_dir, cfg, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	if (k != NULL && (ld_keys_init() != 0 ||
	                  ld_keys_load(cfg->dir, k, err, sizeof(err)) != 0))
		return ld_cli_fail("%s", err);
	return 0;
}

int
ld_cli_run_key_show(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	struct ld_config cfg;
	struct ld_keys k;
	if ((rc = load_local(c, &cfg, &k)) != 0)
		return rc;
	char key[LD_KEY_TEXT_MAX], root[LD_B64_32] = "";
	ld_keys_public_text(&k, key);
	if (cfg.root_key[0] != '\0')
		ld_b64_32(cfg.root_sign, root);
	if (a.json) {
		struct ld_buf b = {0};
		ld_buf_puts(&b, "{\"path\": ");
		ld_json_put_string(&b, cfg.id);
		ld_buf_puts(&b, ", \"key\": ");
		ld_json_put_string(&b, key);
		ld_buf_puts(&b, ", \"root_key\": ");
		ld_json_put_string(&b, root);
		ld_buf_puts(&b, "}\n");
		fputs(b.p, stdout);
		ld_buf_free(&b);
	} else {
		printf("node      %s (%s)\n", cfg.id, cfg.name);
		printf("key       %s\n", key);
		printf("root key  %s%s\n", root[0] ? root : "(none)",
		       cfg.insecure ? " (insecure node: not used)" : "");
	}
	sodium_memzero(&k, sizeof(k));
	return 0;
}

int
ld_cli_run_key_endorse(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 2, &a);
	if (rc != 0)
		return rc;
	const char *path = a.rest[0], *why;
	uint8_t curve[32], sign[32];
	if (!ld_path_valid(path, &why))
		return ld_cli_usage_error(c, "PATH '%s': %s", path, why);
	if (!ld_keys_parse_public(a.rest[1], curve, sign, false, &why))
		return ld_cli_usage_error(c, "KEY: %s", why);
	struct ld_config cfg;
	struct ld_keys k;
	if ((rc = load_local(c, &cfg, &k)) != 0)
		return rc;
	if (ld_path_depth(cfg.id) != 1 || !ld_path_in_subtree(path, cfg.id) ||
	    strcmp(path, cfg.id) == 0) {
		sodium_memzero(&k, sizeof(k));
		return ld_cli_fail(
		    "only the root endorses keys, of nodes below it");
	}
	uint8_t cert[64];
	ld_cert_make(k.sign_sec, path, sign, curve, cert);
	sodium_memzero(&k, sizeof(k));
	char text[LD_B64_64];
	ld_b64_64(cert, text);
	printf("%s\ninstall it at %s: liandong key endorsement %s\n", text, path,
	       text);
	return 0;
}

int
ld_cli_run_key_endorsement(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	uint8_t cert[64];
	if (!ld_unb64_64(a.rest[0], strlen(a.rest[0]), cert))
		return ld_cli_usage_error(
		    c, "not an endorsement (86 characters from "
		       "'liandong key endorse' at the root)");
	struct ld_config cfg;
	struct ld_keys k;
	if ((rc = load_local(c, &cfg, &k)) != 0)
		return rc;
	bool good = ld_cert_verify(cfg.root_sign, cfg.id, k.sign_pub,
	                           k.curve_pub, cert);
	sodium_memzero(&k, sizeof(k));
	if (!good)
		return ld_cli_fail(
		    "this is not the root's endorsement of this node's "
		    "keys (is it for %s and its current key?)",
		    cfg.id);
	char file[PATH_MAX + 32], tmp[PATH_MAX + 40];
	snprintf(file, sizeof(file), "%s/%s", cfg.dir, LD_ENDORSEMENT_FILE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	unlink(tmp);
	FILE *f = NULL;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		f = fdopen(fd, "w");
	if (f == NULL || fprintf(f, "%s\n", a.rest[0]) < 0 || fclose(f) != 0 ||
	    rename(tmp, file) != 0)
		return ld_cli_fail("%s: %s", file, strerror(errno));
	printf("installed; restart liandongd to publish it\n");
	return 0;
}

/* Ask a running daemon to re-read its allow-list; fine if none runs. */
static int
reload_daemon(void)
{
	struct ld_client *cl = NULL;
	char err[1024];
	if (ld_client_open(ld_cli_data_dir, &cl, err, sizeof(err)) != 0)
		return 0; /* not running: it reads the list when it starts */
	Ld__ReloadRequest rl = LD__RELOAD_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_RELOAD;
	req.reload = &rl;
	Ld__Response *resp = NULL;
	int rc = ld_cli_call(cl, &req, &resp);
	if (resp != NULL)
		ld__response__free_unpacked(resp, NULL);
	ld_client_close(&cl);
	return rc;
}

/* Add `name` with `key` to a list (key == NULL: remove it), save it
 * (allow.c) and make a running daemon reload it. */
static int
edit_list(const struct cmd *c, enum ld_keylist which, const char *name,
          const char *key)
{
	struct ld_config cfg;
	int rc = load_local(c, &cfg, NULL);
	if (rc != 0)
		return rc;
	char err[1024];
	bool had;
	enum ld_keylist_err e = ld_keylist_edit(which, cfg.dir, cfg.id,
	                                        cfg.insecure, name, key, &had,
	                                        err, sizeof(err));
	if (e == LD_KL_BAD_NAME || e == LD_KL_BAD_KEY)
		return ld_cli_usage_error(c, "%s", err);
	if (e != LD_KL_OK)
		return ld_cli_fail("%s", err);
	if ((rc = reload_daemon()) != 0)
		return rc;
	const char *done = key == NULL                     ? "removed"
	                   : had                           ? "re-keyed"
	                   : which == LD_KEYLIST_CHILDREN ? "enrolled"
	                                                   : "added";
	printf("%s %s\n", done, name);
	return 0;
}

static int
print_list(const struct cmd *c, enum ld_keylist which)
{
	struct ld_config cfg;
	int rc = load_local(c, &cfg, NULL);
	if (rc != 0)
		return rc;
	char err[1024];
	struct ld_allow al;
	if (ld_keylist_load(which, cfg.dir, cfg.id, &al, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	for (size_t i = 0; i < al.n; i++) {
		char text[LD_KEY_TEXT_MAX];
		ld_allow_key_text(&al.v[i], text);
		printf("%s %s\n", al.v[i].path, text);
	}
	ld_allow_free(&al);
	return 0;
}

/* child|admin add NAME KEY, remove NAME, list: `nargs` positional words. */
static int
run_list_cmd(const struct cmd *c, int argc, char **argv, enum ld_keylist which,
             int nargs)
{
	static const int ok[] = {0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, nargs, &a);
	if (rc != 0)
		return rc;
	if (nargs == 0)
		return print_list(c, which);
	return edit_list(c, which, a.rest[0], nargs == 2 ? a.rest[1] : NULL);
}

int
ld_cli_run_child_add(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, LD_KEYLIST_CHILDREN, 2);
}

int
ld_cli_run_child_remove(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, LD_KEYLIST_CHILDREN, 1);
}

int
ld_cli_run_child_list(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, LD_KEYLIST_CHILDREN, 0);
}

int
ld_cli_run_admin_add(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, LD_KEYLIST_ADMINS, 2);
}

int
ld_cli_run_admin_remove(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, LD_KEYLIST_ADMINS, 1);
}

int
ld_cli_run_admin_list(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, LD_KEYLIST_ADMINS, 0);
}

int
ld_cli_run_admin_keygen(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_OUT, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.out, "--out")) != 0)
		return rc;
	char err[1024];
	struct ld_keys k;
	if (ld_keys_init() != 0 ||
	    ld_keys_create_file(a.out, &k, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	char key[LD_KEY_TEXT_MAX];
	ld_keys_public_text(&k, key);
	sodium_memzero(&k, sizeof(k));
	printf("key: %s\nenroll it at the node: liandong admin add NAME %s\n",
	       key, key);
	return 0;
}
