#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-check of `pcapsift flows` with tshark (needs Wireshark's tshark;
not run in CI): for every corpus capture capinfos reads, the number of
connections pcapsift reports against the number of distinct tcp.stream
values tshark reports. Prints the totals and every file that differs.

usage: xcheck_tshark_flows.py PCAPSIFT CORPUS_DIR CAPINFOS_TABLE
"""
import json, subprocess, os, concurrent.futures as cf
import sys
BIN, C, TABLE = sys.argv[1], sys.argv[2], sys.argv[3]
rows=[l.rstrip('\n').split('\t') for l in open(TABLE) if not l.startswith('#')][1:]
files=[r[0] for r in rows if r[1]=='ok']
def one(rel):
    path=os.path.join(C,rel)
    try:
        t=subprocess.run(['tshark','-r',path,'-T','fields','-e','tcp.stream'],capture_output=True,timeout=120,text=True)
        s=subprocess.run([BIN,'flows','-F','jsonl','-q',path],capture_output=True,timeout=120,text=True)
    except Exception:
        return rel,None,None
    ts=set()
    for l in t.stdout.splitlines():
        for v in l.split(','):
            if v.strip(): ts.add(v.strip())
    return rel,len(ts),len(s.stdout.splitlines())
tot_t=tot_s=same=0; diffs=[]
with cf.ThreadPoolExecutor(2) as ex:
    for rel,nt,ns in ex.map(one,files):
        if nt is None: diffs.append((rel,'timeout')); continue
        tot_t+=nt; tot_s+=ns
        if nt==ns: same+=1
        else: diffs.append((rel,nt,ns))
print('files',len(files),'equal',same,'tshark streams',tot_t,'pcapsift flows',tot_s)
for d in diffs: print(*d)
