// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramd's control socket (cramd/control-socket.c) on a real
 * socket and sd-event loop, with a handler that keeps its reply slots to
 * complete them later: the deferred-reply contract. A reply completed
 * after its client left, or after cramd_control_free(), is dropped without
 * a leak or a double free (run under ASan to see it); an answer completed
 * at once and one completed later both reach the client.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../cramd/control-socket.h"

struct fixture {
	sd_event *ev;
	struct cramd_control *ctl;
	char dir[64];
	char path[128];
	struct cramd_control_reply *held[4];
	int n_held;
	bool defer;
};

static void handler(void *userdata, const struct cramd_request *req,
		    struct cramd_control_reply *r)
{
	struct fixture *f = userdata;

	json_object_object_add(cramd_control_reply_object(r), "command",
			       json_object_new_string(cramd_command_name(req->command)));
	if (f->defer && f->n_held < 4)
		f->held[f->n_held++] = r;
	else
		cramd_control_reply_done(r, 0, NULL);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-control-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s", f->dir);
	assert_int_equal(sd_event_new(&f->ev), 0);
	assert_int_equal(cramd_control_new(&f->ctl, f->ev, f->path, handler, f), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cramd_control_free(f->ctl);
	sd_event_unref(f->ev);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int client(struct fixture *f, const char *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strcpy(sa.sun_path, f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	return fd;
}

static void spin(struct fixture *f, int n)
{
	while (n--)
		assert_true(sd_event_run(f->ev, 20 * 1000) >= 0);
}

/* Reads the reply without blocking; "" when none has come. */
static void reply(int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
}

static void test_now_and_later(void **state)
{
	struct fixture *f = *state;
	char buf[512];
	int a, b;

	a = client(f, "{\"command\":\"status\"}\n");
	spin(f, 5);
	reply(a, buf, sizeof(buf));
	assert_string_equal(buf, "{\"command\":\"status\",\"ok\":true}\n");
	close(a);

	f->defer = true;
	b = client(f, "{\"command\":\"offline\",\"device\":\"dax0.0\"}\n");
	spin(f, 5);
	assert_int_equal(f->n_held, 1);
	reply(b, buf, sizeof(buf));
	assert_string_equal(buf, "");	/* pending: no reply yet */
	/* Later, from the loop: the reply goes out, an error escaped. */
	cramd_control_reply_done(f->held[0], -EBUSY, "dax0.0: busy\n\x01");
	spin(f, 5);
	reply(b, buf, sizeof(buf));
	assert_string_equal(buf, "{\"ok\":false,\"error\":\"dax0.0: busy\\\\n\\\\x01\"}\n");
	close(b);
}

static void test_client_gone(void **state)
{
	struct fixture *f = *state;
	int a;

	f->defer = true;
	a = client(f, "{\"command\":\"online\",\"device\":\"dax1.0\"}\n");
	spin(f, 5);
	assert_int_equal(f->n_held, 1);
	close(a);
	spin(f, 5);	/* not read while pending: the slot stays */
	cramd_control_reply_done(f->held[0], 0, NULL);
	spin(f, 5);
	/* The socket still serves. */
	f->defer = false;
	a = client(f, "{\"command\":\"dump\"}\n");
	spin(f, 5);
	{
		char buf[256];

		reply(a, buf, sizeof(buf));
		assert_string_equal(buf, "{\"command\":\"dump\",\"ok\":true}\n");
	}
	close(a);
}

static void test_free_while_pending(void **state)
{
	struct fixture *f = *state;
	int a, b;

	f->defer = true;
	a = client(f, "{\"command\":\"online\",\"device\":\"dax1.0\"}\n");
	b = client(f, "{\"command\":\"offline\",\"device\":\"dax2.0\"}\n");
	spin(f, 8);
	assert_int_equal(f->n_held, 2);
	cramd_control_free(f->ctl);
	f->ctl = NULL;
	/* The manager completes them after: dropped, freed once. */
	cramd_control_reply_done(f->held[0], 0, NULL);
	cramd_control_reply_done(f->held[1], -EIO, NULL);
	close(a);
	close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_now_and_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_while_pending, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
