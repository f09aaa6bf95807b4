#include "progress.h"

#include <stdio.h>

#include "console.h"
#include "vcpu.h"
#include "vm.h"

/* The exits of every vCPU of every VM. Each counter is written only by its
 * own hart; an aligned 64-bit load is single-copy atomic on RV64 (ISA
 * manual, unprivileged, "RVWMO Memory Consistency Model"), so a count
 * read from here is one the hart did write, possibly a little old. */
static unsigned long long all_exits(void)
{
	unsigned long long n = 0;

	for (unsigned k = 0; k < vm_count(); k++) {
		const struct vm *vm = vm_by_id(k);
		for (unsigned i = 0; i < vm->nvcpus; i++)
			if (vm->vcpus[i])
				n += __atomic_load_n(&vm->vcpus[i]->exits, __ATOMIC_RELAXED);
	}
	return n;
}

void progress_report(void)
{
	char line[40];
	int len;

	len = snprintf(line, sizeof(line), "~TVP:%llu\n", all_exits());
	if (len > 0 && (size_t)len < sizeof(line))
		(void)console_write_status(line, (size_t)len);
}
