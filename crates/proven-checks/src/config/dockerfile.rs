//! Dockerfiles: a parser (escape directive, line continuations, heredocs, stages, ARG/ENV
//! expansion) and the rules over its instructions.

use std::collections::HashMap;

use proven_model::{Diagnostic, Location};

use super::{secret_name, suppress, vars, Emitter};
use crate::mask::mask_secret;
use crate::scanner::Sink;

/// One instruction, continuation lines joined.
#[derive(Clone, Debug, PartialEq)]
pub struct Instruction {
    pub line: u32,
    /// Upper-case keyword (`RUN`).
    pub cmd: String,
    /// Arguments as written, variables not yet expanded.
    pub args: String,
    /// Bodies of heredocs (`RUN <<EOF ... EOF`), in order.
    pub heredocs: Vec<String>,
}

/// A parsed Dockerfile.
#[derive(Debug, Default)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    /// Problems met while parsing (an unterminated heredoc), with their line.
    pub problems: Vec<(u32, String)>,
}

/// Parses a Dockerfile. Never fails: what cannot be understood is reported in `problems`.
pub fn parse(text: &str) -> Dockerfile {
    let lines: Vec<&str> = text.lines().collect();
    let mut escape = '\\';
    for l in &lines {
        let t = l.trim();
        let Some(rest) = t.strip_prefix('#') else {
            break;
        };
        let rest = rest.trim().to_ascii_lowercase();
        if let Some(e) = rest.strip_prefix("escape=") {
            if e.trim() == "`" {
                escape = '`';
            }
        } else if !rest.starts_with("syntax=") && !rest.starts_with("check=") {
            break;
        }
    }
    let mut out = Dockerfile::default();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let first = lines[i].trim();
        i += 1;
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        let mut joined = String::new();
        let mut cur = first.to_string();
        loop {
            let trimmed = cur.trim_end();
            if let Some(stripped) = trimmed.strip_suffix(escape) {
                joined.push_str(stripped);
                joined.push(' ');
                // Skip comment and blank lines inside a continuation, as Docker does.
                while i < lines.len() && {
                    let t = lines[i].trim();
                    t.starts_with('#') || t.is_empty()
                } {
                    i += 1;
                }
                if i >= lines.len() {
                    break;
                }
                cur = lines[i].to_string();
                i += 1;
            } else {
                joined.push_str(trimmed);
                break;
            }
        }
        let (cmd, args) = joined
            .split_once(char::is_whitespace)
            .unwrap_or((joined.as_str(), ""));
        let cmd = cmd.to_ascii_uppercase();
        let args = args.trim().to_string();
        let mut heredocs = Vec::new();
        if matches!(cmd.as_str(), "RUN" | "COPY" | "ADD") {
            for (strip_tabs, word) in heredoc_words(&args) {
                let mut body = String::new();
                let mut closed = false;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let cmp = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    if cmp.trim_end() == word {
                        closed = true;
                        break;
                    }
                    body.push_str(l);
                    body.push('\n');
                }
                if !closed {
                    out.problems.push((
                        line_no(start),
                        format!("heredoc `{word}` is never terminated"),
                    ));
                }
                heredocs.push(body);
            }
        }
        out.instructions.push(Instruction {
            line: line_no(start),
            cmd,
            args,
            heredocs,
        });
    }
    out
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// The heredoc terminators opened on an instruction line: `<<EOF`, `<<-EOF`, `<<"EOF"`.
fn heredoc_words(args: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(p) = rest.find("<<") {
        rest = &rest[p + 2..];
        let (strip, r) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let r = r.trim_start_matches(['"', '\'']);
        let word: String = r
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() && word.chars().next().is_some_and(|c| !c.is_ascii_digit()) {
            out.push((strip, word));
        }
    }
    out
}

/// Dockerfile expansion: no `$$` escape.
fn expand(s: &str, vars: &HashMap<String, String>) -> String {
    vars::expand(s, vars, false)
}

/// `KEY=value KEY2="v 2"`, or with `legacy` (ENV and LABEL) also the `KEY value` form.
fn pairs(args: &str, legacy: bool) -> Vec<(String, String)> {
    let words = shell_words(args);
    if legacy && words.first().is_some_and(|w| !w.contains('=')) {
        let (key, value) = args
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((args.trim(), ""));
        let key = shell_words(key).concat();
        return vec![(key, value.trim().trim_matches('"').to_string())];
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (w, String::new()),
        })
        .collect()
}

