/* session.c — a frame on an established session, from either end of a
 * link: batches go to batch.c, acks move the flow control, pings are
 * answered, Fetch and Chunk go to fetch.c. */
#include "node_int.h"

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
		ld_link_on_ack(p, f->ack->seq, f->ack->credit, f->ack->rewind,
		               now);
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
