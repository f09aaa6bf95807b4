/*
 * --html FILE: one self-contained HTML page to look at a dump: a table
 * with one row per vCPU (the totals --summary prints for it, and its most
 * frequent exit reasons; on time-shared harts how often it was switched
 * out, its steal and waiting time), the timeline of --svg with zoom and
 * pan (turns of vCPUs and switch markers on time-shared harts), the
 * exit-latency distribution (latency.c), the exits by reason of
 * --histogram, and the record list where a click on a record shows its
 * --explain text and the specification sections that govern it.
 *
 * Self-contained: inline CSS and one inline script, no URL to fetch, and a
 * Content-Security-Policy (default-src 'none') so a browser refuses any
 * load even if one slipped in. Every text from the trace is HTML-escaped
 * (a guest controls some of it: its addresses, SBI arguments, markers).
 * The list is bounded (HTML_MAX_RECORDS); the page says so when records
 * were left out.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "riscv_names.h"
#include "tvtrace.h"

/* Records listed at most: a browser stays responsive with this many rows. */
#define HTML_MAX_RECORDS 5000
/* Characters of the explanation shown in the row itself. */
#define HTML_ROW_TEXT 110

/* Text with HTML's special characters escaped (HTML Living Standard,
 * "Escaping a string": &, <, >, " and ' so it is safe in text and in
 * quoted attributes). Control characters and bytes that are not ASCII
 * become '?', so the page is valid UTF-8 whatever the input held. At most
 * max characters when max is not 0. */
static void html_esc_n(FILE *out, const char *s, size_t max)
{
	for (size_t n = 0; *s && (max == 0 || n < max); s++, n++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\n': fputc('\n', out); break;
		default:
			fputc(c < 0x20 || c >= 0x7f ? '?' : c, out);
		}
	}
	if (*s)
		fputs("...", out);
}

static void html_esc(FILE *out, const char *s)
{
	html_esc_n(out, s, 0);
}

/* What a view printed to a FILE, as a string (open_memstream, POSIX). */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static int capture_begin(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		fprintf(stderr, "tvtrace: --html: out of memory\n");
	return c->f ? 0 : -1;
}

/* Close the capture; the string stays in c->buf (free it). */
static const char *capture_end(struct capture *c)
{
	fclose(c->f);
	return c->buf ? c->buf : "";
}

static const char STYLE[] =
	"body{font-family:DejaVu Sans,Verdana,Arial,sans-serif;margin:16px;"
	"color:#222;background:#fff}\n"
	"h1{font-size:22px}h2{font-size:17px;margin-top:26px}\n"
	"table.sum{border-collapse:collapse;font-size:13px}\n"
	"table.sum td,table.sum th{border:1px solid #ccc;padding:3px 8px;"
	"text-align:right}\n"
	"table.sum th{background:#e8e8e8}table.sum td.l{text-align:left}\n"
	"table.sum tfoot td{font-weight:bold}\n"
	"pre{background:#f5f5f5;padding:8px;overflow:auto;font-size:12px}\n"
	".pic{border:1px solid #ccc;overflow:hidden;max-width:100%}\n"
	".pic svg{display:block;width:100%;height:auto;cursor:grab}\n"
	"#recs{display:flex;gap:12px;align-items:flex-start}\n"
	"#list{flex:3;max-height:640px;overflow:auto;border:1px solid #ccc}\n"
	"#records{border-collapse:collapse;font:12px monospace;width:100%}\n"
	"#records td,#records th{padding:2px 6px;text-align:left;"
	"white-space:nowrap}\n"
	"#records th{position:sticky;top:0;background:#e8e8e8}\n"
	"#records tbody tr{cursor:pointer}\n"
	"#records tbody tr:hover{background:#eef4ff}\n"
	"#records tbody tr.sel{background:#ffd54f}\n"
	"#panel{flex:2;position:sticky;top:8px;border:1px solid #ccc;"
	"padding:8px;font-size:13px;min-height:120px}\n"
	"#panel.filled{background:#fff3c4}\n"
	"#explain-text{white-space:pre-wrap}\n"
	"#explain-spec{margin-top:8px;font-style:italic;white-space:pre-wrap}\n"
	"button{margin-right:4px}\n"
	"body.selftest #recs{position:fixed;top:0;left:0;right:0;"
	"background:#fff;padding:8px;z-index:9}\n";

