/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * pvgpu - the one place for differences between kernel versions.
 * Built and tested against 6.12.
 */
#ifndef PVGPU_COMPAT_H
#define PVGPU_COMPAT_H

#include <linux/version.h>

/* struct drm_driver lost its .date field in 6.14. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
#define PVGPU_DRIVER_DATE_FIELD .date = "20261121",
#else
#define PVGPU_DRIVER_DATE_FIELD
#endif

/* MODULE_IMPORT_NS() takes a string literal from 6.13 on. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#define PVGPU_KUNIT_NS EXPORTED_FOR_KUNIT_TESTING
#else
#define PVGPU_KUNIT_NS "EXPORTED_FOR_KUNIT_TESTING"
#endif

#endif /* PVGPU_COMPAT_H */
