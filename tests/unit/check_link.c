/* check_link.c — link cursor, credit, ack, timeout and back-off rules. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

static struct ld_peer peer;

/* A peer with a session up, resuming our log after `resume`. */
static struct ld_peer *
up(uint64_t resume, unsigned credit, int64_t now)
{
	memset(&peer, 0, sizeof(peer));
	strcpy(peer.path, "530000/530300");
	ld_link_session_up(&peer, 0x1234, resume, credit, now);
	return &peer;
}

START_TEST(test_batch_verdict)
{
	/* Cursor 10: we applied the peer's log up to 10. */
	ck_assert_int_eq(ld_link_batch_verdict(10, 10, 11), LD_BATCH_APPLY);
	ck_assert_int_eq(ld_link_batch_verdict(10, 10, 500), LD_BATCH_APPLY);
	ck_assert_int_eq(ld_link_batch_verdict(10, 5, 15), LD_BATCH_APPLY);
	ck_assert_int_eq(ld_link_batch_verdict(10, 0, 11), LD_BATCH_APPLY);
	ck_assert_int_eq(ld_link_batch_verdict(10, 9, 10), LD_BATCH_DUP);
	ck_assert_int_eq(ld_link_batch_verdict(10, 0, 10), LD_BATCH_DUP);
	ck_assert_int_eq(ld_link_batch_verdict(10, 10, 10), LD_BATCH_DUP);
	ck_assert_int_eq(ld_link_batch_verdict(10, 3, 3), LD_BATCH_DUP);
	ck_assert_int_eq(ld_link_batch_verdict(10, 11, 12), LD_BATCH_GAP);
	ck_assert_int_eq(ld_link_batch_verdict(10, 11, 11), LD_BATCH_GAP);
	ck_assert_int_eq(ld_link_batch_verdict(10, 20, 30), LD_BATCH_GAP);
	ck_assert_int_eq(ld_link_batch_verdict(10, 12, 11), LD_BATCH_BAD);
	ck_assert_int_eq(ld_link_batch_verdict(10, 10, 9), LD_BATCH_BAD);
	ck_assert_int_eq(ld_link_batch_verdict(10, 5, 4), LD_BATCH_BAD);
	/* A fresh cursor. */
	ck_assert_int_eq(ld_link_batch_verdict(0, 0, 1), LD_BATCH_APPLY);
	ck_assert_int_eq(ld_link_batch_verdict(0, 0, 0), LD_BATCH_DUP);
	ck_assert_int_eq(ld_link_batch_verdict(0, 1, 2), LD_BATCH_GAP);
	/* At the top of the range. */
	ck_assert_int_eq(
	    ld_link_batch_verdict(UINT64_MAX - 1, UINT64_MAX - 1, UINT64_MAX),
	    LD_BATCH_APPLY);
	ck_assert_int_eq(
	    ld_link_batch_verdict(UINT64_MAX, UINT64_MAX - 1, UINT64_MAX),
	    LD_BATCH_DUP);
	ck_assert_int_eq(ld_link_batch_verdict(0, UINT64_MAX, 0), LD_BATCH_BAD);
}
END_TEST

