/*
 * Flattened Devicetree (DTB) reader: Devicetree Specification v0.4,
 * section 5 "Flattened Devicetree (DTB) Format".
 *
 * Safety model: every function derives the block bounds from the header
 * (fdt_view_init, which rejects a header whose blocks leave totalsize) and
 * reads the structure block only through fdt_tok_next, which bounds-checks
 * each token, node name and property value against the structure block.
 * Every loop advances its offset by at least one 4-byte token, so a walk
 * ends after at most size_dt_struct / 4 steps whatever the contents, and
 * nesting is capped at FDT_MAX_DEPTH.
 */
#include "fdt.h"

#include <string.h>

/* Header field offsets (spec 5.2, "Header"). */
#define HDR_MAGIC		0
#define HDR_TOTALSIZE		4
#define HDR_OFF_DT_STRUCT	8
#define HDR_OFF_DT_STRINGS	12
#define HDR_OFF_MEM_RSVMAP	16
#define HDR_VERSION		20
#define HDR_LAST_COMP_VERSION	24
#define HDR_BOOT_CPUID_PHYS	28
#define HDR_SIZE_DT_STRINGS	32
#define HDR_SIZE_DT_STRUCT	36

/* One memory reservation entry: two big-endian u64 (spec 5.3.2). */
#define RSV_ENTRY_SIZE		16u

/* Largest #address-cells / #size-cells accepted (as libfdt, and enough for
 * any real bus). */
#define FDT_MAX_NCELLS		4

/* Bounds of the blocks of one blob, taken from its header. */
struct fdt_view {
	const uint8_t *b;
	uint32_t total;		/* totalsize */
	uint32_t version;
	uint32_t hdr_size;	/* 36 for version 16, else 40 */
	uint32_t st;		/* off_dt_struct */
	uint32_t st_size;	/* bytes of structure block we may read */
	uint32_t str;		/* off_dt_strings */
	uint32_t str_size;	/* size_dt_strings */
	uint32_t rsv;		/* off_mem_rsvmap */
};

/* Round up to the 4-byte token alignment (spec 5.4.1: "each token ... shall
 * be aligned on a 32-bit boundary", padding with zeroes). */
static uint64_t align4(uint64_t x)
{
	return (x + 3u) & ~(uint64_t)3u;
}

/* Bounded search for byte c in p[0, n) (our own so lib/ needs only the
 * minimal string.h set). Returns the index or -1. */
static long find_byte(const uint8_t *p, uint32_t n, uint8_t c)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (p[i] == c)
			return (long)i;
	return -1;
}

/* Read the header and compute block bounds, rejecting anything a later
 * bounds check would rely on: magic (spec 5.2 "magic"), version >= 16 and
 * last_comp_version <= 17 ("version", "last_comp_version"), totalsize at
 * least the header and at most INT32_MAX (offsets are ints), the structure
 * block 4-byte aligned (spec 5.4) and the reservation block 8-byte aligned
 * (spec 5.3.1), and every block inside totalsize. Overlap between blocks is
 * checked only by fdt_check. Reads only the header, which the caller
 * guarantees is inside its buffer. */
