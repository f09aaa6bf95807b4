#include "progress.h"

#include <stdio.h>

#include "console.h"
#include "vcpu.h"
#include "vm.h"

/* The exits of every vCPU of the VM. Each counter is written only by its
 * own hart; an aligned 64-bit load is single-copy atomic on RV64 (ISA
 * manual, unprivileged, "RVWMO Memory Consistency Model"), so a count
 * read from here is one the hart did write, possibly a little old. */
static unsigned long long vm_exits(const struct vm *vm)
{
	unsigned long long n = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i])
			n += __atomic_load_n(&vm->vcpus[i]->exits, __ATOMIC_RELAXED);
	return n;
}

void progress_report(const struct vm *vm)
{
	char line[40];
	int len;

	if (!vm)
		return;
	len = snprintf(line, sizeof(line), "~TVP:%llu\n", vm_exits(vm));
	if (len > 0 && (size_t)len < sizeof(line))
		(void)console_write_status(line, (size_t)len);
}
