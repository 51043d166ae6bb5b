/* SPDX-License-Identifier: MIT */
#include "clonexec.h"

#define CX_STR_(x) #x
#define CX_STR(x) CX_STR_(x)

const char *cx_version(void)
{
	return CX_STR(CX_VERSION_MAJOR) "." CX_STR(CX_VERSION_MINOR) "." CX_STR(CX_VERSION_PATCH);
}
