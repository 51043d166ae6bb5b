/* SPDX-License-Identifier: MIT */
/*
 * The long-lived child of the live-children benchmark (bench/live.c): it
 * waits for a signal forever, so only SIGKILL (or a default-fatal signal)
 * ends it. Static, no libc, like bench/noop.S: its spawn costs what noop's
 * does; it maps nothing the parent would pay for.
 */
	.text
	.globl _start
	.type _start,@function
_start:
#if defined(__x86_64__)
1:	mov $34, %eax		/* SYS_pause */
	syscall
	jmp 1b
#elif defined(__aarch64__)
1:	mov x0, #0		/* ppoll(NULL, 0, NULL, NULL, 0): no pause here */
	mov x1, #0
	mov x2, #0
	mov x3, #0
	mov x4, #0
	mov x8, #73		/* SYS_ppoll */
	svc #0
	b 1b
#else
#error "bench/sleeper.S: add this architecture"
#endif
	.size _start, .-_start

	.section .note.GNU-stack,"",@progbits
