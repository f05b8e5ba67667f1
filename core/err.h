/* err.h — the one error convention: a function returns 0 or a negative
 * code, and ld_strerror turns any code into words for the one place that
 * reports it to the user.
 *
 * The convention, everywhere in core/, store/, daemon/, report/, clients/:
 *
 *   - A function that can fail returns int: 0, or a negative code. Never
 *     -1 as a bare "failed", never a positive value as an error, never
 *     bool for failure, never errno as the carrier of an error out of a
 *     function. A function that returns a pointer returns NULL on failure
 *     and says in its header what that means.
 *   - Where the user needs a particular sentence (a validation naming the
 *     field, a config FILE:LINE, a CSV line and column), the function also
 *     fills a caller's `char *err, size_t errlen` buffer, and still returns
 *     a negative code (LD_EREFUSED, LD_ESYNTAX, LD_ELIMIT, -EINVAL ...).
 *     The buffer holds the words; the code says what kind of failure it
 *     was, for the caller to decide on.
 *   - Predicates that answer a question ("is this a valid path?":
 *     ld_path_valid, ld_name_valid, ld_endpoint_valid, ld_text_valid,
 *     ld_record_canonical ..., with an optional `const char **why`) stay
 *     bool: they do not fail, they answer.
 *   - Lookups that return a position or a value say "none" in their own
 *     terms (ld_flow_scope_outside: -1 when every entry is inside); that is
 *     an answer, not an error.
 *   - Boundaries turn codes into what is outside: main() and the fuzz
 *     targets into exit statuses, the CLI's ld_cli_run_* into exit codes
 *     0/1/2 (by design: they are the process boundary; --help is the
 *     sentinel LD_CLI_HELP), the daemon into a reply's Ld__Code and
 *     sentence, the report host into the plugin SDK's -1 (ABI_FAIL in
 *     report/plugin_host.c: liandong/plugin.h promises it to plugins built
 *     elsewhere). Each reports once, with ld_strerror(rc) or the buffer's
 *     sentence.
 *
 * Codes, by range:
 *   -1 .. -4095        -errno (ENOMEM, ENOENT, EINVAL ...)
 *   LD_E* below        this project's own (-20000 .. -20099)
 *   other ranges       named by the module that owns them, registered
 *                      with ld_err_register: store/ registers LMDB's codes
 *                      (-30799 .. -30780) and its own LD_ESTORE_*. */
#ifndef LD_ERR_H
#define LD_ERR_H

#define LD_EBASE (-20000)
#define LD_EUTF8 (-20001)    /* not well-formed UTF-8 */
#define LD_ECONTROL (-20002) /* a control character (C0 but tab/LF/CR, DEL, C1) */
#define LD_EBIDI (-20003)    /* a bidirectional override or isolate */
#define LD_ELIMIT (-20004)   /* over a limit (length, count) */
#define LD_ESYNTAX (-20005)  /* malformed input */
#define LD_EREFUSED (-20006) /* refused by a rule */
#define LD_EPLUGIN (-20007)  /* a report plugin failed */
#define LD_ELAST (-20099)

/* Words for `rc`: "" for 0, the errno text for -errno, the sentence of an
 * LD_E* code or of a registered range, else "error N". The result is a
 * static string, or a thread-local one for unknown codes. */
const char *ld_strerror(int rc);

/* errno, just set by a failed call, as a code: -errno, or -EIO if errno
 * lies outside -errno's range (ZeroMQ's own codes, ETERM ..., whose words
 * only zmq_strerror knows; say them in the message). */
int ld_err_errno(void);

/* Let the module that owns codes lo..hi (lo <= hi, both negative, outside
 * the ranges above) name them. Registering the same function again is a
 * no-op. Returns 0, -EINVAL for a bad range, or -ENOSPC if the table (8
 * entries) is full. */
int ld_err_register(int lo, int hi, const char *(*name)(int rc));

#endif
