//! Where a build ran: the git commit and the CI run, read from the repository and the environment.

use std::path::Path;

use serde::Serialize;

/// Build provenance recorded in `manifest.json` and the SLSA provenance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuildInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci: Option<CiRun>,
}

/// One CI run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CiRun {
    /// `github-actions`, `gitlab-ci`, `jenkins` or `azure-pipelines`.
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner: Option<String>,
}

impl BuildInfo {
    /// Reads the CI environment through `env`, then fills what is missing from the git checkout
    /// at or above `root`.
    pub fn detect(root: &Path, env: &dyn Fn(&str) -> Option<String>) -> BuildInfo {
        let mut info = from_ci(env);
        if info.commit.is_none() || info.git_ref.is_none() {
            if let Some((commit, git_ref)) = read_git_head(root) {
                info.commit = info.commit.or(commit);
                info.git_ref = info.git_ref.or(git_ref);
            }
        }
        info
    }
}

fn from_ci(env: &dyn Fn(&str) -> Option<String>) -> BuildInfo {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    if get("GITHUB_ACTIONS").as_deref() == Some("true") {
        let server = get("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into());
        let repo = get("GITHUB_REPOSITORY").map(|r| format!("{server}/{r}"));
        let run_id = get("GITHUB_RUN_ID");
        let run_url = repo.as_ref().zip(run_id.as_ref()).map(|(r, id)| {
            let attempt = get("GITHUB_RUN_ATTEMPT")
                .map(|a| format!("/attempts/{a}"))
                .unwrap_or_default();
            format!("{r}/actions/runs/{id}{attempt}")
        });
        return BuildInfo {
            repository: repo,
            commit: get("GITHUB_SHA"),
            git_ref: get("GITHUB_REF"),
            ci: Some(CiRun {
                provider: "github-actions".into(),
                run_id,
                run_url,
                runner: get("RUNNER_NAME"),
            }),
        };
    }
    if get("GITLAB_CI").as_deref() == Some("true") {
        return BuildInfo {
            repository: get("CI_PROJECT_URL"),
            commit: get("CI_COMMIT_SHA"),
            git_ref: get("CI_COMMIT_REF_NAME"),
            ci: Some(CiRun {
                provider: "gitlab-ci".into(),
                run_id: get("CI_PIPELINE_ID"),
                run_url: get("CI_PIPELINE_URL").or_else(|| get("CI_JOB_URL")),
                runner: get("CI_RUNNER_DESCRIPTION").or_else(|| get("CI_RUNNER_ID")),
            }),
        };
    }
    if get("JENKINS_URL").is_some() {
        return BuildInfo {
            repository: get("GIT_URL"),
            commit: get("GIT_COMMIT"),
            git_ref: get("GIT_BRANCH"),
            ci: Some(CiRun {
                provider: "jenkins".into(),
                run_id: get("BUILD_TAG").or_else(|| get("BUILD_NUMBER")),
                run_url: get("BUILD_URL"),
                runner: get("NODE_NAME"),
            }),
        };
    }
    if get("TF_BUILD").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        let run_id = get("BUILD_BUILDID");
        let run_url = match (
            get("SYSTEM_COLLECTIONURI"),
            get("SYSTEM_TEAMPROJECT"),
            &run_id,
        ) {
            (Some(c), Some(p), Some(id)) => Some(format!("{c}{p}/_build/results?buildId={id}")),
            _ => None,
        };
        return BuildInfo {
            repository: get("BUILD_REPOSITORY_URI"),
            commit: get("BUILD_SOURCEVERSION"),
            git_ref: get("BUILD_SOURCEBRANCH"),
            ci: Some(CiRun {
                provider: "azure-pipelines".into(),
                run_id,
                run_url,
                runner: get("AGENT_NAME"),
            }),
        };
    }
    BuildInfo::default()
}

