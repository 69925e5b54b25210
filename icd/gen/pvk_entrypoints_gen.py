#!/usr/bin/env python3
# Generate pvk's entrypoint tables and registry tables from vk.xml.
#
# Usage: pvk_entrypoints_gen.py --xml vk.xml --out-c pvk_entrypoints.c --out-h pvk_entrypoints.h
#
# The Vulkan registry (vk.xml, "API Registry" chapter of the spec) is the only input; python3's
# standard library (xml.etree) is the only dependency. Outputs:
#   - a prototype `pvk_<Command>` for every Vulkan command of the core API and of every non-platform,
#     non-provisional extension; pvk defines the ones it implements, the others stay weak and NULL;
#   - four sorted name tables (global, instance, physical-device, device level), aliases resolved to
#     the command they alias, looked up with bsearch;
#   - the device and instance extension lists (name, number, spec version);
#   - the structs that extend VkPhysicalDeviceFeatures2 / VkPhysicalDeviceProperties2 with their
#     sType, size and the core version or extension that brings them.
import argparse
import re
import xml.etree.ElementTree as ET

# vkGetInstanceProcAddr answers with a NULL instance for itself too (spec "Command Function Pointers")
GLOBAL_COMMANDS = {
    'vkCreateInstance', 'vkEnumerateInstanceVersion', 'vkGetInstanceProcAddr',
    'vkEnumerateInstanceExtensionProperties', 'vkEnumerateInstanceLayerProperties',
}


def api_ok(elem):
    api = elem.get('api')
    return api is None or 'vulkan' in api.split(',')


def version_number(feature_name):
    m = re.match(r'VK_VERSION_(\d+)_(\d+)$', feature_name)
    return (int(m.group(1)), int(m.group(2))) if m else None


class Registry:
    def __init__(self, path):
        self.root = ET.parse(path).getroot()
        self.commands = {}      # name -> (return type, [param decl], first param type)
        self.aliases = {}       # alias name -> target name
        self.structs = {}       # name -> element
        self.struct_aliases = {}
        self.enabled_commands = set()
        self.type_origin = {}   # type name -> (core version tuple or None, extension name or None)
        self.extensions = []    # (name, number, type, spec_version)
        self._parse()

    def _parse(self):
        for cmd in self.root.find('commands'):
            if not api_ok(cmd):
                continue
            if cmd.get('alias'):
                self.aliases[cmd.get('name')] = cmd.get('alias')
                continue
            proto = cmd.find('proto')
            name = proto.findtext('name')
            ret = ''.join(proto.itertext()).rsplit(name, 1)[0].strip()
            params = []
            for p in cmd.findall('param'):
                if not api_ok(p):
                    continue
                params.append(' '.join(''.join(p.itertext()).split()))
            first = cmd.find('param').findtext('type')
            self.commands[name] = (ret, params, first)

        for t in self.root.find('types'):
            if t.get('category') != 'struct' or not api_ok(t):
                continue
            if t.get('alias'):
                self.struct_aliases[t.get('name')] = t.get('alias')
            else:
                self.structs[t.get('name')] = t

        for feat in self.root.findall('feature'):
            if not api_ok(feat):
                continue
            ver = version_number(feat.get('name'))
            for req in feat.findall('require'):
                if not api_ok(req):
                    continue
                for c in req.findall('command'):
                    self.enabled_commands.add(c.get('name'))
                for t in req.findall('type'):
                    self.type_origin.setdefault(t.get('name'), [None, None])
                    if self.type_origin[t.get('name')][0] is None:
                        self.type_origin[t.get('name')][0] = ver

        for ext in self.root.find('extensions'):
            supported = ext.get('supported', '').split(',')
            if 'vulkan' not in supported:
                continue
            name = ext.get('name')
            spec = 0
            for req in ext.findall('require'):
                for e in req.findall('enum'):
                    if e.get('name', '').endswith('_SPEC_VERSION') and e.get('value', '').isdigit():
                        spec = int(e.get('value'))
            self.extensions.append((name, int(ext.get('number')), ext.get('type'), spec))
            if ext.get('platform') or ext.get('provisional') == 'true':
                continue
            for req in ext.findall('require'):
                if not api_ok(req):
                    continue
                for c in req.findall('command'):
                    self.enabled_commands.add(c.get('name'))
                for t in req.findall('type'):
                    tn = self.struct_aliases.get(t.get('name'), t.get('name'))
                    origin = self.type_origin.setdefault(tn, [None, None])
                    if origin[1] is None:
                        origin[1] = []
                    if name not in origin[1]:
                        origin[1].append(name)

    def resolve(self, name):
        while name in self.aliases:
            name = self.aliases[name]
        return name

    def level(self, name):
        if name in GLOBAL_COMMANDS:
            return 'global'
        if name == 'vkGetDeviceProcAddr':
            return 'device'
        first = self.commands[self.resolve(name)][2]
        if first == 'VkPhysicalDevice':
            return 'physical_device'
        if first == 'VkInstance':
            return 'instance'
        if first in ('VkDevice', 'VkQueue', 'VkCommandBuffer'):
            return 'device'
        return 'global'

    def extending_structs(self, base):
        out = []
        for name, t in self.structs.items():
            ext = t.get('structextends', '').split(',')
            if base not in ext:
                continue
            origin = self.type_origin.get(name)
            if not origin or (origin[0] is None and origin[1] is None):
                continue    # platform, provisional or vulkansc-only struct
            stype = None
            pointers = False
            for m in t.findall('member'):
                if m.findtext('name') == 'sType':
                    stype = m.get('values')
                elif m.findtext('name') != 'pNext' and '*' in ''.join(m.itertext()):
                    pointers = True
            out.append((name, stype, origin[0], origin[1], pointers))
        return sorted(out)


