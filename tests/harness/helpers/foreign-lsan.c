// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LeakSanitizer only in the programs under test, for the LD_PRELOAD
 * modules of this directory.
 *
 * A module is preloaded into every process of a test's command: the
 * libtool wrapper script's shell and its subshells, env, dd. Built with
 * ASan, the module brings the sanitizer runtime into each of them, and
 * LeakSanitizer then stops the world at every exit. A wrapper script took
 * 5-8 s instead of 1 s that way, and cramd's readiness waits timed out.
 * The programs whose leaks matter live in the build tree that holds the
 * module; in any other program LeakSanitizer is turned off.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MODULE_DIR "/tests/harness/helpers/"

int __lsan_is_turned_off(void);

/* Whether the running program is outside the build tree of this module. */
static int foreign_program(void)
{
	char exe[PATH_MAX], module[PATH_MAX];
	Dl_info info;
	size_t len;
	ssize_t n;
	char *cut;

	if (!dladdr((void *)foreign_program, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, module))
		return 0;
	cut = strstr(module, MODULE_DIR);
	if (!cut)
		return 0;
	*cut = '\0';
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return 0;
	exe[n] = '\0';
	len = strlen(module);
	return strncmp(exe, module, len) != 0 || exe[len] != '/';
}

int __lsan_is_turned_off(void)
{
	static int off = -1;

	if (off < 0)
		off = foreign_program();
	return off;
}