static int fdt_view_init(const void *blob, struct fdt_view *v)
{
	const uint8_t *b = (const uint8_t *)blob;
	uint32_t last_comp, limit;

	if (!b)
		return FDT_ERR_BADMAGIC;
	if (fdt32_ld(b + HDR_MAGIC) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	v->b = b;
	v->total = fdt32_ld(b + HDR_TOTALSIZE);
	if (v->total < FDT_V16_HEADER_SIZE)
		return FDT_ERR_BADLAYOUT;
	v->version = fdt32_ld(b + HDR_VERSION);
	last_comp = fdt32_ld(b + HDR_LAST_COMP_VERSION);
	if (v->version < FDT_FIRST_SUPPORTED_VERSION ||
	    last_comp > FDT_LAST_SUPPORTED_VERSION || last_comp > v->version)
		return FDT_ERR_BADVERSION;
	v->hdr_size = v->version >= 17 ? FDT_V17_HEADER_SIZE :
					 FDT_V16_HEADER_SIZE;
	if (v->total < v->hdr_size || v->total > (uint32_t)INT32_MAX)
		return FDT_ERR_BADLAYOUT;

	v->st = fdt32_ld(b + HDR_OFF_DT_STRUCT);
	v->str = fdt32_ld(b + HDR_OFF_DT_STRINGS);
	v->str_size = fdt32_ld(b + HDR_SIZE_DT_STRINGS);
	v->rsv = fdt32_ld(b + HDR_OFF_MEM_RSVMAP);
	if ((v->st & 3u) || v->st < v->hdr_size || v->st > v->total)
		return FDT_ERR_BADLAYOUT;
	if (v->str < v->hdr_size || v->str > v->total ||
	    v->str_size > v->total - v->str)
		return FDT_ERR_BADLAYOUT;
	if ((v->rsv & 7u) || v->rsv < v->hdr_size ||
	    v->rsv > v->total - RSV_ENTRY_SIZE)
		return FDT_ERR_BADLAYOUT;

	if (v->version >= 17) {
		v->st_size = fdt32_ld(b + HDR_SIZE_DT_STRUCT);
		if (v->st_size > v->total - v->st)
			return FDT_ERR_BADLAYOUT;
	} else {
		/* Version 16 has no size_dt_struct: the structure block may
		 * extend up to the next block that starts after it. */
		limit = v->total;
		if (v->str > v->st) /* v->str <= v->total, checked above */
			limit = v->str;
		if (v->rsv > v->st && v->rsv < limit)
			limit = v->rsv;
		v->st_size = limit - v->st;
	}
	return 0;
}

/* Pointer to byte off of the structure block. */
static const uint8_t *st_ptr(const struct fdt_view *v, int off)
{
	return v->b + v->st + (uint32_t)off;
}

/* Decode the token at structure offset off (spec 5.4.1): return its tag in
 * *tag and the offset of the following token in *next (always > off).
 * FDT_BEGIN_NODE must carry a name NUL-terminated inside the block, and
 * FDT_PROP a header and value (plus padding) inside the block. */
static int fdt_tok_next(const struct fdt_view *v, int off, uint32_t *tag,
			int *next)
{
	const uint8_t *p;
	uint64_t end;
	uint32_t len;
	long nul;

	if (off < 0 || (off & 3) || v->st_size < 4u ||
	    (uint32_t)off > v->st_size - 4u)
		return FDT_ERR_BADSTRUCTURE;
	p = st_ptr(v, off);
	*tag = fdt32_ld(p);
	switch (*tag) {
	case FDT_BEGIN_NODE:
		nul = find_byte(p + 4, v->st_size - (uint32_t)off - 4u, 0);
		if (nul < 0)
			return FDT_ERR_BADSTRING;
		end = align4((uint64_t)off + 4u + (uint64_t)nul + 1u);
		break;
	case FDT_PROP:
		if (v->st_size - (uint32_t)off < 12u)
			return FDT_ERR_BADSTRUCTURE;
		len = fdt32_ld(p + 4);
		end = align4((uint64_t)off + 12u + len);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		end = (uint64_t)off + 4u;
		break;
	default:
		return FDT_ERR_BADSTRUCTURE;
	}
	if (end > v->st_size)
		return FDT_ERR_BADSTRUCTURE;
	*next = (int)end;
	return 0;
}

/* Property name at nameoff in the strings block (spec 5.5), or NULL if
 * nameoff is outside the block or the name has no NUL inside it. */
static const char *fdt_string(const struct fdt_view *v, uint32_t nameoff)
{
	const uint8_t *s;

	if (nameoff >= v->str_size)
		return NULL;
	s = v->b + v->str + nameoff;
	if (find_byte(s, v->str_size - nameoff, 0) < 0)
		return NULL;
	return (const char *)s;
}

/* Check that node is a FDT_BEGIN_NODE token; return the offset just past it
 * (where its properties begin) or FDT_ERR_BADOFFSET. */
static int node_body(const struct fdt_view *v, int node)
{
	uint32_t tag;
	int next;

	if (fdt_tok_next(v, node, &tag, &next) < 0 || tag != FDT_BEGIN_NODE)
		return FDT_ERR_BADOFFSET;
	return next;
}

/* Offset of the root node: the first token that is not FDT_NOP must be its
 * FDT_BEGIN_NODE (spec 5.4.2, "Tree structure"). */
static int root_offset(const struct fdt_view *v)
{
	uint32_t tag;
	int off = 0, next, err;

	for (;;) {
		err = fdt_tok_next(v, off, &tag, &next);
		if (err < 0)
			return err;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag != FDT_NOP)
			return FDT_ERR_BADSTRUCTURE;
		off = next;
	}
}

/* First child of node: skip its properties (and NOPs) up to a BEGIN_NODE
 * (a child) or END_NODE (none). */
static int v_first_child(const struct fdt_view *v, int node)
{
	uint32_t tag;
	int off, next, err;

	off = node_body(v, node);
	if (off < 0)
		return off;
	for (;;) {
		err = fdt_tok_next(v, off, &tag, &next);
		if (err < 0)
			return err;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag == FDT_END_NODE)
			return FDT_ERR_NOTFOUND;
		if (tag == FDT_END)
			return FDT_ERR_BADSTRUCTURE;
		off = next;
	}
}