def vk_to_pvk(name):
    return 'pvk_' + name[2:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--xml', required=True)
    ap.add_argument('--out-c', required=True)
    ap.add_argument('--out-h', required=True)
    args = ap.parse_args()
    reg = Registry(args.xml)

    impl = sorted(n for n in reg.enabled_commands if n in reg.commands)
    names = sorted(n for n in reg.enabled_commands if n in reg.commands or n in reg.aliases)
    dev_exts = sorted(e for e in reg.extensions if e[2] == 'device')
    inst_exts = sorted(e for e in reg.extensions if e[2] == 'instance')
    dev_ext_index = {e[0]: i for i, e in enumerate(dev_exts)}

    h = []
    h.append('/* Generated by icd/gen/pvk_entrypoints_gen.py from vk.xml: do not edit. */')
    h.append('#ifndef PVK_ENTRYPOINTS_H\n#define PVK_ENTRYPOINTS_H\n')
    h.append('#include <stdbool.h>\n#include <stdint.h>\n#include <vulkan/vulkan_core.h>\n')
    h.append('struct pvk_entrypoint {\n   const char *name;\n   PFN_vkVoidFunction pfn;\n};\n')
    h.append('struct pvk_extension_info {\n   const char *name;\n   uint32_t number;\n   uint32_t spec_version;\n};\n')
    h.append('/* A struct that extends VkPhysicalDeviceFeatures2 or VkPhysicalDeviceProperties2. */')
    h.append('#define PVK_STRUCT_MAX_EXTS 4')
    h.append('struct pvk_struct_info {\n   const char *name;\n   VkStructureType stype;\n   uint32_t size;\n'
             '   /* core version that brings it (0: none) */\n   uint32_t core_version;\n'
             '   /* indices in pvk_device_extensions of the extensions that bring it (-1: none) */\n'
             '   int16_t ext_index[PVK_STRUCT_MAX_EXTS];\n'
             '   /* has pointer members besides pNext (output arrays): never cached */\n'
             '   bool has_pointers;\n};\n')
    for n in impl:
        ret, params, _ = reg.commands[n]
        h.append('VKAPI_ATTR %s VKAPI_CALL %s(%s);' % (ret, vk_to_pvk(n), ', '.join(params) or 'void'))
    h.append('')
    for lvl in ('global', 'instance', 'physical_device', 'device'):
        h.append('PFN_vkVoidFunction pvk_lookup_%s_entrypoint(const char *name);' % lvl)
    h.append('\n#define PVK_DEVICE_EXTENSION_COUNT %d' % len(dev_exts))
    h.append('#define PVK_INSTANCE_EXTENSION_COUNT %d' % len(inst_exts))
    h.append('extern const struct pvk_extension_info pvk_device_extensions[PVK_DEVICE_EXTENSION_COUNT];')
    h.append('extern const struct pvk_extension_info pvk_instance_extensions[PVK_INSTANCE_EXTENSION_COUNT];')
    h.append('int32_t pvk_device_extension_index(const char *name);')
    h.append('int32_t pvk_instance_extension_index(const char *name);')
    feats = reg.extending_structs('VkPhysicalDeviceFeatures2')
    props = reg.extending_structs('VkPhysicalDeviceProperties2')
    h.append('\n#define PVK_FEATURE_STRUCT_COUNT %d' % len(feats))
    h.append('#define PVK_PROPERTY_STRUCT_COUNT %d' % len(props))
    h.append('extern const struct pvk_struct_info pvk_feature_structs[PVK_FEATURE_STRUCT_COUNT];')
    h.append('extern const struct pvk_struct_info pvk_property_structs[PVK_PROPERTY_STRUCT_COUNT];')
    h.append('\n#endif /* PVK_ENTRYPOINTS_H */')

    c = []
    c.append('/* Generated by icd/gen/pvk_entrypoints_gen.py from vk.xml: do not edit. */')
    c.append('#include <stdlib.h>\n#include <string.h>\n#include "pvk_entrypoints.h"\n')
    c.append('/* Commands pvk does not implement stay undefined: weak references resolve to NULL. */')
    for n in impl:
        c.append('#pragma weak %s' % vk_to_pvk(n))
    c.append('')
    c.append('static int\npvk_entrypoint_compare(const void *key, const void *elem)\n{\n'
             '   return strcmp(key, ((const struct pvk_entrypoint *)elem)->name);\n}\n')
    for lvl in ('global', 'instance', 'physical_device', 'device'):
        rows = [n for n in names if reg.level(n) == lvl or
                (lvl == 'instance' and reg.level(n) == 'physical_device')]
        c.append('static const struct pvk_entrypoint pvk_%s_entrypoints[] = {' % lvl)
        for n in rows:
            c.append('   { "%s", (PFN_vkVoidFunction)%s },' % (n, vk_to_pvk(reg.resolve(n))))
        c.append('};\n')
        c.append('PFN_vkVoidFunction\npvk_lookup_%s_entrypoint(const char *name)\n{\n'
                 '   const struct pvk_entrypoint *e = bsearch(name, pvk_%s_entrypoints,\n'
                 '      sizeof(pvk_%s_entrypoints) / sizeof(pvk_%s_entrypoints[0]),\n'
                 '      sizeof(pvk_%s_entrypoints[0]), pvk_entrypoint_compare);\n'
                 '   return e ? e->pfn : NULL;\n}\n' % ((lvl,) * 5))
    for kind, exts in (('device', dev_exts), ('instance', inst_exts)):
        c.append('const struct pvk_extension_info pvk_%s_extensions[PVK_%s_EXTENSION_COUNT] = {' % (kind, kind.upper()))
        for e in exts:
            c.append('   { "%s", %d, %d },' % (e[0], e[1], e[3]))
        c.append('};\n')
        c.append('static int\npvk_%s_extension_compare(const void *key, const void *elem)\n{\n'
                 '   return strcmp(key, ((const struct pvk_extension_info *)elem)->name);\n}\n' % kind)
        c.append('int32_t\npvk_%s_extension_index(const char *name)\n{\n'
                 '   const struct pvk_extension_info *e = bsearch(name, pvk_%s_extensions,\n'
                 '      PVK_%s_EXTENSION_COUNT, sizeof(pvk_%s_extensions[0]), pvk_%s_extension_compare);\n'
                 '   return e ? (int32_t)(e - pvk_%s_extensions) : -1;\n}\n'
                 % (kind, kind, kind.upper(), kind, kind, kind))
    for kind, rows in (('feature', feats), ('property', props)):
        c.append('const struct pvk_struct_info pvk_%s_structs[PVK_%s_STRUCT_COUNT] = {' % (kind, kind.upper()))
        for name, stype, ver, ext, pointers in rows:
            core = 'VK_API_VERSION_%d_%d' % ver if ver else '0'
            idx = [dev_ext_index[e] for e in (ext or []) if e in dev_ext_index][:4]
            idx += [-1] * (4 - len(idx))
            c.append('   { "%s", %s, sizeof(%s), %s, { %s }, %s },' % (
                name, stype, name, core, ', '.join(str(i) for i in idx), 'true' if pointers else 'false'))
        c.append('};\n')

    with open(args.out_h, 'w') as f:
        f.write('\n'.join(h) + '\n')
    with open(args.out_c, 'w') as f:
        f.write('\n'.join(c) + '\n')


if __name__ == '__main__':
    main()
