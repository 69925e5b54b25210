/*
 * The vtest transport: a Unix stream socket to virglrenderer's `virgl_test_server --venus`, used
 * without a VM. Messages are [u32 length, u32 command id, payload]; replies come back the same way;
 * blob fds come by SCM_RIGHTS. Venus needs protocol version 3 or later (vtest_protocol.h).
 * The connect order follows Mesa src/virtio/vulkan/vn_renderer_vtest.c: CREATE_RENDERER, PING +
 * a dummy RESOURCE_BUSY_WAIT, PROTOCOL_VERSION, GET_PARAM(max timeline count), GET_CAPSET(Venus),
 * CONTEXT_INIT(Venus). Unlike Mesa, every read and write has a timeout and a failure is an error
 * (VK_ERROR_DEVICE_LOST, or VK_ERROR_INITIALIZATION_FAILED while connecting), never an abort or a hang.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <pthread.h>
#include <unistd.h>

#define VIRGL_RENDERER_UNSTABLE_APIS 1
#include "vtest_protocol.h"

#include "pvk_renderer.h"

/* no single vtest exchange may take longer than this (the server answers in microseconds) */
#define PVK_VTEST_TIMEOUT_MS 3000
#define PVK_VTEST_MIN_PROTOCOL_VERSION 3

struct pvk_vtest {
   struct pvk_renderer base;
   int sock;
   /* protects the socket: one request/response exchange at a time */
   pthread_mutex_t mutex;
   uint32_t protocol_version;
   /* set once the connection failed: every later call fails at once */
   atomic_bool broken;
};

static bool
pvk_vtest_poll(struct pvk_vtest *vtest, short events)
{
   struct pollfd pfd = { .fd = vtest->sock, .events = events };
   for (;;) {
      const int ret = poll(&pfd, 1, PVK_VTEST_TIMEOUT_MS);
      if (ret > 0) {
         if (!(pfd.revents & (POLLERR | POLLNVAL)) && (pfd.revents & events || !(pfd.revents & POLLHUP)))
            return true;
         pvk_log("vtest: the server closed the connection");
         return false;
      }
      if (ret == 0) {
         pvk_log("vtest: no answer from the server within %d ms", PVK_VTEST_TIMEOUT_MS);
         return false;
      }
      if (errno != EINTR)
         return false;
   }
}

static bool
pvk_vtest_write(struct pvk_vtest *vtest, const void *buf, size_t size)
{
   const uint8_t *p = buf;
   while (size && !vtest->broken) {
      const ssize_t n = send(vtest->sock, p, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
         p += n;
         size -= n;
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
         if (!pvk_vtest_poll(vtest, POLLOUT))
            vtest->broken = true;
      } else {
         pvk_log("vtest: lost the server on write: %s", n ? strerror(errno) : "closed");
         vtest->broken = true;
      }
   }
   return !vtest->broken;
}