/* Offset just past the FDT_END_NODE closing node, skipping its subtree. */
static int skip_subtree(const struct fdt_view *v, int node)
{
	uint32_t tag;
	int off = node, next, err, depth = 0;

	if (node_body(v, node) < 0)
		return FDT_ERR_BADOFFSET;
	for (;;) {
		err = fdt_tok_next(v, off, &tag, &next);
		if (err < 0)
			return err;
		if (tag == FDT_BEGIN_NODE) {
			if (++depth > FDT_MAX_DEPTH)
				return FDT_ERR_TOODEEP;
		} else if (tag == FDT_END_NODE) {
			if (--depth == 0)
				return next;
		} else if (tag == FDT_END) {
			return FDT_ERR_BADSTRUCTURE;
		}
		off = next;
	}
}

/* Next sibling of node: the next BEGIN_NODE at the same level after its
 * subtree, FDT_ERR_NOTFOUND at the parent's END_NODE (or the FDT_END after
 * the root). Properties after a child node break spec 5.4.2 ordering. */
static int v_next_sibling(const struct fdt_view *v, int node)
{
	uint32_t tag;
	int off, next, err;

	off = skip_subtree(v, node);
	if (off < 0)
		return off;
	for (;;) {
		err = fdt_tok_next(v, off, &tag, &next);
		if (err < 0)
			return err;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag == FDT_END_NODE || tag == FDT_END)
			return FDT_ERR_NOTFOUND;
		if (tag == FDT_PROP)
			return FDT_ERR_BADSTRUCTURE;
		off = next;
	}
}

/* Name of a node: the NUL-terminated string after its BEGIN_NODE token
 * (spec 5.4.1 "FDT_BEGIN_NODE"); fdt_tok_next proved it terminated. */
static const char *v_node_name(const struct fdt_view *v, int node)
{
	if (node_body(v, node) < 0)
		return NULL;
	return (const char *)st_ptr(v, node + 4);
}

/* First FDT_PROP at or after off, skipping NOPs; FDT_ERR_NOTFOUND when the
 * node's property list ends (spec 5.4.2: properties precede children). */
static int prop_at_or_after(const struct fdt_view *v, int off)
{
	uint32_t tag;
	int next, err;

	for (;;) {
		err = fdt_tok_next(v, off, &tag, &next);
		if (err < 0)
			return err;
		if (tag == FDT_PROP)
			return off;
		if (tag != FDT_NOP)
			return FDT_ERR_NOTFOUND;
		off = next;
	}
}

/* Decode the property token at prop (spec 5.4.1 "FDT_PROP": len, nameoff,
 * value). Returns the value pointer or NULL with *err set. */
static const void *v_prop(const struct fdt_view *v, int prop,
			  const char **name, int *len, int *err)
{
	const uint8_t *p;
	const char *n;
	uint32_t tag;
	int next;

	if (fdt_tok_next(v, prop, &tag, &next) < 0 || tag != FDT_PROP) {
		*err = FDT_ERR_BADOFFSET;
		return NULL;
	}
	p = st_ptr(v, prop);
	n = fdt_string(v, fdt32_ld(p + 8));
	if (!n) {
		*err = FDT_ERR_BADSTRING;
		return NULL;
	}
	if (name)
		*name = n;
	if (len)
		*len = (int)fdt32_ld(p + 4);
	*err = 0;
	return p + 12;
}

/* Property of node whose name is the namelen bytes at name. */
static const void *v_getprop_namelen(const struct fdt_view *v, int node,
				     const char *name, size_t namelen,
				     int *len)
{
	const void *val;
	const char *pname;
	int prop, plen, err, next;
	uint32_t tag;

	prop = node_body(v, node);
	if (prop >= 0)
		prop = prop_at_or_after(v, prop);
	while (prop >= 0) {
		val = v_prop(v, prop, &pname, &plen, &err);
		if (!val) {
			prop = err;
			break;
		}
		if (strlen(pname) == namelen &&
		    memcmp(pname, name, namelen) == 0) {
			if (len)
				*len = plen;
			return val;
		}
		err = fdt_tok_next(v, prop, &tag, &next);
		prop = err < 0 ? err : prop_at_or_after(v, next);
	}
	if (len)
		*len = prop;
	return NULL;
}

/* Child of parent named by the namelen bytes at name: exact name first,
 * else (for a name without '@') the unique child whose name before '@'
 * matches (spec 2.2.3, "Path Names"). */
