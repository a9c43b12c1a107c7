"""Compares a bridged provider's generated Pulumi schema with the locked npm SDK's .d.ts files:
the property names and, roughly, kinds (string/number/boolean/array/map/object) of every
resource (args and state), function (args and result), the provider's args and every object type.

usage: compare-sdk.py SCHEMA.json SDK_DIR [--used TOKEN,TOKEN...]
Prints each mismatch, then `mismatches: N | ...` over everything and, with --used,
`used mismatches: N | ...` over the named resources and functions and the types they reach.
"""
import json, os, re, sys


def interfaces(path):
    """{'[namespace.]Name': {prop: ts type}} of a .d.ts file: one property a line, one indent
    level below its interface, except object types, which may span lines."""
    out, stack, cur, prop, buf = {}, [], None, None, ''
    if not os.path.exists(path):
        return out
    for line in open(path):
        ns = re.match(r'(\s*)export (?:declare )?namespace (\w+) \{', line)
        if ns:
            stack.append((len(ns.group(1)), ns.group(2)))
            continue
        m = re.match(r'(\s*)(?:export )?interface (\w+)(?: extends [^{]*)? \{', line)
        if m:
            depth = len(m.group(1))
            names = [n for d, n in stack if d < depth]
            cur, indent = '.'.join(names + [m.group(2)]), depth + 4
            out.setdefault(cur, {})
            continue
        if cur is None:
            if stack and re.match(r'\s*\}\s*$', line) and len(line) - len(line.lstrip()) == stack[-1][0]:
                stack.pop()
            continue
        if prop:
            buf += line.strip()
            if buf.count('{') == buf.count('}') and buf.endswith(';'):
                out[cur][prop] = buf[:-1]
                prop = None
            continue
        if line.strip() == '}' and len(line) - len(line.lstrip()) == indent - 4:
            cur = None
            continue
        p = re.match(r' {%d}(?:readonly )?(\w+)\??: (.*)$' % indent, line.rstrip())
        if p:
            prop, buf = p.group(1), p.group(2)
            if buf.count('{') == buf.count('}') and buf.endswith(';'):
                out[cur][prop] = buf[:-1]
                prop = None
    return out


def ts_kind(t):
    t = t.replace('pulumi.Input<', '').replace('pulumi.Output<', '').replace(' | undefined', '')
    if t.rstrip('>').endswith('[]'):
        return 'array'
    if t.startswith('{'):
        return 'map'
    if 'inputs.' in t or 'outputs.' in t:
        return 'object'
    for k in ('string', 'number', 'boolean'):
        if t.startswith(k):
            return k
    return '?' + t


def schema_kind(p):
    if '$ref' in p:
        return 'object'
    return {'string': 'string', 'integer': 'number', 'number': 'number', 'boolean': 'boolean',
            'array': 'array', 'object': 'map'}.get(p.get('type'), '?')


def compare(sdk, sch):
    """Mismatch lines between an SDK interface and schema properties."""
    lines = []
    if set(sdk) != set(sch):
        lines.append(f"only in SDK {sorted(set(sdk) - set(sch))}; only in provider schema {sorted(set(sch) - set(sdk))}")
    for k in sorted(set(sdk) & set(sch)):
        if ts_kind(sdk[k]) != schema_kind(sch[k]):
            lines.append(f"{k}: SDK {sdk[k]} vs schema {json.dumps(sch[k])[:120]}")
    return lines


def split(tok):
    """'pkg:mod/file:Name' or 'pkg:mod:Name' -> (module, file, Name); the index module's files
    sit at the SDK's top."""
    _, modfile, name = tok.split(':')
    mod, file = modfile.split('/') if '/' in modfile else (modfile, name[0].lower() + name[1:])
    return mod, file, name


def refs(node):
    """Type tokens a schema fragment refers to."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == '$ref' and v.startswith('#/types/'):
                yield v[len('#/types/'):]
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def sdk_tokens(pkg):
    """The resource and function tokens the SDK's JavaScript registers or invokes."""
    out = set()
    for root, _, files in os.walk(pkg):
        for f in files:
            if f.endswith('.js') and 'node_modules' not in os.path.relpath(root, pkg):
                text = open(os.path.join(root, f)).read()
                out |= set(re.findall(r"__pulumiType = '([^']+)'", text)) | set(re.findall(r'invoke\("([^"]+)"', text))
    # The provider resource itself is not a member of the schema's resources.
    return {t for t in out if not t.startswith('pulumi:providers:') and t.count(':') == 2}


