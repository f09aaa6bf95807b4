/*
 * Flattened Devicetree (DTB) writer: builds a version 17 blob (Devicetree
 * Specification v0.4, section 5) sequentially into a caller buffer.
 *
 * Buffer use while building:
 *
 *   [0, 40)                 header, written by fdtw_finish
 *   [40, rsv_end)           memory reservation entries (spec 5.3)
 *   [rsv_end, +16)          the (0, 0) terminator, written at the first node
 *   [struct_off, pos)       structure block so far (spec 5.4)
 *   ... free ...
 *   [size - strings, size)  strings block so far (spec 5.5), growing down
 *
 * While building, a property's nameoff field holds the distance of its name
 * from the END of the buffer (names are prepended as the strings area grows
 * down, so that distance never changes); fdtw_finish moves the strings block
 * down to follow the structure block and rewrites each nameoff as an offset
 * from the strings block start. Every write is preceded by a check that it
 * fits in the free gap, so nothing is ever written outside buf[0, size).
 */
#include "fdt.h"

#include <string.h>

/* Header layout written by fdtw_finish (spec 5.2). */
#define W_HDR_SIZE	FDT_V17_HEADER_SIZE
#define W_RSV_ENTRY	16u
#define W_VERSION	17u
#define W_LAST_COMP	16u

/* Round up to the 4-byte token alignment (spec 5.4.1). */
static uint32_t walign4(uint32_t x)
{
	return (x + 3u) & ~3u;
}

/* Record a failure; errors are sticky so one check at fdtw_finish suffices. */
static int fail(struct fdt_writer *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

/* Bytes free between the front (header, reservations, structure block)
 * and the strings kept at the end of the buffer. Before the first node the
 * front includes room for the reservation block terminator. */
static uint32_t free_space(const struct fdt_writer *w)
{
	uint32_t front = w->struct_off ? w->pos : w->rsv_end + W_RSV_ENTRY;

	return w->size - w->strings - front;
}

/* A node name character (spec 2.2.1, Table 2.1 "Valid characters for node
 * names"; the same set is used for the unit address). */
static bool node_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == ',' || c == '.' || c == '_' ||
	       c == '+' || c == '-';
}

/* A property name character (spec 2.2.4.1, Table 2.2 "Valid characters
 * for property names"). */
static bool prop_char(char c)
{
	return node_char(c) || c == '?' || c == '#';
}

/* node-name[@unit-address] (spec 2.2.1): a non-empty name, then optionally
 * one '@' and a non-empty unit address, all from the valid set. */
static bool valid_node_name(const char *s)
{
	size_t i, at = 0;
	bool seen_at = false;

	for (i = 0; s[i]; i++) {
		if (s[i] == '@') {
			if (seen_at || i == 0)
				return false;
			seen_at = true;
			at = i;
		} else if (!node_char(s[i])) {
			return false;
		}
	}
	return i > 0 && (!seen_at || at + 1 < i);
}

/* A non-empty property name from the valid set (spec 2.2.4.1). */
static bool valid_prop_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!prop_char(s[i]))
			return false;
	return i > 0;
}

/* Offset of the token after the one at off in our own structure block;
 * the writer built it, so the token is well-formed. */
static uint32_t wtok_next(const struct fdt_writer *w, uint32_t off,
			  uint32_t *tag)
{
	const uint8_t *p = w->buf + off;

	*tag = fdt32_ld(p);
	if (*tag == FDT_BEGIN_NODE)
		return off + 4u +
		       walign4((uint32_t)strlen((const char *)p + 4) + 1u);
	if (*tag == FDT_PROP)
		return off + 12u + walign4(fdt32_ld(p + 4));
	return off + 4u;
}

/* Name of a property written so far: its nameoff is still the distance
 * from the end of the buffer. */
static const char *wprop_name(const struct fdt_writer *w, uint32_t prop)
{
	return (const char *)w->buf + w->size - fdt32_ld(w->buf + prop + 8);
}

/* True if the innermost open node already has a property called name
 * (dtc rejects duplicate property names). */
