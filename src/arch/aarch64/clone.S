/* SPDX-License-Identifier: MIT */
/* See x86_64/clone.S. arm64 clone takes (flags, stack, ptid, tls, ctid). */
	.text
	.globl cx_arch_clone
	.hidden cx_arch_clone
	.type cx_arch_clone,%function
cx_arch_clone:
	stp x19, x20, [sp, #-16]!
	mov x19, x4
	mov x20, x5
	mov x4, x3
	mov x3, #0
	mov x8, #220		/* SYS_clone */
	svc #0
	cbz x0, 1f
	ldp x19, x20, [sp], #16
	ret
	.size cx_arch_clone, .-cx_arch_clone

	.globl cx_arch_clone3
	.hidden cx_arch_clone3
	.type cx_arch_clone3,%function
cx_arch_clone3:
	stp x19, x20, [sp, #-16]!
	mov x19, x2
	mov x20, x3
	mov x8, #435		/* SYS_clone3 */
	svc #0
	cbz x0, 1f
	ldp x19, x20, [sp], #16
	ret
	.size cx_arch_clone3, .-cx_arch_clone3

1:	/* child */
	mov x29, #0
	mov x30, #0
	mov x0, x20
	blr x19
	mov x8, #93		/* SYS_exit */
	svc #0
	brk #0

	.section .note.GNU-stack,"",%progbits
