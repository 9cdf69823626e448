// SemVer reference: the npm `semver` package, strict mode (no `v`, no loose parsing).
const semver = require("semver");
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
const out = [];
for (const line of lines) {
  const f = line.split("\t");
  if (f.length === 1) {
    // semver.valid() strips a leading "v" and "=" and surrounding space; SemVer 2.0.0 does not.
    const ok = semver.valid(f[0]) !== null && /^[0-9]/.test(f[0]) && f[0].trim() === f[0];
    // Past Number.MAX_SAFE_INTEGER the package rejects a version or compares numbers as
    // strings, where SemVer 2.0.0 has numbers of any size: such inputs are left out.
    const huge = f[0].split(/[.+-]/).some((id) => /^[0-9]+$/.test(id) && id.length > 15 && !Number.isSafeInteger(+id));
    out.push(`${f[0]}\t${huge ? "skip" : ok ? "valid" : "invalid"}`);
  } else {
    out.push(`${f[0]}\t${f[1]}\t${semver.compare(f[0], f[1])}`);
  }
}
process.stdout.write(out.join("\n") + "\n");