static int v_subnode(const struct fdt_view *v, int parent, const char *name,
		     size_t namelen)
{
	const char *cname;
	size_t clen, base;
	int child, match = FDT_ERR_NOTFOUND, nmatch = 0;
	bool has_unit = find_byte((const uint8_t *)name, (uint32_t)namelen,
				  '@') >= 0;

	for (child = v_first_child(v, parent); child >= 0;
	     child = v_next_sibling(v, child)) {
		cname = v_node_name(v, child);
		clen = strlen(cname);
		if (clen == namelen && memcmp(cname, name, namelen) == 0)
			return child;
		if (has_unit)
			continue;
		for (base = 0; base < clen && cname[base] != '@'; base++)
			;
		if (base < clen && base == namelen &&
		    memcmp(cname, name, namelen) == 0) {
			match = child;
			nmatch++;
		}
	}
	if (child != FDT_ERR_NOTFOUND)
		return child;
	if (nmatch > 1)
		return FDT_ERR_AMBIGUOUS;
	return match;
}

/* Walk path components in p[0, len) from node. */
static int v_walk_path(const struct fdt_view *v, int node, const char *p,
		       size_t len)
{
	size_t i = 0, start;

	while (node >= 0) {
		while (i < len && p[i] == '/')
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && p[i] != '/')
			i++;
		node = v_subnode(v, node, p + start, i - start);
	}
	return node;
}

/* Resolve a path (spec 2.2.3); a leading alias is looked up in /aliases
 * (spec 3.3, "/aliases node"), whose value must itself be an absolute
 * path. */
static int v_path_offset(const struct fdt_view *v, const char *path,
			 size_t len)
{
	const char *alias;
	size_t i;
	int root, aliases, alen, node;
	long nul;

	root = root_offset(v);
	if (root < 0)
		return root;
	if (len == 0)
		return FDT_ERR_BADPATH;
	if (path[0] == '/')
		return v_walk_path(v, root, path, len);

	for (i = 0; i < len && path[i] != '/'; i++)
		;
	aliases = v_walk_path(v, root, "/aliases", 8);
	if (aliases < 0)
		return aliases == FDT_ERR_NOTFOUND ? FDT_ERR_BADPATH : aliases;
	alias = v_getprop_namelen(v, aliases, path, i, &alen);
	if (!alias)
		return alen == FDT_ERR_NOTFOUND ? FDT_ERR_BADPATH : alen;
	nul = find_byte((const uint8_t *)alias, (uint32_t)alen, 0);
	if (nul <= 0 || alias[0] != '/')
		return FDT_ERR_BADPATH;
	node = v_walk_path(v, root, alias, (size_t)nul);
	return v_walk_path(v, node, path + i, len - i);
}

/* ------------------------------------------------------------ public API */

/* Number from ncells big-endian cells (spec 2.3.5). */
uint64_t fdt_read_cells(const void *p, int ncells)
{
	const uint8_t *b = (const uint8_t *)p;
	uint64_t v = 0;
	int i;

	for (i = 0; i < ncells; i++)
		v = (v << 32) | fdt32_ld(b + 4 * (size_t)i);
	return v;
}

/* Stringlist membership (spec 2.2.4.1 "<stringlist>"). */
bool fdt_stringlist_contains(const char *list, int len, const char *s)
{
	size_t slen;
	uint32_t pos = 0;
	long nul;

	if (!list || !s || len <= 0)
		return false;
	slen = strlen(s);
	while (pos < (uint32_t)len) {
		nul = find_byte((const uint8_t *)list + pos,
				(uint32_t)len - pos, 0);
		if (nul < 0)
			return false;
		if ((size_t)nul == slen && memcmp(list + pos, s, slen) == 0)
			return true;
		pos += (uint32_t)nul + 1u;
	}
	return false;
}

