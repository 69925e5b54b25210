// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - module init/exit, virtio probe/remove, feature negotiation and
 * the drm_driver.
 *
 * KMS: a device with scanouts gets DRIVER_MODESET | DRIVER_ATOMIC, the
 * outputs of pvgpu_display.c and the fbdev console (drm_fbdev_shmem); a
 * device without scanouts, or with modeset=0, is a render node only. As
 * upstream, nomodeset on the kernel command line (without an explicit
 * modeset=1) keeps the driver off the device.
 *
 * The DRM device hangs off the virtio device (devm on &vdev->dev), so it is
 * released when this driver unbinds, not when the PCI function does; libdrm
 * follows the virtio device to its PCI parent for the bus id. Removal with
 * files still open: drm_dev_unplug() fences off new ioctls and zaps user
 * mappings, the device is reset, every command still on the rings is
 * aborted (fences signalled with -ENODEV), and what files still hold is
 * freed through drmm actions once the last file closes.
 */
#include <linux/module.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fbdev_shmem.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "pvgpu_drv.h"

static int pvgpu_modeset = -1;
module_param_named(modeset, pvgpu_modeset, int, 0400);
MODULE_PARM_DESC(modeset, "KMS and console: 1 on, 0 off (render node only), -1 unless nomodeset (default)");

DEFINE_DRM_GEM_FOPS(pvgpu_fops);

#define PVGPU_KMS_FEATURES	(DRIVER_MODESET | DRIVER_ATOMIC | \
				 DRIVER_CURSOR_HOTSPOT)

static const struct drm_driver pvgpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE | PVGPU_KMS_FEATURES,
	.open = pvgpu_driver_open,
	.postclose = pvgpu_driver_postclose,
	.gem_create_object = pvgpu_gem_create_object,
	.gem_prime_import = pvgpu_gem_prime_import,
	.dumb_create = pvgpu_mode_dumb_create,
	.ioctls = pvgpu_ioctls,
	.num_ioctls = PVGPU_NUM_IOCTLS,
	.fops = &pvgpu_fops,
	.name = PVGPU_DRIVER_NAME,
	.desc = PVGPU_DRIVER_DESC,
	PVGPU_DRIVER_DATE_FIELD
	.major = PVGPU_DRIVER_MAJOR,
	.minor = PVGPU_DRIVER_MINOR,
	.patchlevel = PVGPU_DRIVER_PATCHLEVEL,
};

#if IS_ENABLED(CONFIG_KUNIT)
/* The device KUnit suites run against: the first one bound. */
static DEFINE_MUTEX(pvgpu_kunit_lock);
static struct pvgpu_device *pvgpu_kunit_dev;

/**
 * pvgpu_kunit_device() - the bound device for on-device KUnit cases
 *
 * Return: the device (with a DRM reference the caller drops with
 * drm_dev_put()) or NULL when none is bound.
 */
struct pvgpu_device *pvgpu_kunit_device(void)
{
	struct pvgpu_device *pvdev;

	mutex_lock(&pvgpu_kunit_lock);
	pvdev = pvgpu_kunit_dev;
	if (pvdev)
		drm_dev_get(&pvdev->drm);
	mutex_unlock(&pvgpu_kunit_lock);
	return pvdev;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_kunit_device);

static void pvgpu_kunit_set(struct pvgpu_device *pvdev, bool bound)
{
	mutex_lock(&pvgpu_kunit_lock);
	if (bound && !pvgpu_kunit_dev)
		pvgpu_kunit_dev = pvdev;
	else if (!bound && pvgpu_kunit_dev == pvdev)
		pvgpu_kunit_dev = NULL;
	mutex_unlock(&pvgpu_kunit_lock);
}
#else
static void pvgpu_kunit_set(struct pvgpu_device *pvdev, bool bound) { }
#endif

/* drmm action: what may outlive the binding while files stay open. */
static void pvgpu_release(struct drm_device *dev, void *unused)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);

	/*
	 * Every object and file is gone by now: a resource or context id
	 * still allocated, or a region range still held (drm_mm_takedown()
	 * warns itself), is a leak.
	 */
	drm_WARN_ON(dev, !ida_is_empty(&pvdev->res_ids.ida));
	drm_WARN_ON(dev, !ida_is_empty(&pvdev->ctx_ids.ida));
	if (pvdev->has_host_visible)
		drm_mm_takedown(&pvdev->hvr_mm);
	pvgpu_capset_cache_fini(&pvdev->capset_cache);
	pvgpu_id_fini(&pvdev->res_ids);
	pvgpu_id_fini(&pvdev->ctx_ids);
	pvgpu_stats_fini(&pvdev->stats);
}

