/* SPDX-License-Identifier: MIT */
/*
 * The program every benchmark row spawns: exit_group(0) and nothing else.
 * Linked -nostdlib -static so execve maps one tiny segment, runs no dynamic
 * loader and no libc start-up: what is left is the cost of the spawn.
 */
	.text
	.globl _start
	.type _start,@function
_start:
#if defined(__x86_64__)
	xor %edi, %edi
	mov $231, %eax		/* SYS_exit_group */
	syscall
	hlt
#elif defined(__aarch64__)
	mov x0, #0
	mov x8, #94		/* SYS_exit_group */
	svc #0
#else
#error "bench/noop.S: add this architecture"
#endif
	.size _start, .-_start

	.section .note.GNU-stack,"",@progbits