/* Error code to text. */
const char *fdt_strerror(int err)
{
	switch (err) {
	case 0:
		return "no error";
	case FDT_ERR_NOTFOUND:
		return "not found";
	case FDT_ERR_TRUNCATED:
		return "blob truncated (buffer shorter than header/totalsize)";
	case FDT_ERR_BADMAGIC:
		return "bad magic";
	case FDT_ERR_BADVERSION:
		return "unsupported version";
	case FDT_ERR_BADLAYOUT:
		return "block out of range, misaligned or overlapping";
	case FDT_ERR_BADMEMRSV:
		return "memory reservation block not terminated";
	case FDT_ERR_BADSTRUCTURE:
		return "malformed structure block";
	case FDT_ERR_BADSTRING:
		return "unterminated name or bad string offset";
	case FDT_ERR_TOODEEP:
		return "nodes nested too deeply";
	case FDT_ERR_BADOFFSET:
		return "invalid node or property offset";
	case FDT_ERR_BADPATH:
		return "bad path or unknown alias";
	case FDT_ERR_AMBIGUOUS:
		return "path component matches several nodes";
	case FDT_ERR_BADNCELLS:
		return "bad #address-cells or #size-cells";
	case FDT_ERR_BADVALUE:
		return "bad property value";
	case FDT_ERR_NOSPACE:
		return "buffer too small";
	case FDT_ERR_BADSTATE:
		return "call not allowed in this writer state";
	case FDT_ERR_BADNAME:
		return "invalid node or property name";
	case FDT_ERR_EXISTS:
		return "duplicate name";
	default:
		return "unknown error";
	}
}

/* Walk the memory reservation block (spec 5.3: entries of two u64 ended by
 * an entry with address and size both 0). Returns the entry count and the
 * offset just past the terminator in *end. */
static int rsv_scan(const struct fdt_view *v, uint32_t *end)
{
	uint32_t off = v->rsv;
	int n = 0;

	/* fdt_view_init made rsv <= total - 16, and off only grows by 16. */
	while (off <= v->total - RSV_ENTRY_SIZE) {
		if (fdt64_ld(v->b + off) == 0 && fdt64_ld(v->b + off + 8) == 0) {
			*end = off + RSV_ENTRY_SIZE;
			return n;
		}
		n++;
		off += RSV_ENTRY_SIZE;
	}
	return FDT_ERR_BADMEMRSV;
}

/* Validate every token of the structure block against the grammar of spec
 * 5.4.2 ("Tree structure"): NOPs anywhere; one root node named ""; in each
 * node its properties before its children; non-root names non-empty and
 * without '/'; every property name a valid strings-block string; nesting
 * at most FDT_MAX_DEPTH; after the root only NOPs, then FDT_END. Returns the
 * offset just past FDT_END in *end. */
static int check_struct(const struct fdt_view *v, uint32_t *end)
{
	const uint8_t *p;
	uint32_t tag;
	int off = 0, next, err, depth = 0;
	bool root_done = false, props_ok = false;

	for (;;) {
		err = fdt_tok_next(v, off, &tag, &next);
		if (err < 0)
			return err;
		p = st_ptr(v, off);
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (root_done)
				return FDT_ERR_BADSTRUCTURE;
			if (depth == 0 ? p[4] != 0 :
			    p[4] == 0 || find_byte(p + 4,
					(uint32_t)(next - off - 4), '/') >= 0)
				return FDT_ERR_BADSTRUCTURE;
			if (++depth > FDT_MAX_DEPTH)
				return FDT_ERR_TOODEEP;
			props_ok = true;
			break;
		case FDT_PROP:
			if (depth == 0 || !props_ok)
				return FDT_ERR_BADSTRUCTURE;
			if (!fdt_string(v, fdt32_ld(p + 8)))
				return FDT_ERR_BADSTRING;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return FDT_ERR_BADSTRUCTURE;
			props_ok = false;
			if (--depth == 0)
				root_done = true;
			break;
		case FDT_END:
			if (!root_done)
				return FDT_ERR_BADSTRUCTURE;
			*end = (uint32_t)next;
			return 0;
		default: /* FDT_NOP */
			break;
		}
		off = next;
	}
}

/* True if [a, a+alen) and [b, b+blen) share a byte (empty ranges never
 * do). */
static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	if (alen == 0 || blen == 0)
		return false;
	return (uint64_t)a < (uint64_t)b + blen &&
	       (uint64_t)b < (uint64_t)a + alen;
}

/* Whole-blob validation: header (spec 5.2), layout, reservation block
 * (spec 5.3), structure block (spec 5.4) and property names (spec 5.5). */
