#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-check of `pcapsift follow` with `tshark -z follow,tcp,raw` (needs
tshark; not run in CI): for the corpus captures with HTTP and at most 40
connections, each direction of each connection must be byte-identical,
once tshark's "[N bytes missing in capture file]" text is removed from its
raw output. Connections are paired by endpoints. Prints every difference
(id, our client bytes, tshark's, our server bytes, tshark's, our gaps
client, server) and the totals.

usage: xcheck_tshark_follow.py PCAPSIFT CORPUS_DIR CAPINFOS_TABLE
"""
import json, subprocess, os, re, concurrent.futures as cf
import sys
BIN, C, TABLE = sys.argv[1], sys.argv[2], sys.argv[3]
man=[l.rstrip('\n').split('\t') for l in open(C+'/MANIFEST.tsv')][1:]
http={r[0] for r in man if 'HTTP req=' in r[7]}
rows=[l.rstrip('\n').split('\t') for l in open(TABLE) if not l.startswith('#')][1:]
files=[r[0] for r in rows if r[1]=='ok' and r[0] in http]
def tshark_streams(path, n):
    args=['tshark','-r',path,'-q']
    for i in range(n): args+=['-z','follow,tcp,raw,%d'%i]
    out=subprocess.run(args,capture_output=True,timeout=300,text=True).stdout
    res=[]
    for block in out.split('===================================================================\nFollow: tcp,raw')[1:]:
        m0=re.search(r'Node 0: (\S+)',block); m1=re.search(r'Node 1: (\S+)',block)
        d0=bytearray(); d1=bytearray()
        for line in block.splitlines():
            if re.fullmatch(r'\t[0-9a-f]+',line): d1+=bytes.fromhex(line.strip())
            elif re.fullmatch(r'[0-9a-f]+',line): d0+=bytes.fromhex(line)
        strip=lambda d: re.sub(rb'\[\d+ bytes missing in capture file\]\x00?', b'', bytes(d))
        res.append(((m0.group(1) if m0 else ''),(m1.group(1) if m1 else ''),strip(d0),strip(d1)))
    return res
def ep(a,p): return ('[%s]:%d'%(a,p)) if ':' in a else ('%s:%d'%(a,p))
def one(rel):
    path=os.path.join(C,rel)
    flows=[json.loads(l) for l in subprocess.run([BIN,'flows','-F','jsonl','-q',path],capture_output=True).stdout.splitlines()]
    if not flows or len(flows)>40: return rel,0,0,[]
    flows.sort(key=lambda f:f['start_ns'])
    ts=tshark_streams(path,len(flows)+2)
    ok=bad=0; notes=[]
    used=set()
    for f in flows:
        c=ep(f['client'],f['client_port']); s=ep(f['server'],f['server_port'])
        cand=[i for i,t in enumerate(ts) if i not in used and {t[0],t[1]}=={c,s}]
        if not cand: notes.append((f['id'],'no tshark stream')); continue
        i=cand[0]; used.add(i); t=ts[i]
        tc, tsv = (t[2],t[3]) if t[0]==c else (t[3],t[2])
        mine_c=subprocess.run([BIN,'follow','--conn',str(f['id']),'--dir','client','-F','raw','-q',path],capture_output=True).stdout
        mine_s=subprocess.run([BIN,'follow','--conn',str(f['id']),'--dir','server','-F','raw','-q',path],capture_output=True).stdout
        if mine_c==tc and mine_s==tsv: ok+=1
        else:
            bad+=1; notes.append((f['id'],len(mine_c),len(tc),len(mine_s),len(tsv),f['client_to_server']['gaps'],f['server_to_client']['gaps']))
    return rel,ok,bad,notes
tok=tbad=0
with cf.ThreadPoolExecutor(2) as ex:
    for rel,ok,bad,notes in ex.map(one,files):
        tok+=ok; tbad+=bad
        if bad or any(n[1]=='no tshark stream' for n in notes if len(n)==2): print(rel,ok,bad,notes[:4])
print('streams equal',tok,'different',tbad,'files',len(files))
