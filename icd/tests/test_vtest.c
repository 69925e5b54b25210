/*
 * vtest transport tests against a scripted server on a private socket: the handshake (ping,
 * protocol version, timeline param, capset, context init), capset negotiation errors, and that a
 * silent or vanishing server makes pvk fail within its timeout instead of hanging.
 */
#define VIRGL_RENDERER_UNSTABLE_APIS 1
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pvk_renderer.h"
#include "pvk_test.h"
#include "vtest_protocol.h"
#include "venus-protocol/vn_protocol_driver_info.h"

enum server_mode {
   SERVER_GOOD,       /* answers the handshake with a valid Venus capset */
   SERVER_SILENT,     /* accepts and never answers */
   SERVER_HANGUP,     /* closes after the first message */
   SERVER_BAD_WIRE,   /* capset with another wire format version */
   SERVER_NO_VENUS,   /* no Venus capset (server started without --venus) */
   SERVER_OLD,        /* protocol version 2 */
};

struct server {
   int listen_fd;
   enum server_mode mode;
   pthread_t thread;
   uint32_t commands[32];
   uint32_t command_count;
};

static bool
read_full(int fd, void *buf, size_t size)
{
   uint8_t *p = buf;
   while (size) {
      ssize_t n = read(fd, p, size);
      if (n <= 0)
         return false;
      p += n;
      size -= n;
   }
   return true;
}

/* MSG_NOSIGNAL: pvk sends the whole handshake in one write and may hang up after an early reply it
 * rejects (SERVER_OLD) while this server still answers the requests behind it; a write() there raised
 * SIGPIPE and killed the test (seen as "exit status -13"). */
static void
reply(int fd, uint32_t cmd, const uint32_t *payload, uint32_t dwords)
{
   const uint32_t hdr[2] = { dwords, cmd };
   if (send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL) < 0 || send(fd, payload, dwords * 4, MSG_NOSIGNAL) < 0)
      return;
}

static void *
server_thread(void *arg)
{
   struct server *srv = arg;
   int fd = accept(srv->listen_fd, NULL, NULL);
   if (fd < 0)
      return NULL;
   for (;;) {
      uint32_t hdr[2];
      if (!read_full(fd, hdr, sizeof(hdr)))
         break;
      const uint32_t cmd = hdr[1];
      /* CREATE_RENDERER counts bytes, everything else dwords */
      const size_t len = cmd == VCMD_CREATE_RENDERER ? hdr[0] : hdr[0] * 4;
      uint8_t payload[256];
      if (len > sizeof(payload) || !read_full(fd, payload, len))
         break;
      if (srv->command_count < 32)
         srv->commands[srv->command_count++] = cmd;
      if (srv->mode == SERVER_SILENT)
         continue;
      if (srv->mode == SERVER_HANGUP)
         break;

      switch (cmd) {
      case VCMD_PING_PROTOCOL_VERSION:
         reply(fd, VCMD_PING_PROTOCOL_VERSION, NULL, 0);
         break;
      case VCMD_RESOURCE_BUSY_WAIT: {
         const uint32_t busy = 0;
         reply(fd, VCMD_RESOURCE_BUSY_WAIT, &busy, 1);
         break;
      }
      case VCMD_PROTOCOL_VERSION: {
         const uint32_t v = srv->mode == SERVER_OLD ? 2 : 4;
         reply(fd, VCMD_PROTOCOL_VERSION, &v, 1);
         break;
      }
      case VCMD_GET_PARAM: {
         const uint32_t r[2] = { 1, 64 };
         reply(fd, VCMD_GET_PARAM, r, 2);
         break;
      }
      case VCMD_GET_CAPSET: {
         uint32_t r[1 + sizeof(struct pvk_capset_venus) / 4 + 2] = { 0 };
         r[0] = srv->mode != SERVER_NO_VENUS;
         struct pvk_capset_venus caps = {
            .wire_format_version = srv->mode == SERVER_BAD_WIRE ? 99 : vn_info_wire_format_version(),
            .vk_xml_version = VK_MAKE_API_VERSION(0, 1, 4, 300),
            .vk_ext_command_serialization_spec_version = 1,
            .vk_mesa_venus_protocol_spec_version = 3,
            .supports_blob_id_0 = 1,
            .allow_vk_wait_syncs = 1,
            .supports_multiple_timelines = 1,
         };
         caps.vk_extension_mask1[0] = 1;
         memcpy(&r[1], &caps, sizeof(caps));
         /* a longer capset than pvk knows: the tail must be skipped */
         reply(fd, VCMD_GET_CAPSET, r, PVK_ARRAY_SIZE(r));
         break;
      }
      default:
         break;
      }
   }
   close(fd);
   return NULL;
}

