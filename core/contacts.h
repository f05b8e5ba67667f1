/* contacts.h — members' personal contact details (phone, address, ID
 * number, e-mail), kept only at the office that owns the MEMBER record,
 * in DIR/members.private (CSV, mode 0600), and never in a record: they
 * are not signed, stored in LMDB or replicated. The CLI reads and writes
 * the file directly, as it does DIR/users. */
#ifndef LD_CONTACTS_H
#define LD_CONTACTS_H

#include <stddef.h>

#define LD_CONTACTS_FILE "members.private"

/* One member's details; "" = not known. */
struct ld_contact {
	char *member; /* the MEMBER record's id */
	char *phone, *address, *id_number, *email;
};

struct ld_contacts {
	struct ld_contact *v;
	size_t n, cap;
};

/* Read `file` (a missing file is no details). Returns 0, or an LD_E* /
 * -errno code with "FILE:LINE: ..." in `err`. */
int ld_contacts_load(const char *file, struct ld_contacts *c, char *err,
                     size_t errlen);

/* The details of `member`, or NULL. Borrowed from `c`. */
const struct ld_contact *ld_contacts_find(const struct ld_contacts *c,
                                          const char *member);

/* Under an exclusive lock on FILE.lock: read `file`, set the fields of
 * each of `v` that are not NULL (an entry for a new member is added),
 * and write the file again through a temporary file renamed over it,
 * mode 0600. Returns 0, or an error code with the reason in `err`. */
int ld_contacts_update(const char *file, const struct ld_contact *v, size_t n,
                       char *err, size_t errlen);

void ld_contacts_free(struct ld_contacts *c);

#endif
