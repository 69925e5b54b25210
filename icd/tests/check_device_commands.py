#!/usr/bin/env python3
# Every device-level command of Vulkan 1.0-1.3 core, of VK_KHR_swapchain and of the extensions pvk
# implements must resolve through the loader entry point (vk_icdGetInstanceProcAddr with an
# instance): an unimplemented one would be NULL and crash an application that uses it.
# Usage: check_device_commands.py LIBRARY vk.xml
import ctypes
import sys
import xml.etree.ElementTree as ET

DEVICE_HANDLES = {'VkDevice', 'VkQueue', 'VkCommandBuffer'}
EXTENSIONS = {'VK_KHR_swapchain', 'VK_KHR_push_descriptor', 'VK_KHR_maintenance5'}
CORE = {'VK_VERSION_1_0', 'VK_VERSION_1_1', 'VK_VERSION_1_2', 'VK_VERSION_1_3'}


def api_ok(elem):
    api = elem.get('api')
    return api is None or 'vulkan' in api.split(',')


def main():
    lib, xml = sys.argv[1], sys.argv[2]
    root = ET.parse(xml).getroot()
    first_param = {}
    for cmd in root.find('commands'):
        if not api_ok(cmd) or cmd.get('alias'):
            continue
        params = [p for p in cmd.findall('param') if api_ok(p)]
        first_param[cmd.find('proto').findtext('name')] = params[0].findtext('type') if params else None
    aliases = {c.get('name'): c.get('alias') for c in root.find('commands') if c.get('alias')}

    wanted = set()
    for feature in root.findall('feature'):
        if feature.get('name') in CORE and api_ok(feature):
            for req in feature.findall('require'):
                wanted.update(c.get('name') for c in req.findall('command'))
    for ext in root.find('extensions'):
        if ext.get('name') in EXTENSIONS:
            for req in ext.findall('require'):
                wanted.update(c.get('name') for c in req.findall('command'))
    wanted = {n for n in wanted if first_param.get(aliases.get(n, n)) in DEVICE_HANDLES}

    icd = ctypes.CDLL(lib)
    gipa = icd.vk_icdGetInstanceProcAddr
    gipa.restype = ctypes.c_void_p
    gipa.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    # pvk resolves names from its tables without looking at the instance
    missing = sorted(n for n in wanted if not gipa(ctypes.c_void_p(1), n.encode()))
    if missing:
        print('device-level commands that resolve to NULL:')
        for n in missing:
            print('  ' + n)
        sys.exit(1)
    print('ok: all %d device-level commands of 1.0-1.3 core and %s resolve' % (len(wanted), ', '.join(sorted(EXTENSIONS))))


if __name__ == '__main__':
    main()