static bool has_prop(const struct fdt_writer *w, const char *name)
{
	uint32_t tag, off;

	off = wtok_next(w, w->node_stack[w->depth - 1], &tag);
	while (off < w->pos) {
		if (fdt32_ld(w->buf + off) != FDT_PROP)
			break;
		if (strcmp(wprop_name(w, off), name) == 0)
			return true;
		off = wtok_next(w, off, &tag);
	}
	return false;
}

/* True if the innermost open node already has a child called name (dtc
 * rejects duplicate node names). Its earlier children are all closed. */
static bool has_child(const struct fdt_writer *w, const char *name)
{
	uint32_t tag, off;
	int depth = 0;

	off = wtok_next(w, w->node_stack[w->depth - 1], &tag);
	while (off < w->pos) {
		if (depth == 0 && fdt32_ld(w->buf + off) == FDT_BEGIN_NODE &&
		    strcmp((const char *)w->buf + off + 4, name) == 0)
			return true;
		off = wtok_next(w, off, &tag);
		if (tag == FDT_BEGIN_NODE)
			depth++;
		else if (tag == FDT_END_NODE)
			depth--;
	}
	return false;
}

/* Distance from the end of the buffer of an existing copy of s (with its
 * NUL) in the strings area, or 0 if there is none. Any occurrence works,
 * including the tail of a longer name (spec 5.5 only requires nameoff to
 * point at a NUL-terminated string). */
static uint32_t find_string(const struct fdt_writer *w, const char *s,
			    uint32_t slen)
{
	const uint8_t *area = w->buf + w->size - w->strings;
	uint32_t i;

	if (w->strings < slen + 1u)
		return 0;
	for (i = 0; i + slen + 1u <= w->strings; i++)
		if (memcmp(area + i, s, slen + 1u) == 0)
			return w->strings - i;
	return 0;
}

/* Start a build. */
int fdtw_init(struct fdt_writer *w, void *buf, size_t size,
	      uint32_t boot_cpuid)
{
	if (!w)
		return FDT_ERR_BADSTATE;
	memset(w, 0, sizeof(*w));
	if (!buf)
		size = 0;
	w->buf = (uint8_t *)buf;
	w->size = size > (size_t)INT32_MAX ? (uint32_t)INT32_MAX :
					     (uint32_t)size;
	w->boot_cpuid = boot_cpuid;
	w->rsv_end = W_HDR_SIZE;
	if (w->size < W_HDR_SIZE + W_RSV_ENTRY)
		return fail(w, FDT_ERR_NOSPACE);
	return 0;
}

/* Memory reservation entry (spec 5.3.2); the block precedes the structure
 * block, so no entry may follow the first node. A zero size is refused:
 * an entry with address and size 0 would end the list (spec 5.3.1). */
int fdtw_add_mem_rsv(struct fdt_writer *w, uint64_t addr, uint64_t size)
{
	if (w->err)
		return w->err;
	if (w->struct_off)
		return fail(w, FDT_ERR_BADSTATE);
	if (size == 0)
		return fail(w, FDT_ERR_BADVALUE);
	if (free_space(w) < W_RSV_ENTRY)
		return fail(w, FDT_ERR_NOSPACE);
	fdt64_st(w->buf + w->rsv_end, addr);
	fdt64_st(w->buf + w->rsv_end + 8, size);
	w->rsv_end += W_RSV_ENTRY;
	return 0;
}

/* FDT_BEGIN_NODE followed by the name, NUL, zero padding (spec 5.4.1). The
 * first node is the root, named "" (spec 5.4.2); the first node also
 * closes the reservation block with its terminator. */