/* Read exactly size bytes; when fd is non-NULL also accept one SCM_RIGHTS fd with them. */
static bool
pvk_vtest_read_fd(struct pvk_vtest *vtest, void *buf, size_t size, int *fd)
{
   uint8_t *p = buf;
   while (size && !vtest->broken) {
      if (!pvk_vtest_poll(vtest, POLLIN)) {
         vtest->broken = true;
         break;
      }
      char cmsg_buf[CMSG_SPACE(sizeof(int))];
      struct iovec iov = { .iov_base = p, .iov_len = size };
      struct msghdr msg = {
         .msg_iov = &iov,
         .msg_iovlen = 1,
         .msg_control = fd ? cmsg_buf : NULL,
         .msg_controllen = fd ? sizeof(cmsg_buf) : 0,
      };
      const ssize_t n = recvmsg(vtest->sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
      if (n > 0) {
         struct cmsghdr *cmsg = fd ? CMSG_FIRSTHDR(&msg) : NULL;
         if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
            memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
         p += n;
         size -= n;
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
         continue;
      } else {
         pvk_log("vtest: lost the server on read: %s", n ? strerror(errno) : "closed");
         vtest->broken = true;
      }
   }
   return !vtest->broken;
}

static bool
pvk_vtest_read(struct pvk_vtest *vtest, void *buf, size_t size)
{
   return pvk_vtest_read_fd(vtest, buf, size, NULL);
}

static bool
pvk_vtest_send(struct pvk_vtest *vtest, uint32_t cmd, const void *payload, uint32_t dwords)
{
   const uint32_t hdr[VTEST_HDR_SIZE] = { [VTEST_CMD_LEN] = dwords, [VTEST_CMD_ID] = cmd };
   return pvk_vtest_write(vtest, hdr, sizeof(hdr)) && pvk_vtest_write(vtest, payload, dwords * 4);
}

/* Read a reply header, check it answers cmd, return its payload length in dwords. */
static bool
pvk_vtest_recv_header(struct pvk_vtest *vtest, uint32_t cmd, uint32_t *dwords)
{
   uint32_t hdr[VTEST_HDR_SIZE];
   if (!pvk_vtest_read(vtest, hdr, sizeof(hdr)))
      return false;
   if (hdr[VTEST_CMD_ID] != cmd) {
      pvk_log("vtest: expected a reply to command %u, got %u", cmd, hdr[VTEST_CMD_ID]);
      vtest->broken = true;
      return false;
   }
   *dwords = hdr[VTEST_CMD_LEN];
   return true;
}

/* Read a reply of exactly `dwords` dwords (fewer in the reply is an error, more are skipped). */
static bool
pvk_vtest_recv(struct pvk_vtest *vtest, uint32_t cmd, void *payload, uint32_t dwords)
{
   uint32_t len;
   if (!pvk_vtest_recv_header(vtest, cmd, &len))
      return false;
   if (len < dwords) {
      pvk_log("vtest: short reply to command %u (%u < %u dwords)", cmd, len, dwords);
      vtest->broken = true;
      return false;
   }
   if (!pvk_vtest_read(vtest, payload, dwords * 4))
      return false;
   for (uint32_t skip; len > dwords; len--)
      if (!pvk_vtest_read(vtest, &skip, 4))
         return false;
   return true;
}

static bool
pvk_vtest_handshake(struct pvk_vtest *vtest)
{
   /* Every request of the handshake goes out in one write, and the replies are read in order:
    * one wake-up of the server instead of five round trips (they cost milliseconds on a loaded
    * host). The server handles them in sequence, so PROTOCOL_VERSION is negotiated before
    * GET_PARAM and GET_CAPSET; an old server stumbles on the first reply check below. */
   static const char name[] = "pvk";
   const uint32_t version_request = VTEST_PROTOCOL_VERSION;
   const uint32_t param = VCMD_PARAM_MAX_TIMELINE_COUNT;
   const uint32_t get_capset[VCMD_GET_CAPSET_SIZE] = { PVK_CAPSET_VENUS, 0 };
   uint32_t req[64], n = 0;
#define PVK_REQ(cmd, len_field, payload, bytes)                                                   \
   do {                                                                                           \
      req[n++] = (len_field);                                                                     \
      req[n++] = (cmd);                                                                           \
      memcpy(&req[n], (payload), (bytes));                                                        \
      n += ((bytes) + 3) / 4;                                                                     \
   } while (0)
   /* CREATE_RENDERER's length field counts bytes, not dwords (a vtest quirk) */
   PVK_REQ(VCMD_CREATE_RENDERER, sizeof(name), name, sizeof(name));
   /* an old server ignores PING; the busy-wait behind it always answers, so we never block */
   PVK_REQ(VCMD_PING_PROTOCOL_VERSION, 0, "", 0);
   const uint32_t busy_wait[VCMD_BUSY_WAIT_SIZE] = { 0, 0 };
   PVK_REQ(VCMD_RESOURCE_BUSY_WAIT, VCMD_BUSY_WAIT_SIZE, busy_wait, sizeof(busy_wait));
   PVK_REQ(VCMD_PROTOCOL_VERSION, VCMD_PROTOCOL_VERSION_SIZE, &version_request, 4);
   PVK_REQ(VCMD_GET_PARAM, VCMD_GET_PARAM_SIZE, &param, 4);
   PVK_REQ(VCMD_GET_CAPSET, VCMD_GET_CAPSET_SIZE, get_capset, sizeof(get_capset));
#undef PVK_REQ
   assert(n <= PVK_ARRAY_SIZE(req));
   if (!pvk_vtest_write(vtest, req, n * 4))
      return false;

   uint32_t reply_hdr[VTEST_HDR_SIZE], dummy;
   if (!pvk_vtest_read(vtest, reply_hdr, sizeof(reply_hdr)))
      return false;
   const bool has_ping = reply_hdr[VTEST_CMD_ID] == VCMD_PING_PROTOCOL_VERSION;
   if (has_ping && !pvk_vtest_recv(vtest, VCMD_RESOURCE_BUSY_WAIT, &dummy, 1))
      return false;
   if (!has_ping && !pvk_vtest_read(vtest, &dummy, sizeof(dummy)))
      return false;
   if (!has_ping) {
      pvk_log("vtest: server predates protocol version negotiation (need >= %d)", PVK_VTEST_MIN_PROTOCOL_VERSION);
      return false;
   }

   uint32_t version;
   if (!pvk_vtest_recv(vtest, VCMD_PROTOCOL_VERSION, &version, VCMD_PROTOCOL_VERSION_SIZE))
      return false;
   if (version < PVK_VTEST_MIN_PROTOCOL_VERSION) {
      pvk_log("vtest: server speaks protocol %u, Venus needs >= %d", version, PVK_VTEST_MIN_PROTOCOL_VERSION);
      return false;
   }
   vtest->protocol_version = version;

   uint32_t resp[2];
   if (!pvk_vtest_recv(vtest, VCMD_GET_PARAM, resp, 2))
      return false;
   if (!resp[0] || !resp[1]) {
      pvk_log("vtest: server offers no fence timelines");
      return false;
   }
   vtest->base.info.max_timeline_count = resp[1];

   uint32_t len, valid;
   if (!pvk_vtest_recv_header(vtest, VCMD_GET_CAPSET, &len) || len < 1 ||
       !pvk_vtest_read(vtest, &valid, 4))
      return false;
   len--;
   if (!valid) {
      pvk_log("vtest: server has no Venus capset: start it with --venus");
      return false;
   }
   /* a shorter capset leaves the newer fields 0; a longer one is skipped */
   struct pvk_capset_venus *caps = &vtest->base.info.capset;
   const uint32_t want = sizeof(*caps) / 4;
   if (!pvk_vtest_read(vtest, caps, PVK_MIN(len, want) * 4))
      return false;
   for (uint32_t skip; len > want; len--)
      if (!pvk_vtest_read(vtest, &skip, 4))
         return false;

   const uint32_t capset_id = PVK_CAPSET_VENUS;
   return pvk_vtest_send(vtest, VCMD_CONTEXT_INIT, &capset_id, VCMD_CONTEXT_INIT_SIZE);
}

static VkResult
pvk_vtest_submit(struct pvk_renderer *renderer, const struct pvk_renderer_batch *batch)
{
   struct pvk_vtest *vtest = (struct pvk_vtest *)renderer;
   const void *cs = batch->cs;
   const size_t size = batch->cs_size;
   assert(size % 4 == 0);
   /* one batch on its timeline, no syncs */
   const uint32_t header[1 + 6] = {
      [VCMD_SUBMIT_CMD2_BATCH_COUNT] = 1,
      [VCMD_SUBMIT_CMD2_BATCH_FLAGS(0)] = VCMD_SUBMIT_CMD2_FLAG_RING_IDX,
      [VCMD_SUBMIT_CMD2_BATCH_CMD_OFFSET(0)] = 1 + 6,
      [VCMD_SUBMIT_CMD2_BATCH_CMD_SIZE(0)] = size / 4,
      [VCMD_SUBMIT_CMD2_BATCH_SYNC_OFFSET(0)] = 1 + 6 + size / 4,
      [VCMD_SUBMIT_CMD2_BATCH_SYNC_COUNT(0)] = 0,
      [VCMD_SUBMIT_CMD2_BATCH_RING_IDX(0)] = batch->ring_idx,
   };
   _Static_assert(sizeof(struct vcmd_submit_cmd2_batch) == 6 * 4, "vtest batch layout");
   const uint32_t hdr[VTEST_HDR_SIZE] = {
      [VTEST_CMD_LEN] = PVK_ARRAY_SIZE(header) + size / 4,
      [VTEST_CMD_ID] = VCMD_SUBMIT_CMD2,
   };
   pthread_mutex_lock(&vtest->mutex);
   const bool ok = pvk_vtest_write(vtest, hdr, sizeof(hdr)) && pvk_vtest_write(vtest, header, sizeof(header)) &&
                   pvk_vtest_write(vtest, cs, size);
   pthread_mutex_unlock(&vtest->mutex);
   return ok ? VK_SUCCESS : VK_ERROR_DEVICE_LOST;
}

static VkResult
pvk_vtest_shmem_create(struct pvk_renderer *renderer, size_t size, struct pvk_shmem *out)
{
   struct pvk_vtest *vtest = (struct pvk_vtest *)renderer;
   const size_t page = (size_t)sysconf(_SC_PAGESIZE);
   size = (size + page - 1) & ~(page - 1);
   /* blob id 0 of type HOST3D: shared memory the renderer allocates itself (no dma-buf needed) */
   const uint32_t args[VCMD_RES_CREATE_BLOB_SIZE] = {
      [VCMD_RES_CREATE_BLOB_TYPE] = VCMD_BLOB_TYPE_HOST3D,
      [VCMD_RES_CREATE_BLOB_FLAGS] = VCMD_BLOB_FLAG_MAPPABLE,
      [VCMD_RES_CREATE_BLOB_SIZE_LO] = (uint32_t)size,
      [VCMD_RES_CREATE_BLOB_SIZE_HI] = (uint32_t)((uint64_t)size >> 32),
      [VCMD_RES_CREATE_BLOB_ID_LO] = 0,
      [VCMD_RES_CREATE_BLOB_ID_HI] = 0,
   };
   uint32_t res_id = 0;
   int fd = -1;
   pthread_mutex_lock(&vtest->mutex);
   bool ok = pvk_vtest_send(vtest, VCMD_RESOURCE_CREATE_BLOB, args, VCMD_RES_CREATE_BLOB_SIZE) &&
             pvk_vtest_recv(vtest, VCMD_RESOURCE_CREATE_BLOB, &res_id, 1);
   /* the fd travels with one byte of its own after the reply */
   char dummy;
   ok = ok && pvk_vtest_read_fd(vtest, &dummy, 1, &fd);
   /* a resource without its fd is of no use: give it back */
   if (ok && res_id && fd < 0)
      pvk_vtest_send(vtest, VCMD_RESOURCE_UNREF, &res_id, VCMD_RES_UNREF_SIZE);
   pthread_mutex_unlock(&vtest->mutex);
   if (!ok || fd < 0 || !res_id) {
      if (fd >= 0)
         close(fd);
      return ok ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_DEVICE_LOST;
   }

   void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
   close(fd);
   if (ptr == MAP_FAILED) {
      pthread_mutex_lock(&vtest->mutex);
      pvk_vtest_send(vtest, VCMD_RESOURCE_UNREF, &res_id, VCMD_RES_UNREF_SIZE);
      pthread_mutex_unlock(&vtest->mutex);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   *out = (struct pvk_shmem){ .res_id = res_id, .ptr = ptr, .size = size };
   return VK_SUCCESS;
}

static void
pvk_vtest_shmem_destroy(struct pvk_renderer *renderer, struct pvk_shmem *shmem)
{
   struct pvk_vtest *vtest = (struct pvk_vtest *)renderer;
   munmap(shmem->ptr, shmem->size);
   pthread_mutex_lock(&vtest->mutex);
   pvk_vtest_send(vtest, VCMD_RESOURCE_UNREF, &shmem->res_id, VCMD_RES_UNREF_SIZE);
   pthread_mutex_unlock(&vtest->mutex);
}

static bool
pvk_vtest_is_alive(struct pvk_renderer *renderer)
{
   struct pvk_vtest *vtest = (struct pvk_vtest *)renderer;
   /* another thread in the middle of an exchange: its reply may be readable now, and it watches
    * the socket itself (with a timeout) */
   if (pthread_mutex_trylock(&vtest->mutex))
      return !vtest->broken;
   bool alive = !vtest->broken;
   /* with no exchange in flight the server sends nothing: readable or hung up means it went away */
   struct pollfd pfd = { .fd = vtest->sock, .events = POLLIN | POLLRDHUP };
   if (alive && poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR))) {
      vtest->broken = true;
      alive = false;
   }
   pthread_mutex_unlock(&vtest->mutex);
   return alive;
}

