/* check_flow.c — the flow rules (core/flow.c), exhaustively vs a reference. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "path.h"

/* The test tree, four levels deep. Sibling names are chosen so that one is
 * a textual prefix of the other ("a" / "ab", "x" / "xy", "1" / "12"): a
 * rule that tests string prefixes instead of subtrees gets caught. */
static const struct {
	const char *path;
	int parent;
} tree[] = {
    {"R", -1},         /* 0  depth 1 */
    {"R/a", 0},        /* 1  depth 2 */
    {"R/ab", 0},       /* 2 */
    {"R/a/x", 1},      /* 3  depth 3 */
    {"R/a/xy", 1},     /* 4 */
    {"R/ab/x", 2},     /* 5 */
    {"R/ab/xy", 2},    /* 6 */
    {"R/a/x/1", 3},    /* 7  depth 4 */
    {"R/a/x/12", 3},   /* 8 */
    {"R/a/xy/1", 4},   /* 9 */
    {"R/a/xy/12", 4},  /* 10 */
    {"R/ab/x/1", 5},   /* 11 */
    {"R/ab/x/12", 5},  /* 12 */
    {"R/ab/xy/1", 6},  /* 13 */
    {"R/ab/xy/12", 6}, /* 14 */
};
#define N ((int)(sizeof(tree) / sizeof(tree[0])))

/* ---- the reference model: the flow rules (docs/architecture.md) read as a statement about the tree
 * (parent links), never about strings. ---- */

/* x is s or below s. */
static bool
ref_in_sub(int x, int s)
{
	for (; x >= 0; x = tree[x].parent)
		if (x == s)
			return true;
	return false;
}

/* "Up: a node sends its parent every record whose owner is in the node's
 * own subtree (itself included)." */
static bool
ref_send_up(int self, int owner)
{
	return ref_in_sub(owner, self);
}

/* "Down: a node sends child c every record whose owner is the node itself
 * or one of its ancestors and which has a scope entry s with
 * in_subtree(s, c) or in_subtree(c, s)." */
static bool
ref_send_down(int self, int child, int owner, const int *scope, int ns)
{
	if (!ref_in_sub(self, owner))
		return false;
	for (int i = 0; i < ns; i++)
		if (ref_in_sub(scope[i], child) || ref_in_sub(child, scope[i]))
			return true;
	return false;
}

/* "from a child, only records whose owner is in that child's subtree" */
static bool
ref_accept_from_child(int child, int owner)
{
	return ref_in_sub(owner, child);
}

/* "from the parent, only records whose owner is the parent or above" */
static bool
ref_accept_from_parent(int parent, int owner)
{
	return ref_in_sub(parent, owner);
}

/* ---- helpers to call the code under test ---- */

struct rec {
	struct ld_str scope[8];
	struct ld_flow_rec fr;
};

static void
mkrec(struct rec *r, int owner, const int *scope, int ns)
{
	r->fr.owner.p = tree[owner].path;
	r->fr.owner.n = strlen(tree[owner].path);
	for (int i = 0; i < ns; i++) {
		r->scope[i].p = tree[scope[i]].path;
		r->scope[i].n = strlen(tree[scope[i]].path);
	}
	r->fr.scope = r->scope;
	r->fr.nscope = (size_t)ns;
}

/* A record given by paths, for the readable cases below. */
static struct ld_flow_rec *
prec(struct rec *r, const char *owner, const char *const *scope, int ns)
{
	r->fr.owner.p = owner;
	r->fr.owner.n = strlen(owner);
	for (int i = 0; i < ns; i++) {
		r->scope[i].p = scope[i];
		r->scope[i].n = strlen(scope[i]);
	}
	r->fr.scope = r->scope;
	r->fr.nscope = (size_t)ns;
	return &r->fr;
}

static struct ld_str
S(const char *p) {
	struct ld_str s = {p, strlen(p)};
	return s;
}

/* Every scope set of up to three distinct tree nodes (and the empty one). */
struct scopes {
	int n;
	int len[1024];
	int e[1024][3];
};

static struct scopes all_scopes;