START_TEST(test_session_up_down)
{
	struct ld_peer *p = up(0, 8, 1000);
	/* Leave traces of an older session, then start a new one. */
	ld_link_sent(p, 5, 0, 1001);
	ld_link_sent(p, 9, 0, 1002);
	p->backoff_ms = 3200;
	p->rewind_asked = 4;
	strcpy(p->last_error, "old trouble");
	ld_link_session_up(p, 0xabcd, 42, 4, 5000);
	ck_assert_int_eq(p->state, LD_PEER_UP);
	ck_assert_uint_eq(p->session, 0xabcd);
	ck_assert_uint_eq(p->out_acked, 42);
	ck_assert_uint_eq(p->out_sent, 42);
	ck_assert_uint_eq(p->ninflight, 0);
	ck_assert_uint_eq(p->credit, 4);
	ck_assert_uint_eq(p->rewind_asked, 0);
	ck_assert_uint_eq(p->backoff_ms, 0);
	ck_assert_str_eq(p->last_error, "");
	ck_assert_int_eq(p->last_recv_ms, 5000);
	ck_assert_int_eq(p->last_ack_ms, 5000);
	ck_assert_str_eq(p->path, "530000/530300"); /* identity untouched */

	/* Credit is at least 1 and at most LD_CREDIT_MAX. */
	ld_link_session_up(p, 1, 0, 0, 0);
	ck_assert_uint_eq(p->credit, 1);
	ld_link_session_up(p, 1, 0, LD_CREDIT_MAX, 0);
	ck_assert_uint_eq(p->credit, LD_CREDIT_MAX);
	ld_link_session_up(p, 1, 0, 1000, 0);
	ck_assert_uint_eq(p->credit, LD_CREDIT_MAX);

	ld_link_sent(p, 3, 0, 10);
	ld_link_session_down(p, "peer dead (no ping for 10 s)");
	ck_assert_int_eq(p->state, LD_PEER_DOWN);
	ck_assert_uint_eq(p->session, 0);
	ck_assert_uint_eq(p->ninflight, 0);
	ck_assert_str_eq(p->last_error, "peer dead (no ping for 10 s)");
	ck_assert(!ld_link_can_send(p, 100));
	/* Without a reason the last one is kept. */
	ld_link_session_down(p, NULL);
	ck_assert_str_eq(p->last_error, "peer dead (no ping for 10 s)");
	/* A very long reason is cut, not overflowed. */
	char longwhy[1000];
	memset(longwhy, 'w', sizeof(longwhy) - 1);
	longwhy[sizeof(longwhy) - 1] = '\0';
	ld_link_session_down(p, longwhy);
	ck_assert_uint_eq(strlen(p->last_error), sizeof(p->last_error) - 1);
}
END_TEST

START_TEST(test_ack_partial)
{
	struct ld_peer *p = up(0, 8, 0);
	ld_link_sent(p, 10, 0, 1);
	ld_link_sent(p, 20, 0, 2);
	ld_link_sent(p, 30, 0, 3);
	ck_assert_uint_eq(p->ninflight, 3);
	ck_assert_uint_eq(p->out_sent, 30);

	/* Acking 20 frees exactly the first two batches. */
	ld_link_on_ack(p, 20, 0, false, 100);
	ck_assert_uint_eq(p->out_acked, 20);
	ck_assert_uint_eq(p->ninflight, 1);
	ck_assert_uint_eq(p->inflight[0], 30);
	ck_assert_uint_eq(p->out_sent, 30);
	ck_assert_int_eq(p->last_ack_ms, 100);

	/* A late, older ack changes nothing. */
	ld_link_on_ack(p, 10, 0, false, 200);
	ck_assert_uint_eq(p->out_acked, 20);
	ck_assert_uint_eq(p->ninflight, 1);
	ck_assert_int_eq(p->last_ack_ms, 100);

	ld_link_on_ack(p, 30, 0, false, 300);
	ck_assert_uint_eq(p->out_acked, 30);
	ck_assert_uint_eq(p->ninflight, 0);
}
END_TEST

START_TEST(test_ack_inside_batch)
{
	struct ld_peer *p = up(100, 8, 0);
	ld_link_sent(p, 110, 0, 1);
	ld_link_sent(p, 120, 0, 2);
	/* An ack that ends inside the second batch frees only the first. */
	ld_link_on_ack(p, 115, 0, false, 10);
	ck_assert_uint_eq(p->out_acked, 115);
	ck_assert_uint_eq(p->ninflight, 1);
	ck_assert_uint_eq(p->inflight[0], 120);
	/* An ack below the first in-flight batch frees nothing. */
	p = up(100, 8, 0);
	ld_link_sent(p, 110, 0, 1);
	ld_link_on_ack(p, 105, 0, false, 10);
	ck_assert_uint_eq(p->ninflight, 1);
	ck_assert_uint_eq(p->out_acked, 105);
}
END_TEST