def main(argv):
    schema, pkg = json.load(open(argv[1])), argv[2]
    used = set(argv[argv.index('--used') + 1].split(',')) - {''} if '--used' in argv else None
    d_ts = {}

    def iface(mod, file, name):
        folder = pkg if mod == 'index' else os.path.join(pkg, mod)
        # The SDK's file names may differ from the token's in case (l7policyV2 for l7PolicyV2).
        names = {f.lower(): f for f in os.listdir(folder)} if os.path.isdir(folder) else {}
        path = os.path.join(folder, names.get(file.lower() + '.d.ts', file + '.d.ts'))
        if path not in d_ts:
            d_ts[path] = interfaces(path)
        return d_ts[path].get(name)

    inputs, outputs = interfaces(os.path.join(pkg, 'types/input.d.ts')), interfaces(os.path.join(pkg, 'types/output.d.ts'))
    problems = {}  # token -> mismatch lines
    missing = []

    def check(tok, label, sdk, props):
        if sdk is None:
            missing.append(f"{tok} {label}: not in the SDK")
            problems.setdefault(tok, []).append(f"{label}: not in the SDK")
            return
        for line in compare(sdk, props):
            problems.setdefault(tok, []).append(f"{label}: {line}")

    for tok, r in schema.get('resources', {}).items():
        mod, file, name = split(tok)
        check(tok, 'args', iface(mod, file, name + 'Args'), r.get('inputProperties', {}))
        state = iface(mod, file, name + 'State')
        if state is not None or 'stateInputs' in r:  # native providers have neither
            check(tok, 'state', state, r.get('stateInputs', {}).get('properties', {}))
    methods = sorted(t for t in schema.get('functions', {}) if t.startswith('pulumi:providers:'))
    for tok, f in schema.get('functions', {}).items():
        if tok in methods:  # the provider's own methods (the bridge's terraformConfig), no SDK function
            continue
        mod, file, name = split(tok)
        cap = name[0].upper() + name[1:]
        args = f.get('inputs', {}).get('properties', {})
        if args or iface(mod, file, cap + 'Args') is not None:
            check(tok, 'args', iface(mod, file, cap + 'Args') or {}, args)
        check(tok, 'result', iface(mod, file, cap + 'Result'), f.get('outputs', {}).get('properties', {}))
    types_checked = 0
    for tok, t in schema.get('types', {}).items():
        mod, _, name = split(tok)
        name = name[0].upper() + name[1:]  # a function's types: getNetworkSegment in the token, GetNetworkSegment in the SDK
        key = name if mod == 'index' else f"{mod}.{name}"
        # Input types may carry an Args suffix in the SDK (command's remote.ConnectionArgs).
        found = [(kind, table[k]) for kind, table, k in (('input', inputs, key), ('input', inputs, key + 'Args'), ('output', outputs, key)) if k in table]
        types_checked += bool(found)
        for kind, sdk in found:
            check(tok, f'{kind} type', sdk, t.get('properties', {}))
    pa = interfaces(os.path.join(pkg, 'provider.d.ts')).get('ProviderArgs', {})
    check('provider', 'args', pa, schema['provider'].get('inputProperties', {}))

    provided = set(schema.get('resources', {})) | set(schema.get('functions', {}))
    absent = sorted(sdk_tokens(pkg) - provided)
    if absent:
        print(f"in the SDK, not provided ({len(absent)}): {', '.join(absent)}")
    for tok in sorted(problems):
        for line in problems[tok]:
            print(f"{tok} {line}")
    total = sum(len(v) for v in problems.values())
    print(f"mismatches: {total} | resources: {len(schema.get('resources', {}))} | functions: {len(schema.get('functions', {}))}"
          f" | object types checked: {types_checked} of {len(schema.get('types', {}))}"
          + (f" | provider methods not compared: {', '.join(methods)}" if methods else ''))
    if used is not None:
        reach, todo = set(), [t for t in used]
        unknown = sorted(t for t in used if t not in schema.get('resources', {}) and t not in schema.get('functions', {}))
        while todo:
            t = todo.pop()
            if t in reach:
                continue
            reach.add(t)
            node = schema.get('resources', {}).get(t) or schema.get('functions', {}).get(t) or schema.get('types', {}).get(t) or {}
            todo.extend(refs(node))
        bad = {t: problems[t] for t in reach if t in problems}
        for t in unknown:
            print(f"used {t}: not in the provider schema")
        print(f"used mismatches: {sum(len(v) for v in bad.values()) + len(unknown)} | used: {len(used)} resources and functions, {len(reach) - len(used)} types they reach"
              f" | {', '.join(sorted(used))}")


if __name__ == '__main__':
    main(sys.argv)
