/* nodetree.h — the 下级节点 section of the console's node page: every
 * office below this node that the node knows of, as the status answer's
 * `tree` gives it (the same answer `liandong status --tree` prints),
 * indented by depth, with when it last reported (its newest HEALTH),
 * 失联 when that is older than [health] silent_after (or never), and the
 * links up and down it reported with their state and lag. Pure: builds
 * HTML into a buffer (html.h escaping), no I/O. */
#ifndef LD_NODETREE_H
#define LD_NODETREE_H

#include "buf.h"
#include "liandong.pb-c.h"

/* Appends the section (heading included) for status answer `s` seen at
 * `now_ms` (Unix ms): a table of class "cards", a row an office below
 * (data-office, data-depth, data-silent="1" when silent), or
 * "无下级节点。" when there is none. */
void ld_node_tree(struct ld_buf *b, const Ld__StatusResponse *s,
                  long long now_ms);

#endif