START_TEST(test_ack_beyond_sent_ignored)
{
	struct ld_peer *p = up(0, 8, 0);
	ld_link_sent(p, 10, 0, 1);
	ld_link_on_ack(p, 11, 0, false, 50);
	ck_assert_uint_eq(p->out_acked, 0);
	ck_assert_uint_eq(p->ninflight, 1);
	ck_assert_uint_eq(p->out_sent, 10);
	ck_assert_int_eq(p->last_ack_ms, 1);
	/* Not even as a rewind. */
	ld_link_on_ack(p, 1000, 0, true, 60);
	ck_assert_uint_eq(p->out_sent, 10);
	ck_assert_uint_eq(p->out_acked, 0);
	ck_assert_uint_eq(p->ninflight, 1);
	/* The real ack still works afterwards. */
	ld_link_on_ack(p, 10, 0, false, 70);
	ck_assert_uint_eq(p->out_acked, 10);
	ck_assert_uint_eq(p->ninflight, 0);
}
END_TEST

START_TEST(test_ack_rewind)
{
	struct ld_peer *p = up(0, 8, 0);
	ld_link_sent(p, 10, 0, 1);
	ld_link_sent(p, 20, 0, 2);
	ld_link_sent(p, 30, 0, 3);
	/* The receiver saw a gap after 10: resend from there. */
	ld_link_on_ack(p, 10, 0, true, 100);
	ck_assert_uint_eq(p->out_acked, 10);
	ck_assert_uint_eq(p->out_sent, 10);
	ck_assert_uint_eq(p->ninflight, 0);
	ck_assert_int_eq(p->last_ack_ms, 100);
	ck_assert(ld_link_can_send(p, 30));

	/* A rewind below what was acknowledged never goes behind the ack. */
	p = up(0, 8, 0);
	ld_link_sent(p, 10, 0, 1);
	ld_link_sent(p, 20, 0, 2);
	ld_link_on_ack(p, 20, 0, false, 5);
	ld_link_sent(p, 30, 0, 6);
	ld_link_on_ack(p, 15, 0, true, 7);
	ck_assert_uint_eq(p->out_acked, 20);
	ck_assert_uint_eq(p->out_sent, 20);
	ck_assert_uint_eq(p->ninflight, 0);
}
END_TEST

START_TEST(test_ack_credit)
{
	struct ld_peer *p = up(0, 8, 0);
	ld_link_on_ack(p, 0, 3, false, 1);
	ck_assert_uint_eq(p->credit, 3);
	ld_link_on_ack(p, 0, 0, false, 2); /* 0 = unchanged */
	ck_assert_uint_eq(p->credit, 3);
	ld_link_on_ack(p, 0, LD_CREDIT_MAX + 1, false, 3);
	ck_assert_uint_eq(p->credit, LD_CREDIT_MAX);
	ld_link_on_ack(p, 0, UINT32_MAX, false, 4);
	ck_assert_uint_eq(p->credit, LD_CREDIT_MAX);
	ld_link_on_ack(p, 0, 1, false, 5);
	ck_assert_uint_eq(p->credit, 1);

	/* Filling the in-flight table to LD_CREDIT_MAX stays in bounds. */
	p = up(0, 1000, 0);
	uint64_t seq = 0;
	while (ld_link_can_send(p, 1000000))
		ld_link_sent(p, ++seq, 0, 1);
	ck_assert_uint_eq(seq, LD_CREDIT_MAX);
	ck_assert_uint_eq(p->ninflight, LD_CREDIT_MAX);
	ld_link_on_ack(p, LD_CREDIT_MAX, 0, false, 2);
	ck_assert_uint_eq(p->ninflight, 0);
}
END_TEST