int fdtw_begin_node(struct fdt_writer *w, const char *name)
{
	uint32_t need, nlen;

	if (w->err)
		return w->err;
	if (w->root_done)
		return fail(w, FDT_ERR_BADSTATE);
	if (!name)
		return fail(w, FDT_ERR_BADNAME);
	if (w->depth == 0 ? name[0] != 0 : !valid_node_name(name))
		return fail(w, FDT_ERR_BADNAME);
	if (w->depth == FDT_MAX_DEPTH)
		return fail(w, FDT_ERR_TOODEEP);
	if (w->depth > 0 && has_child(w, name))
		return fail(w, FDT_ERR_EXISTS);
	nlen = (uint32_t)strlen(name);
	if (nlen > w->size)
		return fail(w, FDT_ERR_NOSPACE);
	need = 4u + walign4(nlen + 1u);
	if (free_space(w) < need)
		return fail(w, FDT_ERR_NOSPACE);
	if (!w->struct_off) {
		/* free_space() already counted the terminator. */
		memset(w->buf + w->rsv_end, 0, W_RSV_ENTRY);
		w->struct_off = w->rsv_end + W_RSV_ENTRY;
		w->pos = w->struct_off;
	}
	fdt32_st(w->buf + w->pos, FDT_BEGIN_NODE);
	memset(w->buf + w->pos + 4, 0, need - 4u);
	memcpy(w->buf + w->pos + 4, name, nlen);
	w->node_stack[w->depth++] = w->pos;
	w->pos += need;
	w->props_ok = true;
	return 0;
}

/* FDT_END_NODE closing the innermost open node. */
int fdtw_end_node(struct fdt_writer *w)
{
	if (w->err)
		return w->err;
	if (w->depth == 0)
		return fail(w, FDT_ERR_BADSTATE);
	if (free_space(w) < 4u)
		return fail(w, FDT_ERR_NOSPACE);
	fdt32_st(w->buf + w->pos, FDT_END_NODE);
	w->pos += 4u;
	w->props_ok = false;
	if (--w->depth == 0)
		w->root_done = true;
	return 0;
}

/* FDT_PROP, len, nameoff, value, zero padding (spec 5.4.1), with the name
 * stored once in the strings block (spec 5.5). Properties must precede the
 * node's children (spec 5.4.2). */
int fdtw_prop(struct fdt_writer *w, const char *name, const void *val,
	      int len)
{
	uint32_t need, nlen, rel, vlen;

	if (w->err)
		return w->err;
	if (w->depth == 0 || !w->props_ok)
		return fail(w, FDT_ERR_BADSTATE);
	if (!name || !valid_prop_name(name))
		return fail(w, FDT_ERR_BADNAME);
	if (len < 0 || (len > 0 && !val))
		return fail(w, FDT_ERR_BADVALUE);
	if (has_prop(w, name))
		return fail(w, FDT_ERR_EXISTS);
	vlen = (uint32_t)len;
	nlen = (uint32_t)strlen(name);
	if (vlen > w->size || nlen >= w->size)
		return fail(w, FDT_ERR_NOSPACE);
	rel = find_string(w, name, nlen);
	need = 12u + walign4(vlen) + (rel ? 0u : nlen + 1u);
	if (free_space(w) < need)
		return fail(w, FDT_ERR_NOSPACE);
	if (!rel) {
		w->strings += nlen + 1u;
		memcpy(w->buf + w->size - w->strings, name, nlen + 1u);
		rel = w->strings;
	}
	fdt32_st(w->buf + w->pos, FDT_PROP);
	fdt32_st(w->buf + w->pos + 4, vlen);
	fdt32_st(w->buf + w->pos + 8, rel);
	memset(w->buf + w->pos + 12, 0, walign4(vlen));
	if (vlen)
		memcpy(w->buf + w->pos + 12, val, vlen);
	w->pos += 12u + walign4(vlen);
	return 0;
}

/* Empty property (spec 2.2.4.1 "<empty>"), e.g. interrupt-controller. */
int fdtw_prop_empty(struct fdt_writer *w, const char *name)
{
	return fdtw_prop(w, name, NULL, 0);
}

/* One big-endian cell (spec 2.2.4.1 "<u32>"). */
int fdtw_prop_u32(struct fdt_writer *w, const char *name, uint32_t v)
{
	uint8_t b[4];

	fdt32_st(b, v);
	return fdtw_prop(w, name, b, 4);
}

/* Two cells, most significant first (spec 2.2.4.1 "<u64>"). */
int fdtw_prop_u64(struct fdt_writer *w, const char *name, uint64_t v)
{
	uint8_t b[8];

	fdt64_st(b, v);
	return fdtw_prop(w, name, b, 8);
}

