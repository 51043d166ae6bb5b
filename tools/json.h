/* SPDX-License-Identifier: MIT */
/* --json: one object, one line. */
#ifndef CLONEXEC_TOOLS_JSON_H
#define CLONEXEC_TOOLS_JSON_H

#include <clonexec.h>

/* {"pid":..,"exit_code":..|"signal":{..},"core_dumped":..,"wall_s":..,...} */
void cli_json_status(int fd, pid_t pid, const struct cx_status *st, double wall_s);

/* {"error":{"step":..,"errno":..,"errno_name":..,"message":..}} */
void cli_json_error(int fd, const char *step, int error, const char *message);

#endif