START_TEST(test_can_send)
{
	struct ld_peer *p = up(0, 2, 0);
	ck_assert(!ld_link_can_send(p, 0)); /* nothing to send */
	ck_assert(ld_link_can_send(p, 1));
	ld_link_sent(p, 1, 0, 1);
	ck_assert(!ld_link_can_send(p, 1)); /* head reached */
	ck_assert(ld_link_can_send(p, 50));
	ld_link_sent(p, 50, 0, 2);
	ck_assert(!ld_link_can_send(p, 100)); /* credit 2 used up */
	ld_link_on_ack(p, 1, 0, false, 3);
	ck_assert(ld_link_can_send(p, 100));
	/* More credit from the receiver opens the window. */
	ld_link_sent(p, 60, 0, 4);
	ck_assert(!ld_link_can_send(p, 100));
	ld_link_on_ack(p, 1, 4, false, 5);
	ck_assert(ld_link_can_send(p, 100));
	/* Only while the session is up. */
	p->state = LD_PEER_HELLO_SENT;
	ck_assert(!ld_link_can_send(p, 100));
	p->state = LD_PEER_REJECTED;
	ck_assert(!ld_link_can_send(p, 100));

	/* Resumed past everything: nothing to send until the head moves. */
	p = up(500, 8, 0);
	ck_assert(!ld_link_can_send(p, 500));
	ck_assert(ld_link_can_send(p, 501));
}
END_TEST

START_TEST(test_sent)
{
	struct ld_peer *p = up(0, 8, 0);
	ld_link_sent(p, 7, 0, 1234);
	ck_assert_uint_eq(p->out_sent, 7);
	ck_assert_uint_eq(p->ninflight, 1);
	ck_assert_uint_eq(p->inflight[0], 7);
	ck_assert_int_eq(p->last_send_ms, 1234);
	/* The ack clock starts with the first batch in flight... */
	ck_assert_int_eq(p->last_ack_ms, 1234);
	/* ...and is not pushed back by later ones. */
	ld_link_sent(p, 9, 0, 2000);
	ck_assert_int_eq(p->last_ack_ms, 1234);
	ck_assert_int_eq(p->last_send_ms, 2000);
}
END_TEST

START_TEST(test_ack_timeout)
{
	const int64_t T = 5000;
	struct ld_peer *p = up(0, 8, 0);
	/* Nothing in flight: no timeout, however long. */
	ck_assert(!ld_link_ack_timeout(p, 1000000, T));

	ld_link_sent(p, 10, 0, 1000);
	ld_link_sent(p, 20, 0, 1100);
	ck_assert(!ld_link_ack_timeout(p, 1000 + T - 1, T));
	ck_assert_uint_eq(p->ninflight, 2);

	/* An ack moves the clock. */
	ld_link_on_ack(p, 10, 0, false, 3000);
	ck_assert(!ld_link_ack_timeout(p, 3000 + T - 1, T));
	ck_assert(ld_link_ack_timeout(p, 3000 + T, T));
	ck_assert_uint_eq(p->out_sent, 10); /* resend after the last ack */
	ck_assert_uint_eq(p->out_acked, 10);
	ck_assert_uint_eq(p->ninflight, 0);
	ck_assert(ld_link_can_send(p, 20));
	/* Once rewound, nothing is in flight: no second timeout. */
	ck_assert(!ld_link_ack_timeout(p, 3000 + 3 * T, T));

	/* Not while the session is down. */
	p = up(0, 8, 0);
	ld_link_sent(p, 10, 0, 0);
	p->state = LD_PEER_DOWN;
	ck_assert(!ld_link_ack_timeout(p, 10 * T, T));
}
END_TEST

