#!/bin/sh
# notify-example.sh — an example [notify] hook for liandongd: it reads the
# JSON document the daemon writes on its standard input (new and overdue
# inbox items, docs/configuration.md#notify) and posts one short text per
# item to a webhook (an SMS or WeChat Work gateway, a chat room robot), or,
# with no URL set, appends the lines to a file.
#
# In liandong.conf:
#
#   [notify]
#   command = /usr/local/share/liandong/notify-example.sh
#   every = 60s
#
# Settings, from the environment of liandongd (e.g. Environment= in its
# systemd unit) or edited here:
#
#   LIANDONG_NOTIFY_URL   where to POST {"msgtype": "text", "text":
#                         {"content": "..."}} (the shape WeChat Work and
#                         DingTalk group robots take); unset: no posting
#   LIANDONG_NOTIFY_FILE  where the lines go without a URL
#                         (default: notify.log in the current directory,
#                         which is the daemon's)
#
# Exit 0 only when every item went out: on any other exit liandongd logs
# the failure and gives the same items again at its next check.
set -eu

url=${LIANDONG_NOTIFY_URL:-}
file=${LIANDONG_NOTIFY_FILE:-notify.log}

# One line of text per item, in Chinese, from the JSON on stdin. python3
# parses it (jq is not everywhere).
lines=$(python3 -c '
import json, sys
doc = json.load(sys.stdin)
act = {"report": "待报送", "revise": "待修改", "review": "待审核"}
for it in doc["items"]:
    when = ""
    if it.get("due"):
        when = "，截止 %s" % it["due"]
        if it.get("overdue"):
            when += "（已逾期 %d 天）" % -it["days_left"]
        else:
            when += "（剩 %d 天）" % it["days_left"]
    head = "【逾期】" if it["event"] == "overdue" else "【新事项】"
    print("%s%s %s：%s（%s，来自 %s%s）" % (head, doc["name"],
          act.get(it["action"], it["action"]), it["topic"], it["id"],
          it["from"], when))
')

[ -n "$lines" ] || exit 0

if [ -z "$url" ]; then
	printf '%s\n' "$lines" >>"$file"
	exit 0
fi

# Each line as its own message; curl fails (and so this script) if the
# gateway does not answer 2xx within 20 s.
printf '%s\n' "$lines" | while IFS= read -r line; do
	body=$(printf '%s' "$line" | python3 -c '
import json, sys
print(json.dumps({"msgtype": "text", "text": {"content": sys.stdin.read()}},
                 ensure_ascii=False))
')
	curl --fail --silent --show-error --max-time 20 \
		-H 'Content-Type: application/json; charset=utf-8' \
		--data-binary "$body" "$url" >/dev/null
done
