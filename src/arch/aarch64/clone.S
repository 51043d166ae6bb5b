/* SPDX-License-Identifier: MIT */
/* See x86_64/clone.S. arm64 clone takes (flags, stack, ptid, tls, ctid).
 * Under -mbranch-protection the entry points begin with bti c (hint #34, a
 * no-op on cores without BTI) and the object carries the BTI/PAC property
 * note; the child's path after svc is not a branch target, and no function
 * here signs or stores its return address. */
#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
#define CX_ENTRY hint #34
#define CX_BTI 1
#else
#define CX_ENTRY
#define CX_BTI 0
#endif
#if defined(__ARM_FEATURE_PAC_DEFAULT) && __ARM_FEATURE_PAC_DEFAULT
#define CX_PAC 2
#else
#define CX_PAC 0
#endif
	.text
	.globl cx_arch_clone
	.hidden cx_arch_clone
	.type cx_arch_clone,%function
cx_arch_clone:
	CX_ENTRY
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
	CX_ENTRY
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

#if CX_BTI || CX_PAC
	/* NT_GNU_PROPERTY_TYPE_0: GNU_PROPERTY_AARCH64_FEATURE_1_AND. */
	.section .note.gnu.property,"a"
	.p2align 3
	.long 4
	.long 16
	.long 5
	.asciz "GNU"
	.long 0xc0000000
	.long 4
	.long (CX_BTI | CX_PAC)
	.long 0
#endif
