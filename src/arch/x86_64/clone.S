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
 */
	.text
	.globl cx_arch_clone
	.hidden cx_arch_clone
	.type cx_arch_clone,@function
cx_arch_clone:
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
