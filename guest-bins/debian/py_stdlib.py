# Standard library modules that lean on C extensions: sqlite3, ctypes
# (libffi calling into libc), decimal, hashlib, zlib, json, struct, math.
import ctypes
import ctypes.util
import decimal
import hashlib
import json
import math
import sqlite3
import struct
import zlib

db = sqlite3.connect(":memory:")
db.execute("create table t(k integer primary key, v text)")
db.executemany("insert into t(v) values (?)", [("x" * i,) for i in range(100)])
print("sqlite:", db.execute("select count(*), sum(length(v)) from t").fetchone())

libc = ctypes.CDLL(None)
libc.strlen.argtypes = [ctypes.c_char_p]
print("ctypes strlen:", libc.strlen(b"emulated"))
qsort_cmp = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
arr = (ctypes.c_int * 6)(5, 3, 9, 1, 7, 2)
libc.qsort(arr, 6, ctypes.sizeof(ctypes.c_int), qsort_cmp(lambda a, b: a[0] - b[0]))
print("ctypes qsort with a Python callback:", list(arr))

decimal.getcontext().prec = 40
print("decimal:", decimal.Decimal(2).sqrt(), decimal.Decimal("1") / decimal.Decimal("7"))
print("sha256:", hashlib.sha256(b"arm64" * 1000).hexdigest())
# OpenSSL's libcrypto takes its SHA1/SHA256/SHA512 instruction paths when
# AT_HWCAP announces them.
for name in ("sha1", "sha224", "sha384", "sha512"):
    print(name + ":", hashlib.new(name, bytes(range(256)) * 300).hexdigest())
print("blake2b:", hashlib.blake2b(b"emu", digest_size=16).hexdigest())
data = bytes(range(256)) * 64
print("zlib:", zlib.crc32(data), len(zlib.compress(data, 9)), zlib.decompress(zlib.compress(data)) == data)
print("json:", json.dumps({"a": [1, 2.5, None, True], "b": "\u00e9"}, sort_keys=True))
print("struct:", struct.pack("<qdf", -2, 1.5, 0.25).hex())
print("math:", math.fsum([0.1] * 10), math.gamma(5.5), math.lgamma(100.0), math.erf(0.5))
print("float repr:", repr(1 / 3), 2.0 ** 0.5, float.fromhex("0x1.fffffffffffffp+1023"))