static void
build_scopes(void)
{
	struct scopes *s = &all_scopes;
	s->n = 0;
	s->len[s->n++] = 0;
	for (int a = 0; a < N; a++) {
		s->len[s->n] = 1;
		s->e[s->n][0] = a;
		s->n++;
		for (int b = a + 1; b < N; b++) {
			s->len[s->n] = 2;
			s->e[s->n][0] = a;
			s->e[s->n][1] = b;
			s->n++;
			for (int c = b + 1; c < N; c++) {
				s->len[s->n] = 3;
				s->e[s->n][0] = a;
				s->e[s->n][1] = b;
				s->e[s->n][2] = c;
				s->n++;
			}
		}
	}
}

static void
describe(char *buf, size_t len, int owner, const int *scope, int ns)
{
	int off = snprintf(buf, len, "owner %s scope [", tree[owner].path);
	for (int i = 0; i < ns && off > 0 && (size_t)off < len; i++)
		off += snprintf(buf + off, len - (size_t)off, "%s%s",
		                i ? " " : "", tree[scope[i]].path);
	if (off > 0 && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off, "]");
}

/* ---- exhaustive comparisons with the reference model ---- */

START_TEST(test_tree_shape)
{
	/* Guard the fixture itself: four levels, each path its parent's plus
	 * one segment. */
	ck_assert_int_eq(N, 15);
	for (int i = 1; i < N; i++) {
		const char *p = tree[i].path, *pp = tree[tree[i].parent].path;
		size_t pl = strlen(pp);
		ck_assert_msg(strncmp(p, pp, pl) == 0 && p[pl] == '/' &&
		                  strchr(p + pl + 1, '/') == NULL,
		              "%s is not a child of %s", p, pp);
	}
	build_scopes();
	ck_assert_int_eq(all_scopes.n, 1 + 15 + 105 + 455);
}
END_TEST

START_TEST(test_send_up_exhaustive)
{
	build_scopes();
	long checked = 0, wrong = 0;
	char first[256] = "";
	for (int self = 0; self < N; self++) {
		for (int owner = 0; owner < N; owner++) {
			for (int k = 0; k < all_scopes.n; k++) {
				struct rec r;
				mkrec(&r, owner, all_scopes.e[k],
				      all_scopes.len[k]);
				bool got =
				    ld_flow_send_up(tree[self].path, &r.fr);
				bool want = ref_send_up(self, owner);
				checked++;
				if (got != want && wrong++ == 0) {
					char d[200];
					describe(d, sizeof(d), owner,
					         all_scopes.e[k],
					         all_scopes.len[k]);
					snprintf(first, sizeof(first),
					         "send_up self %s %s: got %d "
					         "want %d",
					         tree[self].path, d, got, want);
				}
			}
		}
	}
	ck_assert_int_eq(checked, 15L * 15 * 576);
	ck_assert_msg(wrong == 0, "%ld of %ld wrong; first: %s", wrong, checked,
	              first);
}
END_TEST

START_TEST(test_send_down_exhaustive)
{
	build_scopes();
	long checked = 0, wrong = 0, yes = 0;
	char first[256] = "";
	for (int child = 1; child < N; child++) {
		int self = tree[child].parent;
		for (int owner = 0; owner < N; owner++) {
			for (int k = 0; k < all_scopes.n; k++) {
				const int *sc = all_scopes.e[k];
				int ns = all_scopes.len[k];
				struct rec r;
				mkrec(&r, owner, sc, ns);
				bool got = ld_flow_send_down(
				    tree[self].path, tree[child].path, &r.fr);
				bool want =
				    ref_send_down(self, child, owner, sc, ns);
				checked++;
				yes += want;
				if (got != want && wrong++ == 0) {
					char d[200];
					describe(d, sizeof(d), owner, sc, ns);
					snprintf(first, sizeof(first),
					         "send_down %s -> %s %s: got "
					         "%d want %d",
					         tree[self].path,
					         tree[child].path, d, got,
					         want);
				}
			}
		}
	}
	ck_assert_int_eq(checked, 14L * 15 * 576);
	/* Both answers occur plenty of times. */
	ck_assert_int_gt(yes, 1000);
	ck_assert_int_lt(yes, checked - 1000);
	ck_assert_msg(wrong == 0, "%ld of %ld wrong; first: %s", wrong, checked,
	              first);
}
END_TEST