/* Zoom and pan of the timeline through its viewBox (SVG 1.1, "The
 * 'viewBox' attribute": the user-space rectangle mapped onto the
 * viewport): the wheel or the buttons zoom around a point, a drag pans,
 * a double click or "reset" shows everything again. A click on a record
 * row shows its explanation in the panel. With #selftest in the URL the
 * page zooms once and clicks the first exit record by itself, pins the
 * list and the panel to the top of the window (a headless screenshot is
 * taken at the top of the page, whatever the scroll), and notes
 * what happened in body's data-selftest (for tests/tools/test_html.sh). */
static const char SCRIPT[] =
	"(function(){'use strict';\n"
	"var panel=document.getElementById('panel');\n"
	"var head=document.getElementById('explain-head');\n"
	"var text=document.getElementById('explain-text');\n"
	"var spec=document.getElementById('explain-spec');\n"
	"var tbody=document.querySelector('#records tbody');\n"
	"function show(tr){var old=tbody.querySelector('tr.sel');\n"
	" if(old)old.classList.remove('sel');tr.classList.add('sel');\n"
	" var c=tr.cells;head.textContent=c[0].textContent+' hart '+"
	"c[1].textContent+' '+c[2].textContent+' '+c[3].textContent;\n"
	" text.textContent=tr.getAttribute('data-x');\n"
	" var s=tr.getAttribute('data-s');\n"
	" spec.textContent=s?'Specification: '+s:"
	"'No specification section for this record.';\n"
	" panel.classList.add('filled');}\n"
	"if(tbody)tbody.addEventListener('click',function(e){\n"
	" var tr=e.target.closest('tr');if(tr)show(tr);});\n"
	"var svg=document.querySelector('#timeline svg');var vb=null,full=null;\n"
	"function zoom(k,fx,fy){var w=Math.min(full.width,Math.max("
	"full.width/2000,vb.width*k));var h=w*full.height/full.width;\n"
	" vb.x+=(vb.width-w)*fx;vb.y+=(vb.height-h)*fy;vb.width=w;"
	"vb.height=h;clamp();}\n"
	"function clamp(){vb.x=Math.max(full.x,Math.min(vb.x,full.x+"
	"full.width-vb.width));vb.y=Math.max(full.y,Math.min(vb.y,full.y+"
	"full.height-vb.height));}\n"
	"function reset(){vb.x=full.x;vb.y=full.y;vb.width=full.width;"
	"vb.height=full.height;}\n"
	"if(svg&&svg.viewBox&&svg.viewBox.baseVal){vb=svg.viewBox.baseVal;\n"
	" full={x:vb.x,y:vb.y,width:vb.width,height:vb.height};\n"
	" svg.addEventListener('wheel',function(e){e.preventDefault();\n"
	"  var r=svg.getBoundingClientRect();zoom(e.deltaY<0?0.8:1.25,"
	"(e.clientX-r.left)/r.width,(e.clientY-r.top)/r.height);},"
	"{passive:false});\n"
	" var drag=null;svg.addEventListener('mousedown',function(e){"
	"drag={x:e.clientX,y:e.clientY};e.preventDefault();});\n"
	" window.addEventListener('mousemove',function(e){if(!drag)return;\n"
	"  var r=svg.getBoundingClientRect();vb.x-=(e.clientX-drag.x)*"
	"vb.width/r.width;vb.y-=(e.clientY-drag.y)*vb.height/r.height;\n"
	"  drag={x:e.clientX,y:e.clientY};clamp();});\n"
	" window.addEventListener('mouseup',function(){drag=null;});\n"
	" svg.addEventListener('dblclick',reset);\n"
	" document.getElementById('zin').addEventListener('click',"
	"function(){zoom(0.5,0.5,0.5);});\n"
	" document.getElementById('zout').addEventListener('click',"
	"function(){zoom(2,0.5,0.5);});\n"
	" document.getElementById('zreset').addEventListener('click',reset);}\n"
	"if(location.hash==='#selftest'){var out=[];\n"
	" document.body.classList.add('selftest');\n"
	" if(svg){var w0=vb.width;svg.dispatchEvent(new WheelEvent('wheel',"
	"{deltaY:-100,clientX:10,clientY:10,bubbles:true,cancelable:true}));\n"
	"  out.push('zoom '+w0+'->'+vb.width);}\n"
	" var row=tbody&&(tbody.querySelector('tr.exit')||"
	"tbody.querySelector('tr'));\n"
	" if(row){row.dispatchEvent(new MouseEvent('click',{bubbles:true}));\n"
	"  out.push('clicked '+row.id);}\n"
	" document.body.setAttribute('data-selftest',out.join('; '));}\n"
	"})();\n";

