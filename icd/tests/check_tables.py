#!/usr/bin/env python3
# Check the tables icd/gen/pvk_entrypoints_gen.py generated from vk.xml (python3 stdlib only):
# every name table sorted for bsearch (byte order, as strcmp) and free of duplicates, aliases
# resolving to the command they alias, vkGetInstanceProcAddr answering without an instance, and
# the feature/property struct lists carrying the origin pvk relies on.
# Usage: check_tables.py build/icd/pvk_entrypoints.c /usr/share/vulkan/registry/vk.xml
import re
import sys
import xml.etree.ElementTree as ET

src = open(sys.argv[1]).read()
root = ET.parse(sys.argv[2]).getroot()
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


tables = dict(re.findall(r'static const struct pvk_entrypoint pvk_(\w+)_entrypoints\[\] = \{(.*?)\n\};', src, re.S))
check(set(tables) == {'global', 'instance', 'physical_device', 'device'}, 'four entrypoint tables: %s' % sorted(tables))
rows = {}
for level, body in tables.items():
    entries = re.findall(r'\{ "(\w+)", \(PFN_vkVoidFunction\)(\w+) \}', body)
    names = [n for n, _ in entries]
    check(names == sorted(names, key=lambda n: n.encode()), '%s table sorted for bsearch' % level)
    check(len(names) == len(set(names)), '%s table has no duplicates' % level)
    rows[level] = dict(entries)

check('vkGetInstanceProcAddr' in rows.get('global', {}), 'vkGetInstanceProcAddr in the global table')
check('vkCreateInstance' in rows.get('global', {}), 'vkCreateInstance in the global table')
check('vkEnumeratePhysicalDevices' in rows.get('instance', {}), 'vkEnumeratePhysicalDevices instance-level')
check('vkCreateDevice' in rows.get('physical_device', {}), 'vkCreateDevice physical-device-level')
check('vkQueueSubmit' in rows.get('device', {}), 'vkQueueSubmit device-level')
check('vkEnumeratePhysicalDevices' not in rows.get('physical_device', {}), 'no instance commands in the physical-device table')

# every alias in vk.xml that made it into a table points at its target's implementation
aliases = {c.get('name'): c.get('alias') for c in root.find('commands') if c.get('alias')}
checked = 0
for level, table in rows.items():
    for name, fn in table.items():
        target = name
        while target in aliases:
            target = aliases[target]
        if target != name:
            check(fn == 'pvk_' + target[2:], '%s resolves to pvk_%s (got %s)' % (name, target[2:], fn))
            checked += 1
check(checked > 100, 'aliases checked: %d' % checked)

structs = re.findall(r'\{ "(\w+)", (VK_STRUCTURE_TYPE_\w+), sizeof\(\w+\), (\w+), \{ ([-\d, ]+) \}, (true|false) \}', src)
by_name = {s[0]: s for s in structs}
check('VkPhysicalDeviceVulkan12Features' in by_name and by_name['VkPhysicalDeviceVulkan12Features'][2] == 'VK_API_VERSION_1_2',
      'VkPhysicalDeviceVulkan12Features comes with Vulkan 1.2')
mdt = by_name.get('VkPhysicalDeviceMutableDescriptorTypeFeaturesEXT')
check(mdt is not None and len([i for i in mdt[3].split(',') if int(i) >= 0]) >= 2,
      'VkPhysicalDeviceMutableDescriptorTypeFeaturesEXT brought by two extensions (EXT and VALVE)')
check(all(s[1].startswith('VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_') for s in structs), 'struct sTypes are physical-device ones')

for f in failures:
    print('not ok:', f)
print('%d checks failed' % len(failures) if failures else 'ok: generated tables consistent with vk.xml')
sys.exit(1 if failures else 0)
