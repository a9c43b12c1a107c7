"""The tokens of the resources and functions a program uses from one Pulumi package, read from
its TypeScript imports (`import * as X from "@pulumi/PKG/MOD"`, then `new X.Name(` or
`X.getName(`/`X.getNameOutput(`), test files excepted.

usage: used-tokens.py PKG DIR... -> comma-separated tokens (PKG:mod/file:Name for bridged
packages, PKG:mod:Name where the SDK's tokens have no file part: command)
"""
import os, re, sys

FLAT = {'command'}  # packages whose tokens are PKG:mod:Name


def token(pkg, mod, name):
    if pkg in FLAT:
        return f"{pkg}:{mod}:{name}"
    return f"{pkg}:{mod}/{name[0].lower() + name[1:]}:{name}"


def used(pkg, text):
    out = set()
    for alias, mod in re.findall(r'import \* as (\w+) from "@pulumi/%s/(\w+)"' % re.escape(pkg), text):
        for name in re.findall(r'\bnew %s\.([A-Z]\w*)\(' % alias, text):
            out.add(token(pkg, mod, name))
        for name in re.findall(r'\b%s\.(get[A-Z]\w*?)(?:Output)?\(' % alias, text):
            out.add(token(pkg, mod, name))
    return out


def main(pkg, dirs):
    found = set()
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in files:
                if f.endswith('.ts') and not f.endswith('.test.ts'):
                    found |= used(pkg, open(os.path.join(root, f)).read())
    print(','.join(sorted(found)))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