int fdt_check(const void *blob, size_t buflen)
{
	const uint8_t *b = (const uint8_t *)blob;
	struct fdt_view v;
	uint32_t hdr, rsv_end = 0, st_end = 0;
	int err;

	if (!b || buflen < 4)
		return FDT_ERR_TRUNCATED;
	if (fdt32_ld(b + HDR_MAGIC) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	if (buflen < FDT_V16_HEADER_SIZE)
		return FDT_ERR_TRUNCATED;
	hdr = fdt32_ld(b + HDR_VERSION) >= 17 ? FDT_V17_HEADER_SIZE :
						FDT_V16_HEADER_SIZE;
	if (buflen < hdr)
		return FDT_ERR_TRUNCATED;
	if (fdt32_ld(b + HDR_TOTALSIZE) > buflen)
		return FDT_ERR_TRUNCATED;
	err = fdt_view_init(b, &v);
	if (err < 0)
		return err;

	err = rsv_scan(&v, &rsv_end);
	if (err < 0)
		return err;
	if (v.version >= 17 && (v.st_size & 3u))
		return FDT_ERR_BADLAYOUT;
	/* The blocks must not overlap each other or the header (spec 5.1
	 * places them one after another). */
	if (overlaps(0, v.hdr_size, v.rsv, rsv_end - v.rsv) ||
	    overlaps(0, v.hdr_size, v.st, v.st_size) ||
	    overlaps(0, v.hdr_size, v.str, v.str_size) ||
	    overlaps(v.rsv, rsv_end - v.rsv, v.st, v.st_size) ||
	    overlaps(v.rsv, rsv_end - v.rsv, v.str, v.str_size) ||
	    overlaps(v.st, v.st_size, v.str, v.str_size))
		return FDT_ERR_BADLAYOUT;

	err = check_struct(&v, &st_end);
	if (err < 0)
		return err;
	/* Version 17's size_dt_struct must end exactly at FDT_END, "the last
	 * token in the structure block" (spec 5.4.1). */
	if (v.version >= 17 && st_end != v.st_size)
		return FDT_ERR_BADSTRUCTURE;
	return 0;
}

/* Header totalsize (spec 5.2). */
size_t fdt_totalsize(const void *blob)
{
	if (!blob || fdt32_ld(blob) != FDT_MAGIC)
		return 0;
	return fdt32_ld((const uint8_t *)blob + HDR_TOTALSIZE);
}

/* Header version (spec 5.2). */
uint32_t fdt_version(const void *blob)
{
	if (!blob || fdt32_ld(blob) != FDT_MAGIC)
		return 0;
	return fdt32_ld((const uint8_t *)blob + HDR_VERSION);
}

/* Header boot_cpuid_phys (spec 5.2). */
uint32_t fdt_boot_cpuid_phys(const void *blob)
{
	if (!blob || fdt32_ld(blob) != FDT_MAGIC)
		return 0;
	return fdt32_ld((const uint8_t *)blob + HDR_BOOT_CPUID_PHYS);
}

/* Absolute path or alias path lookup. */
int fdt_path_offset(const void *blob, const char *path)
{
	struct fdt_view v;
	int err = fdt_view_init(blob, &v);

	if (err < 0)
		return err;
	if (!path)
		return FDT_ERR_BADPATH;
	return v_path_offset(&v, path, strlen(path));
}

/* Path lookup limited to namelen bytes (or the NUL, if earlier). */
int fdt_path_offset_namelen(const void *blob, const char *path, int namelen)
{
	struct fdt_view v;
	long nul;
	int err = fdt_view_init(blob, &v);

	if (err < 0)
		return err;
	if (!path || namelen < 0)
		return FDT_ERR_BADPATH;
	nul = find_byte((const uint8_t *)path, (uint32_t)namelen, 0);
	return v_path_offset(&v, path, nul >= 0 ? (size_t)nul :
					       (size_t)namelen);
}

/* Named child lookup. */
int fdt_subnode_offset(const void *blob, int parent, const char *name)
{
	struct fdt_view v;
	int err = fdt_view_init(blob, &v);

	if (err < 0)
		return err;
	if (!name)
		return FDT_ERR_BADPATH;
	return v_subnode(&v, parent, name, strlen(name));
}

/* First child. */
int fdt_first_child(const void *blob, int node)
{
	struct fdt_view v;
	int err = fdt_view_init(blob, &v);

	return err < 0 ? err : v_first_child(&v, node);
}

/* Next sibling. */
int fdt_next_sibling(const void *blob, int node)
{
	struct fdt_view v;
	int err = fdt_view_init(blob, &v);

	return err < 0 ? err : v_next_sibling(&v, node);
}

/* Parent: walk from the root keeping the chain of open nodes (at most
 * FDT_MAX_DEPTH) until node's BEGIN_NODE is reached. */
int fdt_parent_offset(const void *blob, int node)
{
	struct fdt_view v;
	int stack[FDT_MAX_DEPTH];
	int depth = 0, off, next, err;
	uint32_t tag;

	err = fdt_view_init(blob, &v);
	if (err < 0)
		return err;
	if (node_body(&v, node) < 0)
		return FDT_ERR_BADOFFSET;
	off = root_offset(&v);
	if (off < 0)
		return off;
	for (;;) {
		if (off > node)
			return FDT_ERR_BADOFFSET;
		err = fdt_tok_next(&v, off, &tag, &next);
		if (err < 0)
			return err;
		if (tag == FDT_BEGIN_NODE) {
			if (off == node)
				return depth > 0 ? stack[depth - 1] :
						   FDT_ERR_NOTFOUND;
			if (depth == FDT_MAX_DEPTH)
				return FDT_ERR_TOODEEP;
			stack[depth++] = off;
		} else if (tag == FDT_END_NODE) {
			if (depth == 0)
				return FDT_ERR_BADSTRUCTURE;
			if (--depth == 0)
				return FDT_ERR_BADOFFSET; /* root closed */
		} else if (tag == FDT_END) {
			return FDT_ERR_BADOFFSET;
		}
		off = next;
	}
}

/* Depth-first successor: the next BEGIN_NODE token in the structure block,
 * counting the nesting passed on the way. */
int fdt_next_node(const void *blob, int node, int *depth)
{
	struct fdt_view v;
	uint32_t tag;
	int off, next, err, d = 0;

	err = fdt_view_init(blob, &v);
	if (err < 0)
		return err;
	if (node == -1) {
		if (depth)
			*depth = 0;
		return root_offset(&v);
	}
	off = node_body(&v, node);
	if (off < 0)
		return off;
	for (;;) {
		err = fdt_tok_next(&v, off, &tag, &next);
		if (err < 0)
			return err;
		if (tag == FDT_BEGIN_NODE) {
			if (depth)
				*depth += d + 1;
			return off;
		}
		if (tag == FDT_END_NODE)
			d--;
		else if (tag == FDT_END)
			return FDT_ERR_NOTFOUND;
		off = next;
	}
}

/* Node name. */
const char *fdt_node_name(const void *blob, int node)
{
	struct fdt_view v;

	if (fdt_view_init(blob, &v) < 0)
		return NULL;
	return v_node_name(&v, node);
}

/* Property lookup by name. */
const void *fdt_getprop(const void *blob, int node, const char *name,
			int *len)
{
	struct fdt_view v;
	int err = fdt_view_init(blob, &v);

	if (err == 0 && !name)
		err = FDT_ERR_NOTFOUND;
	if (err < 0) {
		if (len)
			*len = err;
		return NULL;
	}
	return v_getprop_namelen(&v, node, name, strlen(name), len);
}

/* First property of a node. */
int fdt_first_prop(const void *blob, int node)
{
	struct fdt_view v;
	int off, err = fdt_view_init(blob, &v);

	if (err < 0)
		return err;
	off = node_body(&v, node);
	return off < 0 ? off : prop_at_or_after(&v, off);
}

/* Property after prop in the same node. */
int fdt_next_prop(const void *blob, int prop)
{
	struct fdt_view v;
	uint32_t tag;
	int next, err = fdt_view_init(blob, &v);

	if (err < 0)
		return err;
	if (fdt_tok_next(&v, prop, &tag, &next) < 0 || tag != FDT_PROP)
		return FDT_ERR_BADOFFSET;
	return prop_at_or_after(&v, next);
}

/* Name and value of the property at prop. */
const void *fdt_prop_by_offset(const void *blob, int prop, const char **name,
			       int *len)
{
	struct fdt_view v;
	const void *val;
	int err = fdt_view_init(blob, &v);

	if (err == 0) {
		val = v_prop(&v, prop, name, len, &err);
		if (val)
			return val;
	}
	if (len)
		*len = err;
	return NULL;
}

/* Single-cell property. */
int fdt_getprop_u32(const void *blob, int node, const char *name,
		    uint32_t *val)
{
	const void *p;
	int len;

	p = fdt_getprop(blob, node, name, &len);
	if (!p)
		return len;
	if (len != 4)
		return FDT_ERR_BADVALUE;
	if (val)
		*val = fdt32_ld(p);
	return 0;
}

/* #address-cells or #size-cells of node, with the spec 2.3.5 default. */
static int ncells(const void *blob, int node, const char *name, int dflt)
{
	uint32_t val = 0;
	int err;

	err = fdt_getprop_u32(blob, node, name, &val);
	if (err == FDT_ERR_NOTFOUND)
		return dflt;
	if (err == FDT_ERR_BADVALUE)
		return FDT_ERR_BADNCELLS;
	if (err < 0)
		return err;
	if (val > FDT_MAX_NCELLS)
		return FDT_ERR_BADNCELLS;
	return (int)val;
}

/* #address-cells (default 2, spec 2.3.5). */
int fdt_address_cells(const void *blob, int node)
{
	return ncells(blob, node, "#address-cells", 2);
}

/* #size-cells (default 1, spec 2.3.5). */
int fdt_size_cells(const void *blob, int node)
{
	return ncells(blob, node, "#size-cells", 1);
}

/* Locate node's reg and the cell counts that encode it: the parent's
 * #address-cells and #size-cells (spec 2.3.6, "reg"). */
static const uint8_t *reg_layout(const void *blob, int node, int *ac,
				 int *sc, int *count)
{
	const uint8_t *reg;
	int parent, len, entry;

	parent = fdt_parent_offset(blob, node);
	if (parent < 0) {
		*count = parent;
		return NULL;
	}
	*ac = fdt_address_cells(blob, parent);
	*sc = fdt_size_cells(blob, parent);
	if (*ac < 0 || *sc < 0) {
		*count = *ac < 0 ? *ac : *sc;
		return NULL;
	}
	if (*ac == 0 || *ac > 2 || *sc > 2) {
		*count = FDT_ERR_BADNCELLS;
		return NULL;
	}
	reg = fdt_getprop(blob, node, "reg", &len);
	if (!reg) {
		*count = len;
		return NULL;
	}
	entry = 4 * (*ac + *sc);
	if (len % entry) {
		*count = FDT_ERR_BADVALUE;
		return NULL;
	}
	*count = len / entry;
	return reg;
}

/* One (address, size) pair from reg. */
int fdt_read_reg(const void *blob, int node, int index, uint64_t *addr,
		 uint64_t *size)
{
	const uint8_t *reg;
	int ac = 0, sc = 0, count;

	reg = reg_layout(blob, node, &ac, &sc, &count);
	if (!reg)
		return count;
	if (index < 0 || index >= count)
		return FDT_ERR_NOTFOUND;
	reg += (size_t)index * 4u * (size_t)(ac + sc);
	if (addr)
		*addr = fdt_read_cells(reg, ac);
	if (size)
		*size = fdt_read_cells(reg + 4 * (size_t)ac, sc);
	return 0;
}

/* Number of reg entries. */
int fdt_reg_count(const void *blob, int node)
{
	int ac = 0, sc = 0, count;

	if (!reg_layout(blob, node, &ac, &sc, &count))
		return count == FDT_ERR_NOTFOUND ? 0 : count;
	return count;
}

/* compatible membership (spec 2.3.1, "compatible"). */
int fdt_node_check_compatible(const void *blob, int node, const char *compat)
{
	const char *list;
	int len;

	list = fdt_getprop(blob, node, "compatible", &len);
	if (!list)
		return len == FDT_ERR_NOTFOUND ? 0 : len;
	return fdt_stringlist_contains(list, len, compat) ? 1 : 0;
}

/* Depth-first search for a compatible node. */
int fdt_find_compatible(const void *blob, int startnode, const char *compat)
{
	int node, r;

	for (node = fdt_next_node(blob, startnode, NULL); node >= 0;
	     node = fdt_next_node(blob, node, NULL)) {
		r = fdt_node_check_compatible(blob, node, compat);
		if (r != 0)
			return r > 0 ? node : r;
	}
	return node;
}

int fdt_find_device_type(const void *blob, int startnode, const char *type)
{
	int node, len;
	size_t tlen = strlen(type) + 1;

	for (node = fdt_next_node(blob, startnode, NULL); node >= 0;
	     node = fdt_next_node(blob, node, NULL)) {
		const char *v = fdt_getprop(blob, node, "device_type", &len);
		if (v && len >= 0 && (size_t)len == tlen && memcmp(v, type, tlen) == 0)
			return node;
	}
	return node;
}

/* Reservation entry count. */
int fdt_num_mem_rsv(const void *blob)
{
	struct fdt_view v;
	uint32_t end;
	int err = fdt_view_init(blob, &v);

	return err < 0 ? err : rsv_scan(&v, &end);
}

/* Reservation entry i (spec 5.3.2: address then size, both u64). */
int fdt_get_mem_rsv(const void *blob, int i, uint64_t *addr, uint64_t *size)
{
	struct fdt_view v;
	const uint8_t *e;
	int n;

	n = fdt_num_mem_rsv(blob);
	if (n < 0)
		return n;
	if (i < 0 || i >= n)
		return FDT_ERR_NOTFOUND;
	if (fdt_view_init(blob, &v) < 0) /* cannot fail: n >= 0 */
		return FDT_ERR_BADLAYOUT;
	e = v.b + v.rsv + (size_t)i * RSV_ENTRY_SIZE;
	if (addr)
		*addr = fdt64_ld(e);
	if (size)
		*size = fdt64_ld(e + 8);
	return 0;
}