START_TEST(test_accept_exhaustive)
{
	int wrong = 0;
	char first[256] = "";
	for (int child = 1; child < N; child++) {
		int parent = tree[child].parent;
		for (int owner = 0; owner < N; owner++) {
			struct ld_str o = S(tree[owner].path);
			/* The parent receiving from `child`. */
			bool got =
			    ld_flow_accept_from_child(tree[child].path, &o);
			bool want = ref_accept_from_child(child, owner);
			if (got != want && wrong++ == 0)
				snprintf(
				    first, sizeof(first),
				    "accept_from_child %s owner %s: got %d "
				    "want %d",
				    tree[child].path, tree[owner].path, got,
				    want);
			/* `child` receiving from its parent. */
			got = ld_flow_accept_from_parent(tree[parent].path, &o);
			want = ref_accept_from_parent(parent, owner);
			if (got != want && wrong++ == 0)
				snprintf(
				    first, sizeof(first),
				    "accept_from_parent %s owner %s: got %d "
				    "want %d",
				    tree[parent].path, tree[owner].path, got,
				    want);
		}
	}
	ck_assert_msg(wrong == 0, "%d wrong; first: %s", wrong, first);
}
END_TEST

/* Let a record travel the whole tree by the code under test: every node
 * forwards by send_up/send_down, every receiver checks accept_*. The set of
 * nodes reached must be the owner, all its ancestors, and exactly those
 * nodes below the owner related to a scope entry; no transfer may be one
 * its receiver refuses, and nobody receives a record twice. */
START_TEST(test_propagation)
{
	build_scopes();
	long wrong = 0;
	char first[300] = "";
	for (int owner = 0; owner < N; owner++) {
		for (int k = 0; k < all_scopes.n; k++) {
			const int *sc = all_scopes.e[k];
			int ns = all_scopes.len[k];
			struct rec r;
			mkrec(&r, owner, sc, ns);
			int got_count[N];
			bool has[N];
			memset(got_count, 0, sizeof(got_count));
			memset(has, 0, sizeof(has));
			int queue[4 * N], qh = 0, qt = 0;
			has[owner] = true;
			queue[qt++] = owner;
			int refused = 0;
			while (qh < qt) {
				int n = queue[qh++];
				/* Up. */
				int p = tree[n].parent;
				if (p >= 0 &&
				    ld_flow_send_up(tree[n].path, &r.fr)) {
					if (!ld_flow_accept_from_child(
					        tree[n].path, &r.fr.owner))
						refused++;
					got_count[p]++;
					if (!has[p]) {
						has[p] = true;
						queue[qt++] = p;
					}
				}
				/* Down. */
				for (int c = 0; c < N; c++) {
					if (tree[c].parent != n ||
					    !ld_flow_send_down(tree[n].path,
					                       tree[c].path,
					                       &r.fr))
						continue;
					if (!ld_flow_accept_from_parent(
					        tree[n].path, &r.fr.owner))
						refused++;
					got_count[c]++;
					if (!has[c]) {
						has[c] = true;
						queue[qt++] = c;
					}
				}
			}
			for (int x = 0; x < N; x++) {
				bool want = x == owner || ref_in_sub(owner, x);
				if (!want && x != owner && ref_in_sub(x, owner))
					for (int i = 0; i < ns; i++)
						if (ref_in_sub(x, sc[i]) ||
						    ref_in_sub(sc[i], x))
							want = true;
				bool bad = has[x] != want || got_count[x] > 1 ||
				           (x == owner && got_count[x] != 0) ||
				           refused != 0;
				if (bad && wrong++ == 0) {
					char d[200];
					describe(d, sizeof(d), owner, sc, ns);
					snprintf(
					    first, sizeof(first),
					    "%s: node %s reached=%d want=%d "
					    "received %d times, %d refused",
					    d, tree[x].path, has[x], want,
					    got_count[x], refused);
				}
			}
		}
	}
	ck_assert_msg(wrong == 0, "%ld wrong; first: %s", wrong, first);
}
END_TEST

