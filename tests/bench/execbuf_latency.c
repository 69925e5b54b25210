/*
 * execbuf_latency - latency of one fenced EXECBUFFER on a virtio-gpu render node.
 *
 * Measures, per iteration, the wall time from DRM_IOCTL_VIRTGPU_EXECBUFFER (an empty Venus command
 * stream on ring 0, VIRTGPU_EXECBUF_FENCE_FD_OUT) until the returned sync_file polls readable, i.e. the
 * host has completed the command and the driver signalled its dma_fence. That is the round trip every
 * synchronous Venus call pays: guest ioctl -> virtqueue -> QEMU -> virglrenderer -> response -> fence.
 *
 * Works on any driver that registers as "virtio_gpu" (upstream virtio_gpu.ko and pvgpu.ko). When the
 * driver exposes pvgpu's per-CPU counters (a "pvgpu_stats" file under /sys/kernel/debug/dri/N/), the
 * barriers and poll spins per completed command are reported too.
 *
 * Output: a human line and a machine line
 *   RESULT driver=NAME n=N median_us=X p99_us=Y barriers_per_cmd=B spins_per_cmd=S
 * (B and S are "n/a" without counters). Exit 0 on success, 1 on any error (message on stderr).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>
/* The kernel uapi copy (linux-libc-dev): libdrm's virtgpu_drm.h predates CONTEXT_INIT. */
#include <drm/virtgpu_drm.h>

#define VENUS_CAPSET_ID 4
#define WAIT_TIMEOUT_MS 5000

/* Basename of /sys/class/drm/NODE/deviceSUB/driver into out; false when there is no such link. */
static bool driver_of(const char *node, const char *sub, char *out, size_t len)
{
	char path[256], link[512];

	snprintf(path, sizeof(path), "/sys/class/drm/%s/device%s/driver", node, sub);
	ssize_t l = readlink(path, link, sizeof(link) - 1);
	if (l <= 0)
		return false;
	link[l] = '\0';
	snprintf(out, len, "%s", strrchr(link, '/') + 1);
	return true;
}

static int open_virtio_gpu(char *driver_name, size_t len)
{
	drmDevicePtr devs[16];
	int n = drmGetDevices2(0, devs, 16);

	for (int i = 0; i < n; i++) {
		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		int fd = open(devs[i]->nodes[DRM_NODE_RENDER], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		drmVersionPtr v = drmGetVersion(fd);
		if (v && !strcmp(v->name, "virtio_gpu")) {
			drmFreeVersion(v);
			snprintf(driver_name, len, "virtio_gpu");
			/* Which kernel module is behind the node: upstream parents its DRM device on the
			 * PCI function (driver "virtio-pci"), so look at the virtio device below it too. */
			const char *node = strrchr(devs[i]->nodes[DRM_NODE_RENDER], '/') + 1;
			if (!driver_of(node, "", driver_name, len) || !strcmp(driver_name, "virtio-pci")) {
				char sub[64];
				for (int k = 0; k < 64; k++) {
					snprintf(sub, sizeof(sub), "/virtio%d", k);
					if (driver_of(node, sub, driver_name, len))
						break;
				}
			}
			drmFreeDevices(devs, n);
			return fd;
		}
		drmFreeVersion(v);
		close(fd);
	}
	if (n > 0)
		drmFreeDevices(devs, n);
	return -1;
}

/* Sum of one counter in pvgpu's debugfs stats file ("name value" lines); -1 when absent. */
static long long read_counter(const char *name)
{
	DIR *d = opendir("/sys/kernel/debug/dri");
	struct dirent *e;
	long long total = -1;

	if (!d)
		return -1;
	while ((e = readdir(d)) && total < 0) {
		char path[512], key[64];
		long long val;
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/pvgpu_stats", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fscanf(f, "%63s %lld", key, &val) == 2)
			if (!strcmp(key, name))
				total = val;
		fclose(f);
	}
	closedir(d);
	return total;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int submit_and_wait(int fd, double *us)
{
	struct drm_virtgpu_execbuffer eb = {
		.flags = VIRTGPU_EXECBUF_FENCE_FD_OUT | VIRTGPU_EXECBUF_RING_IDX,
		.size = 0,
		.ring_idx = 0,
		.fence_fd = -1,
	};
	double t0 = now_us();

	if (drmIoctl(fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb)) {
		fprintf(stderr, "execbuf_latency: EXECBUFFER failed: %s\n", strerror(errno));
		return -1;
	}
	struct pollfd p = { .fd = eb.fence_fd, .events = POLLIN };
	int r = poll(&p, 1, WAIT_TIMEOUT_MS);
	*us = now_us() - t0;
	close(eb.fence_fd);
	if (r != 1) {
		fprintf(stderr, "execbuf_latency: fence not signalled within %d ms (%s)\n", WAIT_TIMEOUT_MS,
			r < 0 ? strerror(errno) : "timeout");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int iterations = 2000, warmup = 100;
	char driver[64];
	int opt;

	while ((opt = getopt(argc, argv, "n:w:")) != -1) {
		switch (opt) {
		case 'n': iterations = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: execbuf_latency [-n iterations] [-w warmup]\n");
			return 1;
		}
	}
	if (iterations < 10 || warmup < 0) {
		fprintf(stderr, "execbuf_latency: need at least 10 iterations\n");
		return 1;
	}

	int fd = open_virtio_gpu(driver, sizeof(driver));
	if (fd < 0) {
		fprintf(stderr, "execbuf_latency: no render node with a virtio_gpu driver\n");
		return 1;
	}

	struct drm_virtgpu_context_set_param params[] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, VENUS_CAPSET_ID },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 1 },
	};
	struct drm_virtgpu_context_init init = {
		.num_params = 2,
		.ctx_set_params = (uintptr_t)params,
	};
	if (drmIoctl(fd, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &init)) {
		fprintf(stderr, "execbuf_latency: CONTEXT_INIT (Venus) failed: %s\n", strerror(errno));
		return 1;
	}

	double *lat = calloc(iterations, sizeof(*lat)), us;
	if (!lat)
		return 1;
	for (int i = 0; i < warmup; i++)
		if (submit_and_wait(fd, &us))
			return 1;

	long long b0 = read_counter("barriers"), s0 = read_counter("poll_spins");
	long long c0 = read_counter("fences_signalled");
	for (int i = 0; i < iterations; i++)
		if (submit_and_wait(fd, &lat[i]))
			return 1;
	long long b1 = read_counter("barriers"), s1 = read_counter("poll_spins");
	long long c1 = read_counter("fences_signalled");

	qsort(lat, iterations, sizeof(*lat), cmp_double);
	double median = lat[iterations / 2], p99 = lat[(int)(iterations * 0.99)];
	char bpc[32] = "n/a", spc[32] = "n/a";
	if (b0 >= 0 && b1 >= 0 && c1 > c0) {
		snprintf(bpc, sizeof(bpc), "%.2f", (double)(b1 - b0) / (c1 - c0));
		snprintf(spc, sizeof(spc), "%.2f", (double)(s1 - s0) / (c1 - c0));
	}
	printf("%-10s EXECBUFFER + fence wait: median %.1f us, p99 %.1f us over %d commands; "
	       "barriers/cmd %s, spins/cmd %s\n", driver, median, p99, iterations, bpc, spc);
	printf("RESULT driver=%s n=%d median_us=%.1f p99_us=%.1f barriers_per_cmd=%s spins_per_cmd=%s\n",
	       driver, iterations, median, p99, bpc, spc);
	free(lat);
	close(fd);
	return 0;
}
