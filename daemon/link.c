/* link.c — cursor, credit and back-off rules for one end of a link. Pure. */
#include "link.h"

#include <stdio.h>
#include <string.h>

enum ld_batch_verdict
ld_link_batch_verdict(uint64_t cursor, uint64_t from, uint64_t to)
{
	if (to < from)
		return LD_BATCH_BAD;
	if (to <= cursor)
		return LD_BATCH_DUP;
	if (from > cursor)
		return LD_BATCH_GAP;
	return LD_BATCH_APPLY;
}

void
ld_link_session_up(struct ld_peer *p, uint64_t session, uint64_t resume,
                   unsigned credit, int64_t now)
{
	p->state = LD_PEER_UP;
	p->session = session;
	p->out_acked = resume;
	p->out_sent = resume;
	p->ninflight = 0;
	p->credit = credit == 0 ? 1 : credit > LD_CREDIT_MAX ? LD_CREDIT_MAX
	                                                     : credit;
	p->rewind_asked = 0;
	p->nearly = 0;
	p->last_recv_ms = now;
	p->last_ack_ms = now;
	p->backoff_ms = 0;
	p->shake_failed = false;
	p->last_error[0] = '\0';
	p->nserve = p->ngot = p->fetching = 0;
}

void
ld_link_session_down(struct ld_peer *p, const char *why)
{
	p->state = LD_PEER_DOWN;
	p->session = 0;
	p->ninflight = 0;
	p->nserve = p->ngot = p->fetching = 0;
	if (why != NULL)
		snprintf(p->last_error, sizeof(p->last_error), "%s", why);
}

void
ld_link_on_ack(struct ld_peer *p, uint64_t seq, uint32_t credit, bool rewind,
               int64_t now)
{
	if (seq > p->out_sent) /* acknowledges what we never sent: ignore */
		return;
	if (credit > 0)
		p->credit = credit > LD_CREDIT_MAX ? LD_CREDIT_MAX : credit;
	if (seq > p->out_acked) {
		p->out_acked = seq;
		p->last_ack_ms = now;
	}
	/* Batches up to seq are done. */
	unsigned k = 0;
	while (k < p->ninflight && p->inflight[k] <= seq)
		k++;
	if (k > 0) {
		memmove(p->inflight, p->inflight + k,
		        (p->ninflight - k) * sizeof(p->inflight[0]));
		p->ninflight -= k;
	}
	if (rewind) {
		/* Everything after seq is lost or out of order: start again
		 * from there. Batches still on the wire will be duplicates or
		 * gaps at the receiver, both harmless. */
		p->out_sent = seq > p->out_acked ? seq : p->out_acked;
		p->ninflight = 0;
		p->nearly = 0; /* what went ahead may be lost too */
		p->last_ack_ms = now;
	}
}

bool
ld_link_can_send(const struct ld_peer *p, uint64_t head)
{
	return p->state == LD_PEER_UP && p->ninflight < p->credit &&
	       p->out_sent < head;
}

void
ld_link_sent(struct ld_peer *p, uint64_t to, int64_t now)
{
	if (p->ninflight == 0)
		p->last_ack_ms = now; /* the ack clock starts with the first */
	if (p->ninflight < LD_CREDIT_MAX)
		p->inflight[p->ninflight++] = to;
	p->out_sent = to;
	p->last_send_ms = now;
}

bool
ld_link_ack_timeout(struct ld_peer *p, int64_t now, int64_t timeout)
{
	if (p->state != LD_PEER_UP || p->ninflight == 0 ||
	    now - p->last_ack_ms < timeout)
		return false;
	p->out_sent = p->out_acked;
	p->ninflight = 0;
	p->nearly = 0;
	p->last_ack_ms = now;
	return true;
}

uint64_t
ld_link_resume_point(uint64_t our_epoch, uint64_t our_head,
                     uint64_t their_epoch, uint64_t their_seq)
{
	if (their_epoch != our_epoch || their_seq > our_head)
		return 0;
	return their_seq;
}

bool
ld_link_peer_log(struct ld_peer *p, uint64_t epoch, uint64_t head)
{
	if (epoch == p->in_epoch && p->in_seq <= head)
		return false;
	p->in_epoch = epoch;
	p->in_seq = 0;
	p->in_dirty = true;
	return true;
}

void
ld_link_backoff(struct ld_peer *p, int64_t now, unsigned max_ms)
{
	if (p->backoff_ms == 0)
		p->backoff_ms = 100;
	else if (p->backoff_ms < max_ms)
		p->backoff_ms = p->backoff_ms * 2 > max_ms ? max_ms
		                                           : p->backoff_ms * 2;
	p->next_hello_ms = now + p->backoff_ms;
}

void
ld_link_serve_confirm(struct ld_peer *p, const uint64_t *got, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < p->nserve; k++)
			if (p->serve_tok[k] == got[i]) {
				p->nserve--;
				p->serve_tok[k] = p->serve_tok[p->nserve];
				p->serve_ms[k] = p->serve_ms[p->nserve];
				break;
			}
}

bool
ld_link_serve_take(struct ld_peer *p, uint64_t token, int64_t now)
{
	for (unsigned k = 0; k < p->nserve;) {
		if (now - p->serve_ms[k] >= LD_SERVE_EXPIRE_MS) {
			p->nserve--;
			p->serve_tok[k] = p->serve_tok[p->nserve];
			p->serve_ms[k] = p->serve_ms[p->nserve];
		} else {
			k++;
		}
	}
	if (p->nserve >= LD_SERVE_WINDOW)
		return false;
	p->serve_tok[p->nserve] = token;
	p->serve_ms[p->nserve] = now;
	p->nserve++;
	return true;
}

void
ld_link_got(struct ld_peer *p, uint64_t token)
{
	if (token == 0)
		return;
	if (p->ngot == LD_SERVE_WINDOW) {
		memmove(p->got_tok, p->got_tok + 1,
		        (LD_SERVE_WINDOW - 1) * sizeof(p->got_tok[0]));
		p->ngot--;
	}
	p->got_tok[p->ngot++] = token;
}
