/* form.h — the console's forms, built into HTML: a labelled input,
 * select, textarea, checkbox group or file input, each with the value
 * kept after a refusal and the refusal beside it. Names follow the CLI's
 * options (topic, form, scope, due, parent, targets, summary, finding,
 * metric, verdict, comment, status, title, number, submitter, handler,
 * year, month, lead ...); every control has id "f-NAME", its refusal
 * <p class="err" id="err-NAME">, the submit button id "submit". Choices
 * come from core/ (vocab.c, lifecycle.c) with their Chinese labels.
 * Pure: builds into an ld_buf; everything given is escaped.
 *
 * Use:
 *	struct ld_form f;
 *	ld_form_init(&f, refused ? &fe : NULL);
 *	ld_form_input(&f, "text", "topic", NULL, value, LD_FORM_REQUIRED);
 *	...
 *	ld_form_finish(&f, &page, "/tasks/new", csrf, false, "下发");
 * ld_form_finish frees what the form built. A refusal whose field is not
 * on the form is shown at its top. */
#ifndef LD_FORM_H
#define LD_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fielderr.h"
#include "lifecycle.h"
#include "vocab.h"

enum {
	LD_FORM_REQUIRED = 1 << 0, /* marked 必填 and `required` */
	LD_FORM_MULTIPLE = 1 << 1, /* a file input taking several files */
	LD_FORM_READONLY = 1 << 2, /* shown, not to be changed */
};

/* A choice of a select or checkbox group. */
struct ld_choice {
	const char *value, *label;
};

struct ld_form {
	struct ld_buf body;            /* the controls, until finish */
	const struct ld_fielderr *err; /* the refusal shown, or NULL */
	bool err_shown;                /* it went beside a control */
};

/* Start a form; `err` (borrowed until finish) is the refusal to show. */
void ld_form_init(struct ld_form *f, const struct ld_fielderr *err);

/* <label>LABEL</label><input type=TYPE name=NAME id=f-NAME value=...>
 * and its refusal. `label` NULL takes the field's name from labels.h.
 * `type`: text, date, number, password ... */
void ld_form_input(struct ld_form *f, const char *type, const char *name,
                   const char *label, const char *value, unsigned flags);
/* A textarea; `hint` (NULL: none) a line under the label ("每行一项"). */
void ld_form_textarea(struct ld_form *f, const char *name, const char *label,
                      const char *hint, const char *value, unsigned flags);
/* A select of `choices`; `value` selected if among them. `empty` (NULL:
 * none) labels a first choice with the value "". */
void ld_form_select(struct ld_form *f, const char *name, const char *label,
                    const struct ld_choice *choices, size_t n,
                    const char *empty, const char *value, unsigned flags);
/* A select of vocabulary `v`'s terms (their Chinese labels). */
void ld_form_select_vocab(struct ld_form *f, const char *name,
                          const char *label, enum ld_vocab v,
                          const char *empty, const char *value,
                          unsigned flags);
/* A select of statuses of machine `m`: every one if `from` is NULL,
 * else `from` (kept, first) and the statuses lifecycle.c lets it become.
 * Returns how many moves it offered (0: `from` is final). */
size_t ld_form_select_status(struct ld_form *f, const char *name,
                             const char *label, enum ld_machine m,
                             const char *from, const char *value);
/* Checkboxes (several values of one name), `checked` those ticked. */
void ld_form_checks(struct ld_form *f, const char *name, const char *label,
                    const struct ld_choice *choices, size_t n,
                    const char *const *checked, size_t nchecked,
                    unsigned flags);
/* <input type=file>; the form must be finished multipart. */
void ld_form_file(struct ld_form *f, const char *name, const char *label,
                  const char *hint, unsigned flags);
void ld_form_hidden(struct ld_form *f, const char *name, const char *value);
/* Trusted HTML between controls (a heading, a fieldset): constants only. */
void ld_form_raw(struct ld_form *f, const char *html);
/* The refusal if it belongs to `name` (beside a group the caller built). */
void ld_form_err(struct ld_form *f, const char *name);

/* The whole form into `out`: <form method=post action=ACTION>, the
 * refusal at the top if no control took it, the CSRF token, the
 * controls, the submit button (id "submit") labelled `submit`. Frees
 * the form's buffer. */
void ld_form_finish(struct ld_form *f, struct ld_buf *out, const char *action,
                    const char *csrf, bool multipart, const char *submit);

/* Just the refusal, as a form shows it (for a page that shows it
 * outside a form). */
void ld_form_refusal(struct ld_buf *b, const struct ld_fielderr *err,
                     const char *id);

#endif
