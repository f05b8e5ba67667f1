/* session.c — a frame on an established session, from either end of a
 * link: batches go to batch.c, acks move the flow control, pings are
 * answered, Fetch and Chunk go to fetch.c. */
#include "log.h"
#include "node_int.h"

/* A rewind makes us send the credit's batches again while the earlier
 * copies may still sit in libzmq's queue to the peer. An honest receiver
 * asks once per gap; more than one per ack timeout is honoured no sooner
 * (the timeout resends anyway), so a peer cannot make us reread and
 * resend our log in a loop. */
static bool
rewind_allowed(struct ld_node *n, struct ld_peer *p, int64_t now)
{
	int64_t timeout = p->is_parent ? (int64_t)n->cfg.dead_ms
	                               : (int64_t)p->dead_ms;
	if (p->last_rewind_ms != 0 && now - p->last_rewind_ms < timeout) {
		ld_warn_rl(&p->warn_rl,
		           "link: %s %s asks to rewind more than once in %lld "
		           "ms; not yet",
		           p->is_parent ? "parent" : "child", p->path,
		           (long long)timeout);
		return false;
	}
	p->last_rewind_ms = now;
	return true;
}

static void
on_ping(struct ld_node *n, struct ld_peer *p, const Ld__Ping *pg)
{
	p->in_head = pg->head;
	ld_frame_ping(n, p, true);
}

void
ld_session_on_frame(struct ld_node *n, struct ld_peer *p, Ld__Frame *f)
{
	int64_t now = ld_now_ms();
	p->last_recv_ms = now;
	switch (f->msg_case) {
	case LD__FRAME__MSG_BATCH:
		if (ld_batch_take(n, p, f, now))
			return; /* the work item owns f now */
		break;
	case LD__FRAME__MSG_ACK:
		ld_link_on_ack(p, f->ack->seq, f->ack->credit,
		               f->ack->rewind && rewind_allowed(n, p, now), now);
		break;
	case LD__FRAME__MSG_PING:
		/* Pings come every ping_ms (50 ms at least): answer no faster.
		 */
		if (now - p->last_pong_ms >= 50) {
			p->last_pong_ms = now;
			on_ping(n, p, f->ping);
		}
		break;
	case LD__FRAME__MSG_PONG:
		p->in_head = f->pong->head;
		break;
	case LD__FRAME__MSG_FETCH:
	case LD__FRAME__MSG_CHUNK:
		ld_fetch_on_frame(n, p, f);
		return; /* it took f */
	default:
		break;
	}
	ld__frame__free_unpacked(f, NULL);
}
