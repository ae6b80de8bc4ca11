#!/usr/bin/env python3
"""Writes the archives archive_test extracts, good and hostile, into OUTDIR.

Usage: make_archives.py OUTDIR

Besides the archives: OUTDIR/src/ holds the files the good archives were made from, and
OUTDIR/good.manifest lists them (one relative path a line) so the test can compare. Every
hostile archive aims at OUTDIR/escaped-* or a sibling of the extraction target, so that
"nothing written outside" can be checked by looking there.
"""
import gzip
import io
import os
import sys
import tarfile

out = sys.argv[1]
src = os.path.join(out, "src")


def save(name, data, compress=True):
    with open(os.path.join(out, name), "wb") as f:
        f.write(gzip.compress(data) if compress else data)


def tar_bytes(add, fmt=tarfile.PAX_FORMAT):
    """The bytes of an uncompressed tar; `add(tar)` adds its members."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        add(tar)
    return buf.getvalue()


def member(name, kind=tarfile.REGTYPE, data=b"", **fields):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mode = fields.pop("mode", 0o644)
    for key, value in fields.items():
        setattr(info, key, value)
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def add(tar, *args, **kwargs):
    tar.addfile(*member(*args, **kwargs))


# ---- the good tree ---------------------------------------------------------------------------

files = {
    "adapter_config.json": b'{"r": 8, "lora_alpha": 32}\n',
    # Incompressible and over one 64 KiB read: several chunks, a partial last block.
    "weights/adapter_model.safetensors": os.urandom(300 * 1024 + 123),
    "weights/empty": b"",
    "nested/deeper/still/notes.txt": b"x" * 512,  # exactly one block: no padding
}
for rel, data in files.items():
    os.makedirs(os.path.dirname(os.path.join(src, rel)) or src, exist_ok=True)
    with open(os.path.join(src, rel), "wb") as f:
        f.write(data)
with open(os.path.join(out, "good.manifest"), "w") as f:
    f.write("".join(rel + "\n" for rel in sorted(files)))


def add_good(tar):
    add(tar, "./", tarfile.DIRTYPE, mode=0o755)  # as `tar -C dir .` writes it
    add(tar, "./weights", tarfile.DIRTYPE, mode=0o777)
    for rel, data in files.items():
        # setuid and executable bits must not survive
        add(tar, "./" + rel, data=data, mode=0o4755 if rel.endswith(".json") else 0o600)


save("good.tar.gz", tar_bytes(add_good))
save("good.tar", tar_bytes(add_good), compress=False)
save("good_gnu.tar.gz", tar_bytes(add_good, tarfile.GNU_FORMAT))
# Two gzip members, as `cat a.gz b.gz` makes: one stream to a reader.
good = tar_bytes(add_good)
with open(os.path.join(out, "good_multi.tar.gz"), "wb") as f:
    f.write(gzip.compress(good[:10240]) + gzip.compress(good[10240:]))

# ---- long names -------------------------------------------------------------------------------

long_dir = "/".join(["d%03d-" % i + "n" * 60 for i in range(5)])  # ~330 bytes: only pax or GNU hold it
long_name = long_dir + "/" + "f" * 200
save("pax_long.tar.gz", tar_bytes(lambda t: add(t, long_name, data=b"pax long name\n")))
save("gnu_long.tar.gz", tar_bytes(lambda t: add(t, long_name, data=b"gnu long name\n"), tarfile.GNU_FORMAT))
prefixed = "p" * 90 + "/" + "q" * 50 + "/file.bin"  # over 100: ustar's prefix field
save("ustar_prefix.tar.gz", tar_bytes(lambda t: add(t, prefixed, data=b"ustar prefix\n"), tarfile.USTAR_FORMAT))
with open(os.path.join(out, "long.names"), "w") as f:
    f.write(long_name + "\n" + prefixed + "\n")


def pax_size(tar):
    info, data = member("sized.txt", data=b"twelve bytes")
    info.pax_headers = {"size": "12", "comment": "ignored"}
    tar.addfile(info, data)


save("pax_size.tar.gz", tar_bytes(pax_size))
# A pax global header is ignored.
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "global"}) as t:
    add(t, "g.txt", data=b"g\n")
save("pax_global.tar.gz", buf.getvalue())

# ---- hostile names and types ------------------------------------------------------------------

escaped = os.path.join(out, "escaped-abs")
save("dotdot.tar.gz", tar_bytes(lambda t: (add(t, "ok.txt", data=b"ok"), add(t, "../evil", data=b"evil"))))
save("abs.tar.gz", tar_bytes(lambda t: add(t, escaped, data=b"evil")))
save("dotdot_mid.tar.gz", tar_bytes(lambda t: add(t, "a/../../b", data=b"evil")))
save("symlink.tar.gz", tar_bytes(lambda t: add(t, "link", tarfile.SYMTYPE, linkname="/etc")))
save("hardlink.tar.gz", tar_bytes(lambda t: (add(t, "a", data=b"a"), add(t, "b", tarfile.LNKTYPE, linkname="a"))))
save("hardlink_out.tar.gz", tar_bytes(lambda t: add(t, "pw", tarfile.LNKTYPE, linkname="../../etc/passwd")))
# The classic: a symlink to outside, then a file through it.
outside = os.path.join(out, "escaped-dir")
os.makedirs(outside, exist_ok=True)
save("symlink_then_file.tar.gz",
     tar_bytes(lambda t: (add(t, "link", tarfile.SYMTYPE, linkname=outside), add(t, "link/pwned", data=b"evil"))))
# Through a symlink the target already has (the test makes target/link -> outside).
save("through_link.tar.gz", tar_bytes(lambda t: add(t, "link/pwned", data=b"evil")))
save("fifo.tar.gz", tar_bytes(lambda t: add(t, "fifo", tarfile.FIFOTYPE)))
save("chardev.tar.gz", tar_bytes(lambda t: add(t, "null", tarfile.CHRTYPE, devmajor=1, devminor=3)))
save("duplicate.tar.gz", tar_bytes(lambda t: (add(t, "same.txt", data=b"one"), add(t, "same.txt", data=b"two"))))
save("duplicate_dot.tar.gz", tar_bytes(lambda t: (add(t, "d/same.txt", data=b"one"), add(t, "./d//same.txt", data=b"two"))))
save("file_then_dir.tar.gz", tar_bytes(lambda t: (add(t, "a", data=b"a"), add(t, "a/b", data=b"b"))))
# The earlier good files must not be left behind, nor replace what the target had.
save("good_then_bad.tar.gz",
     tar_bytes(lambda t: (add(t, "keep.txt", data=b"from the archive"), add(t, "new/new.txt", data=b"new"),
                          add(t, "zz", tarfile.SYMTYPE, linkname="/"))))

# ---- corrupt, truncated, too big ----------------------------------------------------------------

good = tar_bytes(add_good)
save("truncated.tar.gz", gzip.compress(good)[: len(gzip.compress(good)) // 2], compress=False)
# Cut at a block boundary inside a file's data: the gzip stream itself is whole.
save("truncated_inner.tar.gz", good[: 512 * 6])
# No end-of-archive blocks at all.
one = tar_bytes(lambda t: add(t, "one.txt", data=b"1"))
save("no_end.tar.gz", one[:1024])
# A header byte changed after the checksum was computed.
bad = bytearray(tar_bytes(lambda t: add(t, "sum.txt", data=b"s")))
bad[0] ^= 0x01
save("bad_checksum.tar.gz", bytes(bad))
# A byte of the compressed stream changed: inflate or the CRC catches it.
gz = bytearray(gzip.compress(good))
gz[len(gz) // 2] ^= 0xFF
save("corrupt_gzip.tar.gz", bytes(gz), compress=False)
# 8 MiB of zeros: a few KiB compressed (the test sets the limits low).
save("bomb.tar.gz", tar_bytes(lambda t: add(t, "zeros.bin", data=bytes(8 << 20))))
save("not_an_archive.tar.gz", b"<html>this is not a tar file</html>\n" * 40)
