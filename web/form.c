/* form.c — labelled form controls with their kept values and refusals
 * (form.h). */
#include "form.h"
#include "html.h"
#include "labels.h"

#include <stdio.h>
#include <string.h>

void
ld_form_init(struct ld_form *f, const struct ld_fielderr *err)
{
	memset(f, 0, sizeof(*f));
	f->err = err != NULL && err->text[0] != '\0' ? err : NULL;
}

void
ld_form_refusal(struct ld_buf *b, const struct ld_fielderr *err,
                const char *id)
{
	ld_html_f(b, "<p class=\"err\" id=\"%s\" role=\"alert\">%s", id,
	          err->text);
	/* The node's own words, as the CLI prints them, unless they are
	 * already what the line says. */
	if (err->cli != NULL && err->cli[0] != '\0' &&
	    strcmp(err->cli, err->text) != 0)
		ld_html_f(b, "<br><small class=\"cli\" lang=\"en\">%s</small>",
		          err->cli);
	ld_buf_puts(b, "</p>\n");
}

void
ld_form_err(struct ld_form *f, const char *name)
{
	if (f->err == NULL || f->err_shown || strcmp(f->err->field, name) != 0)
		return;
	char id[LD_FIELDERR_FIELD + 8];
	snprintf(id, sizeof(id), "err-%s", name);
	ld_form_refusal(&f->body, f->err, id);
	f->err_shown = true;
}

/* Is the refusal this control's? */
static bool
refused(const struct ld_form *f, const char *name)
{
	return f->err != NULL && !f->err_shown &&
	       strcmp(f->err->field, name) == 0;
}

static void
label_for(struct ld_form *f, const char *name, const char *label,
          unsigned flags)
{
	ld_html_f(&f->body, "<label for=\"f-%s\">%s", name,
	          label ? label : ld_label_field(name));
	if (flags & LD_FORM_REQUIRED)
		ld_buf_puts(&f->body, " <span class=\"req\">（必填）</span>");
	ld_buf_puts(&f->body, "</label>\n");
}

/* The attributes every control shares. */
static void
common(struct ld_form *f, const char *name, unsigned flags)
{
	ld_html_f(&f->body, " name=\"%s\" id=\"f-%s\"", name, name);
	if (flags & LD_FORM_REQUIRED)
		ld_buf_puts(&f->body, " required");
	if (flags & LD_FORM_READONLY)
		ld_buf_puts(&f->body, " readonly");
	if (refused(f, name))
		ld_html_f(&f->body, " aria-invalid=\"true\" "
		          "aria-describedby=\"err-%s\"", name);
}

void
ld_form_input(struct ld_form *f, const char *type, const char *name,
              const char *label, const char *value, unsigned flags)
{
	ld_buf_puts(&f->body, "<div class=\"field\">\n");
	label_for(f, name, label, flags);
	ld_html_f(&f->body, "<input type=\"%s\"", type);
	common(f, name, flags);
	ld_html_f(&f->body, " value=\"%s\">\n", value ? value : "");
	ld_form_err(f, name);
	ld_buf_puts(&f->body, "</div>\n");
}

void
ld_form_textarea(struct ld_form *f, const char *name, const char *label,
                 const char *hint, const char *value, unsigned flags)
{
	ld_buf_puts(&f->body, "<div class=\"field\">\n");
	label_for(f, name, label, flags);
	if (hint != NULL)
		ld_html_f(&f->body, "<small class=\"hint\">%s</small>\n", hint);
	ld_buf_puts(&f->body, "<textarea rows=\"4\"");
	common(f, name, flags);
	/* A leading newline would be eaten by the parser: keep the value's
	 * own. */
	ld_html_f(&f->body, ">\n%s</textarea>\n", value ? value : "");
	ld_form_err(f, name);
	ld_buf_puts(&f->body, "</div>\n");
}

/* <option>s; returns whether `value` was among them. */
static bool
options(struct ld_buf *b, const struct ld_choice *c, size_t n,
        const char *value)
{
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		bool sel = value != NULL && strcmp(value, c[i].value) == 0;
		found |= sel;
		ld_html_f(b, "<option value=\"%s\"%r>%s</option>\n", c[i].value,
		          sel ? " selected" : "", c[i].label);
	}
	return found;
}

void
ld_form_select(struct ld_form *f, const char *name, const char *label,
               const struct ld_choice *choices, size_t n, const char *empty,
               const char *value, unsigned flags)
{
	ld_buf_puts(&f->body, "<div class=\"field\">\n");
	label_for(f, name, label, flags);
	ld_buf_puts(&f->body, "<select");
	common(f, name, flags & ~LD_FORM_READONLY);
	ld_buf_puts(&f->body, ">\n");
	if (empty != NULL)
		ld_html_f(&f->body, "<option value=\"\">%s</option>\n", empty);
	if (!options(&f->body, choices, n, value) && value != NULL &&
	    value[0] != '\0')
		/* A value that is not a choice (sent back refused): kept, so
		 * the person sees what was refused. */
		ld_html_f(&f->body, "<option value=\"%s\" selected>%s</option>\n",
		          value, value);
	ld_buf_puts(&f->body, "</select>\n");
	ld_form_err(f, name);
	ld_buf_puts(&f->body, "</div>\n");
}

