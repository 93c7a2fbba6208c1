"""Fails when a locked dependency declares a newer rust-version than the workspace's MSRV.

Only one toolchain exists on the CI machines, so the MSRV is guarded in two ways: clippy's
`incompatible_msrv` lint (on by default) flags std APIs newer than rust-version in our code,
and this script checks that the resolver kept every dependency within it.
"""

import json
import subprocess
import sys
import tomllib


def parse(version):
    parts = (version.split("-")[0].split(".") + ["0", "0"])[:3]
    return tuple(int(p) for p in parts)


with open("Cargo.toml", "rb") as f:
    msrv = tomllib.load(f)["workspace"]["package"]["rust-version"]

meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
used = {node["id"] for node in meta["resolve"]["nodes"]}
too_new = [
    f"{p['name']} {p['version']} needs Rust {p['rust_version']}"
    for p in meta["packages"]
    if p["id"] in used and p.get("rust_version") and parse(p["rust_version"]) > parse(msrv)
]
if too_new:
    print(f"MSRV is {msrv}, but:")
    print("\n".join(sorted(too_new)))
    sys.exit(1)
print(f"all {len(used)} packages build with Rust {msrv} or older (declared)")
