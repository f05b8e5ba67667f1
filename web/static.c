/* static.c — the console's one stylesheet, served at /static/app.css:
 * responsive down to a 390 px phone (tables scroll sideways), CJK fonts
 * first. No scripts anywhere. */
#include "pages.h"

#include <string.h>

static const char css[] =
    ":root{--ink:#1d2430;--muted:#5b6472;--line:#d8dde5;--bg:#f6f7f9;"
    "--accent:#a4161a;--warn:#b45309;--ok:#166534}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--ink);background:var(--bg);"
    "font:16px/1.6 \"Noto Sans CJK SC\",\"Noto Sans SC\",\"Source Han Sans SC\","
    "\"PingFang SC\",\"Microsoft YaHei\",sans-serif}\n"
    "a{color:#0b4f8a}\n"
    "header.top{display:flex;flex-wrap:wrap;justify-content:space-between;"
    "align-items:center;gap:.5rem;padding:.6rem 1rem;background:var(--accent);"
    "color:#fff}\n"
    "header.top .office{font-weight:700;font-size:1.1rem}\n"
    "header.top .who{display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}\n"
    "header.top .role{border:1px solid #fff8;border-radius:3px;padding:0 .4rem;"
    "font-size:.85rem}\n"
    "form.logout{display:inline;margin:0}\n"
    "form.logout button{background:transparent;color:#fff;border:1px solid #fff8;"
    "border-radius:3px;padding:.1rem .6rem;font:inherit;cursor:pointer}\n"
    "nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem;padding:.5rem 1rem;"
    "background:#fff;border-bottom:1px solid var(--line)}\n"
    "nav a{text-decoration:none;padding:.2rem 0}\n"
    "nav a.here{font-weight:700;border-bottom:2px solid var(--accent)}\n"
    "main{max-width:72rem;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.4rem;margin:.2rem 0 1rem}\n"
    "h2{font-size:1.15rem;margin:1.4rem 0 .6rem}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;min-width:36rem}\n"
    "table.kv{min-width:0}\n"
    "th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere}\n"
    "th{background:#eef1f5;font-weight:600;white-space:nowrap}\n"
    "table.kv th{width:9rem}\n"
    "tr.group td{background:#f1f3f6;font-weight:700}\n"
    "td.office{padding-left:1.6rem}\n"
    ".overdue,.overdue a{color:var(--accent);font-weight:700}\n"
    ".soon{color:var(--warn)}\n"
    ".state-reviewed{color:var(--ok)}\n"
    ".counts{display:flex;flex-wrap:wrap;gap:.6rem;margin:0 0 1rem;padding:0;"
    "list-style:none}\n"
    ".counts li{background:#fff;border:1px solid var(--line);border-radius:4px;"
    "padding:.4rem .8rem}\n"
    ".counts b{font-size:1.3rem;margin-left:.3rem}\n"
    ".muted{color:var(--muted)}\n"
    ".error{color:var(--accent);font-weight:600}\n"
    "form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;"
    "margin:0 0 1rem}\n"
    "form.filters label{display:flex;flex-direction:column;font-size:.85rem}\n"
    "input,select,button{font:inherit;padding:.3rem .5rem}\n"
    "form.login{max-width:22rem;background:#fff;border:1px solid var(--line);"
    "padding:1rem;border-radius:4px}\n"
    "form.login label{display:block;margin:.6rem 0 .2rem}\n"
    "form.login input{width:100%}\n"
    "form.login button{margin-top:1rem;width:100%}\n"
    ".field-error{color:var(--accent);font-size:.9rem;margin:.2rem 0 0}\n"
    ".pager{margin:1rem 0}\n"
    "section.plugin{background:#fff;border:1px solid var(--line);"
    "border-radius:4px;padding:.4rem 1rem .8rem;margin:0 0 1rem}\n"
    "section.plugin h3{margin:.4rem 0}\n"
    "form.report{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}\n"
    "form.report label{display:flex;flex-direction:column;font-size:.85rem;"
    "flex:1 1 10rem}\n"
    "form.report textarea{font:inherit;min-width:0}\n"
    "form.report .field-error{flex-basis:100%}\n"
    "iframe.report{width:100%;height:70vh;border:1px solid var(--line);"
    "background:#fff}\n"
    "pre.report{background:#fff;border:1px solid var(--line);padding:.6rem;"
    "overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}\n"
    "svg.chart{display:block;max-width:40rem;margin:.6rem 0 1rem}\n"
    "form.row{display:flex;flex-wrap:wrap;gap:.3rem;align-items:end;margin:0}\n"
    "form.row label{display:flex;flex-direction:column;font-size:.85rem}\n"
    "form.row input{width:9rem}\n"
    ".done{color:var(--ok);font-weight:600}\n"
    ".state-up{color:var(--ok)}\n"
    "form.login select{width:100%}\n"
    "@media (max-width:40rem){main{padding:.6rem}"
    "table.kv th{width:auto;white-space:normal}"
    "h1{font-size:1.2rem}}\n";

void
ld_page_css(struct ld_web_req *rq)
{
	struct ld_buf b = {0};
	ld_buf_put(&b, css, sizeof(css) - 1);
	ld_web_html(rq, 200, &b);
	rq->ctype = "text/css; charset=utf-8";
	rq->cacheable = true;
}
