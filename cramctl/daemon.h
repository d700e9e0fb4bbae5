/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl verbs served by the running cramd over its control socket. */
#ifndef CRAMCTL_DAEMON_H
#define CRAMCTL_DAEMON_H

/* Exit status when cramd is not running (documented in cramctl(8)). */
#define CRAMCTL_EXIT_NO_DAEMON 3

int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_online(int argc, char **argv);
int cmd_offline(int argc, char **argv);
int cmd_dump(int argc, char **argv);

#include <json-c/json.h>

/*
 * daemon_call - send {"command": @command[, "device": @device]} to cramd;
 * returns 0 with *@reply (put it) when cramd said ok, or the exit status
 * above (the message printed).
 */
int daemon_call(const char *command, const char *device, struct json_object **reply);

#endif