/// Splits on whitespace, honouring single and double quotes (which are removed).
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

/// The shell text of a RUN: exec form joined, heredoc bodies appended.
fn run_text(ins: &Instruction) -> String {
    let mut text = match serde_json::from_str::<Vec<String>>(&ins.args) {
        Ok(v) => v.join(" "),
        Err(_) => ins.args.clone(),
    };
    for h in &ins.heredocs {
        text.push('\n');
        text.push_str(h);
    }
    text
}

/// Simple commands of a shell text, split on `&&`, `||`, `;`, `|` and newlines, as word lists.
fn commands(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for part in text.split(['\n', ';', '|', '&']) {
        let words: Vec<String> = shell_words(part)
            .into_iter()
            .filter(|w| !w.starts_with("--mount="))
            .collect();
        // Leading environment assignments and wrappers do not change the command.
        let skip = words
            .iter()
            .take_while(|w| {
                w.contains('=') && !w.starts_with('-')
                    || matches!(w.as_str(), "sudo" | "env" | "exec" | "then" | "do" | "(")
            })
            .count();
        let mut cmd: Vec<String> = words[skip..].to_vec();
        if words[..skip].iter().any(|w| w == "sudo") {
            cmd.insert(0, "sudo".into());
        }
        if !cmd.is_empty() {
            out.push(cmd);
        }
    }
    out
}

struct Stage {
    from_line: u32,
    alias: Option<String>,
    user: Option<(u32, String)>,
    healthcheck: bool,
}

const SECRET_FILES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    ".htpasswd",
    "credentials",
    "credentials.json",
    ".dockercfg",
    "kubeconfig",
];
const SECRET_EXTENSIONS: &[&str] = &[".pem", ".key", ".p12", ".pfx", ".jks", ".keystore"];
const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".txz", ".tbz",
];

fn is_secret_file(src: &str) -> bool {
    let name = src.trim_end_matches('/').rsplit('/').next().unwrap_or(src);
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pub") || lower.contains("example") || lower.contains("sample") {
        return false;
    }
    SECRET_FILES.contains(&lower.as_str())
        || SECRET_EXTENSIONS.iter().any(|e| lower.ends_with(e))
        || lower == ".env"
        || lower.starts_with(".env.") && !lower.ends_with(".template") && !lower.ends_with(".dist")
}

/// Checks one Dockerfile.
pub fn check(rel: &str, text: &str, sink: &Sink) {
    let df = parse(text);
    for (line, message) in &df.problems {
        sink.diagnostic(Diagnostic::warning(
            Location::line(rel, *line),
            message.clone(),
        ));
    }
    let directives = suppress::parse(text);
    let mut out = Emitter::new(rel, &directives);
    rules(&df, &mut out);
    out.flush(sink);
}

