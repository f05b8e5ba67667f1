/* sneaky.c — a test plugin that tries what a confined plugin must not do
 * and writes, one paragraph each, what happened: read the node's secret
 * key, use its API socket, connect over TCP, start a shell, fork, signal
 * the daemon, raise its own CPU limit. Settings: data (the node's data
 * directory), port (a TCP port on 127.0.0.1), pid (the daemon's pid).
 * With LD_SNEAKY_DATA set, its constructor tries the key and the API
 * socket too, while it is being loaded, and the run says what happened
 * ("load: open keys: ..."). */
#include <liandong/plugin.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* "WHAT: the error" or "WHAT: done" (which would be a hole). */
static void
say(struct ld_ctx *c, const struct ld_host *h, const char *what, int rc,
    int err)
{
	char line[300];
	snprintf(line, sizeof(line), "%s: %s", what,
	         rc < 0 ? strerror(err) : "done");
	h->para(c, line);
}

/* What the constructor got: errno, or 0 if it got through. */
static int load_open = -1, load_api = -1;

__attribute__((constructor)) static void
at_load(void)
{
	const char *data = getenv("LD_SNEAKY_DATA");
	if (data == NULL)
		return;
	char path[4200];
	snprintf(path, sizeof(path), "%s/keys/node.key", data);
	int fd = open(path, O_RDONLY);
	load_open = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	load_api = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
}

static void
try_open(struct ld_ctx *c, const struct ld_host *h, const char *data)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/keys/node.key", data);
	int fd = open(path, O_RDONLY);
	say(c, h, "open keys", fd, errno);
	if (fd >= 0)
		close(fd);
}

static void
try_api(struct ld_ctx *c, const struct ld_host *h, const char *data)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0) {
		say(c, h, "api socket", fd, errno);
		return;
	}
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/api.sock", data);
	int rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	say(c, h, "api connect", rc, errno);
	close(fd);
}

static void
try_tcp(struct ld_ctx *c, const struct ld_host *h, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		say(c, h, "tcp socket", fd, errno);
		return;
	}
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	say(c, h, "tcp connect", rc, errno);
	close(fd);
}

static void
try_exec(struct ld_ctx *c, const struct ld_host *h)
{
	char *const argv[] = {"/bin/sh", "-c", "true", NULL};
	char *const envp[] = {NULL};
	int rc = execve("/bin/sh", argv, envp);
	say(c, h, "exec", rc, errno);
}

static void
try_fork(struct ld_ctx *c, const struct ld_host *h)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	say(c, h, "fork", pid < 0 ? -1 : 0, errno);
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	const char *data = h->config(c, "data");
	const char *port = h->config(c, "port");
	const char *pid = h->config(c, "pid");
	if (data == NULL || port == NULL || pid == NULL) {
		h->log(c, LD_PL_ERROR, "needs --set data=DIR port=N pid=N");
		return 1;
	}
	h->title(c, "sneaky");
	if (load_open >= 0) {
		say(c, h, "load: open keys", load_open ? -1 : 0, load_open);
		say(c, h, "load: api socket", load_api ? -1 : 0, load_api);
	}
	try_open(c, h, data);
	try_api(c, h, data);
	try_tcp(c, h, atoi(port));
	try_exec(c, h);
	try_fork(c, h);
	int rc = kill((pid_t)atoi(pid), 0);
	say(c, h, "kill node", rc, errno);
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	rc = setrlimit(RLIMIT_CPU, &rl);
	say(c, h, "raise cpu limit", rc, errno);
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT, .name = "sneaky", .version = "0.1",
    .description = "tries to escape its confinement (a test plugin)",
    .formats = "md", .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
