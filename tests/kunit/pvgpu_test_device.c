// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu KUnit on-device fixture: opens the bound device's render node the
 * way user space does (filp_open, so drm_open() and our .open run) and maps
 * anonymous user memory into the test thread (kunit_vm_mmap) to hold ioctl
 * arguments, so copy_from_user()/copy_to_user() and -EFAULT paths are real.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "pvgpu_test.h"

MODULE_IMPORT_NS(PVGPU_KUNIT_NS);
MODULE_DESCRIPTION("KUnit suites for pvgpu.ko");
MODULE_LICENSE("Dual MIT/GPL");

static void pvgpu_test_fput(void *file)
{
	fput(file);
}

/**
 * pvgpu_test_open() - open the render node of @pvdev
 * @test: test; the file is closed at its end
 * @pvdev: device
 *
 * Return: the file; the test fails when it cannot be opened.
 */
struct file *pvgpu_test_open(struct kunit *test, struct pvgpu_device *pvdev)
{
	char path[32];
	struct file *file;

	snprintf(path, sizeof(path), "/dev/dri/renderD%d",
		 pvdev->drm.render->index);
	file = filp_open(path, O_RDWR, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open %s: %d", path,
			       PTR_ERR_OR_ZERO(file));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							  pvgpu_test_fput,
							  file));
	return file;
}

/**
 * pvgpu_test_ioctl() - run one ioctl with its argument in user memory
 * @test: test with a pvgpu_test_dev fixture
 * @file: DRM file
 * @cmd: DRM_IOCTL_*
 * @arg: argument; copied to user memory, and back after the call
 * @size: bytes of @arg (at most a page)
 *
 * Return: what drm_ioctl() returned (0 or a negative errno).
 */
long pvgpu_test_ioctl(struct kunit *test, struct file *file, unsigned int cmd,
		      void *arg, size_t size)
{
	struct pvgpu_test_dev *td = test->priv;
	long ret;

	pvgpu_test_put_user(test, td->uarg, arg, size);
	ret = file->f_op->unlocked_ioctl(file, cmd, td->uarg);
	KUNIT_ASSERT_EQ(test, 0UL,
			copy_from_user(arg, (void __user *)td->uarg, size));
	return ret;
}

/**
 * pvgpu_test_put_user() - copy into test user memory
 * @test: test
 * @uaddr: user address
 * @src: bytes
 * @size: how many
 */
void pvgpu_test_put_user(struct kunit *test, unsigned long uaddr,
			 const void *src, size_t size)
{
	KUNIT_ASSERT_EQ(test, 0UL,
			copy_to_user((void __user *)uaddr, src, size));
}

/**
 * pvgpu_test_venus_ctx() - CONTEXT_INIT with the Venus capset and 64 rings
 * @test: test with a pvgpu_test_dev fixture
 * @file: DRM file
 *
 * Return: the ioctl's result.
 */
int pvgpu_test_venus_ctx(struct kunit *test, struct file *file)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_context_set_param p[2] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, VIRTIO_GPU_CAPSET_VENUS },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 64 },
	};
	struct drm_virtgpu_context_init init = {
		.num_params = 2, .ctx_set_params = td->udata,
	};

	pvgpu_test_put_user(test, td->udata, p, sizeof(p));
	return pvgpu_test_ioctl(test, file, DRM_IOCTL_VIRTGPU_CONTEXT_INIT,
				&init, sizeof(init));
}

static void pvgpu_test_dev_put(void *pvdev)
{
	drm_dev_put(&((struct pvgpu_device *)pvdev)->drm);
}

/**
 * pvgpu_test_dev_init() - .init of on-device suites
 * @test: test
 *
 * Skips the case when no pvgpu device is bound.
 * Return: 0.
 */
int pvgpu_test_dev_init(struct kunit *test)
{
	struct pvgpu_test_dev *td;
	unsigned long u;

	td = kunit_kzalloc(test, sizeof(*td), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, td);
	test->priv = td;
	td->pvdev = pvgpu_kunit_device();
	if (!td->pvdev)
		kunit_skip(test, "no pvgpu device bound");
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							  pvgpu_test_dev_put,
							  td->pvdev));
	u = kunit_vm_mmap(test, NULL, 0, PVGPU_TEST_USER_SIZE,
			  PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			  0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(u) || !u);
	td->uarg = u;
	td->udata = u + PAGE_SIZE;
	td->file = pvgpu_test_open(test, td->pvdev);
	return 0;
}

/**
 * pvgpu_test_dev_exit() - .exit of on-device suites (actions clean up)
 * @test: test
 */
void pvgpu_test_dev_exit(struct kunit *test)
{
}
