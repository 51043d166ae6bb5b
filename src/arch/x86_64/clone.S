/* SPDX-License-Identifier: MIT */
/*
 * long cx_arch_clone(unsigned long flags, void *stack, int *ptid, int *ctid,
 *                    int (*fn)(void *), void *arg);
 * long cx_arch_clone3(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg);
 *
 * The child calls fn(arg) and exits with its return value. fn and arg
 * ride in callee-saved registers, which the kernel hands to the child
 * unchanged, so nothing is written to the new stack before the clone and a
 * zero stack (fork-like, on a copy of ours) works the same.
 *
 * Built with the C flags: under -fcf-protection (__CET__) the entry points
 * begin with endbr64 and the object carries the IBT/SHSTK property note,
 * without which the linker drops the marking from the whole library. The
 * child's path after the syscall is reached by a direct jump (no endbr64
 * needed) and never returns (the shadow stack is not unwound).
 */
#if defined(__CET__) && (__CET__ & 1)
#define CX_ENTRY endbr64
#else
#define CX_ENTRY
#endif
	.text
	.globl cx_arch_clone
	.hidden cx_arch_clone
	.type cx_arch_clone,@function
cx_arch_clone:
	CX_ENTRY
	push %r12
	push %r13
	mov %r8, %r12
	mov %r9, %r13
	mov %rcx, %r10
	xor %r8d, %r8d
	mov $56, %eax		/* SYS_clone */
	syscall
	test %rax, %rax
	jz 1f
	pop %r13
	pop %r12
	ret
	.size cx_arch_clone, .-cx_arch_clone

	.globl cx_arch_clone3
	.hidden cx_arch_clone3
	.type cx_arch_clone3,@function
cx_arch_clone3:
	CX_ENTRY
	push %r12
	push %r13
	mov %rdx, %r12
	mov %rcx, %r13
	mov $435, %eax		/* SYS_clone3 */
	syscall
	test %rax, %rax
	jz 1f
	pop %r13
	pop %r12
	ret
	.size cx_arch_clone3, .-cx_arch_clone3

1:	/* child */
	xor %ebp, %ebp
	and $-16, %rsp
	mov %r13, %rdi
	call *%r12
	mov %eax, %edi
	mov $60, %eax		/* SYS_exit */
	syscall
	hlt

	.section .note.GNU-stack,"",@progbits

#if defined(__CET__)
	/* NT_GNU_PROPERTY_TYPE_0: GNU_PROPERTY_X86_FEATURE_1_AND, whose IBT
	 * and SHSTK bits are __CET__'s. */
	.section .note.gnu.property,"a"
	.p2align 3
	.long 4
	.long 16
	.long 5
	.asciz "GNU"
	.long 0xc0000002
	.long 4
	.long (__CET__ & 3)
	.long 0
#endif
