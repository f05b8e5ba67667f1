/* fuzz_api.c — fuzz target: a client API request, decoded and checked as
 * the daemon checks it; an add request's record (and each of an add-many
 * request's) completed and checked as
 * a new record, then printed as the CLI prints records (JSON and text); an
 * update request's record checked as an edit of itself. */
#include "format.h"
#include "path.h"
#include "record.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SELF "530000/530300"

/* A new record (an AddRequest's, or one of an AddManyRequest's) checked,
 * completed and printed as the daemon and the CLI do. */
static void
add_one(Ld__Record *r)
{
	char err[256];
	if (r == NULL || ld_validate_new(SELF, r, err, sizeof(err)) != 0)
		return;
	/* What the daemon does before storing it. */
	if (ld_set_str(&r->id, SELF ":12345") != 0 ||
	    ld_set_str(&r->owner, SELF) != 0)
		abort();
	r->version = 1;
	if (ld_record_check(r, 0, err, sizeof(err)) == 0) {
		size_t len;
		uint8_t *buf = ld_record_pack(r, &len);
		Ld__Record *back = ld_record_unpack(buf, len);
		if (back == NULL && len <= LD_RECORD_MAX)
			abort(); /* what we write must read back */
		if (back != NULL) {
			struct ld_buf b = {0};
			ld_json_record(&b, back);
			ld_buf_free(&b);
			FILE *f = fopen("/dev/null", "w");
			if (f != NULL) {
				ld_print_record(f, back);
				ld_print_list(f, &back, 1);
				fclose(f);
			}
			ld__record__free_unpacked(back, NULL);
		}
		free(buf);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Ld__Request *req = ld__request__unpack(NULL, size, data);
	if (req == NULL)
		return 0;
	char err[256];
	switch (req->op_case) {
	case LD__REQUEST__OP_ADD:
		add_one(req->add->record);
		break;
	case LD__REQUEST__OP_ADD_MANY:
		/* Each as an AddRequest's, as the daemon checks them, up to
		 * the limit it keeps. */
		for (size_t i = 0; i < req->add_many->n_records &&
		                   i < LD_ADD_MANY_MAX;
		     i++)
			add_one(req->add_many->records[i]);
		break;
	case LD__REQUEST__OP_UPDATE: {
		/* The request's record as an edit of itself stored as new:
		 * every status pair and immutable field the input reaches. */
		Ld__Record *r = req->update->record;
		if (r == NULL)
			break;
		size_t len;
		uint8_t *buf = ld_record_pack(r, &len);
		Ld__Record *old = buf ? ld_record_unpack(buf, len) : NULL;
		free(buf);
		if (old != NULL &&
		    ld_validate_new(SELF, old, err, sizeof(err)) == 0) {
			if (ld_set_str(&old->id, SELF ":12345") != 0 ||
			    ld_set_str(&old->owner, SELF) != 0)
				abort();
			old->version = 1;
			(void)ld_validate_update(SELF, old, r, err, sizeof(err));
		}
		if (old != NULL)
			ld__record__free_unpacked(old, NULL);
		break;
	}
	case LD__REQUEST__OP_DELETE:
		(void)ld_id_owner_len(req->delete_->id);
		break;
	case LD__REQUEST__OP_LIST:
		if (req->list->owner[0] != '\0')
			(void)ld_path_valid(req->list->owner, NULL);
		(void)ld_kind_name(req->list->kind);
		break;
	case LD__REQUEST__OP_GET:
		(void)ld_id_owner_len(req->get->id);
		break;
	default:
		break;
	}
	ld__request__free_unpacked(req, NULL);
	return 0;
}