/* ---- the properties the flow rules promise, named ---- */

START_TEST(test_siblings_never_see)
{
	build_scopes();
	int leaks = 0;
	char first[256] = "";
	/* For every pair of distinct siblings A, B and every scope, a record
	 * owned in A's subtree never reaches B's subtree: the common parent
	 * receives it from A and may not send it down to B. */
	for (int a = 1; a < N; a++) {
		for (int b = 1; b < N; b++) {
			if (a == b || tree[a].parent != tree[b].parent)
				continue;
			int p = tree[a].parent;
			for (int owner = 0; owner < N; owner++) {
				if (!ref_in_sub(owner, a))
					continue;
				for (int k = 0; k < all_scopes.n; k++) {
					struct rec r;
					mkrec(&r, owner, all_scopes.e[k],
					      all_scopes.len[k]);
					if (ld_flow_send_down(tree[p].path,
					                      tree[b].path,
					                      &r.fr) &&
					    leaks++ == 0)
						snprintf(first, sizeof(first),
						         "%s sends %s's record "
						         "to %s",
						         tree[p].path,
						         tree[owner].path,
						         tree[b].path);
				}
			}
		}
	}
	ck_assert_msg(leaks == 0, "%d leaks; first: %s", leaks, first);

	/* The plain case, with a scope naming the sibling outright. */
	struct rec r;
	const char *sc[] = {"R/ab", "R"};
	ck_assert(!ld_flow_send_down("R", "R/ab", prec(&r, "R/a", sc, 2)));
	ck_assert(!ld_flow_send_down("R", "R/ab", prec(&r, "R/a/x", sc, 2)));
	/* The sibling's child refuses it if it came anyway. */
	struct ld_str o = S("R/a");
	ck_assert(!ld_flow_accept_from_parent("R/ab", &o));
}
END_TEST

START_TEST(test_no_echo)
{
	build_scopes();
	int echoes = 0;
	char first[256] = "";
	for (int self = 0; self < N; self++) {
		for (int owner = 0; owner < N; owner++) {
			struct ld_str o = S(tree[owner].path);
			int p = tree[self].parent;
			/* What self accepts from its parent never goes back up.
			 */
			if (p >= 0 &&
			    ld_flow_accept_from_parent(tree[p].path, &o)) {
				for (int k = 0; k < all_scopes.n; k++) {
					struct rec r;
					mkrec(&r, owner, all_scopes.e[k],
					      all_scopes.len[k]);
					if (ld_flow_send_up(tree[self].path,
					                    &r.fr) &&
					    echoes++ == 0)
						snprintf(first, sizeof(first),
						         "%s echoes %s up",
						         tree[self].path,
						         tree[owner].path);
				}
			}
			/* What self accepts from child c never goes down to c.
			 */
			for (int c = 0; c < N; c++) {
				if (tree[c].parent != self ||
				    !ld_flow_accept_from_child(tree[c].path,
				                               &o))
					continue;
				for (int k = 0; k < all_scopes.n; k++) {
					struct rec r;
					mkrec(&r, owner, all_scopes.e[k],
					      all_scopes.len[k]);
					if (ld_flow_send_down(tree[self].path,
					                      tree[c].path,
					                      &r.fr) &&
					    echoes++ == 0)
						snprintf(
						    first, sizeof(first),
						    "%s echoes %s down to %s",
						    tree[self].path,
						    tree[owner].path,
						    tree[c].path);
				}
			}
		}
	}
	ck_assert_msg(echoes == 0, "%d echoes; first: %s", echoes, first);

	/* A concrete one: a task from the root with scope = root reaches
	 * R/a; R/a does not send it back up. */
	struct rec r;
	const char *sc[] = {"R"};
	ck_assert(ld_flow_send_down("R", "R/a", prec(&r, "R", sc, 1)));
	ck_assert(!ld_flow_send_up("R/a", prec(&r, "R", sc, 1)));
	/* A result of R/a/x arrives at R/a and goes up, not down to R/a/x. */
	ck_assert(ld_flow_send_up("R/a", prec(&r, "R/a/x", sc, 1)));
	ck_assert(!ld_flow_send_down("R/a", "R/a/x", prec(&r, "R/a/x", sc, 1)));
}
END_TEST