START_TEST(test_resume_point)
{
	const uint64_t E = 0x1122334455667788ULL;
	ck_assert_uint_eq(ld_link_resume_point(E, 100, E, 50), 50);
	ck_assert_uint_eq(ld_link_resume_point(E, 100, E, 100), 100);
	ck_assert_uint_eq(ld_link_resume_point(E, 100, E, 0), 0);
	/* Another epoch (restored from backup, or re-initialised): full
	 * resync. */
	ck_assert_uint_eq(ld_link_resume_point(E, 100, E + 1, 50), 0);
	ck_assert_uint_eq(ld_link_resume_point(E, 100, 0, 50), 0);
	/* Past our head: the peer saw a log we no longer have. */
	ck_assert_uint_eq(ld_link_resume_point(E, 100, E, 101), 0);
	ck_assert_uint_eq(ld_link_resume_point(E, 0, E, 1), 0);
}
END_TEST

START_TEST(test_backoff)
{
	memset(&peer, 0, sizeof(peer));
	static const unsigned want[] = {100,  200,  400,  800, 1600,
	                                3200, 5000, 5000, 5000};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int64_t now = 10000 + (int64_t)i * 10;
		ld_link_backoff(&peer, now, 5000);
		ck_assert_uint_eq(peer.backoff_ms, want[i]);
		ck_assert_int_eq(peer.next_hello_ms, now + want[i]);
	}
	/* A session that came up resets the back-off. */
	ld_link_session_up(&peer, 1, 0, 8, 20000);
	ld_link_backoff(&peer, 30000, 5000);
	ck_assert_uint_eq(peer.backoff_ms, 100);
	ck_assert_int_eq(peer.next_hello_ms, 30100);

	/* A cap that is not a power-of-two multiple of 100 is still hit. */
	memset(&peer, 0, sizeof(peer));
	static const unsigned want2[] = {100, 200, 300, 300};
	for (size_t i = 0; i < 4; i++) {
		ld_link_backoff(&peer, 0, 300);
		ck_assert_uint_eq(peer.backoff_ms, want2[i]);
	}
	/* A large cap does not overflow. */
	memset(&peer, 0, sizeof(peer));
	for (int i = 0; i < 64; i++)
		ld_link_backoff(&peer, 0, 3600000);
	ck_assert_uint_eq(peer.backoff_ms, 3600000);
}
END_TEST

/* A peer gets at most LD_SERVE_WINDOW chunks it has not confirmed; tokens
 * it confirms free room; a new session starts empty. */
START_TEST(test_serve_window)
{
	struct ld_peer p;
	memset(&p, 0, sizeof(p));
	for (uint64_t t = 1; t <= LD_SERVE_WINDOW; t++)
		ck_assert(ld_link_serve_take(&p, t, 1000));
	ck_assert(!ld_link_serve_take(&p, 99, 1000));
	uint64_t got[] = {3, 5, 12345};
	ld_link_serve_confirm(&p, got, 3);
	ck_assert_uint_eq(p.nserve, LD_SERVE_WINDOW - 2);
	ck_assert(ld_link_serve_take(&p, 100, 2000));
	ck_assert(ld_link_serve_take(&p, 101, 2000));
	ck_assert(!ld_link_serve_take(&p, 102, 2000));
	/* A token confirmed twice frees one slot only. */
	uint64_t again[] = {100, 100};
	ld_link_serve_confirm(&p, again, 2);
	ck_assert_uint_eq(p.nserve, LD_SERVE_WINDOW - 1);
	/* Tokens never confirmed (a Chunk or Fetch lost) expire after
	 * LD_SERVE_EXPIRE_MS: 1, 2, 4, 6, 7, 8 were sent at 1000, 101 at
	 * 2000. */
	ck_assert(ld_link_serve_take(&p, 103, 1000 + LD_SERVE_EXPIRE_MS - 1));
	ck_assert(!ld_link_serve_take(&p, 104, 1000 + LD_SERVE_EXPIRE_MS - 1));
	ck_assert(ld_link_serve_take(&p, 104, 1000 + LD_SERVE_EXPIRE_MS));
	ck_assert_uint_eq(p.nserve, 3); /* 101, 103, 104 */
	uint64_t late[] = {101, 103, 104};
	ld_link_serve_confirm(&p, late, 3);
	ck_assert_uint_eq(p.nserve, 0);

	/* Received tokens queue for the next Fetch, oldest dropped. */
	ld_link_got(&p, 0); /* a "missing" answer carries none */
	ck_assert_uint_eq(p.ngot, 0);
	for (uint64_t t = 1; t <= LD_SERVE_WINDOW + 2; t++)
		ld_link_got(&p, t);
	ck_assert_uint_eq(p.ngot, LD_SERVE_WINDOW);
	ck_assert_uint_eq(p.got_tok[0], 3);
	ck_assert_uint_eq(p.got_tok[LD_SERVE_WINDOW - 1], LD_SERVE_WINDOW + 2);

	p.fetching = 3;
	ld_link_session_down(&p, "gone");
	ck_assert_uint_eq(p.nserve + p.ngot + p.fetching, 0);
}
END_TEST


