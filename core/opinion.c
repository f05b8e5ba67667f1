/* opinion.c — the trail of a 社情民意 (opinion.h). */
#include "opinion.h"
#include "path.h"
#include "vocab.h"

#include <stdlib.h>
#include <string.h>

/* Nearest the writer first: deeper offices act earlier on the way up. */
static int
by_level(const void *x, const void *y)
{
	const Ld__Record *a = *(Ld__Record *const *)x,
	                 *b = *(Ld__Record *const *)y;
	int da = ld_path_depth(a->owner), db = ld_path_depth(b->owner);
	if (da != db)
		return db - da;
	return strcmp(a->id, b->id);
}

size_t
ld_opinion_trail(Ld__Record **acts, size_t n, const char *id)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		Ld__Record *r = acts[i];
		if (r != NULL && !r->deleted &&
		    r->body_case == LD__RECORD__BODY_OPINION_ACTION &&
		    strcmp(r->opinion_action->ref, id) == 0) {
			acts[i] = acts[k];
			acts[k++] = r;
		}
	}
	if (k > 1)
		qsort(acts, k, sizeof(*acts), by_level);
	return k;
}

const char *
ld_opinion_action_label(const char *action)
{
	const char *l = ld_vocab_label(LD_VOCAB_OPINION_ACTION, action);
	return l != NULL && l[0] != '\0' ? l : action;
}