START_TEST(test_scope_above_child)
{
	struct rec r;
	/* Owner R/a, scope = the root: reaches everyone below the owner. */
	const char *root[] = {"R"};
	prec(&r, "R/a", root, 1);
	ck_assert(ld_flow_send_down("R/a", "R/a/x", &r.fr));
	ck_assert(ld_flow_send_down("R/a", "R/a/xy", &r.fr));
	ck_assert(ld_flow_send_down("R/a/x", "R/a/x/1", &r.fr));
	ck_assert(ld_flow_send_down("R/a/x", "R/a/x/12", &r.fr));
	ck_assert(ld_flow_send_down("R/a/xy", "R/a/xy/12", &r.fr));
	/* ... but not the owner's sibling's subtree. */
	ck_assert(!ld_flow_send_down("R", "R/ab", &r.fr));
	ck_assert(!ld_flow_send_down("R/ab", "R/ab/x", &r.fr));
	/* Scope = the owner itself works the same. */
	const char *own[] = {"R/a"};
	prec(&r, "R/a", own, 1);
	ck_assert(ld_flow_send_down("R/a", "R/a/xy", &r.fr));
	ck_assert(ld_flow_send_down("R/a/xy", "R/a/xy/1", &r.fr));
	/* An ancestor of the owner's parent as scope, from a relay: a record
	 * of the root relayed by R/a to R/a/x. */
	prec(&r, "R", root, 1);
	ck_assert(ld_flow_send_down("R/a", "R/a/x", &r.fr));
	ck_assert(ld_flow_send_down("R/a/x", "R/a/x/12", &r.fr));
}
END_TEST

START_TEST(test_scope_below_child)
{
	struct rec r;
	/* Scope names a grandchild: the path to it is followed, nothing
	 * else. */
	const char *sc[] = {"R/a/x/12"};
	prec(&r, "R", sc, 1);
	ck_assert(ld_flow_send_down("R", "R/a", &r.fr));
	ck_assert(!ld_flow_send_down("R", "R/ab", &r.fr));
	ck_assert(ld_flow_send_down("R/a", "R/a/x", &r.fr));
	ck_assert(!ld_flow_send_down("R/a", "R/a/xy", &r.fr));
	ck_assert(ld_flow_send_down("R/a/x", "R/a/x/12", &r.fr));
	ck_assert(!ld_flow_send_down("R/a/x", "R/a/x/1", &r.fr));
}
END_TEST

START_TEST(test_multiple_scope)
{
	struct rec r;
	const char *sc[] = {"R/a/xy", "R/ab/x/1"};
	prec(&r, "R", sc, 2);
	ck_assert(ld_flow_send_down("R", "R/a", &r.fr));
	ck_assert(ld_flow_send_down("R", "R/ab", &r.fr));
	ck_assert(!ld_flow_send_down("R/a", "R/a/x", &r.fr));
	ck_assert(ld_flow_send_down("R/a", "R/a/xy", &r.fr));
	ck_assert(ld_flow_send_down("R/a/xy", "R/a/xy/1", &r.fr));
	ck_assert(ld_flow_send_down("R/a/xy", "R/a/xy/12", &r.fr));
	ck_assert(ld_flow_send_down("R/ab", "R/ab/x", &r.fr));
	ck_assert(!ld_flow_send_down("R/ab", "R/ab/xy", &r.fr));
	ck_assert(ld_flow_send_down("R/ab/x", "R/ab/x/1", &r.fr));
	ck_assert(!ld_flow_send_down("R/ab/x", "R/ab/x/12", &r.fr));
	/* The matching entry need not be the first one. */
	const char *sc2[] = {"R/ab/xy", "R/ab/x", "R/a/x/12"};
	prec(&r, "R", sc2, 3);
	ck_assert(ld_flow_send_down("R/a/x", "R/a/x/12", &r.fr));
	ck_assert(!ld_flow_send_down("R/a/x", "R/a/x/1", &r.fr));
}
END_TEST