/* One row of the record list. */
struct rows {
	FILE *out;
	uint64_t hz;
	size_t n;	/* records seen (shown by the filter) */
};

static void put_row(void *ctx, const struct tt_rec *t, const char *text,
		    const char *spec)
{
	struct rows *rw = ctx;
	char time[32];
	const char *kind = tv_kind_name(t->r.kind);
	int is_exit = t->origin == TT_FROM_DUMP && t->r.kind == TV_KIND_EXIT;

	if (rw->n++ >= HTML_MAX_RECORDS)
		return;
	fprintf(rw->out, "<tr id=\"r%zu\"%s data-x=\"", rw->n,
		is_exit ? " class=\"exit\"" : "");
	html_esc(rw->out, text);
	fprintf(rw->out, "\" data-s=\"");
	html_esc(rw->out, spec);
	fprintf(rw->out, "\"><td>%s</td><td>%u</td><td>vm%u-vcpu%u</td><td>",
		tt_time(time, t->r.time, rw->hz), t->hart, t->r.vm,
		t->r.vcpu);
	html_esc(rw->out, kind ? kind : "?");
	fprintf(rw->out, "</td><td>");
	html_esc_n(rw->out, text, HTML_ROW_TEXT);
	fprintf(rw->out, "</td></tr>\n");
}

/* The record list and the explanation panel beside it. */
static void put_records(FILE *out, struct tt_dump *d)
{
	struct capture c;
	struct rows rw = {NULL, tt_timebase(d), 0};

	if (capture_begin(&c) != 0)
		return;
	rw.out = c.f;
	tt_explain_each(d, put_row, &rw);
	capture_end(&c);
	fprintf(out, "<h2>Records</h2>\n<p id=\"recs-note\">");
	if (rw.n > HTML_MAX_RECORDS)
		fprintf(out,
			"The first %d of %zu records are listed; see the rest "
			"with <code>tvtrace --explain</code> and "
			"<code>--from</code>/<code>--to</code>.",
			HTML_MAX_RECORDS, rw.n);
	else
		fprintf(out, "%zu records.", rw.n);
	fprintf(out, " Click a record for its explanation and the "
		     "specification sections that govern it.</p>\n"
		     "<div id=\"recs\"><div id=\"list\"><table id=\"records\">"
		     "<thead><tr><th>time (s)</th><th>hart</th><th>vCPU</th>"
		     "<th>kind</th><th>what happened</th></tr></thead>\n"
		     "<tbody>\n");
	fputs(c.buf ? c.buf : "", out);
	free(c.buf);
	fprintf(out, "</tbody></table></div>\n"
		     "<div id=\"panel\"><b id=\"explain-head\">Explanation"
		     "</b>\n<div id=\"explain-text\">Click a record.</div>\n"
		     "<div id=\"explain-spec\"></div></div></div>\n");
}

/* A view printed to a FILE, escaped into a <pre>. */
static void put_pre(FILE *out, const char *id,
		    void (*view)(FILE *, struct tt_dump *), struct tt_dump *d)
{
	struct capture c;

	if (capture_begin(&c) != 0)
		return;
	view(c.f, d);
	fprintf(out, "<pre id=\"%s\">", id);
	html_esc(out, capture_end(&c));
	fprintf(out, "</pre>\n");
	free(c.buf);
}

