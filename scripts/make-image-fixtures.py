#!/usr/bin/env python3
"""Builds container image archives without a Docker daemon: docker-save tarballs (the legacy
`<id>/layer.tar` layout) and OCI image layouts (folder or tarball, gzip / zstd / plain layers).

Two uses:

  make-image-fixtures.py pack --rootfs DIR --out IMAGE [--format docker|oci-dir|oci-tar]
        [--layers N] [--compression none|gzip|zstd ...] [--tag REPO:TAG] [--include PATH ...]
      Packs any root filesystem folder (a debootstrap rootfs, say) as an image of N layers: the
      files, sorted by path, are cut into N parts of about equal size.

  make-image-fixtures.py demo OUTDIR
      Writes the small committed test images (see tests/fixtures/images/README.md): a
      hand-built rootfs in three layers, the second deleting a file (whiteout `.wh.<name>`) and
      emptying a folder (opaque `.wh..wh..opq`), as docker-save.tar, oci-layout/ (gzip and zstd
      layers) and oci.tar.

Output is deterministic: entries sorted, times 0, owners root. zstd comes from the `zstd`
command (Debian package `zstd`).
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_bytes(members):
    """members: list of (TarInfo, bytes or None), written in order."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def info(name, kind=tarfile.REGTYPE, size=0, mode=0o644, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.size = size
    ti.mode = mode
    ti.mtime = 0
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = "root"
    ti.linkname = link
    return ti


def layer_from_paths(root, paths, whiteouts=(), opaque=()):
    """A layer tar of these paths of `root` (relative, sorted), plus whiteout and opaque markers."""
    members = []
    for rel in paths:
        full = os.path.join(root, rel)
        st = os.lstat(full)
        mode = st.st_mode & 0o7777
        if os.path.islink(full):
            members.append((info(rel, tarfile.SYMTYPE, link=os.readlink(full), mode=0o777), None))
        elif os.path.isdir(full):
            members.append((info(rel + "/", tarfile.DIRTYPE, mode=mode or 0o755), None))
        elif os.path.isfile(full):
            with open(full, "rb") as f:
                data = f.read()
            members.append((info(rel, size=len(data), mode=mode), data))
        # Devices, sockets and FIFOs are left out: an image builder would not ship them either.
    for d in opaque:
        members.append((info(d.rstrip("/") + "/.wh..wh..opq"), b""))
    for w in whiteouts:
        parent, name = os.path.split(w.rstrip("/"))
        members.append((info(os.path.join(parent, ".wh." + name)), b""))
    return tar_bytes(members)


def compress(data, how):
    if how == "none":
        return data
    if how == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, stdout=subprocess.PIPE, check=True).stdout
    raise SystemExit(f"unknown compression {how}")


MEDIA = {
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}


def config(layers, runtime):
    return json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": runtime,
        "rootfs": {"type": "layers", "diff_ids": [sha256(l) for l in layers]},
        "history": [{"created_by": f"layer {i}"} for i in range(len(layers))],
    }, sort_keys=True).encode()


def docker_save_files(layers, runtime, tag):
    """The files of a legacy docker save archive, in archive order."""
    cfg = config(layers, runtime)
    cfg_name = sha256(cfg).split(":")[1] + ".json"
    files = []
    paths = []
    parent = ""
    for l in layers:
        # Legacy layer ids: a chain over the diff ids, as docker computes v1 ids.
        lid = hashlib.sha256((parent + "\n" + sha256(l)).encode()).hexdigest()
        parent = lid
        files.append((f"{lid}/VERSION", b"1.0"))
        files.append((f"{lid}/layer.tar", l))
        paths.append(f"{lid}/layer.tar")
    files.append((cfg_name, cfg))
    manifest = [{"Config": cfg_name, "RepoTags": [tag] if tag else [], "Layers": paths}]
    files.append(("manifest.json", json.dumps(manifest).encode()))
    return files


def oci_files(layers, compressions, runtime, tag):
    blobs = {}

    def blob(data):
        d = sha256(data)
        blobs["blobs/sha256/" + d.split(":")[1]] = data
        return d, len(data)

    descs = []
    for l, how in zip(layers, compressions):
        d, n = blob(compress(l, how))
        descs.append({"mediaType": MEDIA[how], "digest": d, "size": n})
    cd, cn = blob(config(layers, runtime))
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
        "layers": descs,
    }
    md, mn = blob(json.dumps(manifest, sort_keys=True).encode())
    top = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": mn}
    if tag:
        top["annotations"] = {"io.containerd.image.name": tag,
                              "org.opencontainers.image.ref.name": tag.rsplit(":", 1)[-1]}
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [top]}
    files = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
             ("index.json", json.dumps(index, sort_keys=True).encode())]
    files += sorted(blobs.items())
    return files


def write_tar(path, files):
    with open(path, "wb") as f:
        f.write(tar_bytes([(info(name, size=len(data)), data) for name, data in files]))


def write_dir(path, files):
    for name, data in files:
        full = os.path.join(path, name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)


def write(out, fmt, layers, compressions, runtime, tag):
    if fmt == "docker":
        write_tar(out, docker_save_files(layers, runtime, tag))
    elif fmt == "oci-tar":
        write_tar(out, oci_files(layers, compressions, runtime, tag))
    elif fmt == "oci-dir":
        if os.path.exists(out):
            shutil.rmtree(out)
        write_dir(out, oci_files(layers, compressions, runtime, tag))
    else:
        raise SystemExit(f"unknown format {fmt}")