/* NUL-terminated string (spec 2.2.4.1 "<string>"). */
int fdtw_prop_string(struct fdt_writer *w, const char *name, const char *s)
{
	if (!s)
		return w->err ? w->err : fail(w, FDT_ERR_BADVALUE);
	return fdtw_prop(w, name, s, (int)strlen(s) + 1);
}

/* Cell count limits for the helpers that assemble a value on the stack. */
#define W_MAX_CELLS	64
#define W_MAX_LIST	512

/* Concatenated NUL-terminated strings (spec 2.2.4.1 "<stringlist>"),
 * assembled in a bounded stack buffer. */
int fdtw_prop_strings(struct fdt_writer *w, const char *name,
		      const char *const *list, int n)
{
	char tmp[W_MAX_LIST];
	size_t len = 0, l;
	int i;

	if (w->err)
		return w->err;
	if (n < 0 || (n > 0 && !list))
		return fail(w, FDT_ERR_BADVALUE);
	for (i = 0; i < n; i++) {
		if (!list[i])
			return fail(w, FDT_ERR_BADVALUE);
		l = strlen(list[i]) + 1;
		if (l > sizeof(tmp) - len)
			return fail(w, FDT_ERR_BADVALUE);
		memcpy(tmp + len, list[i], l);
		len += l;
	}
	return fdtw_prop(w, name, tmp, (int)len);
}

/* n cells given in host order, stored big-endian (spec 2.2.4.1
 * "<prop-encoded-array>"). */
int fdtw_prop_cells(struct fdt_writer *w, const char *name,
		    const uint32_t *cells, int n)
{
	uint8_t tmp[4 * W_MAX_CELLS];
	int i;

	if (w->err)
		return w->err;
	if (n < 0 || n > W_MAX_CELLS || (n > 0 && !cells))
		return fail(w, FDT_ERR_BADVALUE);
	for (i = 0; i < n; i++)
		fdt32_st(tmp + 4 * (size_t)i, cells[i]);
	return fdtw_prop(w, name, tmp, 4 * n);
}

/* Finish the blob: FDT_END (spec 5.4.1), strings moved down to follow the
 * structure block with nameoffs rebased, then the header (spec 5.2):
 * version 17, last_comp_version 16, blocks in the order of spec 5.1. */
int fdtw_finish(struct fdt_writer *w)
{
	uint8_t *b = w->buf;
	uint32_t off, tag, rel, str_off, total, i;
	const uint8_t *src;

	if (w->err)
		return w->err;
	if (!w->root_done)
		return fail(w, FDT_ERR_BADSTATE);
	if (free_space(w) < 4u)
		return fail(w, FDT_ERR_NOSPACE);
	fdt32_st(b + w->pos, FDT_END);
	w->pos += 4u;

	for (off = w->struct_off; off < w->pos; off = wtok_next(w, off, &tag))
		if (fdt32_ld(b + off) == FDT_PROP) {
			rel = fdt32_ld(b + off + 8);
			fdt32_st(b + off + 8, w->strings - rel);
		}

	/* Forward copy is safe: the destination lies below the source. */
	str_off = w->pos;
	src = b + w->size - w->strings;
	for (i = 0; i < w->strings; i++)
		b[str_off + i] = src[i];
	total = str_off + w->strings;

	fdt32_st(b + 0, FDT_MAGIC);
	fdt32_st(b + 4, total);
	fdt32_st(b + 8, w->struct_off);
	fdt32_st(b + 12, str_off);
	fdt32_st(b + 16, W_HDR_SIZE);
	fdt32_st(b + 20, W_VERSION);
	fdt32_st(b + 24, W_LAST_COMP);
	fdt32_st(b + 28, w->boot_cpuid);
	fdt32_st(b + 32, w->strings);
	fdt32_st(b + 36, w->pos - w->struct_off);

	/* The build is over; further calls would corrupt the blob. */
	w->err = FDT_ERR_BADSTATE;
	return (int)total;
}