/* Microseconds of a tick count, or "-" without a time. */
static void put_us_cell(FILE *out, int have, double us)
{
	if (have)
		fprintf(out, "<td>%.2f</td>", us);
	else
		fprintf(out, "<td>-</td>");
}

/* "0" or "0,1": the harts of a mask. */
static void put_harts(FILE *out, uint64_t harts)
{
	int first = 1;

	for (unsigned h = 0; h < 64; h++)
		if (harts & (UINT64_C(1) << h)) {
			fprintf(out, "%s%u", first ? "" : ",", h);
			first = 0;
		}
	if (first)
		fputc('-', out);
}

/* The most frequent exit reasons of a vCPU, "ECALL_VS 40, ..." */
static void put_top(FILE *out, const struct tt_vcpu_stat *v)
{
	for (size_t i = 0; i < v->ntop; i++) {
		char name[32];

		tv_cause_short_describe(v->top_cause[i], name, sizeof(name));
		fprintf(out, "%s", i ? ", " : "");
		html_esc(out, name);
		fprintf(out, " %" PRIu64, v->top_count[i]);
	}
}

/* One row of the summary table: a vCPU, or the total of all; sw: the
 * columns of time-shared harts too. */
static void put_vcpu_row(FILE *out, const struct tt_vcpu_stat *v,
			 uint64_t hz, int total, int sw)
{
	if (total)
		fprintf(out, "<tr><td class=\"l\" colspan=\"3\">all vCPUs</td>");
	else {
		fprintf(out, "<tr class=\"vcpu\" data-vm=\"%u\" data-vcpu=\"%u\">"
			     "<td>%u</td><td>%u</td><td>", v->vm, v->vcpu,
			v->vm, v->vcpu);
		put_harts(out, v->harts);
		fprintf(out, "</td>");
	}
	fprintf(out, "<td>%" PRIu64 "</td><td>%" PRIu64 "</td><td class=\"l\">",
		v->exits, v->timed);
	if (!total)
		put_top(out, v);
	fprintf(out, "</td>");
	put_us_cell(out, v->timed != 0, tt_us(v->total, hz));
	put_us_cell(out, v->timed != 0,
		    v->timed ? tt_us(v->total, hz) / (double)v->timed : 0);
	put_us_cell(out, v->timed != 0, tt_us(v->max, hz));
	put_us_cell(out, v->run_total != 0, tt_us(v->run_total, hz));
	if (sw) {
		fprintf(out, "<td>%" PRIu64 "</td>", v->switched_out);
		put_us_cell(out, v->switched_out != 0, tt_us(v->steal, hz));
		put_us_cell(out, v->switched_out != 0, tt_us(v->wait, hz));
	}
	fprintf(out, "</tr>\n");
}

/* The per-VM/vCPU summary table: the same pairing and numbers as the
 * "Total" line of each vCPU in --summary, and on time-shared harts those
 * of its switch table (times switched out, steal and waiting time). */
static void put_summary_table(FILE *out, struct tt_dump *d)
{
	struct tt_summary *sum = tt_summary_new();
	struct tt_vcpu_stat *v = NULL, all;
	uint64_t hz = tt_timebase(d);
	size_t n;
	int sw;

	for (size_t i = 0; i < d->nrecs; i++)
		tt_summary_add(sum, &d->recs[i]);
	n = tt_summary_vcpus(sum, &v);
	sw = tt_summary_has_switches(sum);
	memset(&all, 0, sizeof(all));
	fprintf(out, "<table class=\"sum\" id=\"summary\"><thead><tr>"
		     "<th>VM</th><th>vCPU</th><th>hart</th><th>exits</th>"
		     "<th>paired with entry</th><th>top reasons</th>"
		     "<th>time in hypervisor (us)</th><th>mean exit latency "
		     "(us)</th><th>max exit latency (us)</th><th>guest run "
		     "time (us)</th>%s</tr></thead>\n<tbody>\n",
		sw ? "<th>switched out</th><th>steal time: switched out "
		     "ready (us)</th><th>switched out waiting (us)</th>"
		   : "");
	for (size_t i = 0; i < n; i++) {
		put_vcpu_row(out, &v[i], hz, 0, sw);
		all.exits += v[i].exits;
		all.timed += v[i].timed;
		all.total += v[i].total;
		all.run_total += v[i].run_total;
		all.max = all.max > v[i].max ? all.max : v[i].max;
		all.switched_out += v[i].switched_out;
		all.steal += v[i].steal;
		all.wait += v[i].wait;
	}
	fprintf(out, "</tbody><tfoot>\n");
	put_vcpu_row(out, &all, hz, 1, sw);
	fprintf(out, "</tfoot></table>\n<details><summary>The whole "
		     "<code>tvtrace --summary</code> text (per reason, per "
		     "hart, lost records)</summary>\n");
	free(v);
	tt_summary_free(sum);
}