fn rules(df: &Dockerfile, out: &mut Emitter<'_>) {
    let mut global: HashMap<String, String> = HashMap::new();
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut cmds = 0usize;
    let mut entrypoints = 0usize;
    let mut pipefail = false;
    for ins in &df.instructions {
        let line = ins.line;
        let key = |what: &str| format!("{}:{what}", ins.cmd);
        match ins.cmd.as_str() {
            "FROM" => {
                let words: Vec<String> = shell_words(&ins.args)
                    .into_iter()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let image = expand(words.first().map(String::as_str).unwrap_or(""), &global);
                let alias = match words.get(1).map(|w| w.to_ascii_lowercase()) {
                    Some(a) if a == "as" => words.get(2).map(|w| w.to_ascii_lowercase()),
                    _ => None,
                };
                let parent = stages
                    .iter()
                    .position(|s| s.alias.as_deref() == Some(image.to_ascii_lowercase().as_str()));
                vars = HashMap::new();
                cmds = 0;
                entrypoints = 0;
                pipefail = false;
                let stage_ref = parent.is_some();
                stages.push(Stage {
                    from_line: line,
                    alias,
                    user: parent.and_then(|p| stages[p].user.clone()),
                    healthcheck: parent.is_some_and(|p| stages[p].healthcheck),
                });
                if stage_ref || image.eq_ignore_ascii_case("scratch") || image.contains('$') {
                    continue;
                }
                let (name, digest) = match image.split_once('@') {
                    Some((n, d)) => (n, Some(d)),
                    None => (image.as_str(), None),
                };
                let tag = name
                    .rsplit_once(':')
                    .filter(|(_, t)| !t.contains('/'))
                    .map(|(_, t)| t);
                if digest.is_none() && matches!(tag, None | Some("latest")) {
                    out.hit(
                        "docker-latest-tag",
                        line,
                        line,
                        key(&image),
                        format!(
                            "FROM {image}: {}",
                            if tag.is_none() {
                                "no tag"
                            } else {
                                "tag `latest`"
                            }
                        ),
                    );
                }
                if digest.is_none() {
                    out.hit(
                        "docker-base-not-pinned",
                        line,
                        line,
                        key(&image),
                        format!("FROM {image} has no @sha256 digest"),
                    );
                }
            }
            "ARG" => {
                for (k, v) in pairs(&ins.args, false) {
                    let value = if v.is_empty() {
                        global.get(&k).cloned().unwrap_or_default()
                    } else {
                        expand(&v, &vars)
                    };
                    if stages.is_empty() {
                        global.insert(k.clone(), value.clone());
                    }
                    vars.insert(k.clone(), value.clone());
                    if secret_name(&k) {
                        out.hit(
                            "docker-secret-in-env",
                            line,
                            line,
                            key(&k),
                            format!("ARG {k} (build arguments are kept in the image history)"),
                        );
                    }
                }
            }
            "ENV" => {
                for (k, v) in pairs(&ins.args, true) {
                    let value = expand(&v, &vars);
                    check_env(out, line, &k, &value, &v);
                    vars.insert(k, value);
                }
            }
            "USER" => {
                if let Some(s) = stages.last_mut() {
                    s.user = Some((line, expand(ins.args.trim(), &vars)));
                }
            }
            "HEALTHCHECK" => {
                if let Some(s) = stages.last_mut() {
                    s.healthcheck = true;
                }
            }
            "SHELL" => pipefail = ins.args.contains("pipefail"),
            "EXPOSE" => {
                for w in shell_words(&expand(&ins.args, &vars)) {
                    if is_ssh_port(&w) {
                        out.hit(
                            "docker-expose-ssh",
                            line,
                            line,
                            key("22"),
                            format!("EXPOSE {w}"),
                        );
                    }
                }
            }
            "WORKDIR" => {
                let path = expand(ins.args.trim().trim_matches('"'), &vars);
                let windows = path.chars().nth(1) == Some(':');
                if !path.starts_with('/') && !path.starts_with('$') && !windows {
                    out.hit(
                        "docker-relative-workdir",
                        line,
                        line,
                        key(&path),
                        format!("WORKDIR {path}"),
                    );
                }
            }
            "CMD" | "ENTRYPOINT" => {
                let n = if ins.cmd == "CMD" {
                    &mut cmds
                } else {
                    &mut entrypoints
                };
                *n += 1;
                if *n == 2 {
                    out.hit(
                        "docker-multiple-cmd-entrypoint",
                        line,
                        line,
                        format!("{}:{}", ins.cmd, stages.len()),
                        format!("second {} in stage {}", ins.cmd, stages.len()),
                    );
                }
            }
            "MAINTAINER" => out.hit(
                "docker-maintainer",
                line,
                line,
                key(""),
                "MAINTAINER".into(),
            ),
            "COPY" | "ADD" => {
                let words: Vec<String> = shell_words(&ins.args);
                let checksum = words.iter().any(|w| w.starts_with("--checksum"));
                let from_stage = words.iter().any(|w| w.starts_with("--from"));
                let paths: Vec<String> = words
                    .iter()
                    .filter(|w| !w.starts_with("--") && !w.starts_with("<<"))
                    .map(|w| expand(w, &vars))
                    .collect();
                let sources = paths.split_last().map(|(_, s)| s).unwrap_or(&[]);
                for src in sources {
                    if !from_stage && is_secret_file(src) {
                        out.hit(
                            "docker-secret-file-copied",
                            line,
                            line,
                            key(src),
                            format!("{} {src}", ins.cmd),
                        );
                    }
                }
                if ins.cmd == "ADD" && !checksum {
                    let what = if sources.iter().any(|s| s.contains("://")) {
                        "a remote URL, fetched without a checksum"
                    } else if sources
                        .iter()
                        .any(|s| ARCHIVES.iter().any(|a| s.to_ascii_lowercase().ends_with(a)))
                    {
                        "an archive, which ADD unpacks"
                    } else {
                        "local files (COPY does the same without ADD's extras)"
                    };
                    out.hit(
                        "docker-add-instead-of-copy",
                        line,
                        line,
                        key(&sources.join(" ")),
                        format!("ADD of {what}: {}", sources.join(" ")),
                    );
                }
            }
            "RUN" => {
                let text = expand(&run_text(ins), &vars);
                if text.contains("pipefail") && text.contains("set ") {
                    pipefail = true;
                }
                run_rules(out, line, &text, pipefail);
            }
            _ => {}
        }
    }
    let Some(last) = stages.last() else { return };
    let final_line = last.from_line;
    match &last.user {
        None => out.hit(
            "docker-runs-as-root",
            final_line,
            final_line,
            "USER:none".into(),
            "the final stage has no USER instruction, so it runs as root".into(),
        ),
        Some((line, user)) => {
            if is_root_user(user) {
                out.hit(
                    "docker-runs-as-root",
                    *line,
                    *line,
                    "USER:root".into(),
                    format!("the last USER is `{user}`"),
                );
            }
        }
    }
    if !last.healthcheck {
        out.hit(
            "docker-no-healthcheck",
            final_line,
            final_line,
            "HEALTHCHECK".into(),
            "the final stage has no HEALTHCHECK".into(),
        );
    }
}