/// Commit and ref of the checkout containing `start`, read from `.git` without running git.
fn read_git_head(start: &Path) -> Option<(Option<String>, Option<String>)> {
    let mut dir = start.canonicalize().ok()?;
    let git = loop {
        let candidate = dir.join(".git");
        if candidate.is_dir() {
            break candidate;
        }
        if candidate.is_file() {
            // A worktree or submodule: `gitdir: <path>`.
            let text = std::fs::read_to_string(&candidate).ok()?;
            let p = text.strip_prefix("gitdir:")?.trim();
            break dir.join(p);
        }
        dir = dir.parent()?.to_path_buf();
    };
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(refname) = head.strip_prefix("ref:").map(str::trim) else {
        return Some((Some(head.to_string()), None));
    };
    // Loose refs live in the common dir for worktrees.
    let common = std::fs::read_to_string(git.join("commondir"))
        .map(|c| git.join(c.trim()))
        .unwrap_or_else(|_| git.clone());
    let commit = [&git, &common]
        .iter()
        .find_map(|g| std::fs::read_to_string(g.join(refname)).ok())
        .map(|s| s.trim().to_string())
        .or_else(|| {
            let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
            packed
                .lines()
                .find_map(|l| l.strip_suffix(refname).map(|h| h.trim().to_string()))
        });
    Some((commit, Some(refname.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn github_actions() {
        let e = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REPOSITORY", "acme/router"),
            ("GITHUB_SHA", "abc"),
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_RUN_ATTEMPT", "2"),
            ("RUNNER_NAME", "r1"),
        ]);
        let b = from_ci(&e);
        assert_eq!(
            b.repository.as_deref(),
            Some("https://github.com/acme/router")
        );
        let ci = b.ci.expect("ci");
        assert_eq!(
            ci.run_url.as_deref(),
            Some("https://github.com/acme/router/actions/runs/42/attempts/2")
        );
        assert_eq!(ci.runner.as_deref(), Some("r1"));
    }

    #[test]
    fn gitlab_jenkins_azure() {
        let g = from_ci(&env(&[
            ("GITLAB_CI", "true"),
            ("CI_PIPELINE_ID", "7"),
            ("CI_PIPELINE_URL", "u"),
        ]));
        assert_eq!(g.ci.expect("ci").provider, "gitlab-ci");
        let j = from_ci(&env(&[
            ("JENKINS_URL", "http://j/"),
            ("BUILD_URL", "http://j/job/1/"),
            ("GIT_COMMIT", "c"),
        ]));
        assert_eq!(j.commit.as_deref(), Some("c"));
        let a = from_ci(&env(&[
            ("TF_BUILD", "True"),
            ("BUILD_BUILDID", "9"),
            ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/acme/"),
            ("SYSTEM_TEAMPROJECT", "p"),
        ]));
        assert_eq!(
            a.ci.expect("ci").run_url.as_deref(),
            Some("https://dev.azure.com/acme/p/_build/results?buildId=9")
        );
        assert_eq!(from_ci(&env(&[])), BuildInfo::default());
    }

    #[test]
    fn reads_a_real_checkout() {
        let dir = std::env::temp_dir().join(format!("proven-build-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("tmp");
        let git = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .args([
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@t",
                    "-c",
                    "init.defaultBranch=main",
                ])
                .args(args)
                .current_dir(&dir)
                .output()
                .expect("git runs");
            String::from_utf8_lossy(&ok.stdout).trim().to_string()
        };
        git(&["init", "-q"]);
        std::fs::write(dir.join("a"), "a").expect("write");
        git(&["add", "a"]);
        git(&["commit", "-qm", "a"]);
        let head = git(&["rev-parse", "HEAD"]);
        let b = BuildInfo::detect(&dir, &|_| None);
        assert_eq!(b.commit.as_deref(), Some(head.as_str()));
        assert_eq!(b.git_ref.as_deref(), Some("refs/heads/main"));
        git(&["pack-refs", "--all"]);
        assert_eq!(
            BuildInfo::detect(&dir, &|_| None).commit.as_deref(),
            Some(head.as_str()),
            "packed refs"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