/* The heading: which dump, which filter. */
static void put_head(FILE *out, struct tt_dump *d, size_t number)
{
	struct capture c;
	char filt[256], name[48];

	fprintf(out,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		"charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
		"Policy\" content=\"default-src 'none'; style-src "
		"'unsafe-inline'; script-src 'unsafe-inline'\">\n"
		"<title>tracevisor report, %s</title>\n<style>\n%s"
		"</style></head>\n<body>\n<h1>tracevisor report</h1>\n",
		tt_dump_name(name, d, number), STYLE);
	if (capture_begin(&c) == 0) {
		tt_describe_dump(c.f, d, number);
		fprintf(out, "<p id=\"dump\">");
		html_esc(out, capture_end(&c));
		fprintf(out, "</p>\n");
		free(c.buf);
	}
	tv_filter_describe(&tt_filter, filt, sizeof(filt));
	if (filt[0]) {
		fprintf(out, "<p>Filter: ");
		html_esc(out, filt);
		fprintf(out, "</p>\n");
	}
}

static void write_page(FILE *out, struct tt_dump *d, size_t number)
{
	struct tt_latency lat;

	put_head(out, d, number);
	fprintf(out, "<h2>Summary per VM and vCPU</h2>\n");
	put_summary_table(out, d);
	put_pre(out, "summary-text", tt_print_summary, d);
	fprintf(out, "</details>\n");
	fprintf(out, "<h2>Timeline</h2>\n<p>Wheel or buttons zoom, drag "
		     "pans, double click resets; hover a slice for its "
		     "reason, sepc and handling time. <button id=\"zin\">"
		     "zoom in</button><button id=\"zout\">zoom out</button>"
		     "<button id=\"zreset\">reset</button></p>\n"
		     "<div class=\"pic\" id=\"timeline\">\n");
	tt_svg_write(out, TT_SVG_TIMELINE, d, number);
	tt_latency_collect(d, &lat);
	fprintf(out, "</div>\n<h2>Exit latency: time from an exit to the "
		     "entry that resumed the vCPU</h2>\n<p id=\"latency-note\">"
		     "%" PRIu64 " exits paired with their entry, in log2 "
		     "buckets of nanoseconds. Hover a bar for its range.</p>\n"
		     "<div class=\"pic\" id=\"latency\">\n", lat.pairs);
	tt_latency_svg(out, &lat);
	fprintf(out, "</div>\n<h2>Exits by reason: count and total handling "
		     "time</h2>\n<div class=\"pic\" id=\"histogram\">\n");
	tt_svg_write(out, TT_SVG_HISTOGRAM, d, number);
	fprintf(out, "</div>\n");
	put_records(out, d);
	fprintf(out, "<script>\n%s</script>\n</body></html>\n", SCRIPT);
}

int tt_write_html(const char *path, struct tt_dump *d, size_t number,
		  int numbered)
{
	char *name = numbered ? tt_numbered_name(path, number) : NULL;
	const char *use = name ? name : path;
	FILE *f = tt_exp_open(use);
	int rc;

	if (!f) {
		free(name);
		return -1;
	}
	write_page(f, d, number);
	rc = tt_exp_close(f, use);
	free(name);
	return rc;
}