/// Whether a USER value (`name`, `uid`, `name:group`) is root.
pub(super) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || name == "0"
}

/// Whether an exposed port (`22`, `22/tcp`) is SSH's.
pub(super) fn is_ssh_port(port: &str) -> bool {
    port.split('/').next() == Some("22")
}

/// True when setting the environment variable `key` to `value` turns certificate checks off.
fn tls_env_off(key: &str, value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    match key.to_ascii_uppercase().as_str() {
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => v == "0",
        // git only asks whether the variable exists: `false` and `0` disable checks too.
        "GIT_SSL_NO_VERIFY" => true,
        "PIP_TRUSTED_HOST" => !v.is_empty(),
        "NPM_CONFIG_STRICT_SSL" => v == "false",
        _ => false,
    }
}

/// The rules on one environment variable: TLS verification turned off, a credential in the value.
/// `raw` is the value as written, before expansion.
pub(super) fn check_env(out: &mut Emitter<'_>, line: u32, key: &str, value: &str, raw: &str) {
    if tls_env_off(key, value) {
        out.hit(
            "docker-tls-verification-disabled",
            line,
            line,
            format!("ENV:{}", key.to_ascii_uppercase()),
            format!("ENV {key}={value}"),
        );
    }
    let reference = raw.starts_with('$') && !raw.contains(' ');
    if secret_name(key) && !value.is_empty() && !reference {
        out.hit(
            "docker-secret-in-env",
            line,
            line,
            format!("ENV:{key}"),
            format!("ENV {key}={}", mask_secret(value)),
        );
    }
}

fn has_flag(cmd: &[String], long: &[&str], short: char) -> bool {
    cmd.iter().any(|w| {
        long.iter()
            .any(|l| w == l || w.starts_with(&format!("{l}=")))
            || short != ' '
                && w.starts_with('-')
                && !w.starts_with("--")
                && w.len() > 1
                && w[1..].chars().all(|c| c.is_ascii_alphabetic())
                && w.contains(short)
    })
}

fn program(cmd: &[String]) -> &str {
    let first = cmd.first().map(String::as_str).unwrap_or("");
    first.rsplit('/').next().unwrap_or(first)
}