/* Batch sizes follow what the link moves: small at first, doubling while
 * acks show a batch would cross in well under LD_BATCH_TIME_MS, halving
 * when it would take longer, within [LD_BATCH_MIN, batch_bytes]. */
START_TEST(test_batch_adapt)
{
	struct ld_peer *p = up(0, 8, 0);
	ck_assert_uint_eq(ld_link_batch_cap(p, 512 * 1024), LD_BATCH_START);
	ck_assert_uint_eq(ld_link_batch_cap(p, 8192), 8192);
	/* Loopback: each batch acked 2 ms after it left. */
	int64_t t = 0;
	uint64_t seq = 0;
	for (int i = 0; i < 12; i++) {
		uint32_t cap = ld_link_batch_cap(p, 512 * 1024);
		ld_link_sent(p, ++seq, cap, t);
		t += 2;
		ld_link_on_ack(p, seq, 0, false, t);
	}
	ck_assert_uint_eq(ld_link_batch_cap(p, 512 * 1024), 512 * 1024);
	/* ...but never past batch_bytes. */
	ck_assert_uint_eq(ld_link_batch_cap(p, 65536), 65536);

	/* 64 kbit/s with loss: about 6000 bytes a second get through. */
	p = up(0, 8, 0);
	t = 0;
	seq = 0;
	for (int i = 0; i < 20; i++) {
		uint32_t cap = ld_link_batch_cap(p, 512 * 1024);
		ld_link_sent(p, ++seq, cap, t);
		t += (int64_t)cap * 1000 / 6000;
		ld_link_on_ack(p, seq, 0, false, t);
		/* Every batch crosses in well under the liveness timeout. */
		ck_assert_int_le((int64_t)cap * 1000 / 6000, 3000);
	}
	uint32_t cap = ld_link_batch_cap(p, 512 * 1024);
	ck_assert_uint_ge(cap, LD_BATCH_MIN);
	ck_assert_uint_le(cap, 6000);
	ck_assert_uint_ge(p->rate, 5000);
	ck_assert_uint_le(p->rate, 7000);

	/* Acks of (nearly) empty batches do not count as throughput. */
	uint64_t rate = p->rate;
	ld_link_sent(p, ++seq, 40, t);
	ld_link_on_ack(p, seq, 0, false, t + 5000);
	ck_assert_uint_eq(p->rate, rate);

	/* A new session starts small again, keeping the rate. */
	ld_link_session_up(p, 2, seq, 8, t);
	ck_assert_uint_eq(ld_link_batch_cap(p, 512 * 1024), LD_BATCH_START);
	ck_assert_uint_eq(p->rate, rate);
}
END_TEST

/* The ack timeout scales with the bytes in flight and the throughput,
 * is never under dead_ms, backs off on timeouts in a row and resets on
 * progress; a timeout halves the batch size. */
