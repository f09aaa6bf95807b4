/*
 * VMs described in the host's device tree: nodes /chosen/vmN with
 * compatible = "tracevisor,vm" (docs/vms-device-tree.md), read into the
 * same struct vm_desc, through the same checks, as the bootargs words
 * tv.vmN (options.h).
 */
#ifndef HYP_VM_DT_H
#define HYP_VM_DT_H

/* Read every VM node of `fdt`'s /chosen. A bad node (an unknown or
 * missing property, a bad value, a VM also described in bootargs...) is
 * refused with hyp_panic, naming the node and the property. Call after
 * options_parse. */
void vm_dt_parse(const void *fdt);

#endif