START_TEST(test_empty_scope)
{
	struct rec r;
	prec(&r, "R", NULL, 0);
	for (int c = 1; c < N; c++)
		ck_assert_msg(!ld_flow_send_down(tree[tree[c].parent].path,
		                                 tree[c].path, &r.fr),
		              "empty scope sent down to %s", tree[c].path);
	/* It still goes up from a non-root owner. */
	prec(&r, "R/a/x/1", NULL, 0);
	ck_assert(ld_flow_send_up("R/a/x/1", &r.fr));
	ck_assert(ld_flow_send_up("R/a/x", &r.fr));
	ck_assert(ld_flow_send_up("R/a", &r.fr));
}
END_TEST

START_TEST(test_prefix_traps)
{
	struct rec r;
	/* R/ab is not below R/a even though "R/a" is a prefix of "R/ab". */
	const char *sc[] = {"R/a"};
	prec(&r, "R", sc, 1);
	ck_assert(ld_flow_send_down("R", "R/a", &r.fr));
	ck_assert(!ld_flow_send_down("R", "R/ab", &r.fr));
	/* A record of R/ab does not go up through R/a. */
	prec(&r, "R/ab", sc, 1);
	ck_assert(!ld_flow_send_up("R/a", &r.fr));
	ck_assert(ld_flow_send_up("R/ab", &r.fr));
	/* A record owned by "R/a" is not sent down by R/ab (not its
	 * ancestor). */
	const char *all[] = {"R"};
	prec(&r, "R/a", all, 1);
	ck_assert(!ld_flow_send_down("R/ab", "R/ab/x", &r.fr));
	struct ld_str o = S("R/ab/x");
	ck_assert(!ld_flow_accept_from_child("R/a", &o));
	o = S("R/a");
	ck_assert(!ld_flow_accept_from_parent("R/ab", &o));
}
END_TEST

START_TEST(test_refusals)
{
	struct ld_str o;
	/* R/a receiving from its child R/a/x. */
	o = S("R/a/x");
	ck_assert(ld_flow_accept_from_child("R/a/x", &o));
	o = S("R/a/x/12");
	ck_assert(ld_flow_accept_from_child("R/a/x", &o));
	o = S("R/a/xy"); /* the child's sibling */
	ck_assert(!ld_flow_accept_from_child("R/a/x", &o));
	o = S("R/a/xy/1");
	ck_assert(!ld_flow_accept_from_child("R/a/x", &o));
	o = S("R/a"); /* the receiving parent itself */
	ck_assert(!ld_flow_accept_from_child("R/a/x", &o));
	o = S("R"); /* above */
	ck_assert(!ld_flow_accept_from_child("R/a/x", &o));
	o = S("R/ab/x"); /* a cousin */
	ck_assert(!ld_flow_accept_from_child("R/a/x", &o));

	/* R/a/x receiving from its parent R/a. */
	o = S("R/a");
	ck_assert(ld_flow_accept_from_parent("R/a", &o));
	o = S("R");
	ck_assert(ld_flow_accept_from_parent("R/a", &o));
	o = S("R/a/x"); /* the receiving node itself */
	ck_assert(!ld_flow_accept_from_parent("R/a", &o));
	o = S("R/a/x/1"); /* below the receiving node */
	ck_assert(!ld_flow_accept_from_parent("R/a", &o));
	o = S("R/a/xy"); /* the receiver's sibling */
	ck_assert(!ld_flow_accept_from_parent("R/a", &o));
	o = S("R/ab"); /* the parent's sibling */
	ck_assert(!ld_flow_accept_from_parent("R/a", &o));

	/* Owners given with a length inside a longer buffer. */
	struct ld_str part = {"R/a/x:17", 5};
	ck_assert(ld_flow_accept_from_child("R/a/x", &part));
	ck_assert(!ld_flow_accept_from_parent("R/a", &part));
}
END_TEST

