/*
 * Flattened Devicetree (DTB) reader and writer.
 *
 * Implements the "Flattened Devicetree (DTB) Format" chapter of the
 * Devicetree Specification v0.4 (section 5): a header, a memory reservation
 * block, a structure block of 32-bit big-endian tokens and a strings block
 * holding property names.
 *
 * Reader (fdt.c)
 *   Call fdt_check(blob, buflen) once on a blob of unknown origin. Every other
 *   reader function trusts only that the caller's buffer holds at least
 *   fdt_totalsize(blob) bytes (and at least FDT_V17_HEADER_SIZE bytes); they
 *   re-check the header cheaply and bounds-check every token, name and value
 *   against the blocks the header declares, so even an unchecked or corrupt
 *   blob gives an error code instead of an out-of-bounds read or an endless
 *   loop. fdt_check is what proves the whole blob well-formed.
 *
 *   Nodes are named by "node offsets": the byte offset, from the start of the
 *   structure block, of the node's FDT_BEGIN_NODE token. The root node is
 *   fdt_path_offset(blob, "/"). Functions returning int give an offset (>= 0)
 *   or a negative FDT_ERR_* code; FDT_ERR_NOTFOUND (-1) means "no such node /
 *   property / entry" and is the normal end of an iteration.
 *
 *   Multi-byte values in the blob are big-endian and need not be aligned in
 *   memory; use fdt32_ld / fdt64_ld / fdt_read_cells to read them.
 *
 * Writer (fdt_write.c)
 *   Builds a blob sequentially into a caller buffer: fdtw_init, any number of
 *   fdtw_add_mem_rsv, then the tree (fdtw_begin_node("") for the root,
 *   properties before child nodes, fdtw_end_node), then fdtw_finish. Errors
 *   are sticky: once a call fails, every later call (including fdtw_finish)
 *   returns the same error, so a builder may check only fdtw_finish. The
 *   writer never writes outside buf[0, size).
 *
 * Neither half allocates memory or uses any OS service.
 */
#ifndef TRACEVISOR_FDT_H
#define TRACEVISOR_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Header magic (spec 5.2, "magic"). */
#define FDT_MAGIC		0xd00dfeedu

/* Structure block tokens (spec 5.4.1, "Lexical structure"). */
#define FDT_BEGIN_NODE		0x00000001u
#define FDT_END_NODE		0x00000002u
#define FDT_PROP		0x00000003u
#define FDT_NOP			0x00000004u
#define FDT_END			0x00000009u

/* Header sizes: version 16 ends after size_dt_strings, version 17 adds
 * size_dt_struct (spec 5.2). */
#define FDT_V16_HEADER_SIZE	36u
#define FDT_V17_HEADER_SIZE	40u

/* Versions this code reads (16 and 17) and writes (17, compatible with 16). */
#define FDT_FIRST_SUPPORTED_VERSION	16u
#define FDT_LAST_SUPPORTED_VERSION	17u

/* Deepest node nesting accepted, the root being depth 1. Both the reader and
 * the writer enforce it, so anything the writer builds the reader accepts. */
#define FDT_MAX_DEPTH		64

/* Error codes (all negative). */
enum fdt_err {
	FDT_ERR_NOTFOUND = -1,	  /* no such node, property or entry */
	FDT_ERR_TRUNCATED = -2,	  /* buffer shorter than header/totalsize */
	FDT_ERR_BADMAGIC = -3,	  /* magic is not 0xd00dfeed */
	FDT_ERR_BADVERSION = -4,  /* version < 16 or last_comp_version > 17 */
	FDT_ERR_BADLAYOUT = -5,	  /* block out of range, misaligned, overlapping */
	FDT_ERR_BADMEMRSV = -6,	  /* memory reservation block not terminated */
	FDT_ERR_BADSTRUCTURE = -7, /* bad token, bad nesting, missing FDT_END */
	FDT_ERR_BADSTRING = -8,	  /* name/string not NUL-terminated, bad nameoff */
	FDT_ERR_TOODEEP = -9,	  /* nesting deeper than FDT_MAX_DEPTH */
	FDT_ERR_BADOFFSET = -10,  /* argument is not a valid node/prop offset */
	FDT_ERR_BADPATH = -11,	  /* malformed path or unresolvable alias */
	FDT_ERR_AMBIGUOUS = -12,  /* path component without unit matches >1 node */
	FDT_ERR_BADNCELLS = -13,  /* bad #address-cells / #size-cells */
	FDT_ERR_BADVALUE = -14,	  /* property value has the wrong length/form */
	FDT_ERR_NOSPACE = -15,	  /* writer: buffer too small */
	FDT_ERR_BADSTATE = -16,	  /* writer: call not allowed at this point */
	FDT_ERR_BADNAME = -17,	  /* writer: invalid node or property name */
	FDT_ERR_EXISTS = -18,	  /* writer: duplicate property or node name */
};