static void
pvk_vtest_destroy(struct pvk_renderer *renderer)
{
   struct pvk_vtest *vtest = (struct pvk_vtest *)renderer;
   if (vtest->sock >= 0)
      close(vtest->sock);
   pthread_mutex_destroy(&vtest->mutex);
   free(vtest);
}

static const struct pvk_renderer_ops pvk_vtest_ops = {
   .destroy = pvk_vtest_destroy,
   .submit = pvk_vtest_submit,
   .shmem_create = pvk_vtest_shmem_create,
   .shmem_destroy = pvk_vtest_shmem_destroy,
   .is_alive = pvk_vtest_is_alive,
};

VkResult
pvk_renderer_create_vtest(struct pvk_renderer **out)
{
   const char *path = getenv("VTEST_SOCKET_NAME");
   if (!path || !*path)
      path = VTEST_DEFAULT_SOCKET_NAME;

   struct pvk_vtest *vtest = calloc(1, sizeof(*vtest));
   if (!vtest)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   vtest->base.ops = &pvk_vtest_ops;
   vtest->base.info.transport_name = "vtest";
   vtest->sock = -1;
   if (pthread_mutex_init(&vtest->mutex, NULL) != 0) {
      free(vtest);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }

   struct sockaddr_un addr = { .sun_family = AF_UNIX };
   if (strlen(path) >= sizeof(addr.sun_path)) {
      pvk_log("vtest: socket path too long: %s", path);
      goto fail;
   }
   strcpy(addr.sun_path, path);
   vtest->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
   if (vtest->sock < 0 || connect(vtest->sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
      if (PVK_DEBUG(INIT) || PVK_DEBUG(VTEST))
         pvk_log("vtest: cannot connect to %s: %s", path, strerror(errno));
      goto fail;
   }
   const int64_t t0 = pvk_now_ns();
   if (!pvk_vtest_handshake(vtest) || pvk_renderer_check_capset(&vtest->base.info) != VK_SUCCESS)
      goto fail;
   if (PVK_DEBUG(INIT))
      pvk_log("vtest: connected to %s, handshake in %.0f us", path, (pvk_now_ns() - t0) / 1000.0);

   *out = &vtest->base;
   return VK_SUCCESS;

fail:
   pvk_vtest_destroy(&vtest->base);
   return VK_ERROR_INITIALIZATION_FAILED;
}
