/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * pvgpu KUnit helpers: a real render-node file on the bound device and
 * user memory for ioctl arguments, so cases drive the driver through
 * drm_ioctl() exactly as user space does.
 */
#ifndef PVGPU_TEST_H
#define PVGPU_TEST_H

#include <kunit/test.h>

#include "pvgpu_drv.h"

#define PVGPU_TEST_USER_SIZE	(4 * PAGE_SIZE)

/**
 * struct pvgpu_test_dev - fixture of the on-device suites
 * @pvdev: the bound device (a DRM reference is held)
 * @file: an open render-node file
 * @uarg: user memory for the ioctl argument (first page)
 * @udata: user memory for what arguments point at (the other pages)
 */
struct pvgpu_test_dev {
	struct pvgpu_device *pvdev;
	struct file *file;
	unsigned long uarg;
	unsigned long udata;
};

int pvgpu_test_dev_init(struct kunit *test);
void pvgpu_test_dev_exit(struct kunit *test);
struct file *pvgpu_test_open(struct kunit *test, struct pvgpu_device *pvdev);
long pvgpu_test_ioctl(struct kunit *test, struct file *file, unsigned int cmd,
		      void *arg, size_t size);
void pvgpu_test_put_user(struct kunit *test, unsigned long uaddr,
			 const void *src, size_t size);
int pvgpu_test_venus_ctx(struct kunit *test, struct file *file);

#endif