static void pvgpu_config_work(struct work_struct *work)
{
	struct pvgpu_device *pvdev =
		container_of(work, struct pvgpu_device, config_work);
	u32 events;

	virtio_cread_le(pvdev->vdev, struct virtio_gpu_config, events_read,
			&events);
	if (events & VIRTIO_GPU_EVENT_DISPLAY) {
		drm_dbg_driver(&pvdev->drm, "display configuration changed\n");
		if (pvdev->has_modeset)
			pvgpu_display_refresh(pvdev, true);
	}
	virtio_cwrite_le(pvdev->vdev, struct virtio_gpu_config, events_clear,
			 &events);
}

static void pvgpu_vq_init(struct pvgpu_device *pvdev, struct pvgpu_vq *q)
{
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->space_wq);
	q->pvdev = pvdev;
}

static int pvgpu_init_vqs(struct pvgpu_device *pvdev)
{
	struct virtqueue_info info[] = {
		{ "control", pvgpu_vq_callback },
		{ "cursor", pvgpu_vq_callback },
	};
	struct virtqueue *vqs[2];
	int ret;

	ret = virtio_find_vqs(pvdev->vdev, 2, vqs, info, NULL);
	if (ret)
		return ret;
	pvdev->ctrlq.vq = vqs[0];
	pvdev->cursorq.vq = vqs[1];
	return 0;
}

/* Reserve the host-visible region (shm id 1) and manage it with drm_mm. */
static int pvgpu_init_host_visible(struct pvgpu_device *pvdev)
{
	struct virtio_shm_region region;

	if (!virtio_get_shm_region(pvdev->vdev, &region,
				   VIRTIO_GPU_SHM_ID_HOST_VISIBLE))
		return 0;
	if (!devm_request_mem_region(&pvdev->vdev->dev, region.addr,
				     region.len, dev_name(&pvdev->vdev->dev))) {
		drm_err(&pvdev->drm, "host-visible region busy\n");
		return -EBUSY;
	}
	pvdev->hvr_addr = region.addr;
	pvdev->hvr_len = region.len;
	drm_mm_init(&pvdev->hvr_mm, region.addr, region.len);
	pvdev->has_host_visible = true;
	return 0;
}

/* Stop the device and settle everything that was in flight. */
static void pvgpu_stop(struct pvgpu_device *pvdev)
{
	struct virtio_device *vdev = pvdev->vdev;

	/* No more DMA; virtio-pci also synchronises the vq interrupts. */
	virtio_reset_device(vdev);
	cancel_work_sync(&pvdev->config_work);
	/* Aborts what is in flight; late kicks and polls then see no queue. */
	pvgpu_vq_drain(pvdev, &pvdev->ctrlq);
	pvgpu_vq_drain(pvdev, &pvdev->cursorq);
	pvgpu_fence_fail_all(&pvdev->fence_drv, -ENODEV);
	/* Nothing can queue release work any more: this is the last. */
	flush_work(&pvdev->done_work);
	vdev->config->del_vqs(vdev);
}