fn run_rules(out: &mut Emitter<'_>, line: u32, text: &str, pipefail: bool) {
    let cmds = commands(text);
    let hit = |out: &mut Emitter<'_>, id: &str, what: String| {
        out.hit(
            id,
            line,
            line,
            format!("RUN:{what}"),
            format!("RUN … {what}"),
        );
    };
    let mut updates = false;
    let mut installs = false;
    // `export GIT_SSL_NO_VERIFY=1`, `NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci`: assignments anywhere.
    for part in text.split(['\n', ';', '|', '&']) {
        for w in shell_words(part) {
            if let Some((k, v)) = w.split_once('=').filter(|(k, v)| tls_env_off(k, v)) {
                hit(
                    out,
                    "docker-tls-verification-disabled",
                    format!("{}={v}", k.to_ascii_uppercase()),
                );
            }
        }
    }
    for cmd in &cmds {
        let prog = program(cmd);
        let sub = cmd.get(1).map(String::as_str).unwrap_or("");
        if prog == "sudo" {
            hit(out, "docker-sudo", "sudo".into());
        }
        if cmd.iter().any(|w| w == "chpasswd") {
            hit(out, "docker-chpasswd", "chpasswd".into());
        }
        // TLS verification.
        if prog == "curl" && has_flag(cmd, &["--insecure"], 'k') {
            hit(
                out,
                "docker-tls-verification-disabled",
                "curl --insecure".into(),
            );
        }
        if prog == "wget" && has_flag(cmd, &["--no-check-certificate"], ' ') {
            hit(
                out,
                "docker-tls-verification-disabled",
                "wget --no-check-certificate".into(),
            );
        }
        if prog.starts_with("pip") && has_flag(cmd, &["--trusted-host"], ' ') {
            hit(
                out,
                "docker-tls-verification-disabled",
                "pip --trusted-host".into(),
            );
        }
        if matches!(prog, "npm" | "yarn" | "pnpm")
            && sub == "config"
            && cmd.iter().any(|w| w == "strict-ssl")
            && cmd.iter().any(|w| w == "false")
        {
            hit(
                out,
                "docker-tls-verification-disabled",
                format!("{prog} config set strict-ssl false"),
            );
        }
        if prog == "git"
            && cmd
                .iter()
                .any(|w| w.to_ascii_lowercase().contains("sslverify"))
            && cmd
                .iter()
                .any(|w| w.to_ascii_lowercase().ends_with("false"))
        {
            hit(
                out,
                "docker-tls-verification-disabled",
                "git http.sslVerify false".into(),
            );
        }
        if cmd.iter().any(|w| {
            let l = w.to_ascii_lowercase();
            l.contains("sslverify=0") || l.contains("sslverify=false")
        }) {
            hit(
                out,
                "docker-tls-verification-disabled",
                "sslverify=0".into(),
            );
        }
        // Package signatures.
        for flag in [
            "--allow-unauthenticated",
            "--allow-untrusted",
            "--nogpgcheck",
            "--force-yes",
            "--nosignature",
            "--nodigest",
            "--nofiledigest",
            "--no-gpg-checks",
        ] {
            if cmd.iter().any(|w| w == flag) {
                hit(out, "docker-unsigned-packages", format!("{prog} {flag}"));
            }
        }
        if cmd
            .iter()
            .any(|w| w.to_ascii_lowercase().contains("gpgcheck=0"))
        {
            hit(out, "docker-unsigned-packages", "gpgcheck=0".into());
        }
        // Package managers.
        let apt = matches!(prog, "apt-get" | "apt");
        if (apt || prog == "apk") && sub == "update" {
            updates = true;
        }
        if apt && matches!(sub, "install" | "upgrade" | "dist-upgrade")
            || prog == "apk" && matches!(sub, "add" | "upgrade")
        {
            installs = true;
        }
        if apt && cmd.iter().any(|w| w == "install") {
            if !cmd
                .iter()
                .any(|w| w == "--no-install-recommends" || w.contains("Install-Recommends=false"))
            {
                hit(
                    out,
                    "docker-apt-no-install-recommends",
                    format!("{prog} install"),
                );
            }
            let unpinned = packages(cmd, "install", &["-o", "-t", "--target-release"])
                .filter(|p| !p.contains('=') && !p.ends_with(".deb"))
                .collect::<Vec<_>>();
            if !unpinned.is_empty() {
                hit(
                    out,
                    "docker-unpinned-packages",
                    format!("{prog} install {}", unpinned.join(" ")),
                );
            }
        }
        if prog == "apk" && sub == "add" {
            if !cmd.iter().any(|w| w == "--no-cache") {
                hit(out, "docker-apk-no-cache", "apk add".into());
            }
            // A package file (`/tmp/tool-1.0-r0.apk`) is as pinned as it gets.
            let unpinned = packages(cmd, "add", &["--virtual", "-t", "--repository", "-X"])
                .filter(|p| !p.contains('=') && !p.contains('/') && !p.ends_with(".apk"))
                .collect::<Vec<_>>();
            if !unpinned.is_empty() {
                hit(
                    out,
                    "docker-unpinned-packages",
                    format!("apk add {}", unpinned.join(" ")),
                );
            }
        }
        let pip = prog.starts_with("pip")
            || prog.starts_with("python")
                && cmd.get(1).is_some_and(|w| w == "-m")
                && cmd.get(2).is_some_and(|w| w.starts_with("pip"));
        if pip && cmd.iter().any(|w| w == "install") {
            let unpinned = packages(
                cmd,
                "install",
                &[
                    "-r",
                    "--requirement",
                    "-c",
                    "--constraint",
                    "-e",
                    "--editable",
                    "-i",
                    "--index-url",
                    "--extra-index-url",
                    "--trusted-host",
                    "-f",
                    "--find-links",
                    "--target",
                    "-t",
                    "--prefix",
                    "--root",
                ],
            )
            .filter(|p| {
                !["==", "~=", "@", "/", ".whl", ".tar.gz", ".zip"]
                    .iter()
                    .any(|s| p.contains(s))
                    && *p != "."
            })
            .collect::<Vec<_>>();
            if !unpinned.is_empty() {
                hit(
                    out,
                    "docker-unpinned-packages",
                    format!("pip install {}", unpinned.join(" ")),
                );
            }
        }
        if prog == "npm" && matches!(sub, "install" | "i" | "add") {
            let unpinned = packages(cmd, sub, &["--prefix", "--registry"])
                .filter(|p| {
                    p.rfind('@').is_none_or(|i| i == 0) && !p.contains('/')
                        || p.starts_with('@') && p[1..].find('@').is_none()
                })
                .filter(|p| !p.starts_with('.') && !p.ends_with(".tgz"))
                .collect::<Vec<_>>();
            if !unpinned.is_empty() {
                hit(
                    out,
                    "docker-unpinned-packages",
                    format!("npm install {}", unpinned.join(" ")),
                );
            }
        }
        if prog == "gem" && sub == "install" && !has_flag(cmd, &["--version"], 'v') {
            let unpinned = packages(cmd, "install", &["--source", "-i", "--install-dir"])
                .filter(|p| !p.contains(':'))
                .collect::<Vec<_>>();
            if !unpinned.is_empty() {
                hit(
                    out,
                    "docker-unpinned-packages",
                    format!("gem install {}", unpinned.join(" ")),
                );
            }
        }
    }
    if updates && !installs {
        hit(
            out,
            "docker-apt-update-alone",
            "package index update without install".into(),
        );
    }
    if !pipefail {
        for seg in text.split("&&").flat_map(|s| s.split(';')) {
            let parts: Vec<&str> = seg.split('|').filter(|p| !p.is_empty()).collect();
            if parts.len() < 2 || seg.contains("||") {
                continue;
            }
            let downloads = parts[..parts.len() - 1].iter().any(|p| {
                shell_words(p)
                    .first()
                    .is_some_and(|w| w == "curl" || w == "wget")
            });
            let shell = parts[1..].iter().any(|p| {
                let words = shell_words(p);
                let first = words.first().map(String::as_str).unwrap_or("");
                let first = if first == "sudo" {
                    words.get(1).map(String::as_str).unwrap_or("")
                } else {
                    first
                };
                matches!(
                    first.rsplit('/').next().unwrap_or(first),
                    "sh" | "bash" | "zsh" | "ash" | "dash"
                )
            });
            if downloads && shell {
                hit(out, "docker-curl-pipe-shell", "download | sh".into());
            }
        }
    }
}