START_TEST(test_scope_outside)
{
	struct rec r;
	const char *in[] = {"R/a/x", "R/a", "R/a/xy/12"};
	ck_assert_int_eq(ld_flow_scope_outside("R/a", prec(&r, "R/a", in, 3)),
	                 -1);
	const char *sib[] = {"R/a/x", "R/ab/x"};
	ck_assert_int_eq(ld_flow_scope_outside("R/a", prec(&r, "R/a", sib, 2)),
	                 1);
	const char *up[] = {"R"};
	ck_assert_int_eq(ld_flow_scope_outside("R/a", prec(&r, "R/a", up, 1)),
	                 0);
	const char *trap[] = {"R/a/x", "R/a/xy", "R/ab"};
	ck_assert_int_eq(ld_flow_scope_outside("R/a", prec(&r, "R/a", trap, 3)),
	                 2);
	ck_assert_int_eq(ld_flow_scope_outside("R/a", prec(&r, "R/a", NULL, 0)),
	                 -1);
	/* The root may address anything in its tree. */
	const char *any[] = {"R/ab/xy/1", "R/a", "R"};
	ck_assert_int_eq(ld_flow_scope_outside("R", prec(&r, "R", any, 3)), -1);
	const char *other[] = {"R2"};
	ck_assert_int_eq(ld_flow_scope_outside("R", prec(&r, "R", other, 1)),
	                 0);

	/* Exhaustively: the first entry outside self's subtree. */
	build_scopes();
	int wrong = 0;
	for (int self = 0; self < N; self++) {
		for (int k = 0; k < all_scopes.n; k++) {
			mkrec(&r, self, all_scopes.e[k], all_scopes.len[k]);
			int want = -1;
			for (int i = 0; i < all_scopes.len[k]; i++)
				if (!ref_in_sub(all_scopes.e[k][i], self)) {
					want = i;
					break;
				}
			if (ld_flow_scope_outside(tree[self].path, &r.fr) !=
			    want)
				wrong++;
		}
	}
	ck_assert_int_eq(wrong, 0);
}
END_TEST

/* 社情民意 go up level by level: the office one level below the actor
 * must have forwarded it, unless the writer is that office. */
START_TEST(test_opinion_relay)
{
	char relay[LD_PATH_MAX + 1];
	ck_assert(!ld_flow_opinion_relay("530000/530300",
	                                 "530000/530300/530325", relay,
	                                 sizeof(relay)));
	ck_assert_str_eq(relay, "");
	ck_assert(ld_flow_opinion_relay("530000", "530000/530300/530325",
	                                relay, sizeof(relay)));
	ck_assert_str_eq(relay, "530000/530300");
	ck_assert(ld_flow_opinion_relay("530000", "530000/530300/530325/01",
	                                relay, sizeof(relay)));
	ck_assert_str_eq(relay, "530000/530300");
	ck_assert(ld_flow_opinion_relay("530000/530300",
	                                "530000/530300/530325/01", relay,
	                                sizeof(relay)));
	ck_assert_str_eq(relay, "530000/530300/530325");
}
END_TEST

static Suite *
flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("exhaustive");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tree_shape);
	tcase_add_test(tc, test_send_up_exhaustive);
	tcase_add_test(tc, test_send_down_exhaustive);
	tcase_add_test(tc, test_accept_exhaustive);
	tcase_add_test(tc, test_propagation);
	tcase_add_test(tc, test_siblings_never_see);
	tcase_add_test(tc, test_no_echo);
	suite_add_tcase(s, tc);

	tc = tcase_create("cases");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_scope_above_child);
	tcase_add_test(tc, test_scope_below_child);
	tcase_add_test(tc, test_multiple_scope);
	tcase_add_test(tc, test_empty_scope);
	tcase_add_test(tc, test_prefix_traps);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_scope_outside);
	tcase_add_test(tc, test_opinion_relay);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(flow_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