static int pvgpu_probe(struct virtio_device *vdev)
{
	struct pvgpu_device *pvdev;
	u32 num;
	int ret;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return -ENODEV;
	/* upstream virtio_gpu_probe(): nomodeset keeps the driver away */
	if (drm_firmware_drivers_only() && pvgpu_modeset == -1)
		return -EINVAL;

	pvdev = devm_drm_dev_alloc(&vdev->dev, &pvgpu_drm_driver,
				   struct pvgpu_device, drm);
	if (IS_ERR(pvdev))
		return PTR_ERR(pvdev);
	pvdev->vdev = vdev;
	vdev->priv = pvdev;

	pvdev->has_virgl_3d = virtio_has_feature(vdev, VIRTIO_GPU_F_VIRGL);
	pvdev->has_edid = virtio_has_feature(vdev, VIRTIO_GPU_F_EDID);
	pvdev->has_resource_uuid =
		virtio_has_feature(vdev, VIRTIO_GPU_F_RESOURCE_UUID);
	pvdev->has_resource_blob =
		virtio_has_feature(vdev, VIRTIO_GPU_F_RESOURCE_BLOB);
	pvdev->has_context_init =
		virtio_has_feature(vdev, VIRTIO_GPU_F_CONTEXT_INIT);
	pvdev->dma_direct = virtio_has_dma_quirk(vdev);

	ret = pvgpu_stats_init(&pvdev->stats);
	if (ret)
		return ret;
	pvgpu_capset_cache_init(&pvdev->capset_cache);
	pvgpu_id_init(&pvdev->res_ids, INT_MAX);
	pvgpu_id_init(&pvdev->ctx_ids, INT_MAX);
	spin_lock_init(&pvdev->hvr_lock);
	mutex_init(&pvdev->display_lock);
	ret = drmm_add_action_or_reset(&pvdev->drm, pvgpu_release, NULL);
	if (ret)
		return ret;

	pvgpu_fence_drv_init(&pvdev->fence_drv, &pvdev->stats);
	pvdev->fence_drv.q = &pvdev->ctrlq;
	pvgpu_vq_init(pvdev, &pvdev->ctrlq);
	pvgpu_vq_init(pvdev, &pvdev->cursorq);
	spin_lock_init(&pvdev->done_lock);
	INIT_LIST_HEAD(&pvdev->done_list);
	INIT_WORK(&pvdev->done_work, pvgpu_vq_done_work);
	INIT_WORK(&pvdev->config_work, pvgpu_config_work);
	init_waitqueue_head(&pvdev->map_wq);

	virtio_cread_le(vdev, struct virtio_gpu_config, num_scanouts, &num);
	pvdev->num_scanouts = num;
	virtio_cread_le(vdev, struct virtio_gpu_config, num_capsets, &num);
	pvdev->num_capsets = num;

	ret = pvgpu_init_host_visible(pvdev);
	if (ret)
		return ret;
	ret = pvgpu_init_vqs(pvdev);
	if (ret)
		return ret;
	virtio_device_ready(vdev);

	if (pvdev->has_virgl_3d) {
		ret = pvgpu_cmd_get_capset_infos(pvdev);
		if (ret)
			goto err_stop;
	}
	pvdev->has_modeset = pvdev->num_scanouts && pvgpu_modeset != 0;
	if (pvdev->has_modeset) {
		ret = pvgpu_display_init(pvdev);
		if (ret)
			goto err_stop;
	} else {
		/* A render node only, as upstream for devices without scanouts. */
		pvdev->drm.driver_features &= ~PVGPU_KMS_FEATURES;
	}

	pvgpu_stats_debugfs_init(pvdev);
	pvgpu_debugfs_init(pvdev);
	ret = drm_dev_register(&pvdev->drm, 0);
	if (ret)
		goto err_stop;
	pvgpu_kunit_set(pvdev, true);
	if (pvdev->has_modeset)
		drm_fbdev_shmem_setup(&pvdev->drm, 32);

	drm_info(&pvdev->drm,
		 "virgl %d blob %d context_init %d host_visible %d (%llu MiB) capsets 0x%llx scanouts %u edid %d modeset %d\n",
		 pvdev->has_virgl_3d, pvdev->has_resource_blob,
		 pvdev->has_context_init, pvdev->has_host_visible,
		 pvdev->hvr_len >> 20, pvdev->capset_mask, pvdev->num_scanouts,
		 pvdev->has_edid, pvdev->has_modeset);
	return 0;

err_stop:
	drm_err(&pvdev->drm, "probe failed: %d\n", ret);
	pvgpu_stop(pvdev);
	return ret;
}

static void pvgpu_remove(struct virtio_device *vdev)
{
	struct pvgpu_device *pvdev = vdev->priv;

	pvgpu_kunit_set(pvdev, false);
	/* New ioctls fail with -ENODEV; running ones finish; mmaps zapped. */
	drm_dev_unplug(&pvdev->drm);
	/* Outputs off and vblank timers stopped (commands now fail fast). */
	if (pvdev->has_modeset)
		pvgpu_display_fini(pvdev);
	pvgpu_stop(pvdev);
}

static void pvgpu_config_changed(struct virtio_device *vdev)
{
	struct pvgpu_device *pvdev = vdev->priv;

	schedule_work(&pvdev->config_work);
}

static const struct virtio_device_id pvgpu_id_table[] = {
	{ VIRTIO_ID_GPU, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, pvgpu_id_table);

/* VERSION_1 is negotiated by the transport for modern devices. */
static const unsigned int pvgpu_features[] = {
	VIRTIO_GPU_F_VIRGL,
	VIRTIO_GPU_F_EDID,
	VIRTIO_GPU_F_RESOURCE_UUID,
	VIRTIO_GPU_F_RESOURCE_BLOB,
	VIRTIO_GPU_F_CONTEXT_INIT,
};

static struct virtio_driver pvgpu_virtio_driver = {
	.feature_table = pvgpu_features,
	.feature_table_size = ARRAY_SIZE(pvgpu_features),
	.driver.name = KBUILD_MODNAME,
	.id_table = pvgpu_id_table,
	.probe = pvgpu_probe,
	.remove = pvgpu_remove,
	.config_changed = pvgpu_config_changed,
};
module_virtio_driver(pvgpu_virtio_driver);

MODULE_DESCRIPTION("pvgpu: paravirtual GPU driver for virtio-gpu (Venus render node)");
MODULE_LICENSE("Dual MIT/GPL");
