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
	/* The throughput measured on the last session is still the best
	 * guess for the timeout; the batch size starts small again. */
	p->batch_cap = LD_BATCH_START;
	p->ack_timeouts = 0;
	p->fetch_last_ms = 0;
}

void
ld_link_session_down(struct ld_peer *p, const char *why)
{
	p->state = LD_PEER_DOWN;
	p->session = 0;
	/* The peer may come back upgraded. */
	p->hello_protocol = LD_PROTOCOL;
	p->ninflight = 0;
	p->nserve = p->ngot = p->fetching = 0;
	if (why != NULL)
		snprintf(p->last_error, sizeof(p->last_error), "%s", why);
}

uint64_t
ld_link_rate_update(uint64_t rate, uint64_t bytes, int64_t ms)
{
	uint64_t sample = bytes * 1000 / (uint64_t)(ms > 0 ? ms : 1);
	if (sample == 0)
		sample = 1;
	return rate == 0 ? sample : (3 * rate + sample) / 4;
}

uint32_t
ld_link_size_for(uint64_t rate, uint32_t ms, uint32_t lo, uint32_t hi)
{
	if (rate == 0)
		return lo;
	uint64_t v = rate * ms / 1000;
	return v < lo ? lo : v > hi ? hi : (uint32_t)v;
}

/* Batches whose acks freed `bytes` after the link was busy with them for
 * `ms`: what the link moves, and so how big the next batches may be. */
static void
adapt(struct ld_peer *p, uint64_t bytes, int64_t ms)
{
	/* Acks of nearly empty batches say how long a round trip takes,
	 * not how much the link moves. */
	if (bytes < 512)
		return;
	p->rate = ld_link_rate_update(p->rate, bytes, ms);
	uint64_t cap = p->batch_cap ? p->batch_cap : LD_BATCH_START;
	uint64_t t = cap * 1000 / p->rate; /* ms a full batch takes */
	if (2 * t < LD_BATCH_TIME_MS)
		cap = cap * 2 > (8u << 20) ? (8u << 20) : cap * 2;
	else if (t > LD_BATCH_TIME_MS)
		cap = cap / 2 < LD_BATCH_MIN ? LD_BATCH_MIN : cap / 2;
	p->batch_cap = (uint32_t)cap;
}

void
ld_link_on_ack(struct ld_peer *p, uint64_t seq, uint32_t credit, bool rewind,
               int64_t now)
{
	if (seq > p->out_sent) /* acknowledges what we never sent: ignore */
		return;
	if (credit > 0)
		p->credit = credit > LD_CREDIT_MAX ? LD_CREDIT_MAX : credit;
	/* Batches up to seq are done. The link was busy with them since the
	 * first left or the previous ack came, whichever is later. */
	unsigned k = 0;
	uint64_t freed = 0;
	while (k < p->ninflight && p->inflight[k] <= seq)
		freed += p->inflight_bytes[k++];
	if (k > 0) {
		int64_t since = p->inflight_ms[0] > p->last_ack_ms
		                    ? p->inflight_ms[0]
		                    : p->last_ack_ms;
		adapt(p, freed, now - since);
		p->ack_timeouts = 0;
		unsigned left = p->ninflight - k;
		memmove(p->inflight, p->inflight + k,
		        left * sizeof(p->inflight[0]));
		memmove(p->inflight_bytes, p->inflight_bytes + k,
		        left * sizeof(p->inflight_bytes[0]));
		memmove(p->inflight_ms, p->inflight_ms + k,
		        left * sizeof(p->inflight_ms[0]));
		p->ninflight = left;
	}
	if (seq > p->out_acked) {
		p->out_acked = seq;
		p->last_ack_ms = now;
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
ld_link_sent(struct ld_peer *p, uint64_t to, uint32_t bytes, int64_t now)
{
	if (p->ninflight == 0)
		p->last_ack_ms = now; /* the ack clock starts with the first */
	if (p->ninflight < LD_CREDIT_MAX) {
		p->inflight[p->ninflight] = to;
		p->inflight_bytes[p->ninflight] = bytes;
		p->inflight_ms[p->ninflight] = now;
		p->ninflight++;
	}
	p->out_sent = to;
	p->last_send_ms = now;
}

uint32_t
ld_link_batch_cap(const struct ld_peer *p, uint32_t batch_bytes)
{
	uint32_t cap = p->batch_cap ? p->batch_cap : LD_BATCH_START;
	if (cap < LD_BATCH_MIN)
		cap = LD_BATCH_MIN;
	return cap < batch_bytes ? cap : batch_bytes;
}

int64_t
ld_link_ack_wait(const struct ld_peer *p, int64_t dead_ms)
{
	int64_t w = dead_ms;
	if (p->rate > 0) {
		uint64_t b = 0;
		for (unsigned k = 0; k < p->ninflight; k++)
			b += p->inflight_bytes[k];
		uint64_t need = LD_ACK_SLACK * b * 1000 / p->rate;
		if (need > (uint64_t)w)
			w = need > LD_ACK_TIMEOUT_MAX_MS ? LD_ACK_TIMEOUT_MAX_MS
			                                 : (int64_t)need;
	}
	for (unsigned i = 0; i < p->ack_timeouts && w < LD_ACK_TIMEOUT_MAX_MS;
	     i++)
		w *= 2;
	if (w > LD_ACK_TIMEOUT_MAX_MS)
		w = LD_ACK_TIMEOUT_MAX_MS > dead_ms ? LD_ACK_TIMEOUT_MAX_MS
		                                    : dead_ms;
	return w;
}

bool
ld_link_ack_timeout(struct ld_peer *p, int64_t now, int64_t dead_ms)
{
	if (p->state != LD_PEER_UP || p->ninflight == 0 ||
	    now - p->last_ack_ms < ld_link_ack_wait(p, dead_ms))
		return false;
	p->out_sent = p->out_acked;
	p->ninflight = 0;
	p->nearly = 0;
	p->last_ack_ms = now;
	if (p->ack_timeouts < 16)
		p->ack_timeouts++;
	uint32_t cap = ld_link_batch_cap(p, UINT32_MAX) / 2;
	p->batch_cap = cap < LD_BATCH_MIN ? LD_BATCH_MIN : cap;
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