START_TEST(test_ack_wait)
{
	const int64_t D = 10000;
	struct ld_peer *p = up(0, 8, 0);
	ck_assert_int_eq(ld_link_ack_wait(p, D), D); /* rate unknown */
	p->rate = 8000; /* 64 kbit/s */
	ck_assert_int_eq(ld_link_ack_wait(p, D), D); /* nothing in flight */
	for (uint64_t s = 1; s <= 8; s++)
		ld_link_sent(p, s, 8000, 0);
	/* 64000 bytes at 8000 B/s: 8 s; three times that. */
	ck_assert_int_eq(ld_link_ack_wait(p, D), 24000);
	ck_assert(!ld_link_ack_timeout(p, 23999, D));
	uint32_t cap = ld_link_batch_cap(p, 512 * 1024);
	ck_assert(ld_link_ack_timeout(p, 24000, D));
	ck_assert_uint_eq(ld_link_batch_cap(p, 512 * 1024), cap / 2);
	ck_assert_uint_eq(p->out_sent, 0);
	/* One resend, then a longer wait: the timeout backs off. */
	ld_link_sent(p, 1, 4000, 24000);
	ck_assert_int_eq(ld_link_ack_wait(p, D), 2 * D);
	ck_assert(!ld_link_ack_timeout(p, 24000 + 2 * D - 1, D));
	ck_assert(ld_link_ack_timeout(p, 24000 + 2 * D, D));
	ld_link_sent(p, 1, 4000, 50000);
	ck_assert_int_eq(ld_link_ack_wait(p, D), 4 * D);
	/* Never past LD_ACK_TIMEOUT_MAX_MS however many in a row... */
	p->ack_timeouts = 16;
	ck_assert_int_eq(ld_link_ack_wait(p, D), LD_ACK_TIMEOUT_MAX_MS);
	/* ... and progress resets it. */
	ld_link_on_ack(p, 1, 0, false, 51000);
	ck_assert_uint_eq(p->ack_timeouts, 0);
	ck_assert_int_eq(ld_link_ack_wait(p, D), D);
	/* The halving stops at LD_BATCH_MIN. */
	for (int i = 0; i < 20; i++) {
		ld_link_sent(p, 2, 100, 100000 + i * 200000);
		ck_assert(ld_link_ack_timeout(p, 100000 + i * 200000 + 199999,
		                              D));
	}
	ck_assert_uint_eq(ld_link_batch_cap(p, 512 * 1024), LD_BATCH_MIN);
}
END_TEST

START_TEST(test_rate_and_size)
{
	ck_assert_uint_eq(ld_link_rate_update(0, 8000, 1000), 8000);
	ck_assert_uint_eq(ld_link_rate_update(8000, 16000, 1000), 10000);
	ck_assert_uint_eq(ld_link_rate_update(0, 100, 0), 100000); /* 0 ms */
	ck_assert_uint_eq(ld_link_size_for(0, 500, 16384, 262144), 16384);
	ck_assert_uint_eq(ld_link_size_for(32000, 500, 16384, 262144), 16384);
	ck_assert_uint_eq(ld_link_size_for(100000, 500, 16384, 262144),
	                  50000);
	ck_assert_uint_eq(ld_link_size_for(100000000, 500, 16384, 262144),
	                  262144);
}
END_TEST

static Suite *
link_suite(void)
{
	Suite *s = suite_create("link");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_batch_verdict);
	tcase_add_test(tc, test_session_up_down);
	tcase_add_test(tc, test_ack_partial);
	tcase_add_test(tc, test_ack_inside_batch);
	tcase_add_test(tc, test_ack_beyond_sent_ignored);
	tcase_add_test(tc, test_ack_rewind);
	tcase_add_test(tc, test_ack_credit);
	tcase_add_test(tc, test_can_send);
	tcase_add_test(tc, test_sent);
	tcase_add_test(tc, test_ack_timeout);
	tcase_add_test(tc, test_resume_point);
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_serve_window);
	tcase_add_test(tc, test_batch_adapt);
	tcase_add_test(tc, test_ack_wait);
	tcase_add_test(tc, test_rate_and_size);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(link_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