void
ld_form_select_vocab(struct ld_form *f, const char *name, const char *label,
                     enum ld_vocab v, const char *empty, const char *value,
                     unsigned flags)
{
	struct ld_choice c[32];
	size_t n = 0;
	const char *t;
	while (n < 32 && (t = ld_vocab_term(v, n)) != NULL) {
		c[n].value = t;
		c[n].label = ld_vocab_label(v, t);
		n++;
	}
	/* An alias the person typed elsewhere (视察) selects its term. */
	const char *canon = value ? ld_vocab_lookup(v, value) : NULL;
	ld_form_select(f, name, label, c, n, empty, canon ? canon : value,
	               flags);
}

size_t
ld_form_select_status(struct ld_form *f, const char *name, const char *label,
                      enum ld_machine m, const char *from, const char *value)
{
	struct ld_choice c[16];
	size_t n = 0, moves = 0;
	const char *s;
	if (from == NULL) {
		while (n < 16 && (s = ld_status_at(m, n)) != NULL) {
			c[n].value = s;
			c[n].label = ld_status_label(m, s);
			n++;
		}
	} else {
		c[n].value = from;
		c[n].label = ld_status_label(m, from);
		n++;
		while (n < 16 && (s = ld_status_next_at(m, from, moves)) != NULL) {
			c[n].value = s;
			c[n].label = ld_status_label(m, s);
			n++, moves++;
		}
	}
	const char *canon = value ? ld_status_lookup(m, value) : NULL;
	ld_form_select(f, name, label, c, n, NULL, canon ? canon : value, 0);
	return moves;
}

void
ld_form_checks(struct ld_form *f, const char *name, const char *label,
               const struct ld_choice *choices, size_t n,
               const char *const *checked, size_t nchecked, unsigned flags)
{
	ld_html_f(&f->body, "<fieldset class=\"field checks\" id=\"f-%s\"",
	          name);
	if (refused(f, name))
		ld_html_f(&f->body, " aria-describedby=\"err-%s\"", name);
	ld_html_f(&f->body, "><legend>%s", label ? label : ld_label_field(name));
	if (flags & LD_FORM_REQUIRED)
		ld_buf_puts(&f->body, " <span class=\"req\">（必填）</span>");
	ld_buf_puts(&f->body, "</legend>\n");
	for (size_t i = 0; i < n; i++) {
		bool on = false;
		for (size_t k = 0; k < nchecked && !on; k++)
			on = strcmp(checked[k], choices[i].value) == 0;
		ld_html_f(&f->body,
		          "<label class=\"check\"><input type=\"checkbox\" "
		          "name=\"%s\" id=\"f-%s-%z\" value=\"%s\"%r> %s</label>\n",
		          name, name, i + 1, choices[i].value,
		          on ? " checked" : "", choices[i].label);
	}
	if (n == 0)
		ld_buf_puts(&f->body, "<p class=\"muted\">本节点尚不知道下级单位。"
		            "</p>\n");
	ld_form_err(f, name);
	ld_buf_puts(&f->body, "</fieldset>\n");
}

void
ld_form_file(struct ld_form *f, const char *name, const char *label,
             const char *hint, unsigned flags)
{
	ld_buf_puts(&f->body, "<div class=\"field\">\n");
	label_for(f, name, label, flags);
	if (hint != NULL)
		ld_html_f(&f->body, "<small class=\"hint\">%s</small>\n", hint);
	ld_buf_puts(&f->body, "<input type=\"file\"");
	common(f, name, flags & ~LD_FORM_MULTIPLE);
	if (flags & LD_FORM_MULTIPLE)
		ld_buf_puts(&f->body, " multiple");
	ld_buf_puts(&f->body, ">\n");
	ld_form_err(f, name);
	ld_buf_puts(&f->body, "</div>\n");
}

void
ld_form_hidden(struct ld_form *f, const char *name, const char *value)
{
	ld_html_f(&f->body, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
	          name, value ? value : "");
}

void
ld_form_raw(struct ld_form *f, const char *html)
{
	ld_buf_puts(&f->body, html);
}

void
ld_form_finish(struct ld_form *f, struct ld_buf *out, const char *action,
               const char *csrf, bool multipart, const char *submit)
{
	ld_html_f(out, "<form class=\"edit\" method=\"post\" action=\"%s\"%r>\n",
	          action,
	          multipart ? " enctype=\"multipart/form-data\"" : "");
	if (f->err != NULL && !f->err_shown)
		ld_form_refusal(out, f->err, "err-form");
	ld_html_f(out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	          csrf ? csrf : "");
	if (f->body.n > 0)
		ld_buf_put(out, f->body.p, f->body.n);
	ld_html_f(out, "<p><button type=\"submit\" id=\"submit\">%s</button>"
	          "</p>\n</form>\n", submit);
	ld_buf_free(&f->body);
	f->err = NULL;
}