def walk_rootfs(root, include=None):
    """Every path under root (relative), parents before children, sorted; with `include`, only
    those paths (relative) and what is under them, plus the folders above them."""
    if include:
        out = set()
        for inc in include:
            inc = inc.strip("/")
            full = os.path.join(root, inc)
            if os.path.isdir(full) and not os.path.islink(full):
                out.update(os.path.normpath(os.path.join(inc, p)) for p in walk_rootfs(full))
            if os.path.lexists(full):
                out.add(inc)
            d = os.path.dirname(inc)
            while d:
                out.add(d)
                d = os.path.dirname(d)
        return sorted(out)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            out.append(rel)
        for n in sorted(filenames):
            out.append(os.path.normpath(os.path.join(rel, n)))
        # Symlinked folders are listed (as links) but not walked into.
        for d in list(dirnames):
            if os.path.islink(os.path.join(dirpath, d)):
                dirnames.remove(d)
                out.append(os.path.normpath(os.path.join(rel, d)))
    return sorted(set(out))


def split(root, paths, n):
    """Cuts the paths into n groups of about equal byte size; each group gets the folders above its
    files so that every layer is a tar a runtime would accept."""
    sizes = []
    for p in paths:
        full = os.path.join(root, p)
        sizes.append(os.lstat(full).st_size if os.path.isfile(full) and not os.path.islink(full) else 0)
    total = sum(sizes) or 1
    groups = [[] for _ in range(n)]
    acc = 0
    for p, s in zip(paths, sizes):
        if os.path.isdir(os.path.join(root, p)) and not os.path.islink(os.path.join(root, p)):
            continue
        i = min(n - 1, acc * n // total)
        groups[i].append(p)
        acc += s
    out = []
    for g in groups:
        dirs = set()
        for p in g:
            d = os.path.dirname(p)
            while d:
                dirs.add(d)
                d = os.path.dirname(d)
        out.append(sorted(dirs | set(g)))
    return out


def pack(args):
    paths = walk_rootfs(args.rootfs, args.include)
    groups = split(args.rootfs, paths, args.layers)
    layers = [layer_from_paths(args.rootfs, g) for g in groups]
    comps = args.compression or ["gzip"]
    comps = (comps * len(layers))[: len(layers)]
    write(args.out, args.format, layers, comps, {"User": args.user} if args.user else {}, args.tag)
    size = sum(len(l) for l in layers)
    print(f"{args.out}: {len(layers)} layers, {size} bytes uncompressed, {len(paths)} paths", file=sys.stderr)


def demo(args):
    """The committed test images: three layers with a whiteout and an opaque folder."""
    out = args.outdir
    os.makedirs(out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    cargo = os.path.join(here, "..", "crates", "proven-inventory", "tests", "fixtures", "cargo-lock", "v4")
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base")
        files = {
            "etc/os-release": b'PRETTY_NAME="Proven Test Linux"\nID=proventest\nVERSION_ID="1"\n',
            "app/Cargo.toml": open(os.path.join(cargo, "Cargo.toml"), "rb").read(),
            "app/old-notes.txt": b"removed by a whiteout in layer 2\n",
            "opt/cache/stale.txt": b"hidden by an opaque folder in layer 2\n",
            "opt/cache/sub/also-stale.txt": b"hidden too\n",
        }
        for rel, data in files.items():
            os.makedirs(os.path.dirname(os.path.join(base, rel)), exist_ok=True)
            with open(os.path.join(base, rel), "wb") as f:
                f.write(data)
        os.symlink("../etc/os-release", os.path.join(base, "app", "os-release"))
        upper = os.path.join(tmp, "upper")
        os.makedirs(os.path.join(upper, "opt", "cache"))
        with open(os.path.join(upper, "opt", "cache", "fresh.txt"), "wb") as f:
            f.write(b"the only file left in opt/cache\n")
        top = os.path.join(tmp, "top")
        os.makedirs(os.path.join(top, "app"))
        shutil.copy(os.path.join(cargo, "Cargo.lock"), os.path.join(top, "app", "Cargo.lock"))
        with open(os.path.join(top, "app", "Dockerfile"), "wb") as f:
            f.write(b"FROM alpine:latest\nEXPOSE 22\n")
        layers = [
            layer_from_paths(base, walk_rootfs(base)),
            layer_from_paths(upper, walk_rootfs(upper), whiteouts=["app/old-notes.txt"], opaque=["opt/cache"]),
            layer_from_paths(top, walk_rootfs(top)),
        ]
    runtime = {
        "Env": ["PATH=/usr/bin", "DB_PASSWORD=example-only"],
        "ExposedPorts": {"22/tcp": {}, "8080/tcp": {}},
        "Entrypoint": ["/app/demo"],
    }
    tag = "registry.example.com/proven/demo:1.0"
    write(os.path.join(out, "docker-save.tar"), "docker", layers, [], runtime, tag)
    write(os.path.join(out, "oci-layout"), "oci-dir", layers, ["gzip", "zstd", "gzip"], runtime, tag)
    write(os.path.join(out, "oci.tar"), "oci-tar", layers, ["zstd", "gzip", "none"], runtime, tag)
    for i, l in enumerate(layers):
        print(f"layer {i}: {sha256(l)}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack", help="pack a rootfs folder as an image")
    p.add_argument("--rootfs", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--format", choices=["docker", "oci-dir", "oci-tar"], default="docker")
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--compression", nargs="*", choices=["none", "gzip", "zstd"])
    p.add_argument("--tag")
    p.add_argument("--user", help="the configuration's User")
    p.add_argument("--include", nargs="*", help="only these paths of the rootfs (relative)")
    d = sub.add_parser("demo", help="write the committed test images")
    d.add_argument("outdir")
    args = ap.parse_args()
    if args.cmd == "pack":
        if args.layers < 1:
            raise SystemExit("--layers must be at least 1")
        pack(args)
    else:
        demo(args)


if __name__ == "__main__":
    main()
