"""The folder dependency graph of Sources/OnnxScope, from the types and functions each folder
declares and the others use; exits 1 when folders depend on each other in a cycle.

    python3 Tests/Scripts/folder_graph.py [Sources/OnnxScope]

A name counts as used when it appears outside comments (a type name as a word, a function
name before `(` and not after `.` or `func`); the graph printed is the one `make lint` checks.
"""
import re,glob,os,collections,sys
root=sys.argv[1] if len(sys.argv)>1 else 'Sources/OnnxScope'
decl=collections.defaultdict(set)
files=glob.glob(root+'/**/*.swift',recursive=True)
def folder(p): return os.path.relpath(p,root).split('/')[0] if '/' in os.path.relpath(p,root) else '.'
for p in files:
    s=open(p).read()
    for m in re.finditer(r'^(?:public |internal |private |fileprivate )*(?:final )?(?:struct|enum|class|protocol|typealias|actor)\s+([A-Z]\w*)',s,re.M):
        decl[m.group(1)].add(folder(p))
    for m in re.finditer(r'^(?:public |internal )?func\s+(\w+)',s,re.M):
        decl[m.group(1)].add(folder(p))
edges=collections.defaultdict(lambda: collections.defaultdict(set))
for p in files:
    f=folder(p); s=open(p).read()
    s=re.sub(r'//.*','',s)
    for name,fs in decl.items():
        if f in fs: continue
        pat = r'(?<![.\w])(?<!func )%s\s*\(' % re.escape(name) if name[0].islower() else r'(?<![.\w"])%s\b' % re.escape(name)
        if re.search(pat,s):
            for g in fs: edges[f][g].add(name)
for f in sorted(edges):
    print(f,'->',', '.join('%s(%s)'%(g,','.join(sorted(n)[:4])) for g,n in sorted(edges[f].items())))
# cycles
import itertools
adj={f:set(g) for f,g in edges.items()}
def reach(a,b,seen=()):
    return b in adj.get(a,()) or any(reach(c,b,seen+(a,)) for c in adj.get(a,()) if c not in seen)
cyc=[(a,b) for a in adj for b in adj[a] if reach(b,a)]
print('cycles:', cyc if cyc else 'none')
sys.exit(1 if cyc else 0)