/* ---------------------------------------------------------------- helpers */

/* Load a big-endian 32-bit value from any address (spec 5.1: all header and
 * structure values are big-endian). */
static inline uint32_t fdt32_ld(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

/* Load a big-endian 64-bit value from any address. */
static inline uint64_t fdt64_ld(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return ((uint64_t)fdt32_ld(b) << 32) | fdt32_ld(b + 4);
}

/* Store a 32-bit value big-endian at any address. */
static inline void fdt32_st(void *p, uint32_t v)
{
	uint8_t *b = (uint8_t *)p;

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* Store a 64-bit value big-endian at any address. */
static inline void fdt64_st(void *p, uint64_t v)
{
	fdt32_st(p, (uint32_t)(v >> 32));
	fdt32_st((uint8_t *)p + 4, (uint32_t)v);
}

/* Read a number made of ncells 32-bit big-endian cells, most significant
 * first (spec 2.3.5, "#address-cells and #size-cells"). ncells 0 gives 0;
 * ncells > 2 gives the low 64 bits (the last two cells). */
uint64_t fdt_read_cells(const void *p, int ncells);

/* True if the stringlist (spec 2.2.4.1 "stringlist": NUL-terminated strings
 * concatenated) of len bytes holds exactly the string s. A final string not
 * NUL-terminated within len is ignored. */
bool fdt_stringlist_contains(const char *list, int len, const char *s);

/* Human-readable text for an FDT_ERR_* code (never NULL). */
const char *fdt_strerror(int err);

/* ------------------------------------------------------------------ reader */

/* Validate a whole blob of buflen bytes: header, block layout, memory
 * reservation block, every structure token, name and property-name string.
 * Returns 0 or a negative FDT_ERR_* code. */
int fdt_check(const void *blob, size_t buflen);

/* The header's totalsize field, or 0 if the magic is wrong. Reads only the
 * first 8 bytes; call fdt_check before trusting it. */
size_t fdt_totalsize(const void *blob);

/* Header fields (0 if the magic is wrong). */
uint32_t fdt_version(const void *blob);
uint32_t fdt_boot_cpuid_phys(const void *blob);

/* Offset of the node at the absolute path (e.g. "/soc/serial@10000000").
 * Empty components ("//", a trailing "/") are skipped. Each component is
 * matched against the children's names exactly first; failing that, a
 * component without '@' matches a child whose name before '@' equals it,
 * provided exactly one child does (spec 2.2.3, "Path Names": the unit
 * address may be omitted when unambiguous), else FDT_ERR_AMBIGUOUS.
 * A path not starting with '/' begins with an alias name looked up in
 * /aliases (spec 3.3), whose value must be an absolute path.
 * Returns the offset or FDT_ERR_NOTFOUND / FDT_ERR_BADPATH / ... */
int fdt_path_offset(const void *blob, const char *path);

/* As fdt_path_offset, using only the first namelen bytes of path (e.g. to
 * resolve a /chosen stdout-path "serial0:115200n8" up to the ':'). */
int fdt_path_offset_namelen(const void *blob, const char *path, int namelen);

/* The child of parent named name (same matching rules as a path component:
 * exact, else unique name-before-'@'). */
int fdt_subnode_offset(const void *blob, int parent, const char *name);

/* First child / next sibling of a node; FDT_ERR_NOTFOUND when none. */
int fdt_first_child(const void *blob, int node);
int fdt_next_sibling(const void *blob, int node);

/* Parent of a node (found by scanning from the root); FDT_ERR_NOTFOUND for
 * the root. */
int fdt_parent_offset(const void *blob, int node);

/* Next node after node in depth-first (document) order; node = -1 gives the
 * root and sets *depth to 0. Otherwise, if depth is non-NULL, it is adjusted
 * by the nesting change (+1 into a child, -1 per level closed), so it stays
 * the returned node's depth below the root. FDT_ERR_NOTFOUND after the last
 * node. */
int fdt_next_node(const void *blob, int node, int *depth);

/* Node name including any "@unit-address" ("" for the root), or NULL if node
 * is not a valid node offset. */
const char *fdt_node_name(const void *blob, int node);

/* Value of property name in node, or NULL. *len (if len is non-NULL) gets the
 * value length, or the negative error code when NULL is returned. A present
 * empty property gives a non-NULL pointer and *len == 0. */
const void *fdt_getprop(const void *blob, int node, const char *name,
			int *len);

/* Property iteration: offset of the node's first property / the property
 * after prop (FDT_ERR_NOTFOUND when none), and its name and value. */
int fdt_first_prop(const void *blob, int node);
int fdt_next_prop(const void *blob, int prop);
const void *fdt_prop_by_offset(const void *blob, int prop, const char **name,
			       int *len);

/* A property holding a single u32 cell: 0 and *val, FDT_ERR_NOTFOUND, or
 * FDT_ERR_BADVALUE if its length is not 4. */
int fdt_getprop_u32(const void *blob, int node, const char *name,
		    uint32_t *val);

/* The node's own #address-cells / #size-cells (the values that apply to its
 * children's reg), defaulting to 2 and 1 when absent (spec 2.3.5). Returns
 * FDT_ERR_BADNCELLS for a value of the wrong length or above 4. */
int fdt_address_cells(const void *blob, int node);
int fdt_size_cells(const void *blob, int node);

/* Entry index of node's reg property, decoded with its parent's
 * #address-cells / #size-cells (spec 2.3.6, "reg"). addr and size may be
 * NULL; size is 0 when #size-cells is 0. FDT_ERR_NOTFOUND past the last
 * entry, without reg, or for the root (it has no parent), FDT_ERR_BADNCELLS if either cell count is 0 (address)
 * or above 2, FDT_ERR_BADVALUE if reg is not a whole number of entries. */
int fdt_read_reg(const void *blob, int node, int index, uint64_t *addr,
		 uint64_t *size);

/* Number of entries in node's reg property (0 when absent). */
int fdt_reg_count(const void *blob, int node);

/* 1 if node's "compatible" stringlist contains compat, 0 if not (or it has
 * no compatible), negative on error. */
int fdt_node_check_compatible(const void *blob, int node, const char *compat);

/* Next node after startnode in depth-first order (startnode -1: search from
 * the root inclusive) compatible with compat; FDT_ERR_NOTFOUND when none. */
int fdt_find_compatible(const void *blob, int startnode, const char *compat);

/* The same for a device_type property equal to type ("memory", "cpu"):
 * how a program finds its RAM without knowing the node's unit address. */
int fdt_find_device_type(const void *blob, int startnode, const char *type);

/* Memory reservation block (spec 5.3): number of entries before the (0, 0)
 * terminator, and entry i. */
int fdt_num_mem_rsv(const void *blob);
int fdt_get_mem_rsv(const void *blob, int i, uint64_t *addr, uint64_t *size);

/* ------------------------------------------------------------------ writer */

struct fdt_writer {
	uint8_t *buf;
	uint32_t size;		/* usable bytes of buf */
	uint32_t boot_cpuid;
	uint32_t rsv_end;	/* end of the reservation entries written */
	uint32_t struct_off;	/* start of the structure block, 0 = no node yet */
	uint32_t pos;		/* end of the structure block so far */
	uint32_t strings;	/* bytes of strings kept at the end of buf */
	int depth;		/* open nodes */
	bool root_done;		/* the root node has been closed */
	bool props_ok;		/* current node has no child yet */
	int err;		/* sticky error, 0 while fine */
	uint32_t node_stack[FDT_MAX_DEPTH]; /* BEGIN_NODE offsets, open nodes */
};

/* Start building into buf[0, size) (any alignment; a blob handed to a
 * kernel should be 8-byte aligned). boot_cpuid is the header's
 * boot_cpuid_phys. FDT_ERR_NOSPACE if size cannot hold even the header. */
int fdtw_init(struct fdt_writer *w, void *buf, size_t size,
	      uint32_t boot_cpuid);

/* Add a memory reservation entry; only before the first node. */
int fdtw_add_mem_rsv(struct fdt_writer *w, uint64_t addr, uint64_t size);

/* Open a node ("" for the root, which must come first and be unique) /
 * close the innermost open node. */
int fdtw_begin_node(struct fdt_writer *w, const char *name);
int fdtw_end_node(struct fdt_writer *w);

/* Add a property to the innermost open node, before any of its children. */
int fdtw_prop(struct fdt_writer *w, const char *name, const void *val,
	      int len);
int fdtw_prop_empty(struct fdt_writer *w, const char *name);
int fdtw_prop_u32(struct fdt_writer *w, const char *name, uint32_t v);
int fdtw_prop_u64(struct fdt_writer *w, const char *name, uint64_t v);
int fdtw_prop_string(struct fdt_writer *w, const char *name, const char *s);
/* A stringlist of n strings (e.g. compatible = "a", "b"), at most 512
 * bytes in all (FDT_ERR_BADVALUE beyond). */
int fdtw_prop_strings(struct fdt_writer *w, const char *name,
		      const char *const *list, int n);
/* n cells given in host order, stored big-endian; n at most 64. */
int fdtw_prop_cells(struct fdt_writer *w, const char *name,
		    const uint32_t *cells, int n);

/* Close the structure block, lay out header (version 17, last compatible
 * 16), reservation block, structure block and strings block contiguously at
 * the start of buf. Returns the blob's total size or a negative error. */
int fdtw_finish(struct fdt_writer *w);

#endif /* TRACEVISOR_FDT_H */