/// The package arguments after `verb`: words that are not options (nor an option's value).
fn packages<'a>(
    cmd: &'a [String],
    verb: &str,
    with_value: &'a [&'a str],
) -> impl Iterator<Item = &'a str> + 'a {
    let start = cmd
        .iter()
        .position(|w| w == verb)
        .map_or(cmd.len(), |p| p + 1);
    let mut skip_next = false;
    cmd[start..]
        .iter()
        .filter(move |w| {
            if skip_next {
                skip_next = false;
                return false;
            }
            if with_value.contains(&w.as_str()) {
                skip_next = true;
                return false;
            }
            !w.starts_with('-')
                && !w.is_empty()
                && !w.starts_with('$')
                && !w.contains('>')
                && *w != "\\"
        })
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_heredocs_and_escape() {
        let df = parse(
            "# escape=`\nFROM alpine:3.20 AS build\nRUN apk add `\n    # a comment\n    curl\nRUN <<EOF\nset -e\necho hi\nEOF\nUSER app\n",
        );
        let cmds: Vec<&str> = df.instructions.iter().map(|i| i.cmd.as_str()).collect();
        assert_eq!(cmds, ["FROM", "RUN", "RUN", "USER"]);
        assert_eq!(df.instructions[1].args, "apk add      curl");
        assert_eq!(df.instructions[2].heredocs, ["set -e\necho hi\n"]);
        assert_eq!(df.instructions[3].line, 10);
        assert!(df.problems.is_empty());
    }
}
