/*
 * libFuzzer harness: the flattened device tree reader (lib/fdt.c).
 *
 * fdt_check() must reject anything malformed; when it accepts a blob,
 * every reader function must stay inside the blob whatever the blob says.
 * The input is handed over in a heap buffer of exactly its size, so ASan
 * catches any read past the end. After fdt_check() succeeds the harness
 * walks every node in document order and, for each, its name, its
 * properties (by offset and again by name), its reg entries, its cell
 * counts, its parent, its children, its path and its compatible list, and
 * the memory reservation block, the way the hypervisor and the guest use
 * the tree. It checks what lib/fdt.h promises:
 *  - totalsize is within the buffer; fdt_next_node depths stay within
 *    0 .. FDT_MAX_DEPTH - 1 and change by +1 or -k;
 *  - a property's value lies inside the blob and fdt_getprop finds a
 *    property of that name;
 *  - fdt_read_reg succeeds for each index below fdt_reg_count (unless the
 *    cell counts are bad) and fails at the count;
 *  - the node is among its parent's children, and the path made of the
 *    names from the root leads to a node of the same name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_fdt: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                \
			abort();                                           \
		}                                                          \
	} while (0)

#define PATH_MAX_LEN 1024

/* Does a pointer/length lie inside the blob? */
static int inside(const uint8_t *blob, size_t size, const void *p, int len)
{
	const uint8_t *q = p;

	return len >= 0 && q >= blob && q <= blob + size &&
	       (size_t)len <= (size_t)(blob + size - q);
}

/* Properties of one node: by offset, then again by name. */
static void walk_props(const uint8_t *blob, size_t size, int node)
{
	for (int p = fdt_first_prop(blob, node); p >= 0;
	     p = fdt_next_prop(blob, p)) {
		const char *name = NULL;
		int len = -1, len2 = -1;
		const void *val = fdt_prop_by_offset(blob, p, &name, &len);
		const void *again;
		uint32_t u;

		CHECK(val && name);
		CHECK(inside(blob, size, val, len));
		CHECK(inside(blob, size, name, (int)strlen(name) + 1));
		again = fdt_getprop(blob, node, name, &len2);
		CHECK(again && inside(blob, size, again, len2));
		(void)fdt_getprop_u32(blob, node, name, &u);
		(void)fdt_stringlist_contains(val, len, "virtio,mmio");
		(void)fdt_read_cells(val, len / 4 < 4 ? len / 4 : 4);
	}
}

/* The reg entries of one node against fdt_reg_count: that many entries
 * read, the next is FDT_ERR_NOTFOUND; a negative count is the error that
 * reading entry 0 gives. */
static void walk_reg(const void *blob, int node)
{
	int count = fdt_reg_count(blob, node);
	uint64_t addr, size;
	int i, r = 0;

	for (i = 0; i < 64; i++) {
		r = fdt_read_reg(blob, node, i, &addr, &size);
		if (r != 0)
			break;
	}
	if (count < 0)
		CHECK(i == 0 && r == count);
	else if (count < 64)
		CHECK(i == count && r == FDT_ERR_NOTFOUND);
	else
		CHECK(i == 64 && r == 0);
	(void)fdt_read_reg(blob, node, 0, NULL, NULL);
}

/* Is node among the children of parent? */
static int is_child(const void *blob, int parent, int node)
{
	for (int c = fdt_first_child(blob, parent); c >= 0;
	     c = fdt_next_sibling(blob, c))
		if (c == node)
			return 1;
	return 0;
}

/* Look the node up by its path and by name under its parent. */
static void check_path(const void *blob, int node, int parent,
		       const char *path, const char *name)
{
	int found = fdt_path_offset(blob, path);

	if (found >= 0) {
		const char *fname = fdt_node_name(blob, found);

		CHECK(fname);
		/* Exact or unit-less match of the last component. */
		CHECK(strncmp(fname, name, strcspn(name, "@")) == 0);
	}
	if (parent >= 0) {
		found = fdt_subnode_offset(blob, parent, name);
		if (found >= 0)
			CHECK(strncmp(fdt_node_name(blob, found), name,
				      strcspn(name, "@")) == 0);
	}
	(void)node;
}

/* Every node in document order. */
static void walk_nodes(const uint8_t *blob, size_t size)
{
	char path[PATH_MAX_LEN];
	size_t plen[FDT_MAX_DEPTH + 1];
	int stack[FDT_MAX_DEPTH + 1];
	int depth = 0, prev_depth = 0, nodes = 0;

	for (int node = fdt_next_node(blob, -1, &depth); node >= 0;
	     node = fdt_next_node(blob, node, &depth), nodes++) {
		const char *name = fdt_node_name(blob, node);
		int parent;

		CHECK(name && inside(blob, size, name, (int)strlen(name) + 1));
		CHECK(depth >= 0 && depth < FDT_MAX_DEPTH);
		CHECK(nodes == 0 ? depth == 0 : depth > 0);
		CHECK(depth <= prev_depth + 1);
		prev_depth = depth;
		stack[depth] = node;
		parent = fdt_parent_offset(blob, node);
		if (depth == 0) {
			CHECK(parent == FDT_ERR_NOTFOUND);
			plen[0] = 0;
			path[0] = '\0';
		} else {
			CHECK(parent == stack[depth - 1]);
			CHECK(is_child(blob, parent, node));
			plen[depth] = plen[depth - 1];
			if (plen[depth] + strlen(name) + 2 < sizeof(path)) {
				path[plen[depth]++] = '/';
				memcpy(path + plen[depth], name, strlen(name) + 1);
				plen[depth] += strlen(name);
				check_path(blob, node, parent, path, name);
			} else {
				plen[depth] = sizeof(path); /* too long: skip */
			}
		}
		walk_props(blob, size, node);
		walk_reg(blob, node);
		(void)fdt_address_cells(blob, node);
		(void)fdt_size_cells(blob, node);
		(void)fdt_node_check_compatible(blob, node, "riscv-virtio");
	}
}

/* Lookups the hypervisor and guest make, on whatever tree this is. */
static void fixed_lookups(const void *blob)
{
	int len, chosen, n;
	const char *sp;
	uint64_t a, s;

	(void)fdt_path_offset(blob, "/cpus/cpu@0");
	(void)fdt_path_offset(blob, "serial0");
	(void)fdt_path_offset(blob, "serial0/x//");
	(void)fdt_path_offset(blob, "/soc/serial");
	chosen = fdt_path_offset(blob, "/chosen");
	sp = chosen >= 0 ? fdt_getprop(blob, chosen, "stdout-path", &len)
			 : NULL;
	if (sp && len > 0) {
		/* Up to the ':' of "serial0:115200n8", as the hypervisor. */
		int plen = 0;

		while (plen < len && sp[plen] && sp[plen] != ':')
			plen++;
		(void)fdt_path_offset_namelen(blob, sp, plen);
	}
	for (int node = fdt_find_compatible(blob, -1, "ns16550a"); node >= 0;
	     node = fdt_find_compatible(blob, node, "ns16550a"))
		(void)fdt_read_reg(blob, node, 0, &a, &s);
	n = fdt_num_mem_rsv(blob);
	for (int i = 0; i < n + 1 && i < 1024; i++)
		CHECK((fdt_get_mem_rsv(blob, i, &a, &s) == 0) == (i < n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fdt_check(data, size) != 0)
		return 0;
	CHECK(fdt_totalsize(data) <= size);
	CHECK(fdt_version(data) >= FDT_FIRST_SUPPORTED_VERSION);
	walk_nodes(data, size);
	fixed_lookups(data);
	return 0;
}
