# Compares the generated Pulumi schema with the npm SDK's .d.ts: resource/provider/type
# property names and, roughly, their kinds (string/number/boolean/array/map/object).
import json, re, sys, os
schema = json.load(open(sys.argv[1])); pkg = sys.argv[2]
def ifaces(path):
    # d.ts: one property per line at 4 spaces, except map types, which span lines.
    out = {}; cur = None; prop = None; buf = ''
    for line in open(path):
        m = re.match(r'\s*export interface (\w+)(?: extends [^{]*)? \{', line)
        if m: cur = m.group(1); out.setdefault(cur, {}); continue
        if not cur: continue
        if prop:
            buf += line.strip()
            if buf.count('{') == buf.count('}') and buf.endswith(';'):
                out[cur][prop] = buf[:-1]; prop = None
            continue
        if re.match(r'\}\s*$', line.strip()) and line.startswith('}'): cur = None; continue
        p = re.match(r'\s{4}(?:readonly )?(\w+)\??: (.*)$', line.rstrip())
        if p:
            prop, buf = p.group(1), p.group(2)
            if buf.count('{') == buf.count('}') and buf.endswith(';'):
                out[cur][prop] = buf[:-1]; prop = None
    return out
def ts_kind(t):
    t = t.replace('pulumi.Input<', '').replace('pulumi.Output<', '').replace(' | undefined', '')
    if t.startswith('{[key: string]') or t.startswith('{'): return 'map'
    if '[]' in t: return 'array'
    if 'inputs.' in t or 'outputs.' in t: return 'object'
    for k in ('string', 'number', 'boolean'):
        if t.startswith(k): return k
    return '?' + t
def sch_kind(p):
    if '$ref' in p: return 'object'
    return {'string': 'string', 'integer': 'number', 'number': 'number', 'boolean': 'boolean',
            'array': 'array', 'object': 'map'}.get(p.get('type'), '?')
bad = 0
def cmp(label, sdk, sch):
    global bad
    if set(sdk) != set(sch):
        bad += 1
        print(f"{label}: only in SDK {sorted(set(sdk) - set(sch))}; only in provider schema {sorted(set(sch) - set(sdk))}")
    for k in set(sdk) & set(sch):
        a, b = ts_kind(sdk[k]), sch_kind(sch[k])
        if a != b and not (a == 'string' and b == 'number' and False):
            bad += 1; print(f"{label}.{k}: SDK {sdk[k]} vs schema {json.dumps(sch[k])[:120]}")
inp = ifaces(os.path.join(pkg, 'types/input.d.ts'))
for tok, r in sorted(schema['resources'].items()):
    mod = tok.split(':')[1].split('/')[1]; name = tok.split(':')[2]
    i = ifaces(os.path.join(pkg, mod + '.d.ts'))
    cmp(tok + " args", i.get(name + 'Args', {}), r.get('inputProperties', {}))
    cmp(tok + " state", i.get(name + 'State', {}), r.get('stateInputs', {}).get('properties', {}))
checked = 0
for tok, t in sorted(schema['types'].items()):
    name = tok.split(':')[2]
    if name in inp: checked += 1; cmp("type " + name, inp[name], t.get('properties', {}))
pa = ifaces(os.path.join(pkg, 'provider.d.ts'))['ProviderArgs']
cmp("provider args", pa, schema['provider']['inputProperties'])
print("mismatches:", bad, "| resources:", len(schema['resources']), "| input types checked:", checked, "of", len(schema['types']))