static void
server_start(struct server *srv, enum server_mode mode, const char *path)
{
   memset(srv, 0, sizeof(*srv));
   srv->mode = mode;
   unlink(path);
   srv->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
   struct sockaddr_un addr = { .sun_family = AF_UNIX };
   snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
   CHECK(bind(srv->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
   CHECK(listen(srv->listen_fd, 1) == 0);
   setenv("VTEST_SOCKET_NAME", path, 1);
   pthread_create(&srv->thread, NULL, server_thread, srv);
}

static void
server_stop(struct server *srv, const char *path)
{
   shutdown(srv->listen_fd, SHUT_RDWR);
   close(srv->listen_fd);
   pthread_join(srv->thread, NULL);
   unlink(path);
}

static char sock_path[108];

static VkResult
connect_with(enum server_mode mode, struct server *srv, struct pvk_renderer **out, double *seconds)
{
   server_start(srv, mode, sock_path);
   const int64_t t0 = pvk_now_ns();
   VkResult result = pvk_renderer_create_vtest(out);
   *seconds = (pvk_now_ns() - t0) / 1e9;
   return result;
}

static void
test_handshake(void)
{
   struct server srv;
   struct pvk_renderer *r = NULL;
   double s;
   CHECK(connect_with(SERVER_GOOD, &srv, &r, &s) == VK_SUCCESS);
   if (r) {
      CHECK(r->info.max_timeline_count == 64);
      /* clamped to what the protocol headers know */
      CHECK(r->info.capset.vk_xml_version == vn_info_vk_xml_version());
      pvk_renderer_destroy(r);
   }
   server_stop(&srv, sock_path);
   /* Mesa's order: CREATE_RENDERER, PING + BUSY_WAIT, PROTOCOL_VERSION, GET_PARAM, GET_CAPSET, CONTEXT_INIT */
   static const uint32_t order[] = { VCMD_CREATE_RENDERER, VCMD_PING_PROTOCOL_VERSION, VCMD_RESOURCE_BUSY_WAIT,
                                     VCMD_PROTOCOL_VERSION, VCMD_GET_PARAM, VCMD_GET_CAPSET, VCMD_CONTEXT_INIT };
   CHECK(srv.command_count >= PVK_ARRAY_SIZE(order));
   for (uint32_t i = 0; i < PVK_ARRAY_SIZE(order) && i < srv.command_count; i++)
      CHECK(srv.commands[i] == order[i]);
}

static void
expect_failure(enum server_mode mode, double max_seconds)
{
   struct server srv;
   struct pvk_renderer *r = NULL;
   double s;
   CHECK(connect_with(mode, &srv, &r, &s) == VK_ERROR_INITIALIZATION_FAILED);
   CHECK(r == NULL);
   CHECK(s < max_seconds);
   server_stop(&srv, sock_path);
}

static void
test_silent_server(void)
{
   /* every read times out (3 s): no hang */
   expect_failure(SERVER_SILENT, 4.0);
}

static void
test_server_hangs_up(void)
{
   expect_failure(SERVER_HANGUP, 0.5);
}

static void
test_wire_format_mismatch(void)
{
   expect_failure(SERVER_BAD_WIRE, 0.5);
}

static void
test_no_venus_capset(void)
{
   expect_failure(SERVER_NO_VENUS, 0.5);
}

static void
test_old_protocol(void)
{
   expect_failure(SERVER_OLD, 0.5);
}

static void
test_no_server(void)
{
   setenv("VTEST_SOCKET_NAME", "/nonexistent/pvk-test.sock", 1);
   struct pvk_renderer *r = NULL;
   CHECK(pvk_renderer_create_vtest(&r) == VK_ERROR_INITIALIZATION_FAILED);
}

int
main(void)
{
   snprintf(sock_path, sizeof(sock_path), "/tmp/pvk-test-vtest.%d.sock", (int)getpid());
   RUN(test_handshake);
   RUN(test_server_hangs_up);
   RUN(test_wire_format_mismatch);
   RUN(test_no_venus_capset);
   RUN(test_old_protocol);
   RUN(test_no_server);
   RUN(test_silent_server);
   return pvk_test_failures ? 1 : 0;
}
