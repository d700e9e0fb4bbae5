/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which node each page of a range is on, for the guest's test programs
 * (placetest, forcewrite): move_pages(2) without target nodes, the query
 * form, on the process @pid (0: the caller).
 */
#ifndef CRAM_VM_NODE_CENSUS_H
#define CRAM_VM_NODE_CENSUS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define CENSUS_NODES 64

/*
 * The @n pages of @psize bytes at @addr in @pid: counts[node]
 * (CENSUS_NODES of them) and how many are on no node (not present, or
 * moving). Returns 0, or -1 with errno when move_pages(2) failed: then
 * every page counts as absent.
 */
static inline int node_census(pid_t pid, uintptr_t addr, unsigned long n, long psize,
			      unsigned long *counts, unsigned long *absent)
{
	void **pages = calloc(n ? n : 1, sizeof(*pages));
	int *status = calloc(n ? n : 1, sizeof(*status));
	unsigned long i;
	int rc = -1;

	memset(counts, 0, CENSUS_NODES * sizeof(*counts));
	*absent = n;
	if (pages && status) {
		for (i = 0; i < n; i++)
			pages[i] = (void *)(addr + i * psize);
		rc = syscall(SYS_move_pages, pid, n, pages, NULL, status, 0) ? -1 : 0;
	}
	if (rc == 0) {
		*absent = 0;
		for (i = 0; i < n; i++) {
			if (status[i] >= 0 && status[i] < CENSUS_NODES)
				counts[status[i]]++;
			else
				(*absent)++;
		}
	}
	free(pages);
	free(status);
	return rc;
}

#endif
